/**
 * Messaging streaming configurations: Get/Put/DeleteMessagingStreamingConfigurations,
 * which name the Kinesis data streams an AppInstance exports its `Channel` and
 * `ChannelMessage` data to. AppInstance-level calls: no bearer, as in the API.
 *
 * The local service stores and returns the configurations but delivers
 * nothing to Kinesis (there is no Kinesis here); consumers of the stream are
 * out of its scope. What the developer guide ("Streaming messaging data")
 * requires of a stream and can be seen in its ARN is checked: a Kinesis
 * stream in the AppInstance's account and region whose name starts with
 * `chime-messaging-`. Shard count and server-side encryption cannot be seen
 * and are not checked.
 */
import type {
  DeleteMessagingStreamingConfigurationsRequest,
  GetMessagingStreamingConfigurationsRequest,
  GetMessagingStreamingConfigurationsResponse,
  PutMessagingStreamingConfigurationsRequest,
  PutMessagingStreamingConfigurationsResponse,
  StreamingConfiguration,
} from '@aws-sdk/client-chime-sdk-messaging';
import { badRequest, notFound } from '../errors';
import { assertChimeArn } from './arns';
import { Backend } from './backend';
import { requireAppInstance } from './identity';
import { OperationTable, Output } from './operation';
import { assertEnum } from './validate';

const DATA_TYPES = ['Channel', 'ChannelMessage'] as const;
/** StreamingConfigurationList: 1..2 (the model), one per data type. */
const MAX_CONFIGURATIONS = 2;
const STREAM_PREFIX = 'chime-messaging-';
const KINESIS_STREAM_ARN = /^arn:[^:]+:kinesis:([^:]+):(\d{12}):stream\/(.+)$/;
const APP_INSTANCE_ARN = /^arn:[^:]+:chime:([^:]*):([^:]*):app-instance\//;

/** Checks a ResourceArn against the guide's prerequisites for the AppInstance's stream. */
function assertStreamArn(name: string, arn: string | undefined, appInstanceArn: string): void {
  if (arn === undefined) throw badRequest(`${name} is required.`);
  assertChimeArn(name, arn);
  const stream = KINESIS_STREAM_ARN.exec(arn);
  if (!stream) throw badRequest(`${name} must be the ARN of a Kinesis data stream (arn:aws:kinesis:<region>:<account>:stream/<name>), got "${arn.slice(0, 100)}".`);
  const [, region, account, streamName] = stream;
  const instance = APP_INSTANCE_ARN.exec(appInstanceArn);
  if (instance && (region !== instance[1] || account !== instance[2])) {
    throw badRequest(`${name} must be a stream in the AppInstance's account ${instance[2]} and region ${instance[1]}, got ${account} and ${region}.`);
  }
  if (!streamName.startsWith(STREAM_PREFIX)) throw badRequest(`${name} must name a stream whose name starts with "${STREAM_PREFIX}", got "${streamName.slice(0, 100)}".`);
}

function checkConfigurations(configurations: StreamingConfiguration[] | undefined, appInstanceArn: string): StreamingConfiguration[] {
  if (!configurations || configurations.length < 1 || configurations.length > MAX_CONFIGURATIONS) {
    throw badRequest(`StreamingConfigurations must hold 1..${MAX_CONFIGURATIONS} configurations, got ${configurations?.length ?? 0}.`);
  }
  const seen = new Set<string>();
  return configurations.map((config, i) => {
    if (config.DataType === undefined) throw badRequest(`StreamingConfigurations[${i}].DataType is required.`);
    assertEnum(`StreamingConfigurations[${i}].DataType`, config.DataType, DATA_TYPES);
    if (seen.has(config.DataType)) throw badRequest(`StreamingConfigurations may name each DataType once; ${config.DataType} appears twice.`);
    seen.add(config.DataType);
    assertStreamArn(`StreamingConfigurations[${i}].ResourceArn`, config.ResourceArn, appInstanceArn);
    return { DataType: config.DataType, ResourceArn: config.ResourceArn };
  });
}

/** The AppInstance's configurations in DataType order. */
function configurationsOf(backend: Backend, appInstanceArn: string): StreamingConfiguration[] {
  return (
    backend
      .statement('SELECT data_type, resource_arn FROM messaging_streaming_configurations WHERE app_instance_arn = ? ORDER BY data_type')
      .all(appInstanceArn) as { data_type: StreamingConfiguration['DataType']; resource_arn: string }[]
  ).map((r) => ({ DataType: r.data_type, ResourceArn: r.resource_arn }));
}

/** NotFound when the AppInstance has no configuration (the model lists NotFoundException). */
function getMessagingStreamingConfigurations(
  backend: Backend,
  input: GetMessagingStreamingConfigurationsRequest,
): Output<GetMessagingStreamingConfigurationsResponse> {
  const instance = requireAppInstance(backend, input.AppInstanceArn as string);
  const configurations = configurationsOf(backend, instance.arn);
  if (configurations.length === 0) throw notFound(`AppInstance ${instance.arn} has no messaging streaming configurations.`);
  return { StreamingConfigurations: configurations };
}

/**
 * Sets the stream of each DataType given; a DataType left out keeps its
 * stream. The guide configures ChannelMessage and Channel with one call each
 * ("you can configure one or both of two data types"), which only works if a
 * call does not wipe the other type. Returns the configurations requested.
 */
function putMessagingStreamingConfigurations(
  backend: Backend,
  input: PutMessagingStreamingConfigurationsRequest,
): Output<PutMessagingStreamingConfigurationsResponse> {
  assertChimeArn('AppInstanceArn', input.AppInstanceArn as string);
  const configurations = checkConfigurations(input.StreamingConfigurations, input.AppInstanceArn as string);
  backend.transaction(() => {
    const instance = requireAppInstance(backend, input.AppInstanceArn as string);
    const upsert = backend.statement(
      `INSERT INTO messaging_streaming_configurations (app_instance_arn, data_type, resource_arn, updated_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (app_instance_arn, data_type) DO UPDATE SET resource_arn = excluded.resource_arn, updated_at = excluded.updated_at`,
    );
    for (const config of configurations) upsert.run(instance.arn, config.DataType, config.ResourceArn, backend.now());
  });
  return { StreamingConfigurations: configurations };
}

/**
 * Deletes every configuration of the AppInstance. Idempotent: the model lists
 * no NotFoundException, so an AppInstance without configurations (or without
 * existence) answers success and changes nothing.
 */
function deleteMessagingStreamingConfigurations(backend: Backend, input: DeleteMessagingStreamingConfigurationsRequest): void {
  const arn = input.AppInstanceArn as string;
  assertChimeArn('AppInstanceArn', arn);
  backend.statement('DELETE FROM messaging_streaming_configurations WHERE app_instance_arn = ?').run(arn);
}

/** Streaming-configuration operations, by AWS operation name. */
export const streamingOperations: OperationTable = {
  GetMessagingStreamingConfigurations: getMessagingStreamingConfigurations,
  PutMessagingStreamingConfigurations: putMessagingStreamingConfigurations,
  DeleteMessagingStreamingConfigurations: deleteMessagingStreamingConfigurations,
};

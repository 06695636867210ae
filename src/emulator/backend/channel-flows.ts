/**
 * Channel flows: CreateChannelFlow, DescribeChannelFlow, UpdateChannelFlow,
 * DeleteChannelFlow, ListChannelFlows, AssociateChannelFlow,
 * DisassociateChannelFlow and ListChannelsAssociatedWithChannelFlow; the
 * processors' ChannelFlowCallback (channel-flow-callback.ts) is in the same
 * table. How messages go through a flow is flow-processing.ts, and how the
 * local service reaches processors is flow-processor.ts.
 *
 * Rules (API reference; choices marked):
 * - Creating, describing, updating, deleting and listing flows are developer
 *   APIs: no ChimeBearer, IAM decides, so locally anyone may.
 * - Processors: 1..3, each with a Lambda ResourceArn, InvocationType ASYNC,
 *   an ExecutionOrder 1..3 and a FallbackAction; two processors with one
 *   ExecutionOrder are a BadRequest (the order would be undefined).
 * - A flow is deleted only when no channel is associated with it ("This API
 *   works only when the channel flow is not associated with any channel"):
 *   otherwise ConflictException.
 * - Associate and Disassociate: AppInstanceAdmins and channel moderators
 *   only. "You can only associate a channel with one channel flow": another
 *   flow on an associated channel is a Conflict; the same flow again changes
 *   nothing. A flow of another AppInstance is a BadRequest; disassociating a
 *   flow the channel does not have is NotFound. Neither publishes a session
 *   event (Chime documents none) nor changes the channel's LastUpdatedTimestamp.
 * - An unknown flow (or AppInstance) is NotFound although the model lists no
 *   NotFoundException for these calls: there is nothing to act on, as
 *   identity.ts answers for AppInstances.
 * - Listings are keyset pages: flows in creation order, associated channels
 *   in ARN order (association time is not kept).
 */
import type {
  AssociateChannelFlowRequest,
  ChannelFlow,
  CreateChannelFlowRequest,
  CreateChannelFlowResponse,
  DeleteChannelFlowRequest,
  DescribeChannelFlowRequest,
  DescribeChannelFlowResponse,
  DisassociateChannelFlowRequest,
  ListChannelFlowsRequest,
  ListChannelFlowsResponse,
  ListChannelsAssociatedWithChannelFlowRequest,
  ListChannelsAssociatedWithChannelFlowResponse,
  Processor,
  UpdateChannelFlowRequest,
  UpdateChannelFlowResponse,
} from '@aws-sdk/client-chime-sdk-messaging';
import { badRequest, conflict, notFound } from '../errors';
import { ChannelRow } from '../store/rows';
import { channelAccess, requireModeratorOrAdmin } from './access';
import { assertChimeArn, childArn } from './arns';
import { Backend } from './backend';
import { channelFlowCallbackOperations } from './channel-flow-callback';
import { idempotent } from './idempotency';
import { requireAppInstance } from './identity';
import { keysetPage, pageRequest } from './keyset-page';
import { OperationTable, Output } from './operation';
import { deleteTags, putTags } from './tags';
import { assertClientRequestToken, assertEnum, assertLength, assertPattern, assertRange, RESOURCE_NAME } from './validate';

/** A row of `channel_flows` (migration 4). */
interface ChannelFlowRow {
  arn: string;
  app_instance_arn: string;
  name: string;
  processors_json: string;
  created_at: number;
  updated_at: number;
}

/** The model's LambdaFunctionArn pattern (15..2048 characters). */
const LAMBDA_FUNCTION_ARN = /^arn:aws:lambda:[a-z]{2}-[a-z]+-\d{1}:\d{12}:function:[a-zA-Z0-9\-_.]+(:(\$LATEST|[a-zA-Z0-9\-_]+))?$/;
const INVOCATION_TYPES = ['ASYNC'] as const;
const FALLBACK_ACTIONS = ['CONTINUE', 'ABORT'] as const;

// ---------------------------------------------------------------- validation

/** A NonEmptyResourceName (flow and processor names): required, 1..256 characters. */
function assertName(parameter: string, name: string | undefined): void {
  if (name === undefined) throw badRequest(`${parameter} is required.`);
  assertLength(parameter, name, 1, 256);
  assertPattern(parameter, name, RESOURCE_NAME);
}

/** Checks a ProcessorList and returns it in ExecutionOrder, with only the model's members. */
function checkedProcessors(processors: Processor[] | undefined): Processor[] {
  if (!processors || processors.length < 1 || processors.length > 3) {
    throw badRequest(`Processors must hold 1..3 processors, got ${processors?.length ?? 0}.`);
  }
  const checked = processors.map((p, i): Processor => {
    const at = `Processors[${i}]`;
    assertName(`${at}.Name`, p.Name);
    const lambda = p.Configuration?.Lambda;
    if (!lambda) throw badRequest(`${at}.Configuration.Lambda is required.`);
    const arn = lambda.ResourceArn;
    if (arn === undefined) throw badRequest(`${at}.Configuration.Lambda.ResourceArn is required.`);
    assertLength(`${at}.Configuration.Lambda.ResourceArn`, arn, 15, 2048);
    assertPattern(`${at}.Configuration.Lambda.ResourceArn`, arn, LAMBDA_FUNCTION_ARN);
    if (lambda.InvocationType === undefined) throw badRequest(`${at}.Configuration.Lambda.InvocationType is required.`);
    assertEnum(`${at}.Configuration.Lambda.InvocationType`, lambda.InvocationType, INVOCATION_TYPES);
    if (p.ExecutionOrder === undefined) throw badRequest(`${at}.ExecutionOrder is required.`);
    assertRange(`${at}.ExecutionOrder`, p.ExecutionOrder, 1, 3);
    if (p.FallbackAction === undefined) throw badRequest(`${at}.FallbackAction is required.`);
    assertEnum(`${at}.FallbackAction`, p.FallbackAction, FALLBACK_ACTIONS);
    return {
      Name: p.Name,
      Configuration: { Lambda: { ResourceArn: arn, InvocationType: lambda.InvocationType } },
      ExecutionOrder: p.ExecutionOrder,
      FallbackAction: p.FallbackAction,
    };
  });
  const orders = checked.map((p) => p.ExecutionOrder as number);
  const repeated = orders.find((order, i) => orders.indexOf(order) !== i);
  if (repeated !== undefined) throw badRequest(`Processors must each have their own ExecutionOrder; ${repeated} is given twice.`);
  return checked.sort((a, b) => (a.ExecutionOrder as number) - (b.ExecutionOrder as number));
}

// ---------------------------------------------------------------- rows

/** Loads a flow or throws NotFound. */
function requireFlow(backend: Backend, arn: string | undefined): ChannelFlowRow {
  if (arn === undefined) throw badRequest('ChannelFlowArn is required.');
  assertChimeArn('ChannelFlowArn', arn);
  const row = backend.statement('SELECT * FROM channel_flows WHERE arn = ?').get(arn) as ChannelFlowRow | undefined;
  if (!row) throw notFound(`Channel flow ${arn} not found.`);
  return row;
}

function channelFlowOf(row: ChannelFlowRow): ChannelFlow {
  return {
    ChannelFlowArn: row.arn,
    Name: row.name,
    Processors: JSON.parse(row.processors_json) as Processor[],
    CreatedTimestamp: new Date(row.created_at),
    LastUpdatedTimestamp: new Date(row.updated_at),
  };
}

// ---------------------------------------------------------------- operations

function createChannelFlow(backend: Backend, input: CreateChannelFlowRequest): Output<CreateChannelFlowResponse> {
  assertName('Name', input.Name);
  const processors = checkedProcessors(input.Processors);
  if (input.ClientRequestToken === undefined) throw badRequest('ClientRequestToken is required.');
  assertClientRequestToken(input.ClientRequestToken);
  const instance = input.AppInstanceArn as string;
  assertChimeArn('AppInstanceArn', instance);
  return backend.transaction(() => {
    requireAppInstance(backend, instance);
    return idempotent(backend, `CreateChannelFlow|${instance}`, input.ClientRequestToken, input, () => {
      const arn = childArn(instance, 'channel-flow', backend.newId());
      const now = backend.now();
      backend
        .statement('INSERT INTO channel_flows (arn, app_instance_arn, name, processors_json, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)')
        .run(arn, instance, input.Name, JSON.stringify(processors), now, now);
      putTags(backend, arn, input.Tags);
      return { ChannelFlowArn: arn };
    });
  });
}

function describeChannelFlow(backend: Backend, input: DescribeChannelFlowRequest): Output<DescribeChannelFlowResponse> {
  return { ChannelFlow: channelFlowOf(requireFlow(backend, input.ChannelFlowArn)) };
}

/** Replaces the name and processors; messages already in processing keep the processors they started with. */
function updateChannelFlow(backend: Backend, input: UpdateChannelFlowRequest): Output<UpdateChannelFlowResponse> {
  assertName('Name', input.Name);
  const processors = checkedProcessors(input.Processors);
  return backend.transaction(() => {
    const flow = requireFlow(backend, input.ChannelFlowArn);
    backend
      .statement('UPDATE channel_flows SET name = ?, processors_json = ?, updated_at = ? WHERE arn = ?')
      .run(input.Name, JSON.stringify(processors), backend.now(), flow.arn);
    return { ChannelFlowArn: flow.arn };
  });
}

function deleteChannelFlow(backend: Backend, input: DeleteChannelFlowRequest): void {
  backend.transaction(() => {
    const flow = requireFlow(backend, input.ChannelFlowArn);
    const associated = backend.statement('SELECT arn FROM channels WHERE channel_flow_arn = ? LIMIT 1').get(flow.arn) as { arn: string } | undefined;
    if (associated) {
      throw conflict(`Channel flow ${flow.arn} is associated with channel ${associated.arn}; disassociate it from every channel before deleting it.`);
    }
    backend.statement('DELETE FROM channel_flows WHERE arn = ?').run(flow.arn);
    deleteTags(backend, flow.arn);
  });
}

function listChannelFlows(backend: Backend, input: ListChannelFlowsRequest): Output<ListChannelFlowsResponse> {
  const page = pageRequest(input);
  const instance = input.AppInstanceArn as string;
  requireAppInstance(backend, instance);
  const { rows, NextToken } = keysetPage<ChannelFlowRow>(backend, {
    scope: `ListChannelFlows|${instance}`,
    from: 'channel_flows',
    where: ['app_instance_arn = ?'],
    params: [instance],
    keys: ['created_at', 'arn'],
    page,
  });
  return {
    ChannelFlows: rows.map((row) => ({ ChannelFlowArn: row.arn, Name: row.name, Processors: JSON.parse(row.processors_json) as Processor[] })),
    NextToken,
  };
}

/** The channel as it is inside the transaction (the access check read it before). */
function currentFlowOf(backend: Backend, channelArn: string): string | null {
  return (backend.statement('SELECT channel_flow_arn FROM channels WHERE arn = ?').get(channelArn) as Pick<ChannelRow, 'channel_flow_arn'>).channel_flow_arn;
}

function associateChannelFlow(backend: Backend, input: AssociateChannelFlowRequest): void {
  const access = channelAccess(backend, input.ChannelArn as string, input.ChimeBearer);
  requireModeratorOrAdmin(access, 'associate a channel flow with the channel');
  const channel = access.channel;
  backend.transaction(() => {
    const flow = requireFlow(backend, input.ChannelFlowArn);
    if (flow.app_instance_arn !== channel.app_instance_arn) {
      throw badRequest(`Channel flow ${flow.arn} belongs to AppInstance ${flow.app_instance_arn}, not to ${channel.app_instance_arn} of channel ${channel.arn}.`);
    }
    const current = currentFlowOf(backend, channel.arn);
    if (current === flow.arn) return;
    if (current !== null) throw conflict(`Channel ${channel.arn} is already associated with channel flow ${current}; a channel has one flow at most.`);
    backend.statement('UPDATE channels SET channel_flow_arn = ? WHERE arn = ?').run(flow.arn, channel.arn);
  });
}

/** Messages already in processing finish with the processors they started with. */
function disassociateChannelFlow(backend: Backend, input: DisassociateChannelFlowRequest): void {
  const access = channelAccess(backend, input.ChannelArn as string, input.ChimeBearer);
  requireModeratorOrAdmin(access, 'disassociate a channel flow from the channel');
  const flowArn = input.ChannelFlowArn as string;
  assertChimeArn('ChannelFlowArn', flowArn);
  backend.transaction(() => {
    if (currentFlowOf(backend, access.channel.arn) !== flowArn) {
      throw notFound(`Channel ${access.channel.arn} is not associated with channel flow ${flowArn}.`);
    }
    backend.statement('UPDATE channels SET channel_flow_arn = NULL WHERE arn = ?').run(access.channel.arn);
  });
}

function listChannelsAssociatedWithChannelFlow(
  backend: Backend,
  input: ListChannelsAssociatedWithChannelFlowRequest,
): Output<ListChannelsAssociatedWithChannelFlowResponse> {
  const page = pageRequest(input);
  const flow = requireFlow(backend, input.ChannelFlowArn);
  const { rows, NextToken } = keysetPage<ChannelRow>(backend, {
    scope: `ListChannelsAssociatedWithChannelFlow|${flow.arn}`,
    from: 'channels',
    where: ['channel_flow_arn = ?'],
    params: [flow.arn],
    keys: ['arn'],
    page,
  });
  return {
    Channels: rows.map((row) => ({ Name: row.name, ChannelArn: row.arn, Mode: row.mode, Privacy: row.privacy, Metadata: row.metadata ?? undefined })),
    NextToken,
  };
}

/** Channel-flow operations, by AWS operation name. */
export const channelFlowOperations: OperationTable = {
  CreateChannelFlow: createChannelFlow,
  DescribeChannelFlow: describeChannelFlow,
  UpdateChannelFlow: updateChannelFlow,
  DeleteChannelFlow: deleteChannelFlow,
  ListChannelFlows: listChannelFlows,
  AssociateChannelFlow: associateChannelFlow,
  DisassociateChannelFlow: disassociateChannelFlow,
  ListChannelsAssociatedWithChannelFlow: listChannelsAssociatedWithChannelFlow,
  ...channelFlowCallbackOperations,
};

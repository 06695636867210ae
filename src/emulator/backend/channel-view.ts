/**
 * A channel row as the API shows it: the `Channel` of DescribeChannel, the
 * `ChannelSummary` of the List calls, and the payload of the CREATE_CHANNEL /
 * UPDATE_CHANNEL / DELETE_CHANNEL session events. One place, so every
 * operation that returns a channel returns the same fields.
 */
import type { Channel, ChannelSummary, ElasticChannelConfiguration, ExpirationSettings } from '@aws-sdk/client-chime-sdk-messaging';
import { ChannelRow } from '../store/rows';
import { Backend } from './backend';
import { ChannelEvent, isoTime } from './events';
import { identityOf } from './membership-store';

/** The channel's ExpirationSettings, or undefined when it never expires. */
export function expirationSettingsOf(row: ChannelRow): ExpirationSettings | undefined {
  if (row.expiration_criterion === null || row.expiration_days === null) return undefined;
  return { ExpirationCriterion: row.expiration_criterion as ExpirationSettings['ExpirationCriterion'], ExpirationDays: row.expiration_days };
}

/** The ElasticChannelConfiguration of an elastic channel, or undefined for a standard one. */
export function elasticConfigurationOf(row: ChannelRow): ElasticChannelConfiguration | undefined {
  return row.elastic_json ? (JSON.parse(row.elastic_json) as ElasticChannelConfiguration) : undefined;
}

const timeOf = (ms: number | null): Date | undefined => (ms === null ? undefined : new Date(ms));

/** The `ChannelSummary` of ListChannels and the other channel listings. */
export function channelSummaryOf(row: ChannelRow): ChannelSummary {
  return {
    Name: row.name,
    ChannelArn: row.arn,
    Mode: row.mode,
    Privacy: row.privacy,
    Metadata: row.metadata ?? undefined,
    LastMessageTimestamp: timeOf(row.last_message_at),
  };
}

/** The full `Channel` (DescribeChannel): the summary's fields and the rest. */
export function channelOf(backend: Backend, row: ChannelRow): Channel {
  return {
    ...channelSummaryOf(row),
    CreatedBy: identityOf(backend, row.created_by),
    CreatedTimestamp: new Date(row.created_at),
    LastUpdatedTimestamp: new Date(row.updated_at),
    ChannelFlowArn: row.channel_flow_arn ?? undefined,
    ElasticChannelConfiguration: elasticConfigurationOf(row),
    ExpirationSettings: expirationSettingsOf(row),
  };
}

/** The channel as a session-event payload: the `Channel` fields with ISO 8601 timestamps. */
export function channelPayload(backend: Backend, row: ChannelRow): Record<string, unknown> {
  const channel = channelOf(backend, row);
  return {
    ...channel,
    CreatedTimestamp: isoTime(row.created_at),
    LastMessageTimestamp: isoTime(row.last_message_at),
    LastUpdatedTimestamp: isoTime(row.updated_at),
  };
}

/** A SYSTEM channel event carrying the channel's payload, for the given recipients. */
export function channelEvent(
  backend: Backend,
  eventType: 'CREATE_CHANNEL' | 'UPDATE_CHANNEL' | 'DELETE_CHANNEL',
  row: ChannelRow,
  recipients: readonly string[],
): ChannelEvent {
  return { eventType, messageType: 'SYSTEM', channelArn: row.arn, payload: channelPayload(backend, row), recipients };
}

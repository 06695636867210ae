/**
 * How a stored message row reads on the wire: the API's `ChannelMessage`
 * (GetChannelMessage), `ChannelMessageSummary` (ListChannelMessages), the
 * messaging-session event payload and who receives it. One place, so they
 * never disagree on what a redacted, targeted or pending message shows, and
 * so messages.ts and the channel-flow processing publish the same events.
 */
import type {
  ChannelMessage,
  ChannelMessageStatusStructure,
  ChannelMessageSummary,
  MessageAttributeValue,
  Target,
} from '@aws-sdk/client-chime-sdk-messaging';
import { MessageRow } from '../store/rows';
import { channelRecipients } from './access';
import { Backend } from './backend';
import { ChannelEvent, isoTime } from './events';
import { subChannelRecipients } from './membership-store';

/** A message row with its sender's display name (joined from users or bots). */
export type MessageWithSender = MessageRow & { sender_name: string };

/** The columns a ChannelMessageSummary shows, which is all a listing reads. */
export type MessageSummaryRow = Pick<
  MessageWithSender,
  | 'seq'
  | 'message_id'
  | 'content'
  | 'metadata'
  | 'type'
  | 'created_at'
  | 'updated_at'
  | 'edited_at'
  | 'sender_arn'
  | 'sender_name'
  | 'redacted'
  | 'status_json'
  | 'attributes_json'
  | 'content_type'
  | 'target_json'
>;

/** The status of every message sent to a channel without a channel flow, and of every processed one. */
export const SENT_STATUS: Readonly<ChannelMessageStatusStructure> = { Value: 'SENT' };
/** SENT_STATUS as stored in `status_json`. */
export const SENT_STATUS_JSON = JSON.stringify(SENT_STATUS);
/** The status of a message its channel flow's processors have not finished with. */
export const PENDING_STATUS: Readonly<ChannelMessageStatusStructure> = { Value: 'PENDING' };
/** PENDING_STATUS as stored in `status_json`. */
export const PENDING_STATUS_JSON = JSON.stringify(PENDING_STATUS);

/** A stored `status_json` as the API's status structure (a row written before statuses existed is SENT). */
export function statusOf(json: string | null): ChannelMessageStatusStructure {
  if (json === null || json === SENT_STATUS_JSON) return SENT_STATUS;
  return JSON.parse(json) as ChannelMessageStatusStructure;
}

/**
 * True if everyone who may read the channel may see the message: SENT. A
 * PENDING or FAILED one (channel flows) is its sender's alone; DENIED ones
 * are not kept ("we don't store them").
 */
export function isSent(row: Pick<MessageRow, 'status_json'>): boolean {
  return row.status_json === null || row.status_json === SENT_STATUS_JSON;
}

function parsed<T>(json: string | null): T | undefined {
  return json === null ? undefined : (JSON.parse(json) as T);
}

/** The fields the three views share, timestamps as `Date`. */
function common(row: MessageSummaryRow): ChannelMessageSummary {
  // A redacted message keeps its place in history but shows empty content and
  // no metadata ("Redacted messages appear in the results as empty").
  const redacted = row.redacted !== 0;
  return {
    MessageId: row.message_id,
    Content: redacted ? '' : row.content,
    Metadata: redacted ? undefined : row.metadata ?? undefined,
    Type: row.type,
    CreatedTimestamp: new Date(row.created_at),
    LastUpdatedTimestamp: new Date(row.updated_at),
    LastEditedTimestamp: row.edited_at === null ? undefined : new Date(row.edited_at),
    Sender: { Arn: row.sender_arn, Name: row.sender_name },
    Redacted: redacted,
    Status: statusOf(row.status_json),
    MessageAttributes: parsed<Record<string, MessageAttributeValue>>(row.attributes_json),
    ContentType: row.content_type ?? undefined,
    Target: parsed<Target[]>(row.target_json),
  };
}

/** The `ChannelMessage` of GetChannelMessage. */
export function channelMessageOf(row: MessageWithSender): ChannelMessage {
  return {
    ChannelArn: row.channel_arn,
    ...common(row),
    Persistence: row.persistence,
    SubChannelId: row.sub_channel_id ?? undefined,
  };
}

/** One entry of ListChannelMessages. */
export function channelMessageSummaryOf(row: MessageSummaryRow): ChannelMessageSummary {
  return common(row);
}

/** The session-event payload: the `ChannelMessage` fields with ISO 8601 timestamps, absent fields left out. */
export function messagePayload(row: MessageWithSender): Record<string, unknown> {
  const message = channelMessageOf(row);
  const payload: Record<string, unknown> = {
    ...message,
    CreatedTimestamp: isoTime(row.created_at),
    LastUpdatedTimestamp: isoTime(row.updated_at),
    LastEditedTimestamp: isoTime(row.edited_at),
  };
  for (const key of Object.keys(payload)) if (payload[key] === undefined) delete payload[key];
  return payload;
}

/**
 * Who hears about a message: only its sender while it is not SENT (channel
 * flows); only sender and target of a targeted one; in a sub-channel of an
 * elastic channel, that sub-channel's members; else the channel's members at
 * the time of the write.
 */
export function messageRecipients(backend: Backend, row: MessageRow): string[] {
  if (!isSent(row)) return [row.sender_arn];
  if (row.target_json !== null) {
    const target = (JSON.parse(row.target_json) as Target[])[0]?.MemberArn;
    return target === undefined || target === row.sender_arn ? [row.sender_arn] : [row.sender_arn, target];
  }
  if (row.sub_channel_id !== null) return subChannelRecipients(backend, row.channel_arn, row.sub_channel_id);
  return channelRecipients(backend, row.channel_arn);
}

/**
 * A message event (CREATE_CHANNEL_MESSAGE, PENDING_UPDATE_CHANNEL_MESSAGE, ...)
 * of the row as it now reads. The payload is built on first read, from a
 * copy of the row taken now: most sends reach no open session, and building
 * it eagerly cost ~8% of a send's backend time.
 */
export function messageEvent(eventType: string, row: MessageWithSender, recipients: readonly string[]): ChannelEvent {
  const snapshot = { ...row };
  let payload: Record<string, unknown> | undefined;
  return {
    eventType,
    messageType: row.type,
    persistence: row.persistence,
    channelArn: row.channel_arn,
    get payload() {
      return (payload ??= messagePayload(snapshot));
    },
    recipients,
  };
}

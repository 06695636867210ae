/**
 * How a stored message row reads on the wire: the API's `ChannelMessage`
 * (GetChannelMessage), `ChannelMessageSummary` (ListChannelMessages) and the
 * messaging-session event payload. One place, so the three never disagree on
 * what a redacted or targeted message shows.
 */
import type {
  ChannelMessage,
  ChannelMessageStatusStructure,
  ChannelMessageSummary,
  MessageAttributeValue,
  Target,
} from '@aws-sdk/client-chime-sdk-messaging';
import { MessageRow } from '../store/rows';
import { isoTime } from './events';

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

/** The status of every message sent to a channel without a channel flow. */
export const SENT_STATUS: Readonly<ChannelMessageStatusStructure> = { Value: 'SENT' };
/** SENT_STATUS as stored in `status_json`. */
export const SENT_STATUS_JSON = JSON.stringify(SENT_STATUS);

function status(json: string | null): ChannelMessageStatusStructure {
  if (json === null || json === SENT_STATUS_JSON) return SENT_STATUS;
  return JSON.parse(json) as ChannelMessageStatusStructure;
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
    Status: status(row.status_json),
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

/**
 * `prefetch-on=connect`: the CHANNEL_DETAILS payloads a session receives
 * right after SESSION_ESTABLISHED, one per channel of the user (up to 50).
 *
 * The payload's shape is not publicly documented. It mirrors
 * `ChannelMembershipForAppInstanceUserSummary` (ListChannelMembershipsForAppInstanceUser)
 * plus the channel's latest messages:
 * `{ChannelSummary, AppInstanceUserMembershipSummary: {Type, ReadMarkerTimestamp, SubChannelId}, ChannelMessages}`,
 * where ChannelMessages holds up to 50 `ChannelMessageSummary` entries, newest
 * first (ListChannelMessages' default order), as the user may see them
 * (targeted messages only for their sender and target; elastic channels only
 * the member's sub-channel). Timestamps are ISO 8601, as in every payload.
 */
import type { Statement } from 'better-sqlite3';
import { Backend } from '../backend/backend';
import { isoTime } from '../backend/events';
import { channelMessageSummaryOf, MessageWithSender } from '../backend/message-view';
import { ChannelRow, MembershipRow } from '../store/rows';

/** `prefetch-sort-by` values. */
export type PrefetchSort = 'unread' | 'last-message-timestamp';

/** How many channels, and messages per channel, a prefetch carries. */
export const PREFETCH_LIMIT = 50;

type MembershipOfChannel = ChannelRow & Pick<MembershipRow, 'type' | 'read_marker_at' | 'sub_channel_id'>;

interface PrefetchStatements {
  channels: Record<PrefetchSort, Statement>;
  messages: Statement;
}

const prepared = new WeakMap<Backend, PrefetchStatements>();

// Channels without messages go last, newest-created first; the ARN breaks ties so the order is stable.
const BY_LAST_MESSAGE = 'c.last_message_at IS NULL, c.last_message_at DESC, c.created_at DESC, c.arn';
// "Unread" = a message newer than the read marker (or any message when there is no marker).
const UNREAD_FIRST = `(c.last_message_at IS NOT NULL AND (m.read_marker_at IS NULL OR c.last_message_at > m.read_marker_at)) DESC, ${BY_LAST_MESSAGE}`;

function statements(backend: Backend): PrefetchStatements {
  let s = prepared.get(backend);
  if (s) return s;
  const channels = (order: string) =>
    backend.db.prepare(
      `SELECT c.*, m.type, m.read_marker_at, m.sub_channel_id
         FROM channel_memberships m JOIN channels c ON c.arn = m.channel_arn
        WHERE m.member_arn = ? ORDER BY ${order} LIMIT ${PREFETCH_LIMIT}`,
    );
  s = {
    channels: { unread: channels(UNREAD_FIRST), 'last-message-timestamp': channels(BY_LAST_MESSAGE) },
    messages: backend.db.prepare(
      `SELECT m.*, COALESCE(u.name, b.name, '') AS sender_name
         FROM channel_messages m
         LEFT JOIN app_instance_users u ON u.arn = m.sender_arn
         LEFT JOIN app_instance_bots b ON b.arn = m.sender_arn
        WHERE m.channel_arn = @channel AND m.sub_channel_id IS @subChannel
          AND (m.target_json IS NULL OR m.sender_arn = @user OR json_extract(m.target_json, '$[0].MemberArn') = @user)
          -- Messages still in a channel flow (or failed in one) are their sender's alone.
          AND (m.status_json IS NULL OR json_extract(m.status_json, '$.Value') = 'SENT' OR m.sender_arn = @user)
        ORDER BY m.created_at DESC, m.seq DESC LIMIT ${PREFETCH_LIMIT}`,
    ),
  };
  prepared.set(backend, s);
  return s;
}

/** The CHANNEL_DETAILS payloads for `userArn`, in the requested order. */
export function channelDetails(backend: Backend, userArn: string, sort: PrefetchSort): Record<string, unknown>[] {
  const s = statements(backend);
  return (s.channels[sort].all(userArn) as MembershipOfChannel[]).map((row) => {
    const messages = s.messages.all({ channel: row.arn, subChannel: row.sub_channel_id, user: userArn }) as MessageWithSender[];
    return {
      ChannelSummary: compact({
        Name: row.name,
        ChannelArn: row.arn,
        Mode: row.mode,
        Privacy: row.privacy,
        Metadata: row.metadata ?? undefined,
        LastMessageTimestamp: isoTime(row.last_message_at),
      }),
      AppInstanceUserMembershipSummary: compact({
        Type: row.type,
        ReadMarkerTimestamp: isoTime(row.read_marker_at),
        SubChannelId: row.sub_channel_id ?? undefined,
      }),
      ChannelMessages: messages.map((message) =>
        compact({
          ...channelMessageSummaryOf(message),
          CreatedTimestamp: isoTime(message.created_at),
          LastUpdatedTimestamp: isoTime(message.updated_at),
          LastEditedTimestamp: isoTime(message.edited_at),
        }),
      ),
    };
  });
}

/** Leaves absent members out of the JSON, as AWS does. */
function compact(record: Record<string, unknown>): Record<string, unknown> {
  for (const key of Object.keys(record)) if (record[key] === undefined) delete record[key];
  return record;
}

/**
 * The one place memberships and moderators are written, so CreateChannel
 * (MemberArns, ModeratorArns, the creator), CreateChannelMembership and
 * BatchCreateChannelMembership apply the same rules and publish the same
 * session events.
 */
import { ChannelRow, MembershipRow } from '../store/rows';
import { Backend } from './backend';
import { ChannelEvent, isoTime } from './events';

/** Membership type: HIDDEN members are listed only when asked for by type. */
export type MembershipType = 'DEFAULT' | 'HIDDEN';

/** The Member object of payloads and API outputs: ARN and display name. */
export function identityOf(backend: Backend, arn: string): { Arn: string; Name: string } {
  const row = (backend.db.prepare('SELECT name FROM app_instance_users WHERE arn = ?').get(arn) ??
    backend.db.prepare('SELECT name FROM app_instance_bots WHERE arn = ?').get(arn)) as { name: string | null } | undefined;
  return { Arn: arn, Name: row?.name ?? '' };
}

/**
 * Inserts a membership (call inside a transaction, after the rules are
 * checked). Returns the row, or undefined when the member already belonged
 * (adding an existing member is not an error in Chime, and changes nothing).
 */
export function insertMembership(
  backend: Backend,
  channel: ChannelRow,
  memberArn: string,
  type: MembershipType,
  invitedBy: string,
  subChannelId?: string,
): MembershipRow | undefined {
  const now = backend.now();
  const result = backend.db
    .prepare(
      `INSERT OR IGNORE INTO channel_memberships (channel_arn, member_arn, type, invited_by, created_at, updated_at, sub_channel_id)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(channel.arn, memberArn, type, invitedBy, now, now, subChannelId ?? null);
  if (result.changes === 0) return undefined;
  return {
    channel_arn: channel.arn,
    member_arn: memberArn,
    type,
    invited_by: invitedBy,
    created_at: now,
    updated_at: now,
    read_marker_at: null,
    preferences_json: null,
    sub_channel_id: subChannelId ?? null,
  };
}

/** Inserts a moderator (inside a transaction); returns false if already one. */
export function insertModerator(backend: Backend, channelArn: string, moderatorArn: string, createdBy: string): boolean {
  return (
    backend.db
      .prepare('INSERT OR IGNORE INTO channel_moderators (channel_arn, moderator_arn, created_by, created_at) VALUES (?, ?, ?, ?)')
      .run(channelArn, moderatorArn, createdBy, backend.now()).changes > 0
  );
}

/** The session-event payload of a membership change (`ChannelArn`, `Member`, `InvitedBy`, `Type`, timestamps). */
export function membershipPayload(backend: Backend, row: MembershipRow): Record<string, unknown> {
  return {
    ChannelArn: row.channel_arn,
    Member: identityOf(backend, row.member_arn),
    InvitedBy: identityOf(backend, row.invited_by),
    Type: row.type,
    CreatedTimestamp: isoTime(row.created_at),
    LastUpdatedTimestamp: isoTime(row.updated_at),
    ...(row.sub_channel_id ? { SubChannelId: row.sub_channel_id } : {}),
  };
}

/** A SYSTEM membership event for the given recipients. */
export function membershipEvent(
  eventType: 'CREATE_CHANNEL_MEMBERSHIP' | 'UPDATE_CHANNEL_MEMBERSHIP' | 'DELETE_CHANNEL_MEMBERSHIP' | 'BATCH_CREATE_CHANNEL_MEMBERSHIP',
  channelArn: string,
  payload: Record<string, unknown>,
  recipients: readonly string[],
): ChannelEvent {
  return { eventType, messageType: 'SYSTEM', channelArn, payload, recipients };
}

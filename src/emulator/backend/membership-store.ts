/**
 * The one place memberships and moderators are written, so CreateChannel
 * (MemberArns, ModeratorArns, the creator), CreateChannelMembership and
 * BatchCreateChannelMembership apply the same rules and publish the same
 * session events. Also the checks shared by the membership, moderator and
 * ban operations.
 */
import { badRequest } from '../errors';
import { ChannelRow, MembershipRow } from '../store/rows';
import { channelRecipients } from './access';
import { Backend } from './backend';
import { ChannelEvent, isoTime } from './events';

/** Membership type: HIDDEN members are listed only when asked for by type. */
export type MembershipType = 'DEFAULT' | 'HIDDEN';

/** The Member object of payloads and API outputs: ARN and display name. */
export function identityOf(backend: Backend, arn: string): { Arn: string; Name: string } {
  const row = (backend.statement('SELECT name FROM app_instance_users WHERE arn = ?').get(arn) ??
    backend.statement('SELECT name FROM app_instance_bots WHERE arn = ?').get(arn)) as { name: string | null } | undefined;
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
  const result = backend
    .statement(
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
    backend
      .statement('INSERT OR IGNORE INTO channel_moderators (channel_arn, moderator_arn, created_by, created_at) VALUES (?, ?, ?, ?)')
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

/**
 * Throws BadRequest unless `arn` names an AppInstanceUser or AppInstanceBot
 * of the channel's AppInstance. BadRequest, not NotFound: the model lists no
 * NotFoundException for the operations that add members, moderators or bans.
 */
export function requireChannelIdentity(backend: Backend, channel: ChannelRow, parameter: string, arn: string): void {
  const known =
    backend.statement('SELECT 1 FROM app_instance_users WHERE arn = ? AND app_instance_arn = ?').get(arn, channel.app_instance_arn) ??
    backend.statement('SELECT 1 FROM app_instance_bots WHERE arn = ? AND app_instance_arn = ?').get(arn, channel.app_instance_arn);
  if (!known) {
    throw badRequest(`${parameter} ${arn} is not an AppInstanceUser or AppInstanceBot of the channel's AppInstance ${channel.app_instance_arn}.`);
  }
}

/** True if `arn` is banned from the channel. */
export function isBanned(backend: Backend, channelArn: string, arn: string): boolean {
  return backend.statement('SELECT 1 FROM channel_bans WHERE channel_arn = ? AND member_arn = ?').get(channelArn, arn) !== undefined;
}

/**
 * Who hears about a sub-channel of an elastic channel: its regular members
 * and the moderators who joined it. Events of one sub-channel stay in it.
 */
export function subChannelRecipients(backend: Backend, channelArn: string, subChannelId: string): string[] {
  return (
    backend
      .statement(
        `SELECT member_arn FROM channel_memberships WHERE channel_arn = ? AND sub_channel_id = ?
         UNION SELECT member_arn FROM sub_channel_moderator_memberships WHERE channel_arn = ? AND sub_channel_id = ?`,
      )
      .all(channelArn, subChannelId, channelArn, subChannelId) as { member_arn: string }[]
  ).map((r) => r.member_arn);
}

/** Closes a sub-channel nobody belongs to any more (inside a transaction). */
export function dropEmptySubChannel(backend: Backend, channelArn: string, subChannelId: string): void {
  backend
    .statement(
      `DELETE FROM sub_channels WHERE channel_arn = @channel AND sub_channel_id = @sub
         AND NOT EXISTS (SELECT 1 FROM channel_memberships WHERE channel_arn = @channel AND sub_channel_id = @sub)
         AND NOT EXISTS (SELECT 1 FROM sub_channel_moderator_memberships WHERE channel_arn = @channel AND sub_channel_id = @sub)`,
    )
    .run({ channel: channelArn, sub: subChannelId });
}

/**
 * Deletes a membership (inside a transaction) and returns the
 * DELETE_CHANNEL_MEMBERSHIP event to publish after commit, or undefined if
 * there was none. Recipients are taken before the delete, so the removed
 * member's sessions see their own removal; in an elastic channel they are the
 * member's sub-channel only, and the sub-channel closes if it is left empty.
 * Rebalancing the sub-channel is `settleSubChannel` (sub-channels.ts).
 */
export function removeMembership(backend: Backend, channelArn: string, memberArn: string): ChannelEvent | undefined {
  const row = backend.statement('SELECT * FROM channel_memberships WHERE channel_arn = ? AND member_arn = ?').get(channelArn, memberArn) as
    | MembershipRow
    | undefined;
  if (!row) return undefined;
  const sub = row.sub_channel_id;
  const recipients = sub === null ? channelRecipients(backend, channelArn) : subChannelRecipients(backend, channelArn, sub);
  backend.statement('DELETE FROM channel_memberships WHERE channel_arn = ? AND member_arn = ?').run(channelArn, memberArn);
  if (sub !== null) dropEmptySubChannel(backend, channelArn, sub);
  return membershipEvent('DELETE_CHANNEL_MEMBERSHIP', channelArn, membershipPayload(backend, row), recipients);
}

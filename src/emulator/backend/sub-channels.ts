/**
 * Elastic channels: their sub-channels, who is placed where, membership
 * balancing, and ListSubChannels.
 *
 * The rules, from the Chime SDK developer guide ("Using elastic channels",
 * "Managing elastic channel members", "WebSocket system messages in elastic
 * channels"; summarised in reference/messaging-session.md):
 * - Regular members belong to exactly one sub-channel, which the service
 *   chooses: a SubChannelId on their CreateChannelMembership or
 *   DeleteChannelMembership is a BadRequest.
 * - Moderators join the sub-channels they name (SubChannelId required) and may
 *   be in several; DeleteChannelMembership with a SubChannelId removes one,
 *   without it all of them.
 * - Members fill a sub-channel up to TargetMembershipsPerSubChannel; then a
 *   new one opens, up to MaximumSubChannels. "As users leave, the system
 *   deletes sub-channels and distributes members across the remaining ones."
 * - Membership events stay in their sub-channel; there is no
 *   BATCH_CREATE_CHANNEL_MEMBERSHIP (one CREATE_CHANNEL_MEMBERSHIP per member),
 *   and the UPDATE_CHANNEL_MEMBERSHIP of a transfer reaches only the moved member.
 *
 * Balancing, as implemented (the guide gives the behaviour, not the algorithm):
 * 1. A joining member goes to the open sub-channel with the fewest regular
 *    members below the target (the oldest on a tie). When every one is full, a
 *    new sub-channel opens; with MaximumSubChannels open and full, the channel
 *    is full and the join fails with ResourceLimitExceeded.
 * 2. When a member leaves, their sub-channel is settled: empty of regular
 *    members, it closes; below the minimum, ceil(Target x MinimumMembershipPercentage
 *    / 100), its members move one by one, oldest first, to the least-full other
 *    sub-channel, provided the others have room for all of them (otherwise
 *    nobody moves and new members refill it first), and then it closes.
 * 3. Closing a sub-channel ends the moderators' memberships in it
 *    (DELETE_CHANNEL_MEMBERSHIP to them); moderators are never moved and, as
 *    the guide's one-million-members limit "excluding moderators" implies, do
 *    not count towards the target.
 * 4. Becoming or ceasing to be a moderator, and being banned, end all of the
 *    user's memberships ("Managing elastic channel members"), through
 *    `leaveElasticChannel`, so a regular member is never also in sub-channels
 *    as a moderator.
 */
import type { ListSubChannelsRequest, ListSubChannelsResponse } from '@aws-sdk/client-chime-sdk-messaging';
import { badRequest, notFound, resourceLimitExceeded } from '../errors';
import { ChannelRow, MembershipRow } from '../store/rows';
import { channelAccess, requireModeratorOrAdmin } from './access';
import { Backend } from './backend';
import { elasticConfigurationOf } from './channel-view';
import { ChannelEvent } from './events';
import {
  dropEmptySubChannel,
  insertMembership,
  membershipEvent,
  membershipPayload,
  MembershipType,
  removeMembership,
  subChannelRecipients,
} from './membership-store';
import { keysetPage, pageRequest } from './keyset-page';
import { OperationTable, Output } from './operation';

/** The bounds balancing keeps an elastic channel within. */
interface ElasticLimits {
  maximumSubChannels: number;
  target: number;
  /** Regular members below which a sub-channel is merged away: ceil of the percentage of the target ("Ceil of the calculated value is used"). */
  minimum: number;
}

/** An open sub-channel and its regular members (moderators excluded). */
interface SubChannelLoad {
  id: string;
  members: number;
}

/** Where a join put the member, and the event to publish after commit (none when nothing changed). */
export interface ElasticJoin {
  /** The member's sub-channel; for a moderator, the one it named. */
  subChannelId?: string;
  event?: ChannelEvent;
}

function limitsOf(channel: ChannelRow): ElasticLimits {
  const config = elasticConfigurationOf(channel);
  if (!config) throw badRequest(`Channel ${channel.arn} is not an elastic channel.`);
  const target = config.TargetMembershipsPerSubChannel as number;
  return {
    maximumSubChannels: config.MaximumSubChannels as number,
    target,
    minimum: Math.ceil((target * (config.MinimumMembershipPercentage as number)) / 100),
  };
}

function isChannelModerator(backend: Backend, channelArn: string, arn: string): boolean {
  return backend.statement('SELECT 1 FROM channel_moderators WHERE channel_arn = ? AND moderator_arn = ?').get(channelArn, arn) !== undefined;
}

function membershipOf(backend: Backend, channelArn: string, memberArn: string): MembershipRow | undefined {
  return backend.statement('SELECT * FROM channel_memberships WHERE channel_arn = ? AND member_arn = ?').get(channelArn, memberArn) as
    | MembershipRow
    | undefined;
}

/** Open sub-channels with their regular-member counts, oldest first. */
function loadsOf(backend: Backend, channelArn: string): SubChannelLoad[] {
  return backend
    .statement(
      `SELECT s.sub_channel_id AS id,
              (SELECT count(*) FROM channel_memberships m WHERE m.channel_arn = s.channel_arn AND m.sub_channel_id = s.sub_channel_id) AS members
       FROM sub_channels s WHERE s.channel_arn = ? ORDER BY s.seq`,
    )
    .all(channelArn) as SubChannelLoad[];
}

/** The least-full load below the target (the oldest on a tie), if any. */
function leastFull(loads: readonly SubChannelLoad[], target: number): SubChannelLoad | undefined {
  let best: SubChannelLoad | undefined;
  for (const load of loads) if (load.members < target && (!best || load.members < best.members)) best = load;
  return best;
}

/** Rule 1: the sub-channel a new regular member goes to, opening one if all are full. */
function subChannelForNewMember(backend: Backend, channel: ChannelRow): string {
  const limits = limitsOf(channel);
  const loads = loadsOf(backend, channel.arn);
  const open = leastFull(loads, limits.target);
  if (open) return open.id;
  if (loads.length >= limits.maximumSubChannels) {
    throw resourceLimitExceeded(
      `Elastic channel ${channel.arn} is full: ${loads.length} sub-channels (MaximumSubChannels ${limits.maximumSubChannels}) ` +
        `of ${limits.target} members each (TargetMembershipsPerSubChannel).`,
    );
  }
  const id = backend.newId();
  backend.statement('INSERT INTO sub_channels (channel_arn, sub_channel_id, created_at) VALUES (?, ?, ?)').run(channel.arn, id, backend.now());
  return id;
}

/** Throws NotFound unless the elastic channel has this open sub-channel. */
function requireSubChannel(backend: Backend, channelArn: string, subChannelId: string): void {
  if (!backend.statement('SELECT 1 FROM sub_channels WHERE channel_arn = ? AND sub_channel_id = ?').get(channelArn, subChannelId)) {
    throw notFound(`SubChannel ${subChannelId} of channel ${channelArn} not found.`);
  }
}

/** A membership event of one sub-channel (the payload names the sub-channel even for a moderator's row). */
function subChannelEvent(
  backend: Backend,
  eventType: 'CREATE_CHANNEL_MEMBERSHIP' | 'UPDATE_CHANNEL_MEMBERSHIP' | 'DELETE_CHANNEL_MEMBERSHIP',
  row: MembershipRow,
  subChannelId: string,
  recipients: readonly string[],
): ChannelEvent {
  return membershipEvent(eventType, row.channel_arn, { ...membershipPayload(backend, row), SubChannelId: subChannelId }, recipients);
}

/** Adds a moderator to the sub-channel it names. */
function joinAsModerator(
  backend: Backend,
  channel: ChannelRow,
  memberArn: string,
  type: MembershipType,
  invitedBy: string,
  subChannelId: string | undefined,
): ElasticJoin {
  if (subChannelId === undefined) {
    throw badRequest(`SubChannelId is required to add moderator ${memberArn} to elastic channel ${channel.arn}; moderators join the sub-channels they name.`);
  }
  requireSubChannel(backend, channel.arn, subChannelId);
  // A moderator holds no regular membership: becoming a moderator ended it (moderators.ts).
  const row = membershipOf(backend, channel.arn, memberArn) ?? (insertMembership(backend, channel, memberArn, type, invitedBy) as MembershipRow);
  const added = backend
    .statement('INSERT OR IGNORE INTO sub_channel_moderator_memberships (channel_arn, sub_channel_id, member_arn, created_at) VALUES (?, ?, ?, ?)')
    .run(channel.arn, subChannelId, memberArn, backend.now());
  if (added.changes === 0) return { subChannelId };
  const recipients = subChannelRecipients(backend, channel.arn, subChannelId);
  return { subChannelId, event: subChannelEvent(backend, 'CREATE_CHANNEL_MEMBERSHIP', row, subChannelId, recipients) };
}

/**
 * Adds a member to an elastic channel (inside a transaction, after the
 * CreateChannelMembership rules are checked): a moderator to the sub-channel
 * it names, anyone else where rule 1 puts them. Adding an existing member
 * changes nothing and returns its sub-channel.
 */
export function joinElasticChannel(
  backend: Backend,
  channel: ChannelRow,
  memberArn: string,
  type: MembershipType,
  invitedBy: string,
  subChannelId: string | undefined,
): ElasticJoin {
  if (isChannelModerator(backend, channel.arn, memberArn)) return joinAsModerator(backend, channel, memberArn, type, invitedBy, subChannelId);
  if (subChannelId !== undefined) {
    throw badRequest(`SubChannelId cannot be given for ${memberArn}: the service chooses the sub-channel of a regular member of an elastic channel.`);
  }
  const existing = membershipOf(backend, channel.arn, memberArn);
  if (existing) return { subChannelId: existing.sub_channel_id ?? undefined };
  const id = subChannelForNewMember(backend, channel);
  const row = insertMembership(backend, channel, memberArn, type, invitedBy, id) as MembershipRow;
  return { subChannelId: id, event: subChannelEvent(backend, 'CREATE_CHANNEL_MEMBERSHIP', row, id, subChannelRecipients(backend, channel.arn, id)) };
}

/** Ends a moderator's membership in one sub-channel, and its channel membership with the last one. */
function leaveAsModerator(backend: Backend, row: MembershipRow, subChannelId: string): ChannelEvent | undefined {
  const recipients = subChannelRecipients(backend, row.channel_arn, subChannelId);
  const removed = backend
    .statement('DELETE FROM sub_channel_moderator_memberships WHERE channel_arn = ? AND sub_channel_id = ? AND member_arn = ?')
    .run(row.channel_arn, subChannelId, row.member_arn);
  if (removed.changes === 0) return undefined;
  const left = backend.statement('SELECT 1 FROM sub_channel_moderator_memberships WHERE channel_arn = ? AND member_arn = ?').get(row.channel_arn, row.member_arn);
  if (!left) backend.statement('DELETE FROM channel_memberships WHERE channel_arn = ? AND member_arn = ?').run(row.channel_arn, row.member_arn);
  return subChannelEvent(backend, 'DELETE_CHANNEL_MEMBERSHIP', row, subChannelId, recipients);
}

/** Rule 3: closes a sub-channel, ending the memberships of the moderators still in it. */
function closeSubChannel(backend: Backend, channelArn: string, subChannelId: string): ChannelEvent[] {
  const moderators = backend
    .statement('SELECT member_arn FROM sub_channel_moderator_memberships WHERE channel_arn = ? AND sub_channel_id = ? ORDER BY created_at, member_arn')
    .all(channelArn, subChannelId) as { member_arn: string }[];
  const events: ChannelEvent[] = [];
  for (const { member_arn } of moderators) {
    const event = leaveAsModerator(backend, membershipOf(backend, channelArn, member_arn) as MembershipRow, subChannelId);
    if (event) events.push(event);
  }
  dropEmptySubChannel(backend, channelArn, subChannelId);
  return events;
}

/**
 * Rule 2: settles a sub-channel that lost regular members (inside a
 * transaction) and returns the events to publish after commit: one
 * UPDATE_CHANNEL_MEMBERSHIP per moved member, to that member alone, then the
 * moderators' DELETE_CHANNEL_MEMBERSHIP if the sub-channel closed.
 */
export function settleSubChannel(backend: Backend, channel: ChannelRow, subChannelId: string): ChannelEvent[] {
  const limits = limitsOf(channel);
  const loads = loadsOf(backend, channel.arn);
  const own = loads.find((l) => l.id === subChannelId);
  if (!own) return [];
  if (own.members === 0) return closeSubChannel(backend, channel.arn, subChannelId);
  if (own.members >= limits.minimum) return [];
  const others = loads.filter((l) => l.id !== subChannelId);
  const room = others.reduce((sum, l) => sum + Math.max(0, limits.target - l.members), 0);
  if (room < own.members) return [];

  const members = backend
    .statement('SELECT * FROM channel_memberships WHERE channel_arn = ? AND sub_channel_id = ? ORDER BY created_at, member_arn')
    .all(channel.arn, subChannelId) as MembershipRow[];
  const move = backend.statement('UPDATE channel_memberships SET sub_channel_id = ?, updated_at = ? WHERE channel_arn = ? AND member_arn = ?');
  const events: ChannelEvent[] = [];
  for (const member of members) {
    const destination = leastFull(others, limits.target) as SubChannelLoad;
    const moved: MembershipRow = { ...member, sub_channel_id: destination.id, updated_at: backend.now() };
    move.run(destination.id, moved.updated_at, channel.arn, member.member_arn);
    destination.members += 1;
    events.push(membershipEvent('UPDATE_CHANNEL_MEMBERSHIP', channel.arn, membershipPayload(backend, moved), [member.member_arn]));
  }
  return [...events, ...closeSubChannel(backend, channel.arn, subChannelId)];
}

/**
 * Removes a member from an elastic channel (inside a transaction) and
 * returns the events to publish after commit, in order: the
 * DELETE_CHANNEL_MEMBERSHIP, then whatever settling the sub-channel caused.
 * A moderator leaves the named sub-channel, or all of them; removing someone
 * who is not a member changes nothing.
 */
export function leaveElasticChannel(backend: Backend, channel: ChannelRow, memberArn: string, subChannelId: string | undefined): ChannelEvent[] {
  const row = membershipOf(backend, channel.arn, memberArn);
  if (!row) return [];
  if (row.sub_channel_id !== null) {
    if (subChannelId !== undefined) {
      throw badRequest(`SubChannelId cannot be given for ${memberArn}: a regular member of an elastic channel leaves its one sub-channel.`);
    }
    const event = removeMembership(backend, channel.arn, memberArn) as ChannelEvent;
    return [event, ...settleSubChannel(backend, channel, row.sub_channel_id)];
  }
  const subChannels =
    subChannelId !== undefined
      ? [subChannelId]
      : (
          backend
            .statement('SELECT sub_channel_id FROM sub_channel_moderator_memberships WHERE channel_arn = ? AND member_arn = ? ORDER BY created_at, sub_channel_id')
            .all(channel.arn, memberArn) as { sub_channel_id: string }[]
        ).map((r) => r.sub_channel_id);
  const events: ChannelEvent[] = [];
  for (const sub of subChannels) {
    const event = leaveAsModerator(backend, row, sub);
    if (event) events.push(event);
    dropEmptySubChannel(backend, channel.arn, sub);
  }
  // A membership in no sub-channel at all (none can be made here, but the row may exist) still ends when none is named.
  if (subChannelId === undefined && subChannels.length === 0) {
    const event = removeMembership(backend, channel.arn, memberArn);
    if (event) events.push(event);
  }
  return events;
}

/**
 * Removes a member from a channel of either kind (inside a transaction) and
 * returns the events to publish after commit: for a standard channel the
 * DELETE_CHANNEL_MEMBERSHIP to every member, for an elastic one what
 * `leaveElasticChannel` returns. Removing someone who is not a member changes nothing.
 */
export function leaveChannel(backend: Backend, channel: ChannelRow, memberArn: string, subChannelId?: string): ChannelEvent[] {
  if (channel.elastic_json) return leaveElasticChannel(backend, channel, memberArn, subChannelId);
  const event = removeMembership(backend, channel.arn, memberArn);
  return event ? [event] : [];
}

/** True if the membership is in the sub-channel: as its regular member, or as a moderator who joined it. */
export function isInSubChannel(backend: Backend, row: MembershipRow, subChannelId: string): boolean {
  if (row.sub_channel_id !== null) return row.sub_channel_id === subChannelId;
  return (
    backend
      .statement('SELECT 1 FROM sub_channel_moderator_memberships WHERE channel_arn = ? AND sub_channel_id = ? AND member_arn = ?')
      .get(row.channel_arn, subChannelId, row.member_arn) !== undefined
  );
}

/** SQL condition (with `channel_memberships` columns unqualified) for "in sub-channel ?", taking the channel ARN and the id as parameters. */
export const IN_SUB_CHANNEL_SQL = `(sub_channel_id = ? OR member_arn IN (SELECT member_arn FROM sub_channel_moderator_memberships WHERE channel_arn = ? AND sub_channel_id = ?))`;

/**
 * Lists an elastic channel's open sub-channels, oldest first, with their
 * MembershipCount: regular members plus the moderators who joined each.
 * AppInstanceAdmins and the channel's moderators only, as documented.
 */
function listSubChannels(backend: Backend, input: ListSubChannelsRequest): Output<ListSubChannelsResponse> {
  const page = pageRequest(input);
  const access = channelAccess(backend, input.ChannelArn as string, input.ChimeBearer);
  requireModeratorOrAdmin(access, 'list the sub-channels of a channel');
  const channel = access.channel;
  if (!channel.elastic_json) throw badRequest(`ListSubChannels needs an elastic channel; ${channel.arn} is a standard channel.`);
  const { rows, NextToken } = keysetPage<{ sub_channel_id: string; members: number }>(backend, {
    scope: `ListSubChannels|${channel.arn}`,
    columns: `s.sub_channel_id, s.seq,
              (SELECT count(*) FROM channel_memberships m WHERE m.channel_arn = s.channel_arn AND m.sub_channel_id = s.sub_channel_id)
            + (SELECT count(*) FROM sub_channel_moderator_memberships p WHERE p.channel_arn = s.channel_arn AND p.sub_channel_id = s.sub_channel_id) AS members`,
    from: 'sub_channels s',
    where: ['s.channel_arn = ?'],
    params: [channel.arn],
    keys: ['s.seq'],
    page,
  });
  return {
    ChannelArn: channel.arn,
    SubChannels: rows.map((r) => ({ SubChannelId: r.sub_channel_id, MembershipCount: r.members })),
    NextToken,
  };
}

/** Sub-channel operations, by AWS operation name. */
export const subChannelOperations: OperationTable = {
  ListSubChannels: listSubChannels,
};

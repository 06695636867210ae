/**
 * Channel moderators. AppInstanceAdmins and moderators add and remove
 * moderators; anyone who may see the channel's members may see its
 * moderators. A moderator need not be a member (Chime lets moderators
 * manage a channel without belonging to it), so the two are kept apart.
 *
 * Elastic channels differ: "When you promote a regular member to channel
 * moderator, the system removes all existing channel memberships for that
 * member. The same happens when you demote a moderator" (developer guide,
 * "Managing elastic channel members"), since a moderator belongs to the
 * sub-channels it names and a regular member to the one the service picks.
 *
 * Session events: Chime documents no moderator event
 * (reference/messaging-session.md), so the local service invents none; the
 * memberships a role change ends in an elastic channel publish what
 * DeleteChannelMembership would (sub-channels.ts).
 */
import type {
  CreateChannelModeratorRequest,
  CreateChannelModeratorResponse,
  DeleteChannelModeratorRequest,
  DescribeChannelModeratorRequest,
  DescribeChannelModeratorResponse,
  ListChannelModeratorsRequest,
  ListChannelModeratorsResponse,
} from '@aws-sdk/client-chime-sdk-messaging';
import { conflict, forbidden, notFound } from '../errors';
import { ChannelRow, ModeratorRow } from '../store/rows';
import { channelAccess, requireChannelVisible, requireModeratorOrAdmin } from './access';
import { assertChimeArn } from './arns';
import { Backend } from './backend';
import { ChannelEvent } from './events';
import { keysetPage, pageRequest } from './keyset-page';
import { identityOf, insertModerator, isBanned, requireChannelIdentity } from './membership-store';
import { Output, OperationTable } from './operation';
import { leaveElasticChannel } from './sub-channels';

/**
 * A role change in an elastic channel ends all of the user's memberships
 * there (inside a transaction); returns the events to publish after commit.
 */
function endElasticMemberships(backend: Backend, channel: ChannelRow, arn: string): ChannelEvent[] {
  return channel.elastic_json ? leaveElasticChannel(backend, channel, arn, undefined) : [];
}

/**
 * Adds a moderator. A banned user cannot become one until the ban is
 * deleted (a moderator may add members, so the ban would not hold), and
 * naming an existing moderator is a ConflictException.
 */
function createChannelModerator(backend: Backend, input: CreateChannelModeratorRequest): Output<CreateChannelModeratorResponse> {
  const access = channelAccess(backend, input.ChannelArn as string, input.ChimeBearer);
  const moderatorArn = input.ChannelModeratorArn as string;
  assertChimeArn('ChannelModeratorArn', moderatorArn);
  requireModeratorOrAdmin(access, 'add channel moderators');
  const events = backend.transaction(() => {
    requireChannelIdentity(backend, access.channel, 'ChannelModeratorArn', moderatorArn);
    if (isBanned(backend, access.channel.arn, moderatorArn)) {
      throw forbidden(`${moderatorArn} is banned from channel ${access.channel.arn}; DeleteChannelBan must come first.`);
    }
    if (!insertModerator(backend, access.channel.arn, moderatorArn, access.bearer.arn)) {
      throw conflict(`${moderatorArn} is already a moderator of channel ${access.channel.arn}.`);
    }
    return endElasticMemberships(backend, access.channel, moderatorArn);
  });
  for (const event of events) backend.events.publish(event);
  return { ChannelArn: access.channel.arn, ChannelModerator: identityOf(backend, moderatorArn) };
}

function describeChannelModerator(backend: Backend, input: DescribeChannelModeratorRequest): Output<DescribeChannelModeratorResponse> {
  const access = channelAccess(backend, input.ChannelArn as string, input.ChimeBearer);
  const moderatorArn = input.ChannelModeratorArn as string;
  assertChimeArn('ChannelModeratorArn', moderatorArn);
  requireChannelVisible(access, 'see its moderators');
  const row = backend
    .statement('SELECT * FROM channel_moderators WHERE channel_arn = ? AND moderator_arn = ?')
    .get(access.channel.arn, moderatorArn) as ModeratorRow | undefined;
  if (!row) throw notFound(`${moderatorArn} is not a moderator of channel ${access.channel.arn}.`);
  return {
    ChannelModerator: {
      ChannelArn: row.channel_arn,
      Moderator: identityOf(backend, row.moderator_arn),
      CreatedTimestamp: new Date(row.created_at),
      CreatedBy: identityOf(backend, row.created_by),
    },
  };
}

/** Removing someone who is not a moderator succeeds and changes nothing (the model lists no NotFoundException here). */
function deleteChannelModerator(backend: Backend, input: DeleteChannelModeratorRequest): void {
  const access = channelAccess(backend, input.ChannelArn as string, input.ChimeBearer);
  const moderatorArn = input.ChannelModeratorArn as string;
  assertChimeArn('ChannelModeratorArn', moderatorArn);
  requireModeratorOrAdmin(access, 'remove channel moderators');
  const events = backend.transaction(() => {
    const removed = backend.statement('DELETE FROM channel_moderators WHERE channel_arn = ? AND moderator_arn = ?').run(access.channel.arn, moderatorArn);
    return removed.changes > 0 ? endElasticMemberships(backend, access.channel, moderatorArn) : [];
  });
  for (const event of events) backend.events.publish(event);
}

/** Moderators in the order they were made. */
function listChannelModerators(backend: Backend, input: ListChannelModeratorsRequest): Output<ListChannelModeratorsResponse> {
  const access = channelAccess(backend, input.ChannelArn as string, input.ChimeBearer);
  requireChannelVisible(access, 'see its moderators');
  const channelArn = access.channel.arn;
  const { rows, NextToken } = keysetPage<ModeratorRow>(backend, {
    scope: `ListChannelModerators|${channelArn}`,
    from: 'channel_moderators',
    where: ['channel_arn = ?'],
    params: [channelArn],
    keys: ['created_at', 'moderator_arn'],
    page: pageRequest(input),
  });
  return { ChannelArn: channelArn, ChannelModerators: rows.map((row) => ({ Moderator: identityOf(backend, row.moderator_arn) })), NextToken };
}

/** Moderator operations, by AWS operation name. */
export const moderatorOperations: OperationTable = {
  CreateChannelModerator: createChannelModerator,
  DescribeChannelModerator: describeChannelModerator,
  DeleteChannelModerator: deleteChannelModerator,
  ListChannelModerators: listChannelModerators,
};

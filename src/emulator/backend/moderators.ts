/**
 * Channel moderators. AppInstanceAdmins and moderators add and remove
 * moderators; anyone who may see the channel's members may see its
 * moderators. A moderator need not be a member (Chime lets moderators
 * manage a channel without belonging to it), so the two are kept apart.
 *
 * Session events: none. Chime documents no moderator event
 * (reference/messaging-session.md), so the local service invents none.
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
import { ModeratorRow } from '../store/rows';
import { channelAccess, requireModeratorOrAdmin } from './access';
import { assertChimeArn } from './arns';
import { Backend } from './backend';
import { identityOf, insertModerator, isBanned, requireChannelIdentity, requireRosterAccess, rosterPage } from './membership-store';
import { Output, OperationTable } from './operation';

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
  backend.transaction(() => {
    requireChannelIdentity(backend, access.channel, 'ChannelModeratorArn', moderatorArn);
    if (isBanned(backend, access.channel.arn, moderatorArn)) {
      throw forbidden(`${moderatorArn} is banned from channel ${access.channel.arn}; DeleteChannelBan must come first.`);
    }
    if (!insertModerator(backend, access.channel.arn, moderatorArn, access.bearer.arn)) {
      throw conflict(`${moderatorArn} is already a moderator of channel ${access.channel.arn}.`);
    }
  });
  return { ChannelArn: access.channel.arn, ChannelModerator: identityOf(backend, moderatorArn) };
}

function describeChannelModerator(backend: Backend, input: DescribeChannelModeratorRequest): Output<DescribeChannelModeratorResponse> {
  const access = channelAccess(backend, input.ChannelArn as string, input.ChimeBearer);
  const moderatorArn = input.ChannelModeratorArn as string;
  assertChimeArn('ChannelModeratorArn', moderatorArn);
  requireRosterAccess(access);
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
  backend.statement('DELETE FROM channel_moderators WHERE channel_arn = ? AND moderator_arn = ?').run(access.channel.arn, moderatorArn);
}

/** Moderators in the order they were made. */
function listChannelModerators(backend: Backend, input: ListChannelModeratorsRequest): Output<ListChannelModeratorsResponse> {
  const access = channelAccess(backend, input.ChannelArn as string, input.ChimeBearer);
  requireRosterAccess(access);
  const channelArn = access.channel.arn;
  const page = rosterPage<ModeratorRow>(backend, {
    scope: `ListChannelModerators|${channelArn}`,
    nextToken: input.NextToken,
    maxResults: input.MaxResults,
    table: 'channel_moderators',
    where: 'channel_arn = ?',
    params: [channelArn],
    arnColumn: 'moderator_arn',
  });
  return {
    ChannelArn: channelArn,
    ChannelModerators: page.rows.map((row) => ({ Moderator: identityOf(backend, row.moderator_arn) })),
    NextToken: page.nextToken,
  };
}

/** Moderator operations, by AWS operation name. */
export const moderatorOperations: OperationTable = {
  CreateChannelModerator: createChannelModerator,
  DescribeChannelModerator: describeChannelModerator,
  DeleteChannelModerator: deleteChannelModerator,
  ListChannelModerators: listChannelModerators,
};

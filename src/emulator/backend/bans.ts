/**
 * Channel bans. Only AppInstanceAdmins and moderators create, see and delete
 * bans (seed 000: moderators "add and remove user bans"). A ban removes the
 * membership at once and blocks adding the user again (and making them a
 * moderator) until DeleteChannelBan.
 *
 * Who cannot be banned (the seed is silent; chosen so that a ban always
 * holds): a moderator of the channel, since moderators may add members, so
 * DeleteChannelModerator must come first; and an AppInstanceAdmin, whose
 * rights cover every channel. Both are a ForbiddenException.
 *
 * Session events: Chime documents no ban event, so none is invented; when
 * the banned user was a member, DELETE_CHANNEL_MEMBERSHIP goes to the banned
 * member and every remaining member, exactly as for DeleteChannelMembership.
 * In an elastic channel ("When you ban a member, the system removes all
 * channel memberships for that member", developer guide) the event stays in
 * the member's sub-channel, which is then settled like after a leave
 * (sub-channels.ts): members moved out get UPDATE_CHANNEL_MEMBERSHIP.
 */
import type {
  CreateChannelBanRequest,
  CreateChannelBanResponse,
  DeleteChannelBanRequest,
  DescribeChannelBanRequest,
  DescribeChannelBanResponse,
  ListChannelBansRequest,
  ListChannelBansResponse,
} from '@aws-sdk/client-chime-sdk-messaging';
import { conflict, forbidden, notFound } from '../errors';
import { BanRow } from '../store/rows';
import { ChannelAccess, channelAccess, isAppInstanceAdmin, requireModeratorOrAdmin } from './access';
import { assertChimeArn } from './arns';
import { Backend } from './backend';
import { keysetPage, pageRequest } from './keyset-page';
import { identityOf, requireChannelIdentity } from './membership-store';
import { Output, OperationTable } from './operation';
import { leaveChannel } from './sub-channels';

/** Resolves the bearer and channel, checks the bearer moderates it and that `MemberArn` is an ARN. */
function banAccess(backend: Backend, input: { ChannelArn?: string; MemberArn?: string; ChimeBearer?: string }, action: string): ChannelAccess {
  const access = channelAccess(backend, input.ChannelArn as string, input.ChimeBearer);
  if (input.MemberArn !== undefined) assertChimeArn('MemberArn', input.MemberArn);
  requireModeratorOrAdmin(access, action);
  return access;
}

function createChannelBan(backend: Backend, input: CreateChannelBanRequest): Output<CreateChannelBanResponse> {
  const access = banAccess(backend, input, 'ban members');
  const channelArn = access.channel.arn;
  const memberArn = input.MemberArn as string;
  const events = backend.transaction(() => {
    requireChannelIdentity(backend, access.channel, 'MemberArn', memberArn);
    if (backend.statement('SELECT 1 FROM channel_moderators WHERE channel_arn = ? AND moderator_arn = ?').get(channelArn, memberArn)) {
      throw forbidden(`${memberArn} is a moderator of channel ${channelArn} and cannot be banned; DeleteChannelModerator must come first.`);
    }
    if (isAppInstanceAdmin(backend, access.channel.app_instance_arn, memberArn)) {
      throw forbidden(`${memberArn} is an AppInstanceAdmin and cannot be banned.`);
    }
    const inserted = backend
      .statement('INSERT OR IGNORE INTO channel_bans (channel_arn, member_arn, created_by, created_at) VALUES (?, ?, ?, ?)')
      .run(channelArn, memberArn, access.bearer.arn, backend.now());
    if (inserted.changes === 0) throw conflict(`${memberArn} is already banned from channel ${channelArn}.`);
    return leaveChannel(backend, access.channel, memberArn);
  });
  for (const event of events) backend.events.publish(event);
  return { ChannelArn: channelArn, Member: identityOf(backend, memberArn) };
}

function describeChannelBan(backend: Backend, input: DescribeChannelBanRequest): Output<DescribeChannelBanResponse> {
  const access = banAccess(backend, input, 'see channel bans');
  const memberArn = input.MemberArn as string;
  const row = backend.statement('SELECT * FROM channel_bans WHERE channel_arn = ? AND member_arn = ?').get(access.channel.arn, memberArn) as
    | BanRow
    | undefined;
  if (!row) throw notFound(`${memberArn} is not banned from channel ${access.channel.arn}.`);
  return {
    ChannelBan: {
      ChannelArn: row.channel_arn,
      Member: identityOf(backend, row.member_arn),
      CreatedTimestamp: new Date(row.created_at),
      CreatedBy: identityOf(backend, row.created_by),
    },
  };
}

/**
 * Lifts a ban; the user is not re-added (seed 000: DeleteChannelBan, then
 * CreateChannelMembership). Lifting a ban that does not exist succeeds and
 * changes nothing (the model lists no NotFoundException here).
 */
function deleteChannelBan(backend: Backend, input: DeleteChannelBanRequest): void {
  const access = banAccess(backend, input, 'lift channel bans');
  backend.statement('DELETE FROM channel_bans WHERE channel_arn = ? AND member_arn = ?').run(access.channel.arn, input.MemberArn);
}

/** Bans in the order they were made. */
function listChannelBans(backend: Backend, input: ListChannelBansRequest): Output<ListChannelBansResponse> {
  const access = banAccess(backend, input, 'see channel bans');
  const channelArn = access.channel.arn;
  const { rows, NextToken } = keysetPage<BanRow>(backend, {
    scope: `ListChannelBans|${channelArn}`,
    from: 'channel_bans',
    where: ['channel_arn = ?'],
    params: [channelArn],
    keys: ['created_at', 'member_arn'],
    page: pageRequest(input),
  });
  return { ChannelArn: channelArn, ChannelBans: rows.map((row) => ({ Member: identityOf(backend, row.member_arn) })), NextToken };
}

/** Ban operations, by AWS operation name. */
export const banOperations: OperationTable = {
  CreateChannelBan: createChannelBan,
  DescribeChannelBan: describeChannelBan,
  DeleteChannelBan: deleteChannelBan,
  ListChannelBans: listChannelBans,
};

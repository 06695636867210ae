/**
 * Mutations of who is in a channel: members (one or a batch), moderators and
 * bans. Each returns the changed object and its edge in the channel's list.
 */
import {
  BatchCreateChannelMembershipCommand,
  CreateChannelBanCommand,
  CreateChannelMembershipCommand,
  CreateChannelModeratorCommand,
  DeleteChannelBanCommand,
  DeleteChannelMembershipCommand,
  DeleteChannelModeratorCommand,
} from '@aws-sdk/client-chime-sdk-messaging';
import { keyCursor } from '../connection';
import { GatewayContext } from '../context';
import { codeOfChimeError } from '../errors';
import { MutationResolvers } from '../generated/resolvers-types';
import { toGlobalId } from '../global-id';
import { channelArnOfId, checkMemberCount, checkSubChannelId, identityArnOfId } from '../input-limits';
import { ChannelMemberKey, Loaders } from '../loaders';
import { bansScope, membershipsScope, moderatorsScope } from './channel';
import { BanModel, channelModel, identityModel, MembershipModel, ModeratorModel } from './models';

type RosterMutations = Pick<
  Required<MutationResolvers<GatewayContext>>,
  | 'addChannelMember'
  | 'addChannelMembers'
  | 'removeChannelMember'
  | 'addChannelModerator'
  | 'removeChannelModerator'
  | 'banChannelMember'
  | 'unbanChannelMember'
>;

/** Forgets what the request cached about one identity in one channel. */
function forgetMember(loaders: Loaders, key: ChannelMemberKey): void {
  loaders.membership.clear(key);
  loaders.membershipForUser.clear(key);
  loaders.moderator.clear(key);
  loaders.moderates.clear(key);
  loaders.ban.clear(key);
}

/** The edge of a membership in `channel.memberships` (the listing with its type's filter). */
function membershipEdge(membership: MembershipModel) {
  return { cursor: keyCursor(membershipsScope(membership.channelArn, membership.type), membership.member.arn), node: membership };
}

/** Roster mutations. */
export const rosterMutations: RosterMutations = {
  addChannelMember: async (_root, { input }, context) => {
    const channelArn = channelArnOfId('input.channelId', input.channelId);
    const memberArn = identityArnOfId('input.memberId', input.memberId);
    const subChannelId = checkSubChannelId('input.subChannelId', input.subChannelId);
    const type = input.type ?? 'DEFAULT';
    const out = await context.upstream.messaging(CreateChannelMembershipCommand, { ChannelArn: channelArn, MemberArn: memberArn, Type: type, SubChannelId: subChannelId });
    forgetMember(context.loaders, { channelArn, memberArn });
    const membership: MembershipModel = {
      kind: 'ChannelMembership',
      channelArn,
      member: identityModel(out.Member?.Arn ? out.Member : memberArn),
      type,
      // Chime answers with the sub-channel it placed the member in (elastic channels).
      subChannelId: out.SubChannelId ?? null,
    };
    return { clientMutationId: input.clientMutationId, membership, membershipEdge: membershipEdge(membership), channel: channelModel(channelArn) };
  },

  addChannelMembers: async (_root, { input }, context) => {
    const channelArn = channelArnOfId('input.channelId', input.channelId);
    checkMemberCount('input.memberIds', input.memberIds.length);
    const memberArns = input.memberIds.map((id, i) => identityArnOfId(`input.memberIds[${i}]`, id));
    const subChannelId = checkSubChannelId('input.subChannelId', input.subChannelId);
    const type = input.type ?? 'DEFAULT';
    const out = await context.upstream.messaging(BatchCreateChannelMembershipCommand, {
      ChannelArn: channelArn,
      MemberArns: memberArns,
      Type: type,
      SubChannelId: subChannelId,
    });
    memberArns.forEach((memberArn) => forgetMember(context.loaders, { channelArn, memberArn }));
    const added = (out.BatchChannelMemberships?.Members ?? []).map(
      (member): MembershipModel => ({ kind: 'ChannelMembership', channelArn, member: identityModel(member), type }),
    );
    return {
      clientMutationId: input.clientMutationId,
      channel: channelModel(channelArn),
      membershipEdges: added.map(membershipEdge),
      errors: (out.Errors ?? []).map((error) => {
        const member = identityModel(error.MemberArn ?? '');
        return { memberId: toGlobalId(member.kind, member.arn), memberArn: member.arn, code: codeOfChimeError(error.ErrorCode), message: error.ErrorMessage };
      }),
    };
  },

  removeChannelMember: async (_root, { input }, context) => {
    const channelArn = channelArnOfId('input.channelId', input.channelId);
    const memberArn = identityArnOfId('input.memberId', input.memberId);
    const subChannelId = checkSubChannelId('input.subChannelId', input.subChannelId);
    await context.upstream.messaging(DeleteChannelMembershipCommand, { ChannelArn: channelArn, MemberArn: memberArn, SubChannelId: subChannelId });
    forgetMember(context.loaders, { channelArn, memberArn });
    return {
      clientMutationId: input.clientMutationId,
      channel: channelModel(channelArn),
      removedMembershipId: toGlobalId('ChannelMembership', channelArn, memberArn),
    };
  },

  addChannelModerator: async (_root, { input }, context) => {
    const channelArn = channelArnOfId('input.channelId', input.channelId);
    const moderatorArn = identityArnOfId('input.moderatorId', input.moderatorId);
    const out = await context.upstream.messaging(CreateChannelModeratorCommand, { ChannelArn: channelArn, ChannelModeratorArn: moderatorArn });
    forgetMember(context.loaders, { channelArn, memberArn: moderatorArn });
    const moderator: ModeratorModel = {
      kind: 'ChannelModerator',
      channelArn,
      moderator: identityModel(out.ChannelModerator?.Arn ? out.ChannelModerator : moderatorArn),
    };
    return {
      clientMutationId: input.clientMutationId,
      moderator,
      moderatorEdge: { cursor: keyCursor(moderatorsScope(channelArn), moderatorArn), node: moderator },
      channel: channelModel(channelArn),
    };
  },

  removeChannelModerator: async (_root, { input }, context) => {
    const channelArn = channelArnOfId('input.channelId', input.channelId);
    const moderatorArn = identityArnOfId('input.moderatorId', input.moderatorId);
    await context.upstream.messaging(DeleteChannelModeratorCommand, { ChannelArn: channelArn, ChannelModeratorArn: moderatorArn });
    forgetMember(context.loaders, { channelArn, memberArn: moderatorArn });
    return {
      clientMutationId: input.clientMutationId,
      channel: channelModel(channelArn),
      removedModeratorId: toGlobalId('ChannelModerator', channelArn, moderatorArn),
    };
  },

  banChannelMember: async (_root, { input }, context) => {
    const channelArn = channelArnOfId('input.channelId', input.channelId);
    const memberArn = identityArnOfId('input.memberId', input.memberId);
    const out = await context.upstream.messaging(CreateChannelBanCommand, { ChannelArn: channelArn, MemberArn: memberArn });
    forgetMember(context.loaders, { channelArn, memberArn });
    const ban: BanModel = { kind: 'ChannelBan', channelArn, member: identityModel(out.Member?.Arn ? out.Member : memberArn) };
    return {
      clientMutationId: input.clientMutationId,
      ban,
      banEdge: { cursor: keyCursor(bansScope(channelArn), memberArn), node: ban },
      channel: channelModel(channelArn),
    };
  },

  unbanChannelMember: async (_root, { input }, context) => {
    const channelArn = channelArnOfId('input.channelId', input.channelId);
    const memberArn = identityArnOfId('input.memberId', input.memberId);
    await context.upstream.messaging(DeleteChannelBanCommand, { ChannelArn: channelArn, MemberArn: memberArn });
    forgetMember(context.loaders, { channelArn, memberArn });
    return { clientMutationId: input.clientMutationId, channel: channelModel(channelArn), removedBanId: toGlobalId('ChannelBan', channelArn, memberArn) };
  },
};

/**
 * The `Node` and `Identity` interfaces: which object type a model is, and
 * how a global id becomes a loaded object (the describe call of its type).
 */
import type { GraphQLResolveInfo } from 'graphql';
import { GatewayContext, requireViewer } from '../context';
import { nodeIdOf } from '../input-limits';
import { IdentityResolvers, NodeResolvers } from '../generated/resolvers-types';
import { describeIdentity } from './identity';
import { channelFlowModel, chimeAccountModel, chimeUserModel, channelModel, identityModel, NodeModel, RoomMembershipModel, roomModel } from './models';
import { listedMembership } from './room';
import { banOf } from './channel-ban';
import { membershipOf } from './channel-membership';
import { moderatorOf } from './channel-moderator';
import { primeChannel } from '../loaders';
import { prefetchMessages } from './messages-prefetch';

/**
 * Loads the object a global id names, checking that it exists and the viewer
 * may see it. With the field's `info`, a channel's selected messages are
 * started together with its describe (messages-prefetch.ts).
 */
export async function loadNode(context: GatewayContext, id: string, field: string, info?: GraphQLResolveInfo): Promise<NodeModel> {
  const { type, keys } = nodeIdOf(field, id);
  requireViewer(context);
  const { loaders } = context;
  // The first key is an ARN, or for the rooms API types an AccountId.
  const [arn, second] = keys;
  switch (type) {
    case 'AppInstance':
      await loaders.appInstance.load(arn);
      return { kind: 'AppInstance', arn };
    case 'AppInstanceUser':
    case 'AppInstanceBot': {
      const model = { ...identityModel(arn), kind: type };
      return { ...model, name: (await describeIdentity(context, model)).Name };
    }
    case 'Channel': {
      const described = loaders.channel.load(arn);
      if (info) prefetchMessages(arn, info, context);
      const channel = await described;
      primeChannel(loaders, channel);
      return channelModel(arn, { channel });
    }
    case 'ChannelMembership':
      return membershipOf(await loaders.membership.load({ channelArn: arn, memberArn: second }), arn, second);
    case 'ChannelModerator':
      return moderatorOf(await loaders.moderator.load({ channelArn: arn, memberArn: second }), arn, second);
    case 'ChannelBan':
      return banOf(await loaders.ban.load({ channelArn: arn, memberArn: second }), arn, second);
    case 'ChannelMessage': {
      const message = await loaders.message.load({ channelArn: arn, messageId: second });
      return { kind: 'ChannelMessage', channelArn: arn, messageId: second, message };
    }
    case 'ChannelFlow':
      return channelFlowModel(arn, await loaders.channelFlow.load(arn));
    case 'ChimeAccount':
      return chimeAccountModel(arn, await loaders.chimeAccount.load(arn));
    case 'ChimeUser':
      return chimeUserModel(arn, second, await loaders.chimeUser.load({ accountId: arn, userId: second }));
    case 'Room':
      return roomModel(arn, second, await loaders.room.load({ accountId: arn, roomId: second }));
    case 'RoomMembership': {
      const membership: RoomMembershipModel = { kind: 'RoomMembership', accountId: arn, roomId: second, memberId: keys[2] };
      return { ...membership, membership: await listedMembership(membership, context) };
    }
  }
}

/** `Node`: the object type is the model's kind. */
export const Node: NodeResolvers<GatewayContext> = {
  __resolveType: (model) => model.kind,
};

/** `Identity`: user or bot, by the model's kind (taken from the ARN). */
export const Identity: IdentityResolvers<GatewayContext> = {
  __resolveType: (model) => model.kind,
};

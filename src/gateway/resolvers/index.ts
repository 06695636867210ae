/** Every resolver, gathered for the executable schema (one file per type). */
import { GatewayContext } from '../context';
import { MutationResolvers, Resolvers } from '../generated/resolvers-types';
import { AppInstance } from './app-instance';
import { AppInstanceBot } from './app-instance-bot';
import { AppInstanceUser } from './app-instance-user';
import { Channel } from './channel';
import { ChannelBan } from './channel-ban';
import { ChannelFlow } from './channel-flow';
import { ChannelMembership } from './channel-membership';
import { ChannelMessage, ChannelMessageEdge } from './channel-message';
import { ChannelModerator } from './channel-moderator';
import { ChimeAccount } from './chime-account';
import { ChimeUser } from './chime-user';
import { Complete } from './complete';
import { DateTime } from './date-time';
import { appInstanceMutations } from './mutation-app-instance';
import { channelMutations } from './mutation-channel';
import { channelFlowMutations } from './mutation-channel-flow';
import { chimeAccountMutations } from './mutation-chime-account';
import { messageMutations } from './mutation-message';
import { preferenceMutations } from './mutation-preferences';
import { roomMutations } from './mutation-room';
import { rosterMutations } from './mutation-roster';
import { tagMutations } from './mutation-tags';
import { Identity, Node } from './node';
import { Query } from './query';
import { Room, RoomMembership } from './room';
import { subscriptionResolvers } from '../subscriptions/resolvers';

/** Mutation, split by what it changes: channels, rosters, messages, settings, flows, rooms, Chime accounts. */
const Mutation: Complete<MutationResolvers<GatewayContext>> = {
  ...channelMutations,
  ...rosterMutations,
  ...messageMutations,
  ...preferenceMutations,
  ...tagMutations,
  ...appInstanceMutations,
  ...channelFlowMutations,
  ...roomMutations,
  ...chimeAccountMutations,
};

/** The resolver map. */
export const resolvers: Resolvers<GatewayContext> = {
  DateTime,
  Node,
  Identity,
  Query,
  Mutation,
  AppInstance,
  AppInstanceUser,
  AppInstanceBot,
  Channel,
  ChannelMembership,
  ChannelModerator,
  ChannelBan,
  ChannelMessage,
  ChannelMessageEdge,
  ChannelFlow,
  ChimeAccount,
  ChimeUser,
  Room,
  RoomMembership,
  ...subscriptionResolvers,
};

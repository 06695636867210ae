/** Every resolver, gathered for the executable schema (one file per type). */
import { GatewayContext } from '../context';
import { MutationResolvers, Resolvers } from '../generated/resolvers-types';
import { AppInstance } from './app-instance';
import { AppInstanceBot } from './app-instance-bot';
import { AppInstanceUser } from './app-instance-user';
import { Channel } from './channel';
import { ChannelBan } from './channel-ban';
import { ChannelMembership } from './channel-membership';
import { ChannelMessage, ChannelMessageEdge } from './channel-message';
import { ChannelModerator } from './channel-moderator';
import { Complete } from './complete';
import { DateTime } from './date-time';
import { channelMutations } from './mutation-channel';
import { messageMutations } from './mutation-message';
import { rosterMutations } from './mutation-roster';
import { Identity, Node } from './node';
import { Query } from './query';

/** Mutation, split by what it changes: channels, rosters, messages. */
const Mutation: Complete<MutationResolvers<GatewayContext>> = { ...channelMutations, ...rosterMutations, ...messageMutations };

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
};

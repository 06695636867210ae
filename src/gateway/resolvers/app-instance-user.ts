/**
 * AppInstanceUser: a user, and the channels it belongs to or moderates
 * (which Chime shows to the user itself and to AppInstanceAdmins).
 */
import {
  ChannelMembershipForAppInstanceUserSummary,
  ChannelSummary,
  ListChannelMembershipsForAppInstanceUserCommand,
  ListChannelsModeratedByAppInstanceUserCommand,
} from '@aws-sdk/client-chime-sdk-messaging';
import { CHIME_PAGE_SIZE, listConnection } from '../connection';
import { GatewayContext } from '../context';
import { AppInstanceUserResolvers } from '../generated/resolvers-types';
import { primeChannel } from '../loaders';
import { identityFields, nameOf } from './identity';
import { channelModel, ChannelModel, IdentityModel, MembershipModel } from './models';
import { Complete } from './complete';

/** Scope of a user's membership list (for cursors). */
export const userMembershipsScope = (userArn: string): string => `ListChannelMembershipsForAppInstanceUser|${userArn}`;

/** A user's membership as the graph holds it; primes the channel and the user's own membership view. */
function userMembership(context: GatewayContext, user: IdentityModel, item: ChannelMembershipForAppInstanceUserSummary): MembershipModel {
  const summary = item.ChannelSummary as ChannelSummary;
  const channelArn = summary.ChannelArn ?? '';
  const own = item.AppInstanceUserMembershipSummary ?? {};
  primeChannel(context.loaders, summary);
  context.loaders.membershipForUser.prime({ channelArn, memberArn: user.arn }, own);
  return {
    kind: 'ChannelMembership',
    channelArn,
    member: user,
    type: own.Type,
    readMarkerAt: own.ReadMarkerTimestamp ?? null,
    subChannelId: own.SubChannelId ?? null,
  };
}

/** AppInstanceUser resolvers. */
export const AppInstanceUser: Complete<AppInstanceUserResolvers<GatewayContext>> = {
  ...identityFields,
  name: (user, _args, context) => {
    const name = nameOf(user, context);
    return typeof name === 'string' ? name : name.then((described) => described ?? '');
  },
  channelMemberships: (user, args, context) =>
    listConnection<MembershipModel>(
      args,
      userMembershipsScope(user.arn),
      (membership) => membership.channelArn,
      async (nextToken) => {
        const out = await context.upstream.messaging(ListChannelMembershipsForAppInstanceUserCommand, {
          AppInstanceUserArn: user.arn,
          MaxResults: CHIME_PAGE_SIZE,
          NextToken: nextToken,
        });
        return { items: (out.ChannelMemberships ?? []).map((item) => userMembership(context, user, item)), nextToken: out.NextToken };
      },
    ),
  moderatedChannels: (user, args, context) =>
    listConnection<ChannelModel>(
      args,
      `ListChannelsModeratedByAppInstanceUser|${user.arn}`,
      (channel) => channel.arn,
      async (nextToken) => {
        const out = await context.upstream.messaging(ListChannelsModeratedByAppInstanceUserCommand, {
          AppInstanceUserArn: user.arn,
          MaxResults: CHIME_PAGE_SIZE,
          NextToken: nextToken,
        });
        const items = (out.Channels ?? []).map(({ ChannelSummary: summary = {} }) => {
          const arn = summary.ChannelArn ?? '';
          primeChannel(context.loaders, summary);
          context.loaders.moderates.prime({ channelArn: arn, memberArn: user.arn }, true);
          return channelModel(arn, { summary });
        });
        return { items, nextToken: out.NextToken };
      },
    ),
};

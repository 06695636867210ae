/**
 * ChannelMembership: who belongs to a channel. Lists carry the member only;
 * type, inviter, times and sub-channel come from DescribeChannelMembership,
 * the read marker from the member's own view
 * (DescribeChannelMembershipForAppInstanceUser), preferences from
 * GetChannelMembershipPreferences.
 */
import type { ChannelMembershipPreferences, ChannelMembership as SdkChannelMembership } from '@aws-sdk/client-chime-sdk-messaging';
import { GatewayContext } from '../context';
import { ChannelMembershipResolvers } from '../generated/resolvers-types';
import { toGlobalId } from '../global-id';
import { channelOf } from './channel-reference';
import { Complete } from './complete';
import { identityModel, MembershipModel } from './models';

/** A membership model from DescribeChannelMembership's answer. */
export function membershipOf(details: SdkChannelMembership, channelArn: string, memberArn: string): MembershipModel {
  return {
    kind: 'ChannelMembership',
    channelArn,
    member: identityModel(details.Member?.Arn ? details.Member : memberArn),
    type: details.Type,
    details,
  };
}

async function detailsOf(membership: MembershipModel, context: GatewayContext): Promise<SdkChannelMembership> {
  return membership.details ?? context.loaders.membership.load({ channelArn: membership.channelArn, memberArn: membership.member.arn });
}

/** ChannelMembership resolvers. */
export const ChannelMembership: Complete<ChannelMembershipResolvers<GatewayContext>> = {
  id: (membership) => toGlobalId('ChannelMembership', membership.channelArn, membership.member.arn),
  channel: (membership, _args, context) => channelOf(membership.channelArn, context),
  member: (membership) => membership.member,
  type: async (membership, _args, context) => membership.type ?? (await detailsOf(membership, context)).Type ?? null,
  invitedBy: async (membership, _args, context) => {
    const invitedBy = (await detailsOf(membership, context)).InvitedBy;
    return invitedBy?.Arn ? identityModel(invitedBy) : null;
  },
  createdAt: async (membership, _args, context) => (await detailsOf(membership, context)).CreatedTimestamp ?? null,
  updatedAt: async (membership, _args, context) => (await detailsOf(membership, context)).LastUpdatedTimestamp ?? null,
  readMarkerAt: async (membership, _args, context) => {
    if (membership.readMarkerAt !== undefined) return membership.readMarkerAt;
    const own = await context.loaders.membershipForUser.load({ channelArn: membership.channelArn, memberArn: membership.member.arn });
    return own?.ReadMarkerTimestamp ?? null;
  },
  subChannelId: async (membership, _args, context) => {
    if (membership.subChannelId !== undefined) return membership.subChannelId;
    return (await detailsOf(membership, context)).SubChannelId ?? null;
  },
  preferences: async (membership, _args, context) => {
    const preferences = await context.loaders.preferences.load({ channelArn: membership.channelArn, memberArn: membership.member.arn });
    return preferencesOf(preferences);
  },
};

/** Chime's ChannelMembershipPreferences as the graph shows them. */
export function preferencesOf(preferences: ChannelMembershipPreferences) {
  const push = preferences.PushNotifications;
  return { pushNotifications: push?.AllowNotifications ? { allowNotifications: push.AllowNotifications, filterRule: push.FilterRule ?? null } : null };
}

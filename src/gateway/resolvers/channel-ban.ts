/** ChannelBan: lists carry the banned identity; who banned and when come from DescribeChannelBan. */
import type { ChannelBan as SdkChannelBan } from '@aws-sdk/client-chime-sdk-messaging';
import { GatewayContext } from '../context';
import { ChannelBanResolvers } from '../generated/resolvers-types';
import { toGlobalId } from '../global-id';
import { channelOf } from './channel-reference';
import { Complete } from './complete';
import { BanModel, identityModel } from './models';

/** A ban model from DescribeChannelBan's answer. */
export function banOf(details: SdkChannelBan, channelArn: string, memberArn: string): BanModel {
  return { kind: 'ChannelBan', channelArn, member: identityModel(details.Member?.Arn ? details.Member : memberArn), details };
}

async function detailsOf(ban: BanModel, context: GatewayContext): Promise<SdkChannelBan> {
  return ban.details ?? context.loaders.ban.load({ channelArn: ban.channelArn, memberArn: ban.member.arn });
}

/** ChannelBan resolvers. */
export const ChannelBan: Complete<ChannelBanResolvers<GatewayContext>> = {
  id: (ban) => toGlobalId('ChannelBan', ban.channelArn, ban.member.arn),
  channel: (ban, _args, context) => channelOf(ban.channelArn, context),
  member: (ban) => ban.member,
  createdBy: async (ban, _args, context) => {
    const createdBy = (await detailsOf(ban, context)).CreatedBy;
    return createdBy?.Arn ? identityModel(createdBy) : null;
  },
  createdAt: async (ban, _args, context) => (await detailsOf(ban, context)).CreatedTimestamp ?? null,
};

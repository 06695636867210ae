/** ChannelModerator: lists carry the moderator; who appointed them and when come from DescribeChannelModerator. */
import type { ChannelModerator as SdkChannelModerator } from '@aws-sdk/client-chime-sdk-messaging';
import { GatewayContext } from '../context';
import { ChannelModeratorResolvers } from '../generated/resolvers-types';
import { toGlobalId } from '../global-id';
import { channelOf } from './channel-reference';
import { Complete } from './complete';
import { identityModel, ModeratorModel } from './models';

/** A moderator model from DescribeChannelModerator's answer. */
export function moderatorOf(details: SdkChannelModerator, channelArn: string, moderatorArn: string): ModeratorModel {
  return { kind: 'ChannelModerator', channelArn, moderator: identityModel(details.Moderator?.Arn ? details.Moderator : moderatorArn), details };
}

async function detailsOf(moderator: ModeratorModel, context: GatewayContext): Promise<SdkChannelModerator> {
  return moderator.details ?? context.loaders.moderator.load({ channelArn: moderator.channelArn, memberArn: moderator.moderator.arn });
}

/** ChannelModerator resolvers. */
export const ChannelModerator: Complete<ChannelModeratorResolvers<GatewayContext>> = {
  id: (moderator) => toGlobalId('ChannelModerator', moderator.channelArn, moderator.moderator.arn),
  channel: (moderator, _args, context) => channelOf(moderator.channelArn, context),
  moderator: (moderator) => moderator.moderator,
  createdBy: async (moderator, _args, context) => {
    const createdBy = (await detailsOf(moderator, context)).CreatedBy;
    return createdBy?.Arn ? identityModel(createdBy) : null;
  },
  createdAt: async (moderator, _args, context) => (await detailsOf(moderator, context)).CreatedTimestamp ?? null,
};

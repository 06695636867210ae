/** AppInstance: the viewer's AppInstance and its channel directory. */
import { ListChannelsCommand } from '@aws-sdk/client-chime-sdk-messaging';
import { CHIME_PAGE_SIZE, listConnection } from '../connection';
import { GatewayContext } from '../context';
import { AppInstanceResolvers } from '../generated/resolvers-types';
import { toGlobalId } from '../global-id';
import { primeChannel } from '../loaders';
import { Complete } from './complete';
import { channelModel, ChannelModel } from './models';

/** AppInstance resolvers. */
export const AppInstance: Complete<AppInstanceResolvers<GatewayContext>> = {
  id: (instance) => toGlobalId('AppInstance', instance.arn),
  arn: (instance) => instance.arn,
  name: async (instance, _args, context) => (await context.loaders.appInstance.load(instance.arn)).Name ?? null,
  metadata: async (instance, _args, context) => (await context.loaders.appInstance.load(instance.arn)).Metadata ?? null,
  createdAt: async (instance, _args, context) => (await context.loaders.appInstance.load(instance.arn)).CreatedTimestamp ?? null,
  channels: (instance, args, context) => {
    const privacy = args.privacy ?? 'PUBLIC';
    return listConnection<ChannelModel>(
      args,
      `ListChannels|${instance.arn}|${privacy}`,
      (channel) => channel.arn,
      async (nextToken) => {
        const out = await context.upstream.messaging(ListChannelsCommand, {
          AppInstanceArn: instance.arn,
          Privacy: privacy,
          MaxResults: CHIME_PAGE_SIZE,
          NextToken: nextToken,
        });
        const items = (out.Channels ?? []).map((summary) => {
          primeChannel(context.loaders, summary);
          return channelModel(summary.ChannelArn ?? '', { summary });
        });
        return { items, nextToken: out.NextToken };
      },
    );
  },
};

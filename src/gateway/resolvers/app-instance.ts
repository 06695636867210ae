/**
 * AppInstance: the viewer's AppInstance, its channel directory, and the
 * settings only its AppInstanceAdmins may see (streaming, retention, flows).
 */
import { GetAppInstanceRetentionSettingsCommand } from '@aws-sdk/client-chime-sdk-identity';
import { GetMessagingStreamingConfigurationsCommand, ListChannelFlowsCommand, ListChannelsCommand } from '@aws-sdk/client-chime-sdk-messaging';
import { CHIME_PAGE_SIZE, listConnection } from '../connection';
import { GatewayContext, requireViewer } from '../context';
import { gatewayError } from '../errors';
import { AppInstanceResolvers } from '../generated/resolvers-types';
import { toGlobalId } from '../global-id';
import { orNull, primeChannel } from '../loaders';
import { Complete } from './complete';
import { AppInstanceModel, channelFlowModel, ChannelFlowModel, channelModel, ChannelModel } from './models';

/** Scope of an AppInstance's channel flows (for cursors). */
export const channelFlowsScope = (appInstanceArn: string): string => `ListChannelFlows|${appInstanceArn}`;

/**
 * The viewer's own AppInstance, or FORBIDDEN: admin settings are read with
 * the gateway's credentials, so the gateway keeps them to the viewer's instance.
 */
export function ownAppInstance(context: GatewayContext, arn: string, field: string): string {
  const viewer = requireViewer(context);
  if (arn !== viewer.appInstanceArn) throw gatewayError('FORBIDDEN', `${field} is only served for the viewer's own AppInstance ${viewer.appInstanceArn}, not ${arn}.`);
  return arn;
}

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
  viewerIsAdmin: (instance, _args, context) =>
    instance.arn === requireViewer(context).appInstanceArn ? context.upstream.isAppInstanceAdmin() : false,
  messagingStreamingConfigurations: async (instance, _args, context) => {
    const arn = ownAppInstance(context, instance.arn, 'messagingStreamingConfigurations');
    // Chime answers NotFound for an AppInstance that streams nothing: the graph shows an empty list.
    const out = await orNull(context.upstream.messagingAsAdmin(GetMessagingStreamingConfigurationsCommand, { AppInstanceArn: arn }));
    return (out?.StreamingConfigurations ?? []).map((c) => ({ dataType: c.DataType ?? 'ChannelMessage', resourceArn: c.ResourceArn ?? '' }));
  },
  retentionSettings: async (instance, _args, context) => {
    const arn = ownAppInstance(context, instance.arn, 'retentionSettings');
    const out = await context.upstream.identityAsAdmin(GetAppInstanceRetentionSettingsCommand, { AppInstanceArn: arn });
    return { channelRetentionDays: out.AppInstanceRetentionSettings?.ChannelRetentionSettings?.RetentionDays ?? null };
  },
  channelFlows: (instance, args, context) => {
    const arn = ownAppInstance(context, instance.arn, 'channelFlows');
    return listConnection<ChannelFlowModel>(
      args,
      channelFlowsScope(arn),
      (flow) => flow.arn,
      async (nextToken) => {
        const out = await context.upstream.messagingAsAdmin(ListChannelFlowsCommand, { AppInstanceArn: arn, MaxResults: CHIME_PAGE_SIZE, NextToken: nextToken });
        return { items: (out.ChannelFlows ?? []).map((summary) => channelFlowModel(summary.ChannelFlowArn ?? '', summary)), nextToken: out.NextToken };
      },
    );
  },
};

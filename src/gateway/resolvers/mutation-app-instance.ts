/**
 * Mutations of the viewer's AppInstance settings: messaging streaming
 * configurations and retention. Chime authorizes these by the gateway's
 * credentials alone: AppInstanceAdmins only, their own AppInstance only.
 */
import { PutAppInstanceRetentionSettingsCommand } from '@aws-sdk/client-chime-sdk-identity';
import { DeleteMessagingStreamingConfigurationsCommand, PutMessagingStreamingConfigurationsCommand } from '@aws-sdk/client-chime-sdk-messaging';
import { GatewayContext } from '../context';
import { MutationResolvers } from '../generated/resolvers-types';
import { checkRetentionDays, checkStreamingConfigurations, nodeIdOf } from '../input-limits';
import { ownAppInstance } from './app-instance';
import { AppInstanceModel } from './models';

type AppInstanceMutations = Pick<
  Required<MutationResolvers<GatewayContext>>,
  'putMessagingStreamingConfigurations' | 'deleteMessagingStreamingConfigurations' | 'putAppInstanceRetentionSettings'
>;

/** The viewer's own AppInstance named by a global id, or BAD_USER_INPUT / FORBIDDEN. */
function appInstanceOfId(context: GatewayContext, id: string): AppInstanceModel {
  const arn = nodeIdOf('input.appInstanceId', id, ['AppInstance']).keys[0];
  return { kind: 'AppInstance', arn: ownAppInstance(context, arn, 'input.appInstanceId') };
}

/** AppInstance mutations. */
export const appInstanceMutations: AppInstanceMutations = {
  putMessagingStreamingConfigurations: async (_root, { input }, context) => {
    checkStreamingConfigurations('input.configurations', input.configurations);
    const appInstance = appInstanceOfId(context, input.appInstanceId);
    const out = await context.upstream.messagingAsAdmin(PutMessagingStreamingConfigurationsCommand, {
      AppInstanceArn: appInstance.arn,
      StreamingConfigurations: input.configurations.map((c) => ({ DataType: c.dataType, ResourceArn: c.resourceArn })),
    });
    return {
      clientMutationId: input.clientMutationId,
      appInstance,
      configurations: (out.StreamingConfigurations ?? []).map((c) => ({ dataType: c.DataType ?? 'ChannelMessage', resourceArn: c.ResourceArn ?? '' })),
    };
  },
  deleteMessagingStreamingConfigurations: async (_root, { input }, context) => {
    const appInstance = appInstanceOfId(context, input.appInstanceId);
    await context.upstream.messagingAsAdmin(DeleteMessagingStreamingConfigurationsCommand, { AppInstanceArn: appInstance.arn });
    return { clientMutationId: input.clientMutationId, appInstance };
  },
  putAppInstanceRetentionSettings: async (_root, { input }, context) => {
    checkRetentionDays('input.channelRetentionDays', input.channelRetentionDays);
    const appInstance = appInstanceOfId(context, input.appInstanceId);
    const days = input.channelRetentionDays ?? undefined;
    const out = await context.upstream.identityAsAdmin(PutAppInstanceRetentionSettingsCommand, {
      AppInstanceArn: appInstance.arn,
      AppInstanceRetentionSettings: days === undefined ? {} : { ChannelRetentionSettings: { RetentionDays: days } },
    });
    return {
      clientMutationId: input.clientMutationId,
      appInstance,
      retentionSettings: { channelRetentionDays: out.AppInstanceRetentionSettings?.ChannelRetentionSettings?.RetentionDays ?? null },
      initiateDeletionAt: out.InitiateDeletionTimestamp ?? null,
    };
  },
};

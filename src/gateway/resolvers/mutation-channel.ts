/**
 * Mutations of channels themselves: createChannel, updateChannel,
 * deleteChannel, markChannelRead, putChannelExpirationSettings.
 */
import { randomUUID } from 'node:crypto';
import {
  CreateChannelCommand,
  DeleteChannelCommand,
  PutChannelExpirationSettingsCommand,
  UpdateChannelCommand,
  UpdateChannelReadMarkerCommand,
} from '@aws-sdk/client-chime-sdk-messaging';
import { keyCursor } from '../connection';
import { GatewayContext, requireViewer } from '../context';
import { ChannelExpirationSettingsInput, MutationResolvers } from '../generated/resolvers-types';
import { toGlobalId } from '../global-id';
import {
  channelArnOfId,
  checkChannelName,
  checkClientRequestToken,
  checkElasticConfiguration,
  checkExpirationDays,
  checkMetadata,
  checkTags,
} from '../input-limits';
import { forgetChannel } from '../loaders';
import { userMembershipsScope } from './app-instance-user';
import { channelModel, identityModel } from './models';

type ChannelMutations = Pick<
  Required<MutationResolvers<GatewayContext>>,
  'createChannel' | 'updateChannel' | 'deleteChannel' | 'markChannelRead' | 'putChannelExpirationSettings'
>;

/** Chime's ExpirationSettings from the input, checked. */
function expirationOf(field: string, settings: ChannelExpirationSettingsInput | null | undefined) {
  if (!settings) return undefined;
  checkExpirationDays(`${field}.expirationDays`, settings.expirationDays);
  return { ExpirationDays: settings.expirationDays, ExpirationCriterion: settings.expirationCriterion };
}

/** Channel mutations. */
export const channelMutations: ChannelMutations = {
  createChannel: async (_root, { input }, context) => {
    const viewer = requireViewer(context);
    checkChannelName('input.name', input.name);
    checkMetadata('input.metadata', input.metadata);
    checkTags('input.tags', input.tags);
    checkClientRequestToken('input.clientRequestToken', input.clientRequestToken);
    const expiration = expirationOf('input.expirationSettings', input.expirationSettings);
    const elastic = input.elasticConfiguration;
    if (elastic) checkElasticConfiguration('input.elasticConfiguration', elastic);
    const out = await context.upstream.messaging(CreateChannelCommand, {
      AppInstanceArn: viewer.appInstanceArn,
      Name: input.name,
      Mode: input.mode ?? undefined,
      Privacy: input.privacy ?? undefined,
      Metadata: input.metadata ?? undefined,
      ExpirationSettings: expiration,
      ElasticChannelConfiguration: elastic
        ? {
            MaximumSubChannels: elastic.maximumSubChannels,
            TargetMembershipsPerSubChannel: elastic.targetMembershipsPerSubChannel,
            MinimumMembershipPercentage: elastic.minimumMembershipPercentage,
          }
        : undefined,
      Tags: input.tags?.map((tag) => ({ Key: tag.key, Value: tag.value })),
      // Generated when absent, so an SDK retry of this one request stays idempotent.
      ClientRequestToken: input.clientRequestToken ?? randomUUID(),
    });
    const arn = out.ChannelArn ?? '';
    return {
      clientMutationId: input.clientMutationId,
      channel: channelModel(arn),
      // The creator is the first member (and a moderator).
      viewerMembershipEdge: {
        cursor: keyCursor(userMembershipsScope(viewer.userArn), arn),
        node: { kind: 'ChannelMembership', channelArn: arn, member: identityModel(viewer.userArn), type: 'DEFAULT', readMarkerAt: null },
      },
    };
  },

  updateChannel: async (_root, { input }, context) => {
    const arn = channelArnOfId('input.channelId', input.channelId);
    if (input.name != null) checkChannelName('input.name', input.name);
    checkMetadata('input.metadata', input.metadata);
    await context.upstream.messaging(UpdateChannelCommand, {
      ChannelArn: arn,
      Name: input.name ?? undefined,
      Mode: input.mode ?? undefined,
      Metadata: input.metadata ?? undefined,
    });
    forgetChannel(context.loaders, arn);
    return { clientMutationId: input.clientMutationId, channel: channelModel(arn) };
  },

  deleteChannel: async (_root, { input }, context) => {
    const arn = channelArnOfId('input.channelId', input.channelId);
    await context.upstream.messaging(DeleteChannelCommand, { ChannelArn: arn });
    forgetChannel(context.loaders, arn);
    return { clientMutationId: input.clientMutationId, deletedChannelId: toGlobalId('Channel', arn) };
  },

  markChannelRead: async (_root, { input }, context) => {
    const arn = channelArnOfId('input.channelId', input.channelId);
    const viewer = requireViewer(context);
    await context.upstream.messaging(UpdateChannelReadMarkerCommand, { ChannelArn: arn });
    context.loaders.membershipForUser.clear({ channelArn: arn, memberArn: viewer.userArn });
    return { clientMutationId: input.clientMutationId, channel: channelModel(arn) };
  },

  putChannelExpirationSettings: async (_root, { input }, context) => {
    const arn = channelArnOfId('input.channelId', input.channelId);
    const expiration = expirationOf('input.expirationSettings', input.expirationSettings);
    await context.upstream.messaging(PutChannelExpirationSettingsCommand, { ChannelArn: arn, ExpirationSettings: expiration });
    forgetChannel(context.loaders, arn);
    return { clientMutationId: input.clientMutationId, channel: channelModel(arn) };
  },
};

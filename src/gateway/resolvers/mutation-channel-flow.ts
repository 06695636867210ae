/**
 * Mutations of channel flows: create, update, delete (AppInstanceAdmins only:
 * Chime authorizes them by the gateway's credentials), associate and
 * disassociate (with the viewer as bearer: Chime allows the channel's
 * moderators and AppInstanceAdmins), and the processors' callback.
 */
import { randomUUID } from 'node:crypto';
import {
  AssociateChannelFlowCommand,
  ChannelFlowCallbackCommand,
  CreateChannelFlowCommand,
  DeleteChannelFlowCommand,
  DisassociateChannelFlowCommand,
  UpdateChannelFlowCommand,
} from '@aws-sdk/client-chime-sdk-messaging';
import { GatewayContext, requireViewer } from '../context';
import { MutationResolvers } from '../generated/resolvers-types';
import { toGlobalId } from '../global-id';
import {
  channelArnOfId,
  channelFlowArnOfId,
  checkArn,
  checkCallbackId,
  checkChannelName,
  checkClientRequestToken,
  checkContentType,
  checkMessageBody,
  checkMessageId,
  checkMetadata,
  checkProcessors,
  checkSubChannelId,
  checkTags,
} from '../input-limits';
import { forgetChannel } from '../loaders';
import { processorsInput } from './channel-flow';
import { channelFlowModel, channelModel } from './models';

type ChannelFlowMutations = Pick<
  Required<MutationResolvers<GatewayContext>>,
  'createChannelFlow' | 'updateChannelFlow' | 'deleteChannelFlow' | 'associateChannelFlow' | 'disassociateChannelFlow' | 'sendChannelFlowCallback'
>;

/** Channel flow mutations. */
export const channelFlowMutations: ChannelFlowMutations = {
  createChannelFlow: async (_root, { input }, context) => {
    checkChannelName('input.name', input.name);
    checkProcessors('input.processors', input.processors);
    checkTags('input.tags', input.tags);
    checkClientRequestToken('input.clientRequestToken', input.clientRequestToken);
    const viewer = requireViewer(context);
    const out = await context.upstream.messagingAsAdmin(CreateChannelFlowCommand, {
      AppInstanceArn: viewer.appInstanceArn,
      Name: input.name,
      Processors: processorsInput(input.processors),
      Tags: input.tags?.map((tag) => ({ Key: tag.key, Value: tag.value })),
      // Generated when absent, so an SDK retry of this one request creates one flow.
      ClientRequestToken: input.clientRequestToken ?? randomUUID(),
    });
    return { clientMutationId: input.clientMutationId, channelFlow: channelFlowModel(out.ChannelFlowArn ?? '') };
  },

  updateChannelFlow: async (_root, { input }, context) => {
    const arn = channelFlowArnOfId('input.channelFlowId', input.channelFlowId);
    checkChannelName('input.name', input.name);
    checkProcessors('input.processors', input.processors);
    await context.upstream.messagingAsAdmin(UpdateChannelFlowCommand, { ChannelFlowArn: arn, Name: input.name, Processors: processorsInput(input.processors) });
    context.loaders.channelFlow.clear(arn);
    return { clientMutationId: input.clientMutationId, channelFlow: channelFlowModel(arn) };
  },

  deleteChannelFlow: async (_root, { input }, context) => {
    const arn = channelFlowArnOfId('input.channelFlowId', input.channelFlowId);
    await context.upstream.messagingAsAdmin(DeleteChannelFlowCommand, { ChannelFlowArn: arn });
    context.loaders.channelFlow.clear(arn);
    return { clientMutationId: input.clientMutationId, deletedChannelFlowId: toGlobalId('ChannelFlow', arn) };
  },

  associateChannelFlow: async (_root, { input }, context) => {
    const channelArn = channelArnOfId('input.channelId', input.channelId);
    const flowArn = channelFlowArnOfId('input.channelFlowId', input.channelFlowId);
    await context.upstream.messaging(AssociateChannelFlowCommand, { ChannelArn: channelArn, ChannelFlowArn: flowArn });
    forgetChannel(context.loaders, channelArn);
    return { clientMutationId: input.clientMutationId, channel: channelModel(channelArn), channelFlow: channelFlowModel(flowArn) };
  },

  disassociateChannelFlow: async (_root, { input }, context) => {
    const channelArn = channelArnOfId('input.channelId', input.channelId);
    const flowArn = channelFlowArnOfId('input.channelFlowId', input.channelFlowId);
    await context.upstream.messaging(DisassociateChannelFlowCommand, { ChannelArn: channelArn, ChannelFlowArn: flowArn });
    forgetChannel(context.loaders, channelArn);
    return { clientMutationId: input.clientMutationId, channel: channelModel(channelArn) };
  },

  sendChannelFlowCallback: async (_root, { input }, context) => {
    const channelArn = checkArn('input.channelArn', input.channelArn);
    checkCallbackId('input.callbackId', input.callbackId);
    const message = input.message;
    checkMessageId('input.message.messageId', message.messageId);
    // Flows process STANDARD messages only, so a rewrite keeps within their limits.
    if (message.content != null) checkMessageBody({ content: 'input.message.content', metadata: 'input.message.metadata' }, 'STANDARD', message.content, message.metadata);
    else checkMetadata('input.message.metadata', message.metadata);
    checkContentType('input.message.contentType', message.contentType);
    const subChannelId = checkSubChannelId('input.message.subChannelId', message.subChannelId);
    const out = await context.upstream.messagingAsAdmin(ChannelFlowCallbackCommand, {
      ChannelArn: channelArn,
      CallbackId: input.callbackId,
      DeleteResource: input.deleteResource ?? undefined,
      ChannelMessage: {
        MessageId: message.messageId,
        Content: message.content ?? undefined,
        Metadata: message.metadata ?? undefined,
        ContentType: message.contentType ?? undefined,
        SubChannelId: subChannelId,
      },
    });
    forgetChannel(context.loaders, channelArn);
    return { clientMutationId: input.clientMutationId, callbackId: out.CallbackId ?? input.callbackId, channel: channelModel(channelArn) };
  },
};

/**
 * Mutations of messages: send, edit, redact, delete. A sent PERSISTENT
 * message is fetched (GetChannelMessage) only if the payload asks for more
 * than its id; a NON_PERSISTENT one is never stored, so the payload builds it
 * from the input.
 */
import { randomUUID } from 'node:crypto';
import {
  DeleteChannelMessageCommand,
  RedactChannelMessageCommand,
  SendChannelMessageCommand,
  UpdateChannelMessageCommand,
} from '@aws-sdk/client-chime-sdk-messaging';
import { GatewayContext, requireViewer } from '../context';
import { MutationResolvers } from '../generated/resolvers-types';
import { toGlobalId } from '../global-id';
import { channelArnOfId, checkClientRequestToken, checkContentType, checkMessageBody, checkSubChannelId, messageKeyOfId } from '../input-limits';
import { forgetChannel, Loaders, MessageKey } from '../loaders';
import { channelModel, MessageModel } from './models';

type MessageMutations = Pick<
  Required<MutationResolvers<GatewayContext>>,
  'sendChannelMessage' | 'updateChannelMessage' | 'redactChannelMessage' | 'deleteChannelMessage'
>;

/** A message model to be fetched when its fields are asked for, with nothing stale cached. */
function refetched(loaders: Loaders, key: MessageKey): MessageModel {
  loaders.message.clear(key);
  return { kind: 'ChannelMessage', channelArn: key.channelArn, messageId: key.messageId };
}

/** Message mutations. */
export const messageMutations: MessageMutations = {
  sendChannelMessage: async (_root, { input }, context) => {
    const channelArn = channelArnOfId('input.channelId', input.channelId);
    const type = input.type ?? 'STANDARD';
    const persistence = input.persistence ?? 'PERSISTENT';
    checkMessageBody({ content: 'input.content', metadata: 'input.metadata' }, type, input.content, input.metadata);
    checkContentType('input.contentType', input.contentType);
    checkClientRequestToken('input.clientRequestToken', input.clientRequestToken);
    const subChannelId = checkSubChannelId('input.subChannelId', input.subChannelId);
    const viewer = requireViewer(context);
    const out = await context.upstream.messaging(SendChannelMessageCommand, {
      ChannelArn: channelArn,
      Content: input.content,
      Type: type,
      Persistence: persistence,
      Metadata: input.metadata ?? undefined,
      ContentType: input.contentType ?? undefined,
      SubChannelId: subChannelId,
      // Generated when absent, so an SDK retry of this one request sends one message.
      ClientRequestToken: input.clientRequestToken ?? randomUUID(),
    });
    const key = { channelArn, messageId: out.MessageId ?? '' };
    forgetChannel(context.loaders, channelArn);
    if (persistence === 'PERSISTENT') {
      const message = refetched(context.loaders, key);
      return { clientMutationId: input.clientMutationId, message, messageEdge: { node: message } };
    }
    const now = new Date();
    const message: MessageModel = {
      kind: 'ChannelMessage',
      ...key,
      message: {
        ChannelArn: channelArn,
        MessageId: key.messageId,
        Content: input.content,
        Metadata: input.metadata ?? undefined,
        ContentType: input.contentType ?? undefined,
        Type: type,
        Persistence: persistence,
        Sender: { Arn: viewer.userArn },
        // Never stored, so Chime has no timestamp to give: the time the gateway saw it sent.
        CreatedTimestamp: now,
        LastUpdatedTimestamp: now,
        Redacted: false,
        Status: out.Status,
        SubChannelId: out.SubChannelId,
      },
    };
    return { clientMutationId: input.clientMutationId, message, messageEdge: null };
  },

  updateChannelMessage: async (_root, { input }, context) => {
    const key = messageKeyOfId('input.messageId', input.messageId);
    // The message's type is unknown here, so the STANDARD limits apply; Chime enforces CONTROL's.
    checkMessageBody({ content: 'input.content', metadata: 'input.metadata' }, 'STANDARD', input.content, input.metadata);
    checkContentType('input.contentType', input.contentType);
    await context.upstream.messaging(UpdateChannelMessageCommand, {
      ChannelArn: key.channelArn,
      MessageId: key.messageId,
      Content: input.content,
      Metadata: input.metadata ?? undefined,
      ContentType: input.contentType ?? undefined,
    });
    return { clientMutationId: input.clientMutationId, message: refetched(context.loaders, key) };
  },

  redactChannelMessage: async (_root, { input }, context) => {
    const key = messageKeyOfId('input.messageId', input.messageId);
    await context.upstream.messaging(RedactChannelMessageCommand, { ChannelArn: key.channelArn, MessageId: key.messageId });
    return { clientMutationId: input.clientMutationId, message: refetched(context.loaders, key) };
  },

  deleteChannelMessage: async (_root, { input }, context) => {
    const key = messageKeyOfId('input.messageId', input.messageId);
    await context.upstream.messaging(DeleteChannelMessageCommand, { ChannelArn: key.channelArn, MessageId: key.messageId });
    context.loaders.message.clear(key);
    forgetChannel(context.loaders, key.channelArn);
    return {
      clientMutationId: input.clientMutationId,
      channel: channelModel(key.channelArn),
      deletedMessageId: toGlobalId('ChannelMessage', key.channelArn, key.messageId),
    };
  },
};

/**
 * ChannelMessage and its edge. Listed and fetched messages carry everything;
 * a message just sent or changed is fetched (GetChannelMessage) when a field
 * beyond its keys is asked for.
 */
import type { ChannelMessageStatusStructure } from '@aws-sdk/client-chime-sdk-messaging';
import { GatewayContext } from '../context';
import { messageCursor } from '../connection';
import { ChannelMessageEdgeResolvers, ChannelMessageResolvers } from '../generated/resolvers-types';
import { toGlobalId } from '../global-id';
import { orNull } from '../loaders';
import { messagesScope } from './channel';
import { channelOf } from './channel-reference';
import { Complete } from './complete';
import { identityModel, LoadedMessage, MessageModel } from './models';

/** The message's content, fetched if not yet known. */
export async function loadedMessage(message: MessageModel, context: GatewayContext): Promise<LoadedMessage> {
  return message.message ?? context.loaders.message.load({ channelArn: message.channelArn, messageId: message.messageId });
}

/**
 * The message's processing state: as loaded, unless that says PENDING, when
 * the channel flow may have finished since: then GetChannelMessageStatus.
 * A message that has gone meanwhile (a denied one is not kept) keeps the
 * state it was loaded with.
 */
async function currentStatus(message: MessageModel, context: GatewayContext): Promise<ChannelMessageStatusStructure | undefined> {
  const loaded = await loadedMessage(message, context);
  if (loaded.Status?.Value !== 'PENDING') return loaded.Status;
  return (await orNull(context.loaders.messageStatus.load({ channelArn: message.channelArn, messageId: message.messageId }))) ?? loaded.Status;
}

/** ChannelMessage resolvers. */
export const ChannelMessage: Complete<ChannelMessageResolvers<GatewayContext>> = {
  id: (message) => toGlobalId('ChannelMessage', message.channelArn, message.messageId),
  messageId: (message) => message.messageId,
  channel: (message, _args, context) => channelOf(message.channelArn, context),
  sender: async (message, _args, context) => identityModel((await loadedMessage(message, context)).Sender ?? {}),
  content: async (message, _args, context) => (await loadedMessage(message, context)).Content ?? null,
  contentType: async (message, _args, context) => (await loadedMessage(message, context)).ContentType ?? null,
  metadata: async (message, _args, context) => (await loadedMessage(message, context)).Metadata ?? null,
  type: async (message, _args, context) => (await loadedMessage(message, context)).Type ?? 'STANDARD',
  persistence: async (message, _args, context) => (await loadedMessage(message, context)).Persistence ?? 'PERSISTENT',
  createdAt: async (message, _args, context) => (await loadedMessage(message, context)).CreatedTimestamp ?? new Date(0),
  updatedAt: async (message, _args, context) => (await loadedMessage(message, context)).LastUpdatedTimestamp ?? null,
  editedAt: async (message, _args, context) => (await loadedMessage(message, context)).LastEditedTimestamp ?? null,
  redacted: async (message, _args, context) => (await loadedMessage(message, context)).Redacted ?? false,
  status: async (message, _args, context) => (await currentStatus(message, context))?.Value ?? null,
  statusDetail: async (message, _args, context) => (await currentStatus(message, context))?.Detail ?? null,
  subChannelId: async (message, _args, context) => (await loadedMessage(message, context)).SubChannelId ?? null,
};

/** ChannelMessageEdge resolvers: a mutation's edge gets its cursor from the message's creation time. */
export const ChannelMessageEdge: Complete<ChannelMessageEdgeResolvers<GatewayContext>> = {
  cursor: async (edge, _args, context) => edge.cursor ?? messageCursor(messagesScope(edge.node.channelArn), await loadedMessage(edge.node, context)),
  node: (edge) => edge.node,
};

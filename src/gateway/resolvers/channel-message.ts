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

/**
 * A resolver of one field of the message's content: answered at once when
 * the content is known (listings, realtime events), which keeps executing an
 * event free of promises; otherwise once the message is fetched.
 */
function contentField<T>(pick: (loaded: LoadedMessage) => T) {
  return (message: MessageModel, _args: unknown, context: GatewayContext): T | Promise<T> =>
    message.message ? pick(message.message) : loadedMessage(message, context).then(pick);
}

/** ChannelMessage resolvers. */
export const ChannelMessage: Complete<ChannelMessageResolvers<GatewayContext>> = {
  id: (message) => toGlobalId('ChannelMessage', message.channelArn, message.messageId),
  messageId: (message) => message.messageId,
  channel: (message, _args, context) => channelOf(message.channelArn, context),
  sender: contentField((loaded) => identityModel(loaded.Sender ?? {})),
  content: contentField((loaded) => loaded.Content ?? null),
  contentType: contentField((loaded) => loaded.ContentType ?? null),
  metadata: contentField((loaded) => loaded.Metadata ?? null),
  type: contentField((loaded) => loaded.Type ?? 'STANDARD'),
  persistence: contentField((loaded) => loaded.Persistence ?? 'PERSISTENT'),
  createdAt: contentField((loaded) => loaded.CreatedTimestamp ?? new Date(0)),
  updatedAt: contentField((loaded) => loaded.LastUpdatedTimestamp ?? null),
  editedAt: contentField((loaded) => loaded.LastEditedTimestamp ?? null),
  redacted: contentField((loaded) => loaded.Redacted ?? false),
  status: async (message, _args, context) => (await currentStatus(message, context))?.Value ?? null,
  statusDetail: async (message, _args, context) => (await currentStatus(message, context))?.Detail ?? null,
  subChannelId: contentField((loaded) => loaded.SubChannelId ?? null),
};

/** ChannelMessageEdge resolvers: a mutation's edge gets its cursor from the message's creation time. */
export const ChannelMessageEdge: Complete<ChannelMessageEdgeResolvers<GatewayContext>> = {
  cursor: async (edge, _args, context) => edge.cursor ?? messageCursor(messagesScope(edge.node.channelArn), await loadedMessage(edge.node, context)),
  node: (edge) => edge.node,
};

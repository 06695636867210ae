/**
 * The `Subscription` fields and the `ChatEvent` types. A `subscribe`
 * resolver checks that the viewer may follow what it asks for, then returns
 * the viewer's realtime events as a stream; `resolve` hands each event model
 * to the selection. The realtime hub comes in the subscribe phase's root
 * value, which only the graphql-ws transport provides.
 */
import { GraphQLError } from 'graphql';
import { GatewayContext, requireViewer } from '../context';
import { gatewayError } from '../errors';
import { ChannelFeedEventResolvers, ChannelMembershipEventResolvers, ChannelMessageFeedEventResolvers, ChatEventResolvers, SubscriptionResolvers } from '../generated/resolvers-types';
import { channelArnOfId } from '../input-limits';
import type { RealtimeHub } from '../realtime';
import type { Viewer } from '../viewer';
import { Complete } from '../resolvers/complete';
import { ChannelFeedModel, ChannelMessageFeedModel, ChatEventModel, ChatEventTypename } from './event-models';
import { chatEventStream } from './event-stream';

/** What the subscribe resolvers need from the transport, passed as the subscribe phase's root value. */
export interface SubscriptionRoot {
  realtime: {
    hub: RealtimeHub;
    /** Longest wait for the viewer's upstream session before the stream is returned anyway. */
    readyTimeoutMs: number;
    /** Events that may wait to be executed (ChatEventStreamOptions.maxQueued). */
    maxQueuedEvents: number;
  };
}

/** What each field delivers. */
const CHANNEL_MESSAGE_EVENTS: ReadonlySet<ChannelMessageFeedModel['__typename']> = new Set(['ChannelMessageEvent', 'ResyncRequiredEvent']);
const CHANNEL_EVENTS: ReadonlySet<ChannelFeedModel['__typename']> = new Set(['ChannelMembershipEvent', 'ChannelChangeEvent', 'ChannelControlEvent', 'ResyncRequiredEvent']);
const VIEWER_EVENTS: ReadonlySet<ChatEventTypename> = new Set([...CHANNEL_MESSAGE_EVENTS, ...CHANNEL_EVENTS]);

/** Subscription resolvers. */
export const Subscription: Complete<SubscriptionResolvers<GatewayContext>> = {
  channelMessageEvents: {
    subscribe: async (root, { channelId }, context) => channelStream(root, channelId, context, CHANNEL_MESSAGE_EVENTS),
    resolve: (event: ChannelMessageFeedModel) => event,
  },
  channelEvents: {
    subscribe: async (root, { channelId }, context) => channelStream(root, channelId, context, CHANNEL_EVENTS),
    resolve: (event: ChannelFeedModel) => event,
  },
  viewerEvents: {
    subscribe: async (root, _args, context) => openStream<ChatEventModel>(realtimeOf(root), requireViewer(context), undefined, VIEWER_EVENTS),
    resolve: (event: ChatEventModel) => event,
  },
};

/** Event models carry their GraphQL type name. */
const typeOf = <T extends ChatEventModel>(event: unknown): T['__typename'] => (event as T).__typename;

/** The `ChatEvent` interface. */
export const ChatEvent: Pick<ChatEventResolvers<GatewayContext>, '__resolveType'> = { __resolveType: typeOf };
/** The `ChannelMessageFeedEvent` union. */
export const ChannelMessageFeedEvent: ChannelMessageFeedEventResolvers<GatewayContext> = { __resolveType: typeOf<ChannelMessageFeedModel> };
/** The `ChannelFeedEvent` union. */
export const ChannelFeedEvent: ChannelFeedEventResolvers<GatewayContext> = { __resolveType: typeOf<ChannelFeedModel> };

/** `ChannelMembershipEvent`: whether the viewer is among the memberships is the one field that depends on who asks. */
export const ChannelMembershipEvent: Pick<ChannelMembershipEventResolvers<GatewayContext>, 'includesViewer'> = {
  includesViewer: (event, _args, context) => {
    const viewerArn = requireViewer(context).userArn;
    return event.memberships.some((membership) => membership.member.arn === viewerArn);
  },
};

/**
 * A channel's events, for a viewer who receives them: Chime delivers a
 * channel's events to its members only, so a viewer who is not one (or may
 * not see the channel at all) gets FORBIDDEN, and a channel that does not
 * exist NOT_FOUND (DescribeChannel and the viewer's own membership, as the
 * viewer, before any session is opened).
 */
async function channelStream<T extends ChatEventModel>(root: unknown, channelId: string, context: GatewayContext, accepts: ReadonlySet<T['__typename']>) {
  const realtime = realtimeOf(root);
  const viewer = requireViewer(context);
  const channelArn = channelArnOfId('channelId', channelId);
  const [, membership] = await Promise.all([
    context.loaders.channel.load(channelArn),
    context.loaders.membershipForUser.load({ channelArn, memberArn: viewer.userArn }),
  ]);
  if (!membership) {
    throw gatewayError('FORBIDDEN', `Only members of channel ${channelArn} receive its events, and the viewer is not one; join the channel first.`, { channelArn });
  }
  return openStream<T>(realtime, viewer, channelArn, accepts);
}

/** Subscribes to the hub, then waits (bounded) until the viewer's session is up, so events flow from when the subscription starts. */
async function openStream<T extends ChatEventModel>(realtime: SubscriptionRoot['realtime'], viewer: Viewer, channelArn: string | undefined, accepts: ReadonlySet<T['__typename']>) {
  let stream;
  try {
    stream = chatEventStream<T>({ hub: realtime.hub, viewer, channelArn, accepts, maxQueued: realtime.maxQueuedEvents });
  } catch {
    throw gatewayError('SERVICE_UNAVAILABLE', 'The gateway is shutting down; subscribe again in a moment.');
  }
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, realtime.readyTimeoutMs)));
  // A session that failed for good has already queued SESSION_ERROR, which ends the stream with its error.
  await Promise.race([realtime.hub.ready(viewer).catch(() => undefined), timeout]);
  clearTimeout(timer);
  return stream;
}

function realtimeOf(root: unknown): SubscriptionRoot['realtime'] {
  const realtime = (root as Partial<SubscriptionRoot> | null)?.realtime;
  if (!realtime) throw new GraphQLError('Subscriptions are served over graphql-ws (subprotocol graphql-transport-ws) on the same /graphql URL, not over HTTP.', { extensions: { code: 'BAD_REQUEST' } });
  return realtime;
}

/** Everything this file resolves, for the resolver map. */
export const subscriptionResolvers = { Subscription, ChatEvent, ChannelMessageFeedEvent, ChannelFeedEvent, ChannelMembershipEvent };

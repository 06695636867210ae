/**
 * Realtime events as GraphQL objects: each decoded event becomes one
 * `ChatEvent` model, once (memoized on the event object, which the hub hands
 * to every listener, of every viewer the frame reached), shaped as the
 * schema's event types with the models of the graph's own objects inside,
 * so `message` is the same `ChannelMessage` node queries return. A model
 * holds nothing of the viewer: what depends on the viewer is resolved from
 * the context, so viewers can share an execution of the same event.
 */
import type { ChannelMembership, Identity } from '@aws-sdk/client-chime-sdk-messaging';
import type { BatchMembershipEvent, ChannelEventType, MembershipChangeEvent, MembershipEventType, MessageEventType, RealtimeEvent, ResyncReason } from '../realtime';
import { ChannelModel, channelModel, identityModel, MembershipModel, MessageModel, messageModel } from '../resolvers/models';

/** A STANDARD (or SYSTEM) message event. */
export interface ChannelMessageEventModel {
  __typename: 'ChannelMessageEvent';
  channel: ChannelModel;
  type: MessageEventType;
  message: MessageModel;
  recovered: boolean;
}

/** A CONTROL message. */
export interface ChannelControlEventModel {
  __typename: 'ChannelControlEvent';
  type: MessageEventType;
  channel: ChannelModel;
  message: MessageModel;
}

/** Memberships added, updated or removed. */
export interface ChannelMembershipEventModel {
  __typename: 'ChannelMembershipEvent';
  channel: ChannelModel;
  type: MembershipEventType | 'BATCH_CREATE_CHANNEL_MEMBERSHIP';
  memberships: MembershipModel[];
}

/** A channel created, updated or deleted. */
export interface ChannelChangeEventModel {
  __typename: 'ChannelChangeEvent';
  channel: ChannelModel;
  type: ChannelEventType;
}

/** RESYNC: refetch the channel, or the channel list. */
export interface ResyncRequiredEventModel {
  __typename: 'ResyncRequiredEvent';
  type: 'RESYNC';
  channel: ChannelModel | null;
  reason: ResyncReason;
  since: Date;
}

/** Any `ChatEvent`. */
export type ChatEventModel = ChannelMessageEventModel | ChannelControlEventModel | ChannelMembershipEventModel | ChannelChangeEventModel | ResyncRequiredEventModel;

/** The GraphQL type names of `ChatEvent` models. */
export type ChatEventTypename = ChatEventModel['__typename'];

/** What `channelMessageEvents` delivers. */
export type ChannelMessageFeedModel = ChannelMessageEventModel | ResyncRequiredEventModel;

/** What `channelEvents` delivers. */
export type ChannelFeedModel = ChannelMembershipEventModel | ChannelChangeEventModel | ChannelControlEventModel | ResyncRequiredEventModel;

const models = new WeakMap<RealtimeEvent, ChatEventModel | null>();

/**
 * The GraphQL model of a non-terminal event, or null for events the schema
 * does not show (CHANNEL_DETAILS, event types this gateway does not know
 * yet). Mapped once per event object.
 */
export function chatEventOf(event: RealtimeEvent): ChatEventModel | null {
  let model = models.get(event);
  if (model === undefined) {
    model = toModel(event);
    models.set(event, model);
  }
  return model;
}

function toModel(event: RealtimeEvent): ChatEventModel | null {
  switch (event.kind) {
    case 'message': {
      const message = messageModel(event.channelArn, event.message);
      const channel = channelModel(event.channelArn);
      if (event.messageType === 'CONTROL') return { __typename: 'ChannelControlEvent', type: event.type, channel, message };
      return { __typename: 'ChannelMessageEvent', channel, type: event.type, message, recovered: event.backfilled };
    }
    case 'membership':
      return membershipEvent(event, [membershipModel(event.channelArn, event.membership)]);
    case 'batchMembership': {
      const { Members = [], Type, SubChannelId } = event.memberships;
      const memberships = Members.map((member: Identity): MembershipModel => ({
        kind: 'ChannelMembership',
        channelArn: event.channelArn,
        member: identityModel(member),
        type: Type,
        subChannelId: SubChannelId ?? null,
      }));
      return membershipEvent(event, memberships);
    }
    case 'channel':
      return { __typename: 'ChannelChangeEvent', channel: channelModel(event.channelArn, { channel: event.channel }), type: event.type };
    case 'resync':
      return { __typename: 'ResyncRequiredEvent', type: 'RESYNC', channel: event.channelArn ? channelModel(event.channelArn) : null, reason: event.reason, since: event.since };
    default:
      // CHANNEL_DETAILS (prefetch is off), unknown event types, and terminal events, which end subscriptions instead.
      return null;
  }
}

function membershipEvent(event: MembershipChangeEvent | BatchMembershipEvent, memberships: MembershipModel[]): ChannelMembershipEventModel {
  return { __typename: 'ChannelMembershipEvent', channel: channelModel(event.channelArn), type: event.type, memberships };
}

/** A membership event's payload is a whole ChannelMembership, so field resolvers need no DescribeChannelMembership. */
function membershipModel(channelArn: string, membership: ChannelMembership): MembershipModel {
  return {
    kind: 'ChannelMembership',
    channelArn,
    member: identityModel(membership.Member ?? {}),
    type: membership.Type,
    details: membership,
    subChannelId: membership.SubChannelId ?? null,
  };
}

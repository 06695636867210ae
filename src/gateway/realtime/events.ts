/**
 * The events the realtime relay hands to its listeners: what Chime sends on a
 * messaging session, decoded once into typed objects (timestamps as Dates),
 * plus the few events the relay itself emits (RESYNC, ACCESS_REVOKED,
 * SESSION_ERROR). Discriminated by `kind`; `type` is Chime's event type.
 */
import type {
  BatchChannelMemberships,
  Channel,
  ChannelMembership,
  ChannelMembershipForAppInstanceUserSummary,
  ChannelMessage,
  ChannelMessageSummary,
} from '@aws-sdk/client-chime-sdk-messaging';

/** Message class of a frame (`x-amz-chime-message-type`). */
export type FrameMessageType = 'STANDARD' | 'CONTROL' | 'SYSTEM';

/** Persistence of a frame (`x-amz-chime-persistence-type`). */
export type FramePersistence = 'PERSISTENT' | 'NON_PERSISTENT';

/** Every message event type; channel flows add the PENDING_, DENIED_ and FAILED_ variants, sent to the sender alone. */
export const MESSAGE_EVENT_TYPES = [
  'CREATE_CHANNEL_MESSAGE',
  'UPDATE_CHANNEL_MESSAGE',
  'REDACT_CHANNEL_MESSAGE',
  'DELETE_CHANNEL_MESSAGE',
  'PENDING_CREATE_CHANNEL_MESSAGE',
  'PENDING_UPDATE_CHANNEL_MESSAGE',
  'DENIED_CREATE_CHANNEL_MESSAGE',
  'DENIED_UPDATE_CHANNEL_MESSAGE',
  'FAILED_CREATE_CHANNEL_MESSAGE',
  'FAILED_UPDATE_CHANNEL_MESSAGE',
] as const;
/** A message event type. */
export type MessageEventType = (typeof MESSAGE_EVENT_TYPES)[number];

/** Channel lifecycle event types. */
export const CHANNEL_EVENT_TYPES = ['CREATE_CHANNEL', 'UPDATE_CHANNEL', 'DELETE_CHANNEL'] as const;
/** A channel lifecycle event type. */
export type ChannelEventType = (typeof CHANNEL_EVENT_TYPES)[number];

/** Single-membership event types (BATCH_CREATE_CHANNEL_MEMBERSHIP has its own event shape). */
export const MEMBERSHIP_EVENT_TYPES = ['CREATE_CHANNEL_MEMBERSHIP', 'UPDATE_CHANNEL_MEMBERSHIP', 'DELETE_CHANNEL_MEMBERSHIP'] as const;
/** A single-membership event type. */
export type MembershipEventType = (typeof MEMBERSHIP_EVENT_TYPES)[number];

/** A message was created, edited, redacted or deleted (or, with channel flows, is pending, denied or failed). */
export interface ChannelMessageEvent {
  kind: 'message';
  type: MessageEventType;
  channelArn: string;
  /** STANDARD, CONTROL (typing indicators and the like) or SYSTEM. */
  messageType: FrameMessageType;
  persistence?: FramePersistence;
  message: ChannelMessage;
  /** True when the relay recovered this message with ListChannelMessages after an upstream drop. */
  backfilled: boolean;
}

/** A channel was created, updated or deleted. */
export interface ChannelChangeEvent {
  kind: 'channel';
  type: ChannelEventType;
  channelArn: string;
  channel: Channel;
}

/** One membership was added, updated (e.g. moved between sub-channels) or removed. */
export interface MembershipChangeEvent {
  kind: 'membership';
  type: MembershipEventType;
  channelArn: string;
  membership: ChannelMembership;
}

/** Several members were added at once. */
export interface BatchMembershipEvent {
  kind: 'batchMembership';
  type: 'BATCH_CREATE_CHANNEL_MEMBERSHIP';
  channelArn: string;
  memberships: BatchChannelMemberships;
}

/**
 * Prefetched state of one channel, sent right after connecting when the
 * session asked for it. Shape: `ChannelMembershipForAppInstanceUserSummary`
 * plus the latest `ChannelMessages` (Chime does not document it exactly).
 */
export interface ChannelDetails extends ChannelMembershipForAppInstanceUserSummary {
  ChannelMessages?: ChannelMessageSummary[];
}

/** The prefetched details of one of the viewer's channels. */
export interface ChannelDetailsEvent {
  kind: 'channelDetails';
  type: 'CHANNEL_DETAILS';
  channelArn: string;
  details: ChannelDetails;
}

/** An event type this relay does not know yet, passed on rather than dropped (Chime adds event types over time). */
export interface UnrecognizedEvent {
  kind: 'unrecognized';
  type: string;
  channelArn?: string;
  messageType?: FrameMessageType;
  payload: unknown;
}

/** Everything Chime delivers on an established session, decoded. */
export type ChimeEvent =
  | ChannelMessageEvent
  | ChannelChangeEvent
  | MembershipChangeEvent
  | BatchMembershipEvent
  | ChannelDetailsEvent
  | UnrecognizedEvent;

/** Why the relay could not fill a gap. */
export type ResyncReason =
  /** ListChannelMessages answered NotFound: the channel is gone. */
  | 'CHANNEL_NOT_FOUND'
  /** ListChannelMessages answered Forbidden: the viewer may no longer read the channel. */
  | 'FORBIDDEN'
  /** The upstream was away longer than the relay's backfill bound. */
  | 'GAP_TOO_LONG'
  /** More messages were missed than the relay backfills for one channel. */
  | 'TOO_MANY_MISSED'
  /** The backfill calls failed (throttling, outage) after the SDK's retries. */
  | 'BACKFILL_FAILED';

/**
 * The relay lost events it cannot replay: refetch the channel (or, without
 * `channelArn`, the viewer's channel list) and carry on. Not terminal.
 */
export interface ResyncEvent {
  kind: 'resync';
  type: 'RESYNC';
  /** The channel to refetch; absent when the viewer's whole channel list must be refetched. */
  channelArn?: string;
  reason: ResyncReason;
  /** Start of the period that could not be replayed. */
  since: Date;
}

/** Why a channel subscription ended. */
export type AccessRevokedReason = 'MEMBERSHIP_DELETED' | 'CHANNEL_DELETED';

/** Terminal, to the subscribers of one channel: the viewer was removed or banned, or the channel was deleted. */
export interface AccessRevokedEvent {
  kind: 'accessRevoked';
  type: 'ACCESS_REVOKED';
  channelArn: string;
  reason: AccessRevokedReason;
  terminal: true;
}

/** Terminal failure codes of an upstream session. */
export type UpstreamErrorCode =
  /** Close code 4401, or HTTP 401/403 from the endpoint call or the `/connect` handshake: bad credentials or unknown user. */
  | 'UPSTREAM_UNAUTHORIZED'
  /** Close code 4003: another connection took over the session. */
  | 'UPSTREAM_REPLACED'
  /** Any other close code the official client does not retry (4002, 1000, 1008, ...). */
  | 'UPSTREAM_CLOSED'
  /** Reconnecting failed for longer than the configured bound. */
  | 'UPSTREAM_UNAVAILABLE';

/** Terminal, to every subscriber of the viewer: the upstream session ended for good. */
export interface SessionErrorEvent {
  kind: 'sessionError';
  type: 'SESSION_ERROR';
  code: UpstreamErrorCode;
  message: string;
  /** The websocket close code, when the session ended with one. */
  closeCode?: number;
  terminal: true;
}

/** What a hub listener receives. */
export type RealtimeEvent = ChimeEvent | ResyncEvent | AccessRevokedEvent | SessionErrorEvent;

/** True for the events after which a listener receives nothing more. */
export function isTerminal(event: RealtimeEvent): event is AccessRevokedEvent | SessionErrorEvent {
  return event.kind === 'accessRevoked' || event.kind === 'sessionError';
}

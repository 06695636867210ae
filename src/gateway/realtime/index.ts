/**
 * The realtime relay: Chime messaging sessions shared per viewer, decoded
 * once, fanned out to subscribers, with nothing lost across upstream drops.
 * Independent of GraphQL; the subscription resolvers build on this.
 */
export { RealtimeHub } from './hub';
export type { RealtimeHubOptions, RealtimeStats } from './hub';
export type { RealtimeListener, SubscriptionFilter } from './viewer-feed';
export { UpstreamSession, UpstreamSessionError } from './upstream-session';
export type { UpstreamSessionHandlers, UpstreamSessionOptions, UpstreamSessionState } from './upstream-session';
export type { BackfillOptions } from './backfill';
export type { BackoffOptions } from './reconnect-policy';
export * from './events';

/**
 * Settings of the subscription endpoint, with their defaults, checked when
 * the transport is created so a bad value fails at startup, naming itself.
 */
import type { RealtimeHubOptions } from '../realtime';

/** How the graphql-ws endpoint behaves; every field is optional. */
export interface SubscriptionOptions {
  /**
   * Subscriptions one socket may hold at once. One more is refused with a
   * GraphQL error of code TOO_MANY_SUBSCRIPTIONS; the socket stays open.
   * Default 100.
   */
  maxSubscriptionsPerSocket?: number;
  /** Time a socket has to send `connection_init` before it is closed with 4408, in ms. Default 3000. */
  connectionInitWaitTimeoutMs?: number;
  /**
   * Interval of websocket pings, in ms; a socket that has not answered one
   * ping within the next interval is terminated. 0 disables. Default 12000.
   */
  keepAliveMs?: number;
  /** Largest incoming message in bytes; a larger one closes the socket with 1009. Default 65536. */
  maxPayloadBytes?: number;
  /** Offers permessage-deflate. Default false: compression costs memory per socket and CPU per message. */
  perMessageDeflate?: boolean;
  /**
   * Bytes that may wait in one socket's send buffer; beyond that the client
   * is not reading and the socket is closed with 1013. Default 1 MiB.
   */
  maxBufferedBytes?: number;
  /**
   * Events that may wait to be executed for one subscription (all the
   * subscriptions that share its execution): executing is normally far
   * faster than events arrive, but resolvers that call Chime per event can
   * fall behind. Beyond the bound the subscription ends with
   * SERVICE_UNAVAILABLE. Default 256.
   */
  maxQueuedEvents?: number;
  /**
   * How long subscribing waits for the viewer's upstream messaging session
   * to be established, in ms; past it the subscription starts anyway and
   * its events flow once the session is up. Default 10000.
   */
  readyTimeoutMs?: number;
  /** Parsed and validated documents kept for reuse, by query text. Default 500. */
  documentCacheSize?: number;
  /** The realtime hub: linger after the last subscriber, upstream reconnects, backfill bounds. */
  realtime?: Omit<RealtimeHubOptions, 'clients' | 'logger'>;
}

/** The options with every default filled in. */
export type SubscriptionSettings = Required<Omit<SubscriptionOptions, 'realtime'>> & Pick<SubscriptionOptions, 'realtime'>;

/** Defaults, documented in src/gateway/subscriptions/README.md. */
export const SUBSCRIPTION_DEFAULTS = {
  maxSubscriptionsPerSocket: 100,
  connectionInitWaitTimeoutMs: 3000,
  keepAliveMs: 12_000,
  maxPayloadBytes: 64 * 1024,
  perMessageDeflate: false,
  maxBufferedBytes: 1024 * 1024,
  maxQueuedEvents: 256,
  readyTimeoutMs: 10_000,
  documentCacheSize: 500,
} as const;

/** Fills in the defaults; throws RangeError naming the first option out of range and the value that came. */
export function subscriptionSettings(options: SubscriptionOptions = {}): SubscriptionSettings {
  const settings: SubscriptionSettings = { ...SUBSCRIPTION_DEFAULTS, ...withoutUndefined(options) };
  positiveInteger('maxSubscriptionsPerSocket', settings.maxSubscriptionsPerSocket);
  nonNegative('connectionInitWaitTimeoutMs', settings.connectionInitWaitTimeoutMs);
  nonNegative('keepAliveMs', settings.keepAliveMs);
  positiveInteger('maxPayloadBytes', settings.maxPayloadBytes);
  positiveInteger('maxBufferedBytes', settings.maxBufferedBytes);
  positiveInteger('maxQueuedEvents', settings.maxQueuedEvents);
  nonNegative('readyTimeoutMs', settings.readyTimeoutMs);
  positiveInteger('documentCacheSize', settings.documentCacheSize);
  if (typeof settings.perMessageDeflate !== 'boolean') throw new RangeError(`perMessageDeflate must be a boolean, got ${String(settings.perMessageDeflate)}.`);
  return settings;
}

function withoutUndefined<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as Partial<T>;
}

function positiveInteger(name: string, value: number): void {
  if (!(Number.isInteger(value) && value > 0)) throw new RangeError(`${name} must be a positive integer, got ${String(value)}.`);
}

function nonNegative(name: string, value: number): void {
  if (!(typeof value === 'number' && value >= 0 && Number.isFinite(value))) throw new RangeError(`${name} must be a finite number >= 0, got ${String(value)}.`);
}

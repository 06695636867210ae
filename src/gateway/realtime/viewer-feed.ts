/**
 * Everything one viewer receives in one gateway process: one upstream
 * session, the viewer's subscribers, and the per-channel cursors that make
 * delivery exactly-once and gap-free across upstream drops.
 *
 * After a reconnect, live events are held back while the missed messages are
 * listed; then the recovered messages and the held events go out merged by
 * time, with duplicates dropped by MessageId. Each connection's events are
 * released only after the gap before that connection was filled, so every
 * channel's stream stays in order however often the upstream drops. Across
 * channels, order is by creation time within one gap; when the upstream drops
 * again during a backfill, messages of different channels recovered by the
 * two backfills may interleave differently than they were created.
 */
import type { Logger } from 'pino';
import type { ChimeClients } from '../chime-clients';
import { ChannelCursor } from './channel-cursor';
import { BackfillOptions, BackfillSettings, backfillSettings, ChannelBackfill, listActiveChannels, listMissedMessages, mapWithLimit } from './backfill';
import type { AccessRevokedReason, ChannelMessageEvent, ChimeEvent, RealtimeEvent, ResyncEvent, ResyncReason, SessionErrorEvent } from './events';
import { UpstreamSession, UpstreamSessionError, UpstreamSessionOptions } from './upstream-session';

/** Receives a viewer's events in arrival order; must not throw (a throw is logged and skipped). */
export type RealtimeListener = (event: RealtimeEvent) => void;

/** Which events a subscriber wants. */
export interface SubscriptionFilter {
  /** Only this channel's events; unset: every event of the viewer. */
  channelArn?: string;
}

/** Settings of a feed. */
export interface ViewerFeedOptions {
  clients: ChimeClients;
  userArn: string;
  /** Upstream connection settings. */
  session?: Omit<UpstreamSessionOptions, 'clients' | 'userArn' | 'logger'>;
  backfill?: BackfillOptions;
  /** Message ids remembered per channel for dropping duplicates. Default 500. */
  recentIdsPerChannel?: number;
  /** Channels tracked for viewer-wide subscribers; the least recently active are forgotten first. Default 1000. */
  maxTrackedChannels?: number;
  logger?: Logger;
  /** Called when the last subscriber left (by unsubscribing or by a terminal event). */
  onEmpty(): void;
  /** Called once when the upstream session failed for good, after every subscriber got SESSION_ERROR. */
  onTerminated(): void;
}

interface Subscriber {
  channelArn?: string;
  listener: RealtimeListener;
}

/** A reconnect whose gap has to be filled before that connection's events go out. */
interface Gap {
  /** Number of the connection that ended the gap. */
  connection: number;
  /** When the previous connection last proved alive (gateway clock). */
  lastAliveAt: number;
  reconnectedAt: number;
}

/** One viewer's upstream session and subscribers. */
export class ViewerFeed {
  private readonly session: UpstreamSession;
  private readonly byChannel = new Map<string, Set<Subscriber>>();
  private readonly viewerWide = new Set<Subscriber>();
  private readonly cursors = new Map<string, ChannelCursor>();
  private readonly backfill: BackfillSettings;
  private readonly recentIds: number;
  private readonly maxTrackedChannels: number;
  private subscriberCount = 0;
  /** Since when viewer-wide subscribers have been listening (ms): the floor for channels they discover. */
  private viewerWideSince = Date.now();
  private connection = 0;
  private lastAliveAt = Date.now();
  private pendingGaps = 0;
  private gapChain: Promise<void> = Promise.resolve();
  /** Events held back during backfill, tagged with the connection they arrived on. */
  private held: Array<{ connection: number; event: ChimeEvent; at: number }> = [];
  private waiters: Array<{ resolve(): void; reject(error: Error): void }> = [];
  private failure?: UpstreamSessionError;
  private closed = false;

  constructor(private readonly options: ViewerFeedOptions) {
    this.backfill = backfillSettings(options.backfill);
    this.recentIds = positive('recentIdsPerChannel', options.recentIdsPerChannel ?? 500);
    this.maxTrackedChannels = positive('maxTrackedChannels', options.maxTrackedChannels ?? 1000);
    this.session = new UpstreamSession(
      { ...options.session, clients: options.clients, userArn: options.userArn, logger: options.logger },
      {
        established: (info) => this.established(info.reconnect, info.at.getTime()),
        event: (event) => (this.pendingGaps > 0 ? this.held.push({ connection: this.connection, event, at: Date.now() }) : this.dispatch(event)),
        disconnected: (info) => {
          this.lastAliveAt = info.lastAliveAt.getTime();
        },
        terminated: (error) => this.terminate(error),
      },
    );
  }

  /** Opens the upstream session. */
  start(): void {
    this.session.start();
  }

  /** Number of subscribers. */
  get subscribers(): number {
    return this.subscriberCount;
  }

  /** Adds a subscriber; returns the idempotent function that removes it. */
  subscribe(filter: SubscriptionFilter, listener: RealtimeListener): () => void {
    if (this.closed || this.failure) throw new Error(`The feed of ${this.options.userArn} is ${this.failure ? 'failed' : 'closed'}; subscribe through the hub.`);
    const subscriber: Subscriber = { channelArn: filter.channelArn, listener };
    if (filter.channelArn === undefined) {
      if (this.viewerWide.size === 0) this.viewerWideSince = Date.now();
      this.viewerWide.add(subscriber);
    } else {
      const set = this.byChannel.get(filter.channelArn) ?? new Set<Subscriber>();
      set.add(subscriber);
      this.byChannel.set(filter.channelArn, set);
      this.cursorOf(filter.channelArn, true);
    }
    this.subscriberCount += 1;
    return () => this.remove(subscriber);
  }

  /** Resolves once the session is established and no backfill is pending; rejects if it fails for good. */
  ready(): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.isLive()) return Promise.resolve();
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  /** Closes the upstream session; subscribers get nothing more. */
  close(): void {
    this.closed = true;
    this.session.close();
    this.byChannel.clear();
    this.viewerWide.clear();
    this.cursors.clear();
    this.held = [];
    this.subscriberCount = 0;
    for (const waiter of this.waiters.splice(0)) waiter.reject(new Error('The realtime feed was closed.'));
  }

  private isLive(): boolean {
    return this.connection > 0 && this.pendingGaps === 0 && this.session.state === 'open';
  }

  private established(reconnect: boolean, at: number): void {
    this.connection += 1;
    if (!reconnect) {
      this.settleWaiters();
      return;
    }
    const gap: Gap = { connection: this.connection, lastAliveAt: this.lastAliveAt, reconnectedAt: at };
    this.pendingGaps += 1;
    // Gaps are filled one after another: each starts from cursors the previous one moved forward.
    this.gapChain = this.gapChain.then(() => this.fill(gap));
  }

  /** Backfills one gap, then releases the events of the connection that ended it. */
  private async fill(gap: Gap): Promise<void> {
    let recovered: ChannelMessageEvent[] = [];
    try {
      if (!this.closed) recovered = await this.replay(gap);
    } catch (err) {
      this.options.logger?.error({ userArn: this.options.userArn, err }, 'backfill failed');
    } finally {
      this.pendingGaps -= 1;
      this.release(gap.connection, recovered);
      if (this.pendingGaps === 0) this.settleWaiters();
    }
  }

  /**
   * Lists what each channel missed. RESYNCs go out at once (they concern the
   * gap's start); the recovered messages are returned oldest first, across
   * channels, for {@link release} to merge with the held live events.
   */
  private async replay(gap: Gap): Promise<ChannelMessageEvent[]> {
    const settings = this.backfill;
    // Everything before the last proof of delivery arrived; the overlap absorbs clock skew and publish delay,
    // but never reaches back before the subscription began (those messages were never asked for).
    const since = (cursor: ChannelCursor) => Math.max(Math.max(cursor.lastMessageAt ?? -Infinity, gap.lastAliveAt) - settings.overlapMs, cursor.trackedSince);
    const channels = new Set(this.byChannel.keys());

    if (gap.reconnectedAt - gap.lastAliveAt > settings.maxGapMs) {
      for (const channelArn of channels) this.resync(channelArn, 'GAP_TOO_LONG', since(this.cursorOf(channelArn, true)!));
      if (this.viewerWide.size > 0) this.resyncViewer('GAP_TOO_LONG', gap.lastAliveAt);
      return [];
    }
    let channelListStale = false;
    if (this.viewerWide.size > 0) {
      for (const channelArn of this.cursors.keys()) channels.add(channelArn);
      const active = await listActiveChannels(this.options.clients.messaging, this.options.userArn, new Date(gap.lastAliveAt - settings.overlapMs), settings);
      if (active) for (const channelArn of active) channels.add(channelArn);
      else channelListStale = true;
    }

    const requests = [...channels].map((channelArn) => {
      const cursor = this.cursorOf(channelArn, true, this.viewerWideSince)!;
      return { channelArn, notBefore: new Date(since(cursor)), subChannelId: cursor.subChannelId };
    });
    const results = await mapWithLimit(requests, settings.concurrency, (request): Promise<ChannelBackfill> =>
      listMissedMessages(this.options.clients.messaging, this.options.userArn, request, settings),
    );
    if (this.closed) return [];
    const recovered: ChannelMessageEvent[] = [];
    requests.forEach((request, i) => {
      const result = results[i];
      if ('resync' in result) this.resync(request.channelArn, result.resync, request.notBefore.getTime());
      else recovered.push(...result.messages);
    });
    if (channelListStale && this.viewerWide.size > 0) this.resyncViewer('BACKFILL_FAILED', gap.lastAliveAt);
    // Stable: each channel's listing order survives; channels interleave by creation time.
    return recovered.sort((a, b) => createdAt(a) - createdAt(b));
  }

  /**
   * Delivers the recovered messages and the events held for connections up
   * to `connection`, merged by time (a held event's time is its message's
   * CreatedTimestamp, or when it arrived); the second copy of a message is
   * then dropped as a duplicate.
   */
  private release(connection: number, recovered: ChannelMessageEvent[]): void {
    let count = 0;
    while (count < this.held.length && this.held[count].connection <= connection) count += 1;
    const held = this.held.splice(0, count);
    let r = 0;
    for (const { event, at } of held) {
      // A created message sorts by its creation; an edit, a deletion or any other event by when it arrived.
      const time = event.kind === 'message' && event.type.endsWith('CREATE_CHANNEL_MESSAGE') ? createdAt(event, at) : at;
      while (r < recovered.length && createdAt(recovered[r]) <= time) this.dispatch(recovered[r++]);
      this.dispatch(event);
    }
    while (r < recovered.length) this.dispatch(recovered[r++]);
  }

  /** Delivers one event (live, held or backfilled) unless it is a duplicate, then applies its consequences. */
  private dispatch(event: ChimeEvent): void {
    if (this.closed) return;
    const channelArn = event.channelArn;
    if (event.kind === 'message' && event.type === 'CREATE_CHANNEL_MESSAGE') {
      const cursor = this.cursorOf(channelArn!, this.viewerWide.size > 0, this.viewerWideSince);
      if (cursor && !cursor.admit(event.message)) return;
      if (cursor && this.viewerWide.size > 0) {
        // Most recently active last, so the cap forgets the quietest channel first.
        this.cursors.delete(channelArn!);
        this.cursors.set(channelArn!, cursor);
      }
    }
    this.deliver(channelArn, event);
    if (event.kind === 'membership' && event.type === 'DELETE_CHANNEL_MEMBERSHIP' && event.membership.Member?.Arn === this.options.userArn) {
      this.revoke(channelArn!, 'MEMBERSHIP_DELETED');
    } else if (event.kind === 'channel' && event.type === 'DELETE_CHANNEL') {
      this.revoke(channelArn!, 'CHANNEL_DELETED');
    }
  }

  /** The same event object goes to every matching subscriber: decoded once, never copied. */
  private deliver(channelArn: string | undefined, event: RealtimeEvent): void {
    const subscribers = channelArn === undefined ? undefined : this.byChannel.get(channelArn);
    if (subscribers) for (const subscriber of subscribers) this.call(subscriber, event);
    for (const subscriber of this.viewerWide) this.call(subscriber, event);
  }

  /** The viewer lost the channel: its channel subscribers end with ACCESS_REVOKED (viewer-wide ones carry on). */
  private revoke(channelArn: string, reason: AccessRevokedReason): void {
    const subscribers = this.byChannel.get(channelArn);
    if (this.viewerWide.size === 0) this.cursors.delete(channelArn);
    if (!subscribers) return;
    const event: RealtimeEvent = { kind: 'accessRevoked', type: 'ACCESS_REVOKED', channelArn, reason, terminal: true };
    for (const subscriber of [...subscribers]) {
      this.call(subscriber, event);
      this.remove(subscriber);
    }
  }

  private resync(channelArn: string, reason: ResyncReason, sinceMs: number): void {
    const event: ResyncEvent = { kind: 'resync', type: 'RESYNC', channelArn, reason, since: new Date(sinceMs) };
    this.cursors.get(channelArn)?.restart(Date.now());
    this.deliver(channelArn, event);
  }

  /** The viewer's channel list itself may be stale: only viewer-wide subscribers hear it. */
  private resyncViewer(reason: ResyncReason, sinceMs: number): void {
    const event: ResyncEvent = { kind: 'resync', type: 'RESYNC', reason, since: new Date(sinceMs) };
    for (const subscriber of this.viewerWide) this.call(subscriber, event);
  }

  private terminate(error: UpstreamSessionError): void {
    this.failure = error;
    const event: SessionErrorEvent = { kind: 'sessionError', type: 'SESSION_ERROR', code: error.code, message: error.message, closeCode: error.closeCode, terminal: true };
    const everyone = [...this.viewerWide, ...[...this.byChannel.values()].flatMap((set) => [...set])];
    for (const waiter of this.waiters.splice(0)) waiter.reject(error);
    this.close();
    // The hub forgets this feed first, so a listener may subscribe again (to a fresh session) from its callback.
    this.options.onTerminated();
    for (const subscriber of everyone) this.call(subscriber, event);
  }

  /**
   * The cursor of a channel; created when `create` (starting at `since`, or
   * now). Without subscribers for it, a channel is tracked only for
   * viewer-wide subscribers, and the least recently active is forgotten
   * beyond `maxTrackedChannels`.
   */
  private cursorOf(channelArn: string, create: boolean, since = Date.now()): ChannelCursor | undefined {
    let cursor = this.cursors.get(channelArn);
    if (cursor || !create) return cursor;
    cursor = new ChannelCursor(since, this.recentIds);
    this.cursors.set(channelArn, cursor);
    if (this.cursors.size > this.maxTrackedChannels) {
      for (const tracked of this.cursors.keys()) {
        if (!this.byChannel.has(tracked)) {
          this.cursors.delete(tracked);
          break;
        }
      }
    }
    return cursor;
  }

  private remove(subscriber: Subscriber): void {
    const set = subscriber.channelArn === undefined ? this.viewerWide : this.byChannel.get(subscriber.channelArn);
    if (!set?.delete(subscriber)) return;
    this.subscriberCount -= 1;
    if (subscriber.channelArn !== undefined && set.size === 0) {
      this.byChannel.delete(subscriber.channelArn);
      if (this.viewerWide.size === 0) this.cursors.delete(subscriber.channelArn);
    }
    if (subscriber.channelArn === undefined && set.size === 0) {
      for (const channelArn of [...this.cursors.keys()]) if (!this.byChannel.has(channelArn)) this.cursors.delete(channelArn);
    }
    if (this.subscriberCount === 0 && !this.closed) this.options.onEmpty();
  }

  private call(subscriber: Subscriber, event: RealtimeEvent): void {
    try {
      subscriber.listener(event);
    } catch (err) {
      this.options.logger?.error({ userArn: this.options.userArn, err, eventType: event.type }, 'realtime listener threw');
    }
  }

  private settleWaiters(): void {
    if (!this.isLive()) return;
    for (const waiter of this.waiters.splice(0)) waiter.resolve();
  }
}

/** A message event's CreatedTimestamp in ms (`fallback` when it has none). */
function createdAt(event: ChannelMessageEvent, fallback = 0): number {
  return event.message.CreatedTimestamp?.getTime() ?? fallback;
}

function positive(name: string, value: number): number {
  if (!(Number.isInteger(value) && value > 0)) throw new RangeError(`${name} must be a positive integer, got ${String(value)}.`);
  return value;
}

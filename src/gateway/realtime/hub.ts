/**
 * The realtime relay of a gateway process: at most one upstream messaging
 * session per viewer, shared by all of that viewer's subscribers, opened on
 * the first subscription and closed a short linger after the last one ends
 * (so a page reload does not reconnect upstream).
 */
import type { Logger } from 'pino';
import type { ChimeClients } from '../chime-clients';
import type { Viewer } from '../viewer';
import type { BackfillOptions } from './backfill';
import { SharedFrameDecoder } from './frames';
import type { UpstreamSessionOptions } from './upstream-session';
import { RealtimeListener, SubscriptionFilter, ViewerFeed } from './viewer-feed';

/** Settings of the hub. */
export interface RealtimeHubOptions {
  /** The gateway's Chime clients; every upstream session uses the messaging client. */
  clients: ChimeClients;
  /** How long a viewer's upstream session stays open after its last subscriber left, in ms. Default 5000. */
  lingerMs?: number;
  /** Upstream connection settings (backoff, give-up time, timeouts, pings). */
  session?: Omit<UpstreamSessionOptions, 'clients' | 'userArn' | 'logger'>;
  /** Bounds of the backfill after a reconnect. */
  backfill?: BackfillOptions;
  /** Message ids remembered per channel for dropping duplicates. Default 500. */
  recentIdsPerChannel?: number;
  /** Channels tracked per viewer for viewer-wide subscribers. Default 1000. */
  maxTrackedChannels?: number;
  logger?: Logger;
}

/** Counts for tests and metrics. */
export interface RealtimeStats {
  /** Upstream sessions open or connecting, lingering ones included. */
  upstreamSessions: number;
  /** Subscribers across all viewers. */
  subscribers: number;
}

interface Entry {
  feed: ViewerFeed;
  linger?: NodeJS.Timeout;
}

/** One process's upstream sessions and subscribers, by viewer. */
export class RealtimeHub {
  private readonly entries = new Map<string, Entry>();
  private readonly lingerMs: number;
  /** One decoder for every session: a frame sent to many viewers is decoded once. */
  private readonly decoder = new SharedFrameDecoder();
  private closed = false;

  constructor(private readonly options: RealtimeHubOptions) {
    this.lingerMs = options.lingerMs ?? 5000;
    if (!(this.lingerMs >= 0 && Number.isFinite(this.lingerMs))) throw new RangeError(`lingerMs must be a finite number >= 0, got ${String(options.lingerMs)}.`);
  }

  /**
   * Subscribes `listener` to the viewer's events that match `filter`, in
   * arrival order, opening the viewer's upstream session if none is open.
   * Terminal events (ACCESS_REVOKED, SESSION_ERROR) are the last a listener
   * gets. Returns the function that unsubscribes (safe to call twice).
   */
  subscribe(viewer: Pick<Viewer, 'userArn'>, filter: SubscriptionFilter, listener: RealtimeListener): () => void {
    if (this.closed) throw new Error('The realtime hub is closed.');
    if (typeof viewer.userArn !== 'string' || viewer.userArn === '') throw new TypeError(`viewer.userArn must be a non-empty ARN, got ${JSON.stringify(viewer.userArn)}.`);
    if (filter.channelArn !== undefined && (typeof filter.channelArn !== 'string' || filter.channelArn === '')) {
      throw new TypeError(`filter.channelArn must be a non-empty ARN when given, got ${JSON.stringify(filter.channelArn)}.`);
    }
    const entry = this.entries.get(viewer.userArn) ?? this.open(viewer.userArn);
    clearTimeout(entry.linger);
    entry.linger = undefined;
    return entry.feed.subscribe(filter, listener);
  }

  /** Resolves once the viewer's upstream session is established and caught up; rejects without a session or when it failed. */
  ready(viewer: Pick<Viewer, 'userArn'>): Promise<void> {
    const entry = this.entries.get(viewer.userArn);
    return entry ? entry.feed.ready() : Promise.reject(new Error(`No upstream session for ${viewer.userArn}: subscribe first.`));
  }

  /** Current counts. */
  stats(): RealtimeStats {
    let subscribers = 0;
    for (const { feed } of this.entries.values()) subscribers += feed.subscribers;
    return { upstreamSessions: this.entries.size, subscribers };
  }

  /** Closes every upstream session at once (process shutdown); subscribers get nothing more. */
  close(): void {
    this.closed = true;
    for (const entry of this.entries.values()) {
      clearTimeout(entry.linger);
      entry.feed.close();
    }
    this.entries.clear();
  }

  private open(userArn: string): Entry {
    const entry: Entry = {
      feed: new ViewerFeed({
        clients: this.options.clients,
        userArn,
        session: { decode: this.decoder.decode, ...this.options.session },
        backfill: this.options.backfill,
        recentIdsPerChannel: this.options.recentIdsPerChannel,
        maxTrackedChannels: this.options.maxTrackedChannels,
        logger: this.options.logger,
        onEmpty: () => this.linger(userArn, entry),
        onTerminated: () => {
          clearTimeout(entry.linger);
          if (this.entries.get(userArn) === entry) this.entries.delete(userArn);
        },
      }),
    };
    this.entries.set(userArn, entry);
    entry.feed.start();
    return entry;
  }

  private linger(userArn: string, entry: Entry): void {
    clearTimeout(entry.linger);
    entry.linger = setTimeout(() => {
      if (entry.feed.subscribers > 0 || this.entries.get(userArn) !== entry) return;
      this.entries.delete(userArn);
      entry.feed.close();
    }, this.lingerMs);
    entry.linger.unref();
  }
}

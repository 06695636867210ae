/**
 * The local service's state and everything the operation files share: the
 * database, the clock, minted ids, page tokens and the event bus. The backend
 * never sees HTTP; operations receive decoded inputs and return outputs.
 */
import { randomUUID } from 'node:crypto';
import type { Statement } from 'better-sqlite3';
import { Db } from '../store/database';
import { ArnScope } from './arns';
import { EventBus } from './events';
import type { ChannelFlowOptions } from './flow-processor';
import { PageTokens } from './page-tokens';

/** How a backend is set up. */
export interface BackendOptions {
  db: Db;
  /** Region written into ARNs and endpoints. Default `us-east-1`. */
  region?: string;
  /** Account id written into ARNs. Default `123456789012`. */
  accountId?: string;
  /** Returns the base URL of the messaging-session websocket host, without scheme (e.g. `127.0.0.1:4100`). */
  sessionHost?: () => string;
  /** Milliseconds since the epoch; replaceable so tests of expiry need no waiting. Default `Date.now`. */
  clock?: () => number;
  /** Where channel-flow processors are served and how long they have to answer (flow-processor.ts). Default: none configured, 10 s. */
  channelFlows?: ChannelFlowOptions;
}

/** Shared state of one local Chime service. */
export class Backend implements ArnScope {
  readonly db: Db;
  readonly region: string;
  readonly accountId: string;
  readonly events = new EventBus();
  readonly tokens: PageTokens;
  readonly sessionHost: () => string;
  readonly channelFlows: ChannelFlowOptions;
  private readonly clock: () => number;
  private lastNow = 0;
  private readonly statements = new Map<string, Statement>();
  /** One wrapper for every transaction: better-sqlite3 builds four functions per `db.transaction()` call. */
  private readonly inTransaction: <T>(fn: () => T) => T;

  constructor(options: BackendOptions) {
    this.db = options.db;
    this.region = options.region ?? 'us-east-1';
    this.accountId = options.accountId ?? '123456789012';
    this.sessionHost = options.sessionHost ?? (() => 'localhost');
    this.clock = options.clock ?? Date.now;
    this.tokens = new PageTokens(this.db);
    this.channelFlows = options.channelFlows ?? {};
    this.inTransaction = this.db.transaction(<T>(fn: () => T): T => fn()) as <T>(fn: () => T) => T;
  }

  /** Current time in ms; never goes backwards within the process, so ordering by time stays stable. */
  now(): number {
    this.lastNow = Math.max(this.lastNow, this.clock());
    return this.lastNow;
  }

  /** A fresh id for new resources (UUID v4, as Chime uses). */
  newId(): string {
    return randomUUID();
  }

  /**
   * A prepared statement for `sql`, compiled once per backend. Hot paths
   * (every send, every access check) would otherwise re-parse SQL per call.
   */
  statement(sql: string): Statement {
    let stmt = this.statements.get(sql);
    if (!stmt) {
      stmt = this.db.prepare(sql);
      this.statements.set(sql, stmt);
    }
    return stmt;
  }

  /** Runs `fn` in one SQLite transaction (all or nothing). */
  transaction<T>(fn: () => T): T {
    return this.inTransaction(fn);
  }
}

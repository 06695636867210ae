/**
 * Subscriptions as a browser app sees them: the real graphql-ws client (with
 * the `ws` package as its WebSocket) over a real socket to a test gateway
 * that serves graphql-ws, plus a raw websocket for protocol-level tests.
 */
import { Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';
import type { LocalChimeOptions } from '../../src/emulator/server';
import type { ChimeClients } from '../../src/gateway/chime-clients';
import type { Logger } from '../../src/gateway/logger';
import type { RunningGateway } from '../../src/gateway/server';
import { createSubscriptionTransport, SubscriptionOptions, SubscriptionTransport } from '../../src/gateway/subscriptions';
import { startTestGateway } from './gateway';
import type { TestChime, TestWorld } from './local-chime';

/** A gateway serving graphql-ws, its local Chime service and test world. */
export interface SubscriptionGateway {
  chime: TestChime;
  gateway: RunningGateway;
  world: TestWorld;
  clients: ChimeClients;
  transport: SubscriptionTransport;
  /** `ws://127.0.0.1:<port>/graphql`. */
  wsUrl: string;
  /** Chime SDK Messaging calls the gateway has made so far, by operation name, in order. */
  upstreamCalls(): string[];
  /** A token for a user ARN, valid for `ttlSeconds` (default an hour; negative: expired). */
  tokenFor(userArn: string, ttlSeconds?: number): Promise<string>;
  /** POSTs a GraphQL request; throws on errors, returns `data`. */
  gql<T = any>(query: string, variables: object, token: string): Promise<T>;
  close(): Promise<void>;
}

/** Subscription settings for tests: short linger, quick reconnects. */
export const TEST_SUBSCRIPTION_OPTIONS: SubscriptionOptions = {
  realtime: { lingerMs: 50, session: { backoff: { initialMs: 5, maxMs: 40 }, giveUpAfterMs: 10_000 } },
};

/**
 * A test gateway (test/support/gateway.ts) that also serves graphql-ws:
 * `chime` options go to its local Chime service (session host, channel
 * flows), `subscriptions` override TEST_SUBSCRIPTION_OPTIONS, and `logger`
 * is silent by default (TEST_LOG_LEVEL=debug to see).
 */
export async function startSubscriptionGateway(options: { subscriptions?: SubscriptionOptions; chime?: LocalChimeOptions; logger?: Logger } = {}): Promise<SubscriptionGateway> {
  const transport = createSubscriptionTransport({ ...TEST_SUBSCRIPTION_OPTIONS, ...options.subscriptions });
  const base = await startTestGateway({ chime: options.chime, logger: options.logger, transports: [transport] });
  return {
    chime: base.chime,
    gateway: base.gateway,
    world: base.world,
    clients: base.clients,
    transport,
    wsUrl: wsUrlOf(base.gateway.url),
    upstreamCalls: () => base.upstreamCalls('messaging'),
    tokenFor: base.tokenFor,
    async gql(query, variables, token) {
      const { body } = await base.gql(query, variables, token);
      if (body.errors) throw new Error(`GraphQL errors: ${JSON.stringify(body.errors)}`);
      return body.data;
    },
    close: base.close,
  };
}

/** The websocket URL of a gateway's HTTP URL. */
export function wsUrlOf(httpUrl: string): string {
  return httpUrl.replace(/^http/, 'ws');
}

/** How a socket ended. */
export interface Closed {
  code: number;
  reason: string;
}

/** A graphql-ws client and how its socket ended. */
export interface TestClient {
  client: Client;
  /** Resolves with the first close of the socket. */
  closed: Promise<Closed>;
  /** Subscribes and collects what arrives. */
  subscribe<T = any>(query: string, variables?: Record<string, unknown>): Subscription<T>;
  dispose(): Promise<void>;
}

/** What one subscription received. */
export interface Subscription<T = any> {
  /** Every `next` payload, in order. */
  results: Array<{ data?: T; errors?: any[] }>;
  /** The `data` of each result. */
  readonly data: T[];
  /** The error that ended it (a GraphQL error list, or a close event). */
  error?: any;
  /** True once completed or errored. */
  readonly ended: boolean;
  /** Resolves once it completed or errored. */
  done: Promise<void>;
  /** Waits until `count` results arrived. */
  receive(count: number, timeoutMs?: number): Promise<Array<{ data?: T; errors?: any[] }>>;
  /** Completes the subscription from the client side. */
  unsubscribe(): void;
}

/**
 * Connects a graphql-ws client at once (not lazily) with
 * `{authorization: "Bearer <token>"}`, or with `connectionParams` as given;
 * no retries, so a close is final.
 */
export function connect(url: string, token?: string, options: { connectionParams?: Record<string, unknown> } = {}): TestClient {
  let onClosed!: (closed: Closed) => void;
  const closed = new Promise<Closed>((resolve) => (onClosed = resolve));
  const client = createClient({
    url,
    webSocketImpl: WebSocket,
    lazy: false,
    retryAttempts: 0,
    connectionParams: options.connectionParams ?? (token ? { authorization: `Bearer ${token}` } : undefined),
    on: { closed: (event) => onClosed({ code: (event as Closed).code, reason: String((event as Closed).reason) }) },
    // The client would otherwise report a connection error through every subscription and the console.
    onNonLazyError: () => undefined,
  });
  return {
    client,
    closed,
    subscribe: (query, variables) => collect(client, query, variables),
    dispose: async () => {
      await client.dispose();
    },
  };
}

function collect<T>(client: Client, query: string, variables?: Record<string, unknown>): Subscription<T> {
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  let ended = false;
  const subscription: Subscription<T> = {
    results: [],
    get data() {
      return subscription.results.map((result) => result.data as T);
    },
    get ended() {
      return ended;
    },
    done,
    async receive(count, timeoutMs = 10_000) {
      await waitUntil(() => subscription.results.length >= count || ended, `${count} results of ${query.slice(0, 60)}`, timeoutMs);
      if (subscription.results.length < count) {
        throw new Error(`The subscription ended after ${subscription.results.length} of ${count} results: ${JSON.stringify(subscription.error)}`);
      }
      return subscription.results.slice(0, count);
    },
    unsubscribe: () => unsubscribe(),
  };
  const unsubscribe = client.subscribe<T>(
    { query, variables },
    {
      next: (result) => void subscription.results.push(result as { data?: T; errors?: any[] }),
      error: (error) => {
        subscription.error = error;
        ended = true;
        finish();
      },
      complete: () => {
        ended = true;
        finish();
      },
    },
  );
  return subscription;
}

/** A websocket speaking the protocol by hand, for the cases the client library would not produce. */
export interface RawSocket {
  ws: WebSocket;
  /** Every message received, parsed. */
  messages: any[];
  opened: Promise<void>;
  closed: Promise<Closed>;
  send(message: object | string): void;
  /** Waits for a message matching `predicate`. */
  message(predicate: (message: any) => boolean, timeoutMs?: number): Promise<any>;
}

/** Opens a websocket offering `protocols` (default graphql-transport-ws). */
export function rawSocket(url: string, protocols: string | string[] = 'graphql-transport-ws', options: WebSocket.ClientOptions = {}): RawSocket {
  const ws = new WebSocket(url, protocols, options);
  const messages: any[] = [];
  ws.on('message', (data) => messages.push(JSON.parse(data.toString())));
  const opened = new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const closed = new Promise<Closed>((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  return {
    ws,
    messages,
    opened,
    closed,
    send: (message) => ws.send(typeof message === 'string' ? message : JSON.stringify(message)),
    async message(predicate, timeoutMs = 5000) {
      await waitUntil(() => messages.some(predicate), 'a matching message', timeoutMs);
      return messages.find(predicate);
    },
  };
}

/** Polls `condition` every 5 ms until it holds; fails naming `what` after `timeoutMs`. */
export async function waitUntil(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/**
 * GraphQL subscriptions over graphql-ws (subprotocol `graphql-transport-ws`
 * only), on the gateway's own port and `/graphql` path: websocket upgrades
 * of that path go to a `ws` server in noServer mode, served by graphql-ws's
 * `useServer`. Identity comes from the `connection_init` payload, verified
 * as for HTTP. Subscriptions of the same document, variables and viewer
 * share one execution per event (shared-execution.ts); each viewer has one
 * upstream Chime session per gateway, in the realtime hub created here.
 */
import { randomUUID } from 'node:crypto';
import type http from 'node:http';
import type { Duplex } from 'node:stream';
import { ExecutionArgs, ExecutionResult, FormattedExecutionResult, getOperationAST, GraphQLError } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import WebSocket, { WebSocketServer } from 'ws';
import { AuthError } from '../auth/errors';
import type { GatewayContext } from '../context';
import { verifyConnectionParams } from '../auth/bearer';
import { formatGatewayError, gatewayError } from '../errors';
import { RealtimeHub } from '../realtime';
import { GatewayTransport, GRAPHQL_PATH, TransportTarget } from '../server';
import type { Viewer } from '../viewer';
import { SocketGuard } from './backpressure';
import { DocumentCache } from './document-cache';
import { CloseCode, tooManySubscriptions } from './errors';
import type { SubscriptionRoot } from './resolvers';
import { SharedExecutions } from './shared-execution';
import { SubscriptionOptions, SubscriptionSettings, subscriptionSettings } from './settings';

/** Counts for tests and metrics. */
export interface SubscriptionStats {
  /** Open websockets, acknowledged or not. */
  sockets: number;
  /** Active subscriptions across all sockets. */
  subscriptions: number;
  /** Shared executions (one per document, variables and viewer). */
  groups: number;
  /** Events executed so far (one execution serves every subscription of a group, and of other viewers' groups when it did not depend on the viewer). */
  executions: number;
  /** Upstream Chime messaging sessions, lingering ones included. */
  upstreamSessions: number;
}

/** The graphql-ws endpoint, as a transport for `startGateway({ transports })`. */
export interface SubscriptionTransport extends GatewayTransport {
  /** The realtime hub of the gateway this transport is attached to. */
  readonly hub: RealtimeHub;
  /** Current counts. */
  stats(): SubscriptionStats;
}

/** What the gateway keeps per socket, in graphql-ws's `ctx.extra`. */
type SocketState = {
  viewer: Viewer;
  guard: SocketGuard;
};

/** The subscribe phase's root value: what the resolvers need, plus what the shared execution needs. */
interface SubscribeRoot extends SubscriptionRoot {
  viewer: Viewer;
  /** The query text (graphql-ws keeps the same string for the subscription anyway). */
  query: string;
  deliver(result: ExecutionResult): void;
  eventContext(): { value: unknown; used(): boolean };
  subscribed(): void;
}

/** How long sockets get to close when the gateway shuts down before they are dropped. */
const SHUTDOWN_GRACE_MS = 1000;
/** Longest close reason a close frame carries (125 bytes minus the code). */
const MAX_CLOSE_REASON = 123;

/** Creates the graphql-ws transport; its hub opens on `attach` and closes with the gateway. */
export function createSubscriptionTransport(options: SubscriptionOptions = {}): SubscriptionTransport {
  const settings = subscriptionSettings(options);
  let endpoint: Endpoint | undefined;
  const attached = (): Endpoint => {
    if (!endpoint) throw new Error('The subscription transport is not attached to a gateway yet.');
    return endpoint;
  };
  return {
    attach(target) {
      if (endpoint) throw new Error('A subscription transport attaches to one gateway only.');
      endpoint = serve(target, settings);
      return { close: () => endpoint!.close() };
    },
    get hub() {
      return attached().hub;
    },
    stats() {
      return attached().stats();
    },
  };
}

interface Endpoint {
  hub: RealtimeHub;
  stats(): SubscriptionStats;
  close(): Promise<void>;
}

function serve(target: TransportTarget, settings: SubscriptionSettings): Endpoint {
  const { httpServer, schema, verifier, config } = target;
  const logger = target.logger.child({ component: 'subscriptions' });
  const hub = new RealtimeHub({ ...settings.realtime, clients: target.clients, logger });
  const executions = new SharedExecutions();
  const documents = new DocumentCache(schema, settings.documentCacheSize);
  const format = formatGatewayError(config.production);
  const formatted = new WeakMap<ExecutionResult, FormattedExecutionResult>();
  /** A result as the client sees it (errors formatted), once per result object. */
  const formattedOf = (result: ExecutionResult): FormattedExecutionResult => {
    let out = formatted.get(result);
    if (!out) {
      out = result.errors ? { ...result, errors: result.errors.map((error) => format(error.toJSON(), error)) } : (result as FormattedExecutionResult);
      formatted.set(result, out);
    }
    return out;
  };
  // Every subscription of a group (and of other viewers' groups sharing it) gets the same result object, one after
  // the other: it is serialized and encoded once, not once per socket. The bytes end with the `}` closing the message.
  let lastResult: ExecutionResult | undefined;
  let lastPayload = Buffer.alloc(0);
  const payloadOf = (result: ExecutionResult): Buffer => {
    if (result !== lastResult) {
      lastPayload = Buffer.from(JSON.stringify(formattedOf(result)) + '}');
      lastResult = result;
    }
    return lastPayload;
  };
  const realtime: SubscriptionRoot['realtime'] = { hub, readyTimeoutMs: settings.readyTimeoutMs, maxQueuedEvents: settings.maxQueuedEvents };
  const wss = new WebSocketServer({ noServer: true, maxPayload: settings.maxPayloadBytes, perMessageDeflate: settings.perMessageDeflate });
  let closing = false;

  const server = useServer<Record<string, unknown> | undefined, SocketState>(
    {
      schema,
      connectionInitWaitTimeout: settings.connectionInitWaitTimeoutMs,
      isProd: config.production,

      async onConnect(ctx) {
        const socket = ctx.extra.socket;
        let viewer: Viewer | null;
        try {
          viewer = await verifyConnectionParams(ctx.connectionParams, verifier);
        } catch (err) {
          if (!(err instanceof AuthError)) throw err;
          logger.info({ reason: err.message }, 'websocket token refused');
          // graphql-ws closes with 4403 "Forbidden" after this; the first close, with the reason, wins.
          closeWith(socket, err.code === 'SERVICE_UNAVAILABLE' ? CloseCode.AUTH_UNAVAILABLE : CloseCode.FORBIDDEN, `${err.code === 'SERVICE_UNAVAILABLE' ? 'Try again later' : 'Forbidden'}: ${err.message}`);
          return false;
        }
        if (!viewer) {
          closeWith(socket, CloseCode.FORBIDDEN, 'Forbidden: send {"authorization": "Bearer <token>"} as the connection_init payload.');
          return false;
        }
        ctx.extra.viewer = viewer;
        ctx.extra.guard = new SocketGuard(socket, settings.maxBufferedBytes, logger);
        // Neither the token nor the upgrade request (headers and all) is needed again: they are not kept as long as the socket.
        delete (ctx as { connectionParams?: unknown }).connectionParams;
        delete (ctx.extra as { request?: unknown }).request;
        return true;
      },

      onSubscribe(ctx, id, payload): ExecutionArgs | readonly GraphQLError[] {
        // graphql-ws has already counted this subscription in ctx.subscriptions.
        if (Object.keys(ctx.subscriptions).length > settings.maxSubscriptionsPerSocket) return [tooManySubscriptions(settings.maxSubscriptionsPerSocket)];
        const checked = documents.get(payload.query);
        if (checked.errors) return checked.errors;
        const operation = getOperationAST(checked.document, payload.operationName);
        if (!operation) return [gatewayError('BAD_USER_INPUT', 'The document must hold exactly one operation, or operationName must name one of its operations.')];
        if (operation.operation !== 'subscription') {
          return [gatewayError('BAD_USER_INPUT', `Only subscriptions are served over the websocket; send ${operation.operation === 'query' ? 'queries' : 'mutations'} as HTTP POST to ${GRAPHQL_PATH}.`)];
        }
        const viewer = ctx.extra.viewer!;
        // Only the first subscription of a group runs the subscribe phase, and most events need no context:
        // contexts (with their request id and logger) are built on first use, so an idle subscription holds none.
        let requestId: string | undefined;
        const context = () => {
          requestId ??= randomUUID();
          return target.createContext({ viewer, requestId, logger: logger.child({ requestId, subject: viewer.subject, subscriptionId: id }) });
        };
        const subscribePhase = lazily(context);
        const guard = ctx.extra.guard!;
        // A `next` message as graphql-ws writes it, with the group's encoded result spliced in.
        const next = Buffer.from(`{"id":${JSON.stringify(id)},"type":"next","payload":`);
        const root: SubscribeRoot = {
          realtime,
          viewer,
          query: payload.query,
          deliver: (result) => {
            const payload = payloadOf(result);
            guard.send(Buffer.concat([next, payload], next.length + payload.length));
          },
          eventContext: () => lazily(context),
          // graphql-ws keeps the arguments as long as the subscription: without this, the subscribe phase's loaders would stay too.
          subscribed: subscribePhase.release,
        };
        return { schema, document: checked.document, operationName: payload.operationName, variableValues: payload.variables, rootValue: root, contextValue: subscribePhase.value };
      },

      subscribe(args) {
        const { viewer, query, deliver, eventContext, subscribed } = args.rootValue as SubscribeRoot;
        // Built here, not kept: only the group holds its key.
        const documentKey = [args.operationName ?? '', query, JSON.stringify(args.variableValues ?? {})].join('\n');
        return executions.subscribe({ viewerArn: viewer.userArn, documentKey, args, eventContext, deliver, subscribed });
      },

      // Only the subscribe phase's errors take graphql-ws's own way out; events are delivered above.
      onNext: (_ctx, _id, _payload, _args, result) => formattedOf(result),

      onError(_ctx, _id, _payload, errors) {
        return errors.map((error) => format(error.toJSON(), error));
      },
    },
    wss,
    settings.keepAliveMs,
  );

  // graphql-ws prints every socket error to the console; these are the client's faults (an oversized or
  // malformed frame), and ws has already closed the socket with the right code (1009, 1002, ...).
  const onSocketError = (err: Error & { code?: string }) => logger.debug({ code: err.code, reason: err.message }, 'websocket closed on a client error');
  const onUpgrade = (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === GRAPHQL_PATH && !closing) {
      wss.handleUpgrade(req, socket, head, (ws) => accept(ws, req));
      return;
    }
    // Other paths belong to whoever else listens for upgrades; with nobody else, they are refused.
    if (closing || httpServer.listenerCount('upgrade') === 1) {
      const status = closing ? '503 Service Unavailable' : '404 Not Found';
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    }
  };
  // Its own function, so no closure of the socket's lifetime shares a scope with (and keeps) the upgrade request.
  function accept(ws: WebSocket, req: http.IncomingMessage): void {
    wss.emit('connection', ws, req);
    ws.removeAllListeners('error');
    ws.on('error', onSocketError);
  }
  httpServer.on('upgrade', onUpgrade);

  let closed: Promise<void> | undefined;
  return {
    hub,
    stats() {
      return { sockets: wss.clients.size, ...executions.stats(), upstreamSessions: hub.stats().upstreamSessions };
    },
    close() {
      closed ??= (async () => {
        closing = true;
        // Sockets get 1001 (graphql-ws clients reconnect elsewhere); those that do not answer are dropped.
        const force = setTimeout(() => wss.clients.forEach((client) => client.terminate()), SHUTDOWN_GRACE_MS);
        try {
          await server.dispose();
        } finally {
          clearTimeout(force);
          httpServer.off('upgrade', onUpgrade);
          hub.close();
        }
      })();
      return closed;
    },
  };
}

/**
 * A context built when a resolver first reads it. Most event selections
 * resolve from the event's payload alone, and building a context (upstream
 * access, a dozen loaders) would otherwise cost more than executing them;
 * a result that never read it holds for any viewer (`used()`).
 * `release()` drops what was built (it is built anew if read again).
 */
function lazily(create: () => GatewayContext): { value: GatewayContext; used(): boolean; release(): void } {
  let context: GatewayContext | undefined;
  let used = false;
  const read = (key: string | symbol) => {
    used = true;
    return Reflect.get((context ??= create()), key);
  };
  return {
    value: new Proxy({} as GatewayContext, { get: (_target, key) => read(key), has: (_target, key) => read(key) !== undefined }),
    used: () => used,
    release: () => (context = undefined),
  };
}

/** Closes with a reason that fits a close frame. */
function closeWith(socket: WebSocket, code: number, reason: string): void {
  socket.close(code, Buffer.byteLength(reason) > MAX_CLOSE_REASON ? reason.slice(0, MAX_CLOSE_REASON - 3) + '...' : reason);
}

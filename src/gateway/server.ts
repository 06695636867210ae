/**
 * The gateway's HTTP server: Apollo Server on a plain node `http.Server`.
 * `/graphql` (POST, and GET for queries and the Sandbox), `/healthz` (the
 * process is up), `/readyz` (Chime answers). Every response carries the
 * request id; identity comes only from a verified bearer token. The same
 * server is where the graphql-ws endpoint attaches (upgrade on `/graphql`).
 */
import http from 'node:http';
import { GraphQLSchema } from 'graphql';
import { AddressInfo } from 'node:net';
import { ApolloServer, ApolloServerPlugin, HeaderMap, HTTPGraphQLRequest } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
  ApolloServerPluginUsageReportingDisabled,
} from '@apollo/server/plugin/disabled';
import { DescribeAppInstanceCommand, ListAppInstancesCommand } from '@aws-sdk/client-chime-sdk-identity';
import { ChimeClients } from './chime-clients';
import { GatewayConfig } from './config';
import { createLogger, Logger, requestIdFrom } from './logger';
import { createSchema } from './schema';
import { createRequestContext, GatewayContext } from './context';
import { chimeCallsPlugin } from './chime-calls-plugin';
import { formatGatewayError } from './errors';
import { createTokenVerifier, TokenVerifier } from './auth/verifier';
import { viewerFromAuthorization } from './auth/bearer';
import { AuthError, authGraphQLError } from './auth/errors';
import { Viewer } from './viewer';

/** What `startGateway` needs. */
export interface GatewayOptions {
  config: GatewayConfig;
  /** SDK clients for Chime; the caller owns them (and destroys them after `close()`). */
  clients: ChimeClients;
  /** Root logger; default a pino logger on stdout at `info`. */
  logger?: Logger;
  /**
   * What `/readyz` runs; resolves when Chime is usable. Default: one cheap
   * upstream call (DescribeAppInstance of `config.appInstanceArn`, else
   * ListAppInstances with one result).
   */
  readiness?: () => Promise<void>;
  /** Endpoints that share the HTTP server, such as graphql-ws on `/graphql` upgrades. */
  transports?: GatewayTransport[];
}

/** What a transport attaches to: the gateway's server, schema and identity. */
export interface TransportTarget {
  httpServer: http.Server;
  /** The gateway's Chime clients (the realtime relay opens its upstream sessions with them). */
  clients: ChimeClients;
  /** The executable schema the HTTP endpoint serves. */
  schema: GraphQLSchema;
  /** Verifies tokens exactly as the HTTP endpoint does (see auth/bearer.ts `verifyConnectionParams`). */
  verifier: TokenVerifier;
  /** Builds a resolver context, as for an HTTP request. */
  createContext(request: { viewer: Viewer | null; requestId: string; logger: Logger }): GatewayContext;
  config: GatewayConfig;
  logger: Logger;
}

/**
 * An endpoint besides HTTP requests on the same server. `attach` runs before
 * the server listens; the returned `close` runs when the gateway drains.
 */
export interface GatewayTransport {
  attach(target: TransportTarget): { close(): Promise<void> };
}

/** A listening gateway. */
export interface RunningGateway {
  /** `http://<host>:<port>/graphql`. */
  url: string;
  port: number;
  httpServer: http.Server;
  /** The token verifier, for transports that authenticate on their own (graphql-ws `connection_init`). */
  verifier: TokenVerifier;
  /** Stops accepting, lets in-flight requests finish (up to 10 s), then resolves. Idempotent. */
  close(): Promise<void>;
}

/** GraphQL endpoint path. */
export const GRAPHQL_PATH = '/graphql';
/** Longest wait for the readiness probe before `/readyz` says unavailable. */
const READINESS_TIMEOUT_MS = 2000;

/** Builds the schema and Apollo Server, and listens on `config.host:config.port`. */
export async function startGateway(options: GatewayOptions): Promise<RunningGateway> {
  const { config, clients } = options;
  const logger = options.logger ?? createLogger();
  const verifier = createTokenVerifier(config.auth, config.appInstanceArn);
  const httpServer = http.createServer({ keepAliveTimeout: 65_000, requestTimeout: 60_000 });
  const ready = cachedReadiness(options.readiness ?? defaultReadiness(clients, config.appInstanceArn), config.readinessCacheMs);

  const schema = createSchema();
  const contextOptions = { clients, debug: config.debug, chimeAccountIds: config.chimeAccountIds };
  const createContext: TransportTarget['createContext'] = (request) => createRequestContext(contextOptions, request);
  const attached = (options.transports ?? []).map((transport) => transport.attach({ httpServer, clients, schema, verifier, createContext, config, logger }));

  const apollo = new ApolloServer<GatewayContext>({
    schema,
    csrfPrevention: true,
    introspection: !config.production,
    // Traces only on request: they bury the message a frontend developer needs; the logs keep them.
    includeStacktraceInErrorResponses: config.debug && !config.production,
    hideSchemaDetailsFromClientErrors: config.production,
    formatError: formatGatewayError(config.production),
    // main.ts owns the signals, so shutdown happens once and in order.
    stopOnTerminationSignals: false,
    nodeEnv: config.production ? 'production' : 'development',
    logger: apolloLogger(logger),
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      config.production ? ApolloServerPluginLandingPageDisabled() : ApolloServerPluginLandingPageLocalDefault({ embed: true, includeCookies: false }),
      // Usage reporting stays off even if APOLLO_KEY is in the environment: queries and errors never leave the gateway.
      ApolloServerPluginUsageReportingDisabled(),
      // The schema has no @cacheControl hints, so every response is uncacheable; saying so directly spares a hook on every resolved field.
      ApolloServerPluginCacheControlDisabled(),
      noStorePlugin(),
      ...(config.debug ? [chimeCallsPlugin()] : []),
      errorLoggingPlugin(),
      transportsPlugin(attached),
    ],
  });
  await apollo.start();

  httpServer.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    const started = process.hrtime.bigint();
    const requestId = requestIdFrom(req.headers['x-request-id']);
    const log = logger.child({ requestId });
    res.setHeader('x-request-id', requestId);
    const path = (req.url ?? '/').split('?')[0];
    res.on('close', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      // Path only: a GET query string can carry variables with message content.
      log.info({ method: req.method, path, status: res.statusCode, ms: Math.round(ms * 10) / 10, aborted: !res.writableFinished }, 'request');
    });
    applyCors(req, res);
    route(req, res, path, log, requestId).catch((err: unknown) => {
      log.error({ err }, 'request failed');
      if (!res.headersSent) sendJson(res, 500, graphQLErrorBody('Internal server error.', 'INTERNAL_SERVER_ERROR'));
      else res.destroy();
    });
  });

  async function route(req: http.IncomingMessage, res: http.ServerResponse, path: string, log: Logger, requestId: string): Promise<void> {
    if (req.method === 'OPTIONS') {
      res.writeHead(204).end();
      return;
    }
    switch (path) {
      case GRAPHQL_PATH:
        return handleGraphQL(req, res, log, requestId);
      case '/healthz':
        return sendJson(res, 200, { status: 'ok' });
      case '/readyz': {
        const result = await ready();
        return sendJson(res, result.ok ? 200 : 503, result.ok ? { status: 'ready' } : { status: 'unavailable', reason: result.reason });
      }
      case '/':
        res.writeHead(302, { location: GRAPHQL_PATH }).end();
        return;
      default:
        return sendJson(res, 404, { error: `No route for ${path.slice(0, 200)}; the GraphQL endpoint is ${GRAPHQL_PATH}.` });
    }
  }

  async function handleGraphQL(req: http.IncomingMessage, res: http.ServerResponse, log: Logger, requestId: string): Promise<void> {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > config.maxBodyBytes) return tooLarge(req, res);
    const raw = await readBody(req, config.maxBodyBytes);
    if (raw === undefined) return tooLarge(req, res);
    let body: unknown = raw;
    if (raw.length > 0 && isJson(req.headers['content-type'])) {
      try {
        body = JSON.parse(raw);
      } catch {
        return sendJson(res, 400, graphQLErrorBody('The request body is not valid JSON.', 'BAD_REQUEST'));
      }
    }
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    const url = req.url ?? '/';
    const httpGraphQLRequest: HTTPGraphQLRequest = {
      method: (req.method ?? 'GET').toUpperCase(),
      headers,
      search: url.includes('?') ? url.slice(url.indexOf('?')) : '',
      body,
    };
    const response = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest,
      context: async () => {
        let viewer;
        try {
          viewer = await viewerFromAuthorization(req.headers.authorization, verifier);
        } catch (err) {
          if (!(err instanceof AuthError)) throw err;
          log.info({ reason: err.message }, 'token refused');
          throw authGraphQLError(err);
        }
        const requestLog = viewer ? log.child({ subject: viewer.subject }) : log;
        return createContext({ viewer, requestId, logger: requestLog });
      },
    });
    for (const [key, value] of response.headers) res.setHeader(key, value);
    res.statusCode = response.status ?? 200;
    if (response.body.kind === 'complete') {
      res.end(response.body.string);
      return;
    }
    for await (const chunk of response.body.asyncIterator) res.write(chunk);
    res.end();
  }

  function tooLarge(req: http.IncomingMessage, res: http.ServerResponse): void {
    // The rest of the body is discarded so the client can read the 413; the connection is not reused.
    res.setHeader('connection', 'close');
    sendJson(res, 413, graphQLErrorBody(`The request body is larger than ${config.maxBodyBytes} bytes.`, 'PAYLOAD_TOO_LARGE'));
    req.resume();
  }

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(config.port, config.host, () => {
      httpServer.off('error', reject);
      resolve();
    });
  });
  const port = (httpServer.address() as AddressInfo).port;
  const displayHost = ['0.0.0.0', '::', ''].includes(config.host) ? 'localhost' : config.host.includes(':') ? `[${config.host}]` : config.host;

  let closing: Promise<void> | undefined;
  return {
    url: `http://${displayHost}:${port}${GRAPHQL_PATH}`,
    port,
    httpServer,
    verifier,
    close() {
      closing ??= apollo.stop();
      return closing;
    },
  };
}

/** A readiness answer. */
interface Readiness {
  ok: boolean;
  reason?: string;
}

/** Runs `probe` at most once per `ttlMs`; concurrent callers share the run in flight. */
function cachedReadiness(probe: () => Promise<void>, ttlMs: number): () => Promise<Readiness> {
  let last: { at: number; result: Readiness } | undefined;
  let inFlight: Promise<Readiness> | undefined;
  return () => {
    if (last && Date.now() - last.at < ttlMs) return Promise.resolve(last.result);
    inFlight ??= withTimeout(probe(), READINESS_TIMEOUT_MS)
      .then(
        (): Readiness => ({ ok: true }),
        (err: unknown): Readiness => ({ ok: false, reason: `Chime is not reachable: ${(err as Error)?.name ?? 'Error'}` }),
      )
      .then((result) => {
        last = { at: Date.now(), result };
        inFlight = undefined;
        return result;
      });
    return inFlight;
  };
}

/** The cheapest upstream call that proves the gateway's credentials reach Chime. */
function defaultReadiness(clients: ChimeClients, appInstanceArn: string | undefined): () => Promise<void> {
  return async () => {
    const abortSignal = AbortSignal.timeout(READINESS_TIMEOUT_MS);
    if (appInstanceArn) await clients.identity.send(new DescribeAppInstanceCommand({ AppInstanceArn: appInstanceArn }), { abortSignal });
    else await clients.identity.send(new ListAppInstancesCommand({ MaxResults: 1 }), { abortSignal });
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error(`no answer within ${ms} ms`), { name: 'TimeoutError' })), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Closes the transports while the HTTP server drains (Apollo runs drain hooks in parallel), so open websockets never hold the drain open. */
function transportsPlugin(attached: Array<{ close(): Promise<void> }>): ApolloServerPlugin<GatewayContext> {
  return {
    async serverWillStart() {
      return {
        async drainServer() {
          await Promise.all(attached.map((transport) => transport.close()));
        },
      };
    },
  };
}

/** `cache-control: no-store` on every GraphQL response, as Apollo's cache-control plugin answers for a schema without cache hints. */
function noStorePlugin(): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          response.http.headers.set('cache-control', 'no-store');
        },
      };
    },
  };
}

/** Logs errors that are the gateway's fault with their stack; client errors only at debug. */
function errorLoggingPlugin(): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ contextValue, errors, operationName }) {
          for (const error of errors) {
            const code = error.extensions?.code;
            const internal = code === undefined || code === 'INTERNAL_SERVER_ERROR';
            const fields = { operationName, code, path: error.path, err: internal ? (error.originalError ?? error) : undefined };
            if (internal) contextValue.logger?.error(fields, error.message);
            else contextValue.logger?.debug(fields, error.message);
          }
        },
      };
    },
  };
}

/** Apollo's logger interface over pino. */
function apolloLogger(logger: Logger) {
  const apollo = logger.child({ component: 'apollo' });
  return {
    debug: (message?: unknown) => apollo.debug(String(message)),
    info: (message?: unknown) => apollo.info(String(message)),
    warn: (message?: unknown) => apollo.warn(String(message)),
    error: (message?: unknown) => apollo.error(String(message)),
  };
}

/**
 * Any origin may call: identity travels in the Authorization header, never
 * in cookies, so a foreign page gains nothing it could not do itself.
 */
function applyCors(req: http.IncomingMessage, res: http.ServerResponse): void {
  res.setHeader('access-control-allow-origin', '*');
  res.setHeader('access-control-expose-headers', 'x-request-id');
  if (req.method === 'OPTIONS') {
    res.setHeader('access-control-allow-methods', 'GET, POST, OPTIONS');
    res.setHeader('access-control-allow-headers', 'authorization, content-type, apollo-require-preflight, x-apollo-operation-name, x-request-id');
    res.setHeader('access-control-max-age', '600');
  }
}

/** Reads the body as UTF-8; undefined when it exceeds `limit` bytes. */
function readBody(req: http.IncomingMessage, limit: number): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      if (over) return;
      size += chunk.length;
      if (size > limit) {
        over = true;
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!over) resolve(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', reject);
  });
}

function isJson(contentType: string | undefined): boolean {
  const essence = contentType?.split(';')[0].trim().toLowerCase();
  return essence === 'application/json' || essence === 'application/graphql-response+json';
}

function graphQLErrorBody(message: string, code: string) {
  return { errors: [{ message, extensions: { code } }] };
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
  res.end(text);
}

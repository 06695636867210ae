/**
 * A gateway over HTTP in front of an in-process local Chime service, with a
 * test world (AppInstance, admin, alice, bob, carol) and tokens signed by the
 * gateway's own secret. Tests talk to it only through `fetch`.
 */
import { randomBytes } from 'node:crypto';
import type { LocalChimeOptions } from '../../src/emulator/server';
import { createChimeClients, ChimeClients } from '../../src/gateway/chime-clients';
import { GatewayConfig, DEFAULTS } from '../../src/gateway/config';
import { GatewayTransport, startGateway, RunningGateway } from '../../src/gateway/server';
import { createLogger, Logger } from '../../src/gateway/logger';
import { mintToken } from '../../src/gateway/auth/dev-tokens';
import { createWorld, startTestChime, TestChime, TestWorld, TEST_CREDENTIALS } from './local-chime';

/** Issuer and audience of test tokens. */
export const TEST_ISSUER = 'chime-graphql-gateway/test';
export const TEST_AUDIENCE = 'chime-graphql-gateway';

/** A GraphQL response as the test sees it. */
export interface GqlResponse<T = any> {
  status: number;
  body: { data?: T; errors?: any[]; extensions?: any };
  headers: Headers;
}

/** A Chime client of the gateway's, as named in `ChimeClients`. */
export type ChimeService = 'messaging' | 'identity' | 'rooms';

/** A running gateway, its local Chime service and test world. */
export interface TestGateway {
  chime: TestChime;
  gateway: RunningGateway;
  world: TestWorld;
  /** The gateway's settings (auth secret included, for tests that forge tokens). */
  config: GatewayConfig;
  /** The SDK clients the gateway calls Chime with. */
  clients: ChimeClients;
  /** A token for a user ARN or id, valid for `ttlSeconds` (default an hour; negative: expired). */
  tokenFor(userArn: string, ttlSeconds?: number): Promise<string>;
  /** POSTs a GraphQL request as JSON, with `Authorization: Bearer <token>` when given. */
  gql<T = any>(query: string, variables?: object, token?: string): Promise<GqlResponse<T>>;
  /** Upstream calls the gateway has made so far, by operation name, in order; only those of one client when `service` is given. */
  upstreamCalls(service?: ChimeService): string[];
  close(): Promise<void>;
}

/** Options of `startTestGateway`. */
export interface TestGatewayOptions {
  /** GATEWAY_DEBUG: responses carry `extensions.chime`. */
  debug?: boolean;
  /** NODE_ENV=production behaviour: no stack traces, suggestions or Sandbox. */
  production?: boolean;
  /** Overrides of the gateway settings. */
  config?: Partial<GatewayConfig>;
  /** Logger for the gateway; default silent (TEST_LOG_LEVEL=debug to see logs). */
  logger?: Logger;
  /** Endpoints sharing the gateway's server (graphql-ws). */
  transports?: GatewayTransport[];
  /** Options of the local Chime service (session host, clock, channel flows...). */
  chime?: LocalChimeOptions;
}

/** Starts a local Chime service, a world in it, and a gateway in front. */
export async function startTestGateway(options: TestGatewayOptions = {}): Promise<TestGateway> {
  const chime = await startTestChime(options.chime);
  const world = await createWorld(chime.identity);
  const clients = createChimeClients({ region: 'us-east-1', endpoint: chime.chime.endpoint, credentials: TEST_CREDENTIALS, maxAttempts: 1 });
  const calls: Array<{ service: ChimeService; operation: string }> = [];
  for (const service of ['messaging', 'identity', 'rooms'] as const) {
    (clients[service].middlewareStack as { add: (mw: unknown, opts: object) => void }).add(
      (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => async (args: unknown) => {
        calls.push({ service, operation: (context.commandName ?? 'Unknown').replace(/Command$/, '') });
        return next(args);
      },
      { step: 'initialize', name: 'testUpstreamCallCounter' },
    );
  }
  const secret = randomBytes(32);
  const config: GatewayConfig = {
    host: '127.0.0.1',
    port: 0,
    production: options.production ?? false,
    debug: options.debug ?? false,
    maxBodyBytes: DEFAULTS.maxBodyBytes,
    readinessCacheMs: DEFAULTS.readinessCacheMs,
    appInstanceArn: world.appInstanceArn,
    chimeAccountIds: 'any',
    auth: {
      secret,
      issuer: TEST_ISSUER,
      audience: [TEST_AUDIENCE],
      algorithms: ['HS256'],
      userClaim: 'sub',
      clockToleranceSeconds: DEFAULTS.clockToleranceSeconds,
    },
    ...options.config,
  };
  const logger = options.logger ?? createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const gateway = await startGateway({ config, clients, logger, transports: options.transports });

  return {
    chime,
    gateway,
    world,
    config,
    clients,
    tokenFor: (userArn, ttlSeconds = 3600) => mintToken(secret, { user: userArn, ttlSeconds, issuer: TEST_ISSUER, audience: TEST_AUDIENCE }),
    async gql(query, variables, token) {
      const response = await fetch(gateway.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ query, variables }),
      });
      const text = await response.text();
      let body: GqlResponse['body'];
      try {
        body = JSON.parse(text);
      } catch {
        throw new Error(`Gateway answered ${response.status} with a non-JSON body: ${text.slice(0, 500)}`);
      }
      return { status: response.status, body, headers: response.headers };
    },
    upstreamCalls: (service) => calls.filter((call) => service === undefined || call.service === service).map((call) => call.operation),
    async close() {
      await gateway.close();
      clients.destroy();
      await chime.close();
    },
  };
}

/**
 * A gateway over HTTP in front of an in-process local Chime service, with a
 * test world (AppInstance, admin, alice, bob, carol) and tokens signed by the
 * gateway's own secret. Tests talk to it only through `fetch`.
 */
import { randomBytes } from 'node:crypto';
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

/** A running gateway, its local Chime service and test world. */
export interface TestGateway {
  chime: TestChime;
  gateway: RunningGateway;
  world: TestWorld;
  /** The gateway's settings (auth secret included, for tests that forge tokens). */
  config: GatewayConfig;
  /** The SDK clients the gateway calls Chime with. */
  clients: ChimeClients;
  /** A valid token (1 hour) for a user ARN or id. */
  tokenFor(userArn: string): Promise<string>;
  /** POSTs a GraphQL request as JSON, with `Authorization: Bearer <token>` when given. */
  gql<T = any>(query: string, variables?: object, token?: string): Promise<GqlResponse<T>>;
  /** Upstream calls the gateway has made so far, by operation name, in order. */
  upstreamCalls(): string[];
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
}

/** Starts a local Chime service, a world in it, and a gateway in front. */
export async function startTestGateway(options: TestGatewayOptions = {}): Promise<TestGateway> {
  const chime = await startTestChime();
  const world = await createWorld(chime.identity);
  const clients = createChimeClients({ region: 'us-east-1', endpoint: chime.chime.endpoint, credentials: TEST_CREDENTIALS, maxAttempts: 1 });
  const calls: string[] = [];
  for (const client of [clients.messaging, clients.identity, clients.rooms] as const) {
    (client.middlewareStack as { add: (mw: unknown, opts: object) => void }).add(
      (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => async (args: unknown) => {
        calls.push((context.commandName ?? 'Unknown').replace(/Command$/, ''));
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
    tokenFor: (userArn) => mintToken(secret, { user: userArn, ttlSeconds: 3600, issuer: TEST_ISSUER, audience: TEST_AUDIENCE }),
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
    upstreamCalls: () => [...calls],
    async close() {
      await gateway.close();
      clients.destroy();
      await chime.close();
    },
  };
}

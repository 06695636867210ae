/**
 * The AWS SDK clients the gateway calls Chime with: one of each per process,
 * sharing one keep-alive agent with a bounded socket pool, standard retries.
 */
import http from 'node:http';
import https from 'node:https';
import { ChimeSDKMessagingClient } from '@aws-sdk/client-chime-sdk-messaging';
import { ChimeSDKIdentityClient } from '@aws-sdk/client-chime-sdk-identity';
import { ChimeClient } from '@aws-sdk/client-chime';
import { NodeHttpHandler } from '@smithy/node-http-handler';

/** Where and as whom the gateway reaches Chime. */
export interface ChimeConnection {
  region: string;
  /** Custom endpoint (the local service); unset for real AWS. */
  endpoint?: string;
  /** Static credentials; unset uses the default AWS provider chain. */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** Upper bound on concurrent sockets to Chime. Default 64. */
  maxSockets?: number;
  /** Attempts per call in the SDK's standard retry mode. Default 3. */
  maxAttempts?: number;
}

/** The three API clients. */
export interface ChimeClients {
  messaging: ChimeSDKMessagingClient;
  identity: ChimeSDKIdentityClient;
  rooms: ChimeClient;
  connection: ChimeConnection;
  destroy(): void;
}

/** Builds the clients for a connection. */
export function createChimeClients(connection: ChimeConnection): ChimeClients {
  const maxSockets = connection.maxSockets ?? 64;
  const requestHandler = new NodeHttpHandler({
    httpAgent: new http.Agent({ keepAlive: true, maxSockets }),
    httpsAgent: new https.Agent({ keepAlive: true, maxSockets }),
  });
  const config = {
    region: connection.region,
    endpoint: connection.endpoint,
    credentials: connection.credentials,
    maxAttempts: connection.maxAttempts ?? 3,
    retryMode: 'standard',
    requestHandler,
    // Each command's middleware is resolved once, not on every call (see cacheUntilStackChanges).
    cacheMiddleware: true,
  };
  const messaging = cacheUntilStackChanges(withoutSdkLogger(new ChimeSDKMessagingClient(config)));
  const identity = cacheUntilStackChanges(withoutSdkLogger(new ChimeSDKIdentityClient(config)));
  const rooms = cacheUntilStackChanges(withoutSdkLogger(new ChimeClient(config)));
  return {
    messaging,
    identity,
    rooms,
    connection,
    destroy() {
      messaging.destroy();
      identity.destroy();
      rooms.destroy();
    },
  };
}

/**
 * The SDK's logger middleware builds a copy of every response with its
 * sensitive members masked, for a logger the gateway does not give it (the
 * default logger discards it): measured at about a tenth of the SDK's CPU per
 * call. The gateway logs its upstream calls itself (upstream.ts), without
 * their payloads.
 */
function withoutSdkLogger<C extends { middlewareStack: { remove(name: string): boolean } }>(client: C): C {
  client.middlewareStack.remove('loggerMiddleware');
  return client;
}

/** The stack methods that change what a call runs through. */
const STACK_CHANGES = ['add', 'addRelativeTo', 'remove', 'removeByTag', 'use'] as const;

/**
 * The SDK's `cacheMiddleware` reuses a resolved stack per command class and
 * would ignore middleware added or removed later; the gateway adds none, but
 * anything that does (fault injection, instrumentation) turns the cache off
 * for that client, so every later call sees the stack as it is.
 */
function cacheUntilStackChanges<C extends { config: { cacheMiddleware?: boolean }; middlewareStack: object }>(client: C): C {
  const stack = client.middlewareStack as Record<(typeof STACK_CHANGES)[number], (...args: unknown[]) => unknown>;
  for (const method of STACK_CHANGES) {
    const change = stack[method].bind(stack);
    stack[method] = (...args: unknown[]) => {
      client.config.cacheMiddleware = false;
      return change(...args);
    };
  }
  return client;
}

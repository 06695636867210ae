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
    // The middleware stack is resolved once per command class instead of on every call (the gateway never changes it).
    cacheMiddleware: true,
  };
  const messaging = new ChimeSDKMessagingClient(config);
  const identity = new ChimeSDKIdentityClient(config);
  const rooms = new ChimeClient(config);
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

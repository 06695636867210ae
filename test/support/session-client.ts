/**
 * A small messaging-session client for tests: asks the service for its
 * endpoint (GetMessagingSessionEndpoint), presigns `/connect` with
 * `@smithy/signature-v4` as real clients do, opens it with `ws`, and
 * collects the decoded frames.
 */
import WebSocket from 'ws';
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { ChimeSDKMessagingClient, GetMessagingSessionEndpointCommand } from '@aws-sdk/client-chime-sdk-messaging';
import { TEST_CREDENTIALS } from './local-chime';

/** What to presign. */
export interface ConnectOptions {
  /** AppInstanceUser or bot ARN of `userArn=`. */
  userArn: string;
  /** Default: a fresh id per connection. */
  sessionId?: string;
  /** Extra query parameters, e.g. `{'prefetch-on': 'connect'}`. */
  query?: Record<string, string>;
  /** Default: TEST_CREDENTIALS. */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** Default `us-east-1`. */
  region?: string;
  /** Default now. */
  signingDate?: Date;
  /** X-Amz-Expires; default 10, as the official client. */
  expiresIn?: number;
}

/** One received frame, with its Payload parsed. */
export interface SessionFrame {
  eventType: string;
  messageType: string | undefined;
  persistence: string | undefined;
  headers: Record<string, string>;
  /** The parsed Payload (loosely typed: tests read whichever members they assert on). */
  payload: any;
}

/** Presigns `ws://<host>/connect?userArn=..&sessionId=..` for the host GetMessagingSessionEndpoint returned. */
export async function presignConnectUrl(host: string, options: ConnectOptions): Promise<string> {
  const region = options.region ?? 'us-east-1';
  const signer = new SignatureV4({ service: 'chime', region, credentials: options.credentials ?? TEST_CREDENTIALS, sha256: Sha256 });
  const request = new HttpRequest({
    method: 'GET',
    protocol: 'ws:',
    hostname: host,
    path: '/connect',
    headers: { host },
    query: { userArn: options.userArn, sessionId: options.sessionId ?? `s-${Math.random().toString(36).slice(2)}`, ...options.query },
  });
  const signed = await signer.presign(request, { expiresIn: options.expiresIn ?? 10, signingDate: options.signingDate });
  const query = Object.entries(signed.query ?? {})
    .map(([key, value]) => `${escape(key)}=${escape(String(value))}`)
    .join('&');
  return `ws://${host}/connect?${query}`;
}

/** RFC 3986 escaping, as SigV4 canonicalizes. */
function escape(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** The host of the service's messaging-session endpoint, asked for through the SDK. */
export async function sessionHost(messaging: ChimeSDKMessagingClient): Promise<string> {
  const { Endpoint } = await messaging.send(new GetMessagingSessionEndpointCommand({}));
  return Endpoint!.Url!;
}

/** An open (or closing) messaging-session websocket and everything it received. */
export class SessionClient {
  /** Every frame received so far, in order. */
  readonly frames: SessionFrame[] = [];
  /** Resolves with the close code and reason once the socket has closed. */
  readonly closed: Promise<{ code: number; reason: string }>;
  private readonly waiters = new Set<() => void>();

  private constructor(readonly socket: WebSocket) {
    // A failed handshake also rejects open(); afterwards errors end in 'close', which is what tests watch.
    socket.on('error', () => undefined);
    socket.on('message', (data) => {
      const frame = JSON.parse(String(data)) as { Headers: Record<string, string>; Payload?: string };
      this.frames.push({
        eventType: frame.Headers['x-amz-chime-event-type'],
        messageType: frame.Headers['x-amz-chime-message-type'],
        persistence: frame.Headers['x-amz-chime-persistence-type'],
        headers: frame.Headers,
        payload: frame.Payload ? JSON.parse(frame.Payload) : undefined,
      });
      for (const wake of [...this.waiters]) wake();
    });
    this.closed = new Promise((resolve) => socket.on('close', (code, reason) => resolve({ code, reason: String(reason) })));
    this.closed.then(() => {
      for (const wake of [...this.waiters]) wake();
    });
  }

  /** Opens a presigned URL; resolves once the websocket is open (before any authorization verdict). */
  static open(url: string): Promise<SessionClient> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url);
      const client = new SessionClient(socket);
      socket.once('open', () => resolve(client));
      socket.once('error', reject);
    });
  }

  /** Asks the endpoint, presigns and opens, in one step. */
  static async connect(messaging: ChimeSDKMessagingClient, options: ConnectOptions): Promise<SessionClient> {
    return SessionClient.open(await presignConnectUrl(await sessionHost(messaging), options));
  }

  /** Connects and waits for SESSION_ESTABLISHED. */
  static async established(messaging: ChimeSDKMessagingClient, options: ConnectOptions): Promise<SessionClient> {
    const client = await SessionClient.connect(messaging, options);
    await client.waitFor('SESSION_ESTABLISHED');
    return client;
  }

  /** Event types received so far, optionally only those of one channel. */
  eventTypes(channelArn?: string): string[] {
    return this.frames.filter((f) => channelArn === undefined || f.payload?.ChannelArn === channelArn).map((f) => f.eventType);
  }

  /** Resolves with the first frame (received before or after the call) that matches; rejects on close or timeout. */
  waitFor(match: string | ((frame: SessionFrame) => boolean), timeoutMs = 3000): Promise<SessionFrame> {
    const test = typeof match === 'string' ? (f: SessionFrame) => f.eventType === match : match;
    return this.until(() => this.frames.find(test), `a frame matching ${String(match)}`, timeoutMs);
  }

  /** Resolves once `count` frames matching have arrived. */
  waitForCount(match: (frame: SessionFrame) => boolean, count: number, timeoutMs = 3000): Promise<SessionFrame[]> {
    return this.until(
      () => {
        const found = this.frames.filter(match);
        return found.length >= count ? found : undefined;
      },
      `${count} matching frames`,
      timeoutMs,
    );
  }

  /** Closes from the client side and waits for the close to complete. */
  async close(): Promise<void> {
    if (this.socket.readyState === WebSocket.OPEN || this.socket.readyState === WebSocket.CONNECTING) this.socket.close(1000);
    await this.closed;
  }

  private until<T>(probe: () => T | undefined, what: string, timeoutMs: number): Promise<T> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = probe();
        if (found !== undefined) return done(() => resolve(found));
        if (this.socket.readyState === WebSocket.CLOSED) {
          done(() => reject(new Error(`Socket closed while waiting for ${what}; got ${JSON.stringify(this.eventTypes())}.`)));
        }
      };
      const timer = setTimeout(
        () => done(() => reject(new Error(`Timed out after ${timeoutMs} ms waiting for ${what}; got ${JSON.stringify(this.eventTypes())}.`))),
        timeoutMs,
      );
      const done = (settle: () => void) => {
        clearTimeout(timer);
        this.waiters.delete(check);
        settle();
      };
      this.waiters.add(check);
      check();
    });
  }
}

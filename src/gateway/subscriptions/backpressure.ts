/**
 * Slow consumers. Results are written to a subscriber's socket as they are
 * produced; when its client stops reading, they pile up in the socket's send
 * buffer. Past a bound the socket is closed with 1013, so a client that
 * stops reading cannot grow the gateway's memory.
 */
import type { Logger } from 'pino';
import type WebSocket from 'ws';
import { CloseCode } from './errors';

/** How long a slow consumer's socket gets to take the close frame before it is dropped. */
const CLOSE_GRACE_MS = 1000;

/** Watches one socket's send buffer and closes the socket when its client is not reading. */
export class SocketGuard {
  private closing = false;

  constructor(
    private readonly socket: WebSocket,
    private readonly maxBufferedBytes: number,
    private readonly logger: Logger,
  ) {}

  /**
   * Sends `message` unless the client is known not to read: more than
   * `maxBufferedBytes` already wait in the socket's send buffer. Then the
   * socket is closed and nothing more is sent.
   */
  send(message: string | Buffer): void {
    if (this.closing) return;
    const buffered = this.socket.bufferedAmount;
    if (buffered > this.maxBufferedBytes) this.close(`${buffered} bytes wait in its send buffer, more than ${this.maxBufferedBytes}`);
    // A Buffer holds UTF-8 JSON: it goes out as a text frame, as graphql-ws requires.
    else this.socket.send(message, { binary: false });
  }

  /** Closes the socket with 1013 (graphql-ws clients retry later), dropping it if the close frame cannot get through. */
  close(why: string): void {
    if (this.closing) return;
    this.closing = true;
    this.logger.warn({ why }, 'closing a websocket whose client is not reading');
    this.socket.close(CloseCode.SLOW_CONSUMER, 'Client is not reading its messages');
    setTimeout(() => this.socket.terminate(), CLOSE_GRACE_MS).unref();
  }
}

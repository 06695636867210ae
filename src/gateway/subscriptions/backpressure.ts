/**
 * Slow consumers. graphql-ws writes one result of a subscription at a time
 * and waits until the socket has taken it, so when a client stops reading,
 * results pile up in the subscription's queue and the socket's send buffer.
 * Both are bounded: past either bound the socket is closed with 1013, so a
 * client that stops reading cannot grow the gateway's memory.
 */
import type { Logger } from 'pino';
import type WebSocket from 'ws';
import type { AsyncQueue } from './async-queue';
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
   * Queues `result` for a subscription of this socket, unless the client is
   * known not to read: its send buffer holds more than `maxBufferedBytes`,
   * or the subscription already has `maxQueued` results waiting. Then the
   * socket is closed and nothing more is queued.
   */
  offer<T>(queue: AsyncQueue<T>, result: T, maxQueued: number): void {
    if (this.closing) return;
    const buffered = this.socket.bufferedAmount;
    if (buffered > this.maxBufferedBytes) this.close(`${buffered} bytes wait in its send buffer, more than ${this.maxBufferedBytes}`);
    else if (queue.size >= maxQueued) this.close(`${maxQueued} results of one subscription wait to be sent`);
    else queue.push(result);
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

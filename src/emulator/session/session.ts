/**
 * One open messaging session: a websocket of one AppInstanceUser (or bot)
 * under one sessionId. Sends never buffer without bound, and a peer that
 * stops answering pings is dropped.
 */
import WebSocket from 'ws';
import { CloseCode } from './frames';

/** Called once when a session stops receiving events, whatever the cause. */
export type SessionEndListener = (session: MessagingSession) => void;

/** A websocket registered for a user's channel events. */
export class MessagingSession {
  private alive = true;
  private ended = false;
  private bound: number;

  constructor(
    /** The AppInstanceUser or AppInstanceBot ARN of `userArn=`. */
    readonly userArn: string,
    /** The client's `sessionId=`; a newer connection with the same one replaces this. */
    readonly sessionId: string,
    private readonly socket: WebSocket,
    /** Bytes that may wait in the send buffer before the session is closed with 1011. */
    maxBufferedBytes: number,
    private readonly onEnd: SessionEndListener,
  ) {
    this.bound = maxBufferedBytes;
    socket.on('pong', () => {
      this.alive = true;
    });
    socket.on('close', () => this.end());
    // Errors are followed by 'close'; listening keeps them from being thrown.
    socket.on('error', () => undefined);
  }

  /** True until the session is closed, kicked, dropped or overflows. */
  get active(): boolean {
    return !this.ended;
  }

  /**
   * Queues one frame. A consumer too slow to drain its buffer is closed with
   * 1011 instead of letting the service's memory grow without limit; the
   * client reconnects and backfills with ListChannelMessages.
   */
  send(frame: string): void {
    if (this.ended) return;
    this.socket.send(frame);
    if (this.socket.bufferedAmount > this.bound) this.close(CloseCode.OVERLOADED, 'Session send buffer exceeded');
  }

  /**
   * Queues a frame of the connect-time prefetch and raises the bound by its
   * size: the prefetch is itself bounded (50 channels x 50 messages), and
   * counting it against the live bound would close a fresh session with 1011,
   * which the official client answers by reconnecting into the same prefetch.
   */
  preload(frame: string): void {
    this.bound += Buffer.byteLength(frame);
    this.send(frame);
  }

  /** Stops delivery at once and closes the websocket with `code`. */
  close(code: number, reason: string): void {
    this.end();
    if (this.socket.readyState === WebSocket.OPEN || this.socket.readyState === WebSocket.CONNECTING) this.socket.close(code, reason);
  }

  /**
   * One heartbeat: a peer that has not answered the previous ping is
   * terminated (a dead TCP peer never sends a close frame), otherwise pinged.
   */
  heartbeat(): void {
    if (!this.alive) {
      this.end();
      this.socket.terminate();
      return;
    }
    this.alive = false;
    this.socket.ping();
  }

  private end(): void {
    if (this.ended) return;
    this.ended = true;
    this.onEnd(this);
  }
}

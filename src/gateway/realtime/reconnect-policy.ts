/**
 * Whether and when an upstream session reconnects: the close codes the
 * official Chime SDK client retries, and full-jitter exponential backoff.
 */
import type { UpstreamErrorCode } from './events';

/** What to do after the socket closed with a code. */
export type CloseDisposition = { retry: true } | { retry: false; code: UpstreamErrorCode };

/**
 * Classifies a close code as the official client does: reconnect on 1001,
 * 1006, 1011-1014 and every code above 4000 except 4002, 4003 and 4401; stop
 * on everything else (1000 included: the server ended the session on purpose).
 */
export function closeDisposition(closeCode: number): CloseDisposition {
  if (closeCode === 4401) return { retry: false, code: 'UPSTREAM_UNAUTHORIZED' };
  if (closeCode === 4003) return { retry: false, code: 'UPSTREAM_REPLACED' };
  if (closeCode === 4002) return { retry: false, code: 'UPSTREAM_CLOSED' };
  if (closeCode === 1001 || closeCode === 1006 || (closeCode >= 1011 && closeCode <= 1014) || closeCode > 4000) return { retry: true };
  return { retry: false, code: 'UPSTREAM_CLOSED' };
}

/**
 * Classifies an HTTP status that refused the `/connect` handshake or the
 * GetMessagingSessionEndpoint call: 401/403 are credentials (final), 429 and
 * 5xx are transient, any other 4xx is final. No status (network) is transient.
 */
export function httpDisposition(status: number | undefined): CloseDisposition {
  if (status === undefined || status === 429 || status >= 500) return { retry: true };
  if (status === 401 || status === 403) return { retry: false, code: 'UPSTREAM_UNAUTHORIZED' };
  return { retry: false, code: 'UPSTREAM_CLOSED' };
}

/** Backoff settings. */
export interface BackoffOptions {
  /** Upper bound of the first wait, in ms; doubles per failed attempt. Default 1000 (the official client's short backoff). */
  initialMs?: number;
  /** Cap of the wait bound, in ms. Default 5000 (the official client's long backoff). */
  maxMs?: number;
  /** Source of randomness in [0, 1). Default Math.random. */
  random?: () => number;
}

/** Full jitter: each wait is uniform in [0, min(maxMs, initialMs * 2^attempt)). */
export class FullJitterBackoff {
  private attempt = 0;
  private readonly initialMs: number;
  private readonly maxMs: number;
  private readonly random: () => number;

  constructor(options: BackoffOptions = {}) {
    this.initialMs = options.initialMs ?? 1000;
    this.maxMs = options.maxMs ?? 5000;
    this.random = options.random ?? Math.random;
    if (!(this.initialMs > 0) || !(this.maxMs >= this.initialMs)) {
      throw new RangeError(`Backoff needs 0 < initialMs <= maxMs, got initialMs ${this.initialMs} and maxMs ${this.maxMs}.`);
    }
  }

  /** The next wait in ms. */
  next(): number {
    const bound = Math.min(this.maxMs, this.initialMs * 2 ** Math.min(this.attempt, 30));
    this.attempt += 1;
    return Math.floor(this.random() * bound);
  }

  /** Starts over after a successful connection. */
  reset(): void {
    this.attempt = 0;
  }
}

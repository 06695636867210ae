/**
 * Structured logs (pino, one JSON object per line) and request ids. Tokens
 * and Authorization headers are redacted wherever they appear, so a log line
 * can never carry a credential even if a caller logs a whole header object.
 */
import { randomUUID } from 'node:crypto';
import pino, { Logger } from 'pino';

export type { Logger } from 'pino';

/** Paths pino censors before a line is written. */
export const REDACTED_PATHS = [
  'authorization',
  'Authorization',
  'token',
  'secret',
  'headers.authorization',
  'req.headers.authorization',
  'request.headers.authorization',
  'connectionParams.authorization',
  'connectionParams.Authorization',
  '*.authorization',
  '*.Authorization',
  '*.token',
  '*.secret',
];

/** Options of `createLogger`. */
export interface LoggerOptions {
  /** pino level. Default `info`. */
  level?: string;
  /** Where lines go; default stdout. Tests pass a stream to read them back. */
  destination?: pino.DestinationStream;
}

/** The root logger of a gateway process. */
export function createLogger(options: LoggerOptions = {}): Logger {
  return pino(
    {
      name: 'chime-graphql-gateway',
      level: options.level ?? 'info',
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    },
    options.destination,
  );
}

/** What a client's `x-request-id` may look like to be reused; anything else is replaced. */
const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

/** The request id for a request: the client's `x-request-id` if sane, else a new UUID. */
export function requestIdFrom(header: string | string[] | undefined): string {
  return typeof header === 'string' && SANE_REQUEST_ID.test(header) ? header : randomUUID();
}

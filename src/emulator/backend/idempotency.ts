/**
 * ClientRequestToken replay. A create with a token it has seen before returns
 * the first answer and creates nothing; the same token with different
 * parameters is a ConflictException (AWS's usual idempotent-mismatch
 * answer), so a client bug cannot silently get someone else's result.
 * Call it inside the operation's transaction.
 */
import { createHash } from 'node:crypto';
import { conflict } from '../errors';
import { Backend } from './backend';

/** Returns the stored result for (scope, token), or runs `create` once and stores its result. */
export function idempotent<T>(
  backend: Backend,
  scope: string,
  token: string | undefined,
  parameters: unknown,
  create: () => T,
): T {
  if (!token) return create();
  const fingerprint = createHash('sha256').update(JSON.stringify(parameters ?? null)).digest('hex');
  const row = backend
    .statement('SELECT fingerprint, result_json FROM idempotency WHERE scope = ? AND token = ?')
    .get(scope, token) as { fingerprint: string; result_json: string } | undefined;
  if (row) {
    if (row.fingerprint !== fingerprint) {
      throw conflict(`ClientRequestToken ${token} was already used with different parameters.`);
    }
    return JSON.parse(row.result_json, reviveDates) as T;
  }
  const result = create();
  backend
    .statement('INSERT INTO idempotency (scope, token, fingerprint, result_json, created_at) VALUES (?, ?, ?, ?, ?)')
    .run(scope, token, fingerprint, JSON.stringify(result), backend.now());
  return result;
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
function reviveDates(_key: string, value: unknown): unknown {
  return typeof value === 'string' && ISO.test(value) ? new Date(value) : value;
}

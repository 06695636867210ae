/**
 * Opaque NextTokens. A token names a position in one listing (keyset, not
 * offset, so it stays right while rows come and go) and is HMAC-signed with a
 * key kept in the database, so tokens survive a restart and a forged or
 * foreign one is a BadRequest, never a crash.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { badRequest } from '../errors';
import { Db } from '../store/database';

/** Signs and checks NextTokens for the listings of one database. */
export class PageTokens {
  private readonly key: Buffer;

  constructor(db: Db) {
    const row = db.prepare(`SELECT value FROM meta WHERE key = 'page_token_key'`).get() as { value: string } | undefined;
    if (row) {
      this.key = Buffer.from(row.value, 'base64');
    } else {
      this.key = randomBytes(32);
      db.prepare(`INSERT INTO meta (key, value) VALUES ('page_token_key', ?)`).run(this.key.toString('base64'));
    }
  }

  /**
   * Encodes `position` for the listing named by `scope` (operation plus the
   * parameters that fix its order, e.g. `ListChannelMessages|<arn>|DESCENDING`).
   */
  encode(scope: string, position: unknown): string {
    const body = Buffer.from(JSON.stringify({ s: scope, p: position })).toString('base64url');
    return `${body}.${this.sign(body)}`;
  }

  /** Returns the position a token holds, or throws BadRequest if it was not issued for this listing. */
  decode<T>(scope: string, token: string): T {
    const invalid = () => badRequest('The NextToken is not valid for this request.');
    const dot = token.indexOf('.');
    if (dot <= 0) throw invalid();
    const body = token.slice(0, dot);
    const given = Buffer.from(token.slice(dot + 1), 'base64url');
    const expected = Buffer.from(this.sign(body), 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalid();
    let parsed: { s?: unknown; p?: unknown };
    try {
      parsed = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as { s?: unknown; p?: unknown };
    } catch {
      throw invalid();
    }
    if (parsed.s !== scope) throw invalid();
    return parsed.p as T;
  }

  private sign(body: string): string {
    return createHmac('sha256', this.key).update(body).digest('base64url').slice(0, 22);
  }
}

/**
 * One page of any List call: keyset paging over a unique, ordered key (rows
 * strictly after the last one served), so rows added or removed between pages
 * cause no gap or repeat. The position is kept in a signed NextToken
 * (page-tokens.ts): a forged or foreign one is a BadRequest, never a crash.
 * One row more than the page is read to know whether more follow.
 */
import { badRequest } from '../errors';
import { Backend } from './backend';
import { assertLength, assertRange } from './validate';

/** What a List call asks for: how many rows, and where the previous page ended. */
export interface PageRequest {
  /** Rows per page. */
  size: number;
  /** The previous page's NextToken; absent or empty for the first page. */
  nextToken?: string;
}

/**
 * Checks the MaxResults and NextToken of a List call. MaxResults is
 * 1..`maxResults` (50 in the Chime SDK models, 99 in the 2018 Chime model)
 * and also the default: Chime documents none, and the largest page is the
 * useful one. NextToken is 0..2048 characters, the SDK models' limit (the
 * 2018 model states none; every token issued here is far shorter).
 */
export function pageRequest(input: { MaxResults?: number; NextToken?: string }, maxResults = 50): PageRequest {
  assertRange('MaxResults', input.MaxResults, 1, maxResults);
  assertLength('NextToken', input.NextToken, 0, 2048);
  return { size: input.MaxResults ?? maxResults, nextToken: input.NextToken };
}

/**
 * A key column: the SQL expression rows are ordered by, read back from the
 * row by its last name (`m.created_at` from `created_at`); or, when the row
 * names it otherwise, the expression and the row field that holds its value.
 */
export type KeyColumn = string | { sql: string; field: string };

/** One listing: which rows, in which order, and the page asked for. */
export interface KeysetListing {
  /**
   * Names the listing and whatever fixes its rows (operation, parent,
   * filters), e.g. `ListChannelBans|<channel arn>`; a token is valid only in
   * its scope.
   */
  scope: string;
  /** The select list. Default `*`. */
  columns?: string;
  /** The FROM clause: a table, or tables joined. */
  from: string;
  /** Conditions the rows meet, joined with AND; `?` placeholders take `params` in order. */
  where?: readonly string[];
  params?: readonly unknown[];
  /** The columns rows are ordered by (ascending); together they must be unique. */
  keys: readonly KeyColumn[];
  page: PageRequest;
}

/** One page of rows, and the token of the next page if more follow. */
export interface KeysetPage<Row> {
  rows: Row[];
  NextToken?: string;
}

const sqlOf = (key: KeyColumn): string => (typeof key === 'string' ? key : key.sql);
const fieldOf = (key: KeyColumn): string => (typeof key === 'string' ? key.slice(key.lastIndexOf('.') + 1) : key.field);

/** The key values a NextToken holds; BadRequest unless it was issued for this listing. */
function positionOf(backend: Backend, listing: KeysetListing, token: string): unknown[] {
  const position = backend.tokens.decode<unknown>(listing.scope, token);
  // A token signed for the same scope by an older build may hold another shape.
  if (!Array.isArray(position) || position.length !== listing.keys.length) throw badRequest('The NextToken is not valid for this request.');
  return position;
}

/** Serves one page of `listing`. */
export function keysetPage<Row>(backend: Backend, listing: KeysetListing): KeysetPage<Row> {
  const { size, nextToken } = listing.page;
  // pageRequest has bounded it; this guards the SQL below against a PageRequest built by hand.
  if (!Number.isSafeInteger(size) || size < 1) throw new RangeError(`page size must be a positive integer, got ${size}`);
  const order = listing.keys.map(sqlOf);
  const after = nextToken ? positionOf(backend, listing, nextToken) : undefined;
  const where = [...(listing.where ?? [])];
  if (after) where.push(`(${order.join(', ')}) > (${order.map(() => '?').join(', ')})`);
  // The LIMIT is written into the SQL, not bound: the SQLite better-sqlite3
  // ships (3.53) plans with a bound LIMIT's value and so re-prepares such a
  // statement on every call. Writing it in is safe: the size is an integer
  // that pageRequest bounded by the operation's MaxResults (and checked
  // above). The statement cache then holds one statement per listing shape
  // and page size: at most MaxResults sizes per shape.
  const sql =
    `SELECT ${listing.columns ?? '*'} FROM ${listing.from}` +
    (where.length ? ` WHERE ${where.map((c) => `(${c})`).join(' AND ')}` : '') +
    ` ORDER BY ${order.join(', ')} LIMIT ${size + 1}`;
  const rows = backend.statement(sql).all(...(listing.params ?? []), ...(after ?? [])) as Record<string, unknown>[];
  if (rows.length <= size) return { rows: rows as Row[] };
  const page = rows.slice(0, size);
  const last = page[page.length - 1];
  return { rows: page as Row[], NextToken: backend.tokens.encode(listing.scope, listing.keys.map((key) => last[fieldOf(key)])) };
}

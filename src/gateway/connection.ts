/**
 * Relay connections over Chime's NextToken pagination.
 *
 * Chime pages lists with opaque NextTokens of at most 50 items. The gateway
 * always asks for full pages (MaxResults 50), so an edge's place is stable:
 * its cursor holds the NextToken that produced its page, its offset in that
 * page, its own key and the key of the item after it (or, for the last edge
 * of a page, the next page's NextToken). `after` refetches that page and
 * continues after the key; if that item is gone, at the next item; if both
 * are gone, at the old offset. Edges a mutation returns have no page yet:
 * their cursors hold the key alone, and continuing after one scans the list
 * from the start for it (up to MAX_PAGE_SIZE items).
 *
 * Message history pages by time instead: a message cursor holds the
 * message's creation time and id, and a page is a ListChannelMessages query
 * bounded by NotBefore/NotAfter at the cursor, so messages that arrive
 * meanwhile can neither shift nor repeat edges.
 *
 * `first`/`last` above 50 follow NextToken, one call per 50 items, up to
 * MAX_PAGE_SIZE; more is BAD_USER_INPUT.
 */
import { createHash } from 'node:crypto';
import { badInput } from './errors';

/** The most edges one connection field returns. */
export const MAX_PAGE_SIZE = 200;
/** Edges returned when neither `first` nor `last` is given. */
export const DEFAULT_PAGE_SIZE = 50;
/** Chime's page limit (MaxResults 1..50). */
export const CHIME_PAGE_SIZE = 50;
/** Pages scanned to find the item of a key-only cursor (4 x 50 = the largest page a client can ask for). */
const KEY_SCAN_PAGES = MAX_PAGE_SIZE / CHIME_PAGE_SIZE;

/** Relay PageInfo. */
export interface PageInfo {
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor: string | null;
  endCursor: string | null;
}

/** One edge. */
export interface Edge<T> {
  cursor: string;
  node: T;
}

/** A page of a connection. */
export interface Connection<T> {
  edges: Edge<T>[];
  pageInfo: PageInfo;
}

/** One Chime page: the items and the token of the page after it. */
export interface ChimePage<T> {
  items: T[];
  nextToken?: string;
}

/** Fetches the page that `nextToken` names (the first page when undefined), MaxResults 50. */
export type FetchPage<T> = (nextToken: string | undefined) => Promise<ChimePage<T>>;

/** What a list cursor holds. `t` absent: a key-only cursor from a mutation. */
interface ListCursor {
  /** Short hash of the list's scope, so a cursor only works on the list it came from. */
  l: string;
  /** NextToken of the edge's page; null for the first page. */
  t?: string | null;
  /** Offset of the edge in its page. */
  o?: number;
  /** The item's key (an ARN). */
  k: string;
  /** Key of the next item in the same page, if any. */
  n?: string;
  /** For the last edge of a page: the NextToken of the page after it, so continuing costs one call. */
  x?: string;
}

/** Encodes a cursor object as opaque base64url. */
export function encodeCursor(value: object): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

/** Decodes a cursor, or throws BAD_USER_INPUT naming `field`. */
export function decodeCursor(cursor: string, field: string): Record<string, unknown> {
  try {
    if (!/^[A-Za-z0-9_-]{1,8192}$/.test(cursor)) throw new Error('not base64url');
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error('not an object');
    return value as Record<string, unknown>;
  } catch {
    throw badInput(field, `${field} is not a valid cursor.`);
  }
}

/** Short tag of a list scope (operation and the parameters that fix its order). */
export function scopeTag(scope: string): string {
  return createHash('sha256').update(scope).digest('base64url').slice(0, 10);
}

/** The cursor a mutation gives an item it just added to a list: the key alone. */
export function keyCursor(scope: string, key: string): string {
  return encodeCursor({ l: scopeTag(scope), k: key } satisfies ListCursor);
}

/**
 * Checks a page size argument: absent gives `fallback`; otherwise 1..200.
 * BAD_USER_INPUT names the argument and the limit.
 */
export function pageSizeOf(name: 'first' | 'last', value: number | null | undefined, fallback: number | undefined): number | undefined {
  if (value === null || value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1 || value > MAX_PAGE_SIZE) {
    throw badInput(
      name,
      `${name} must be between 1 and ${MAX_PAGE_SIZE} (Chime pages hold 50; the gateway follows NextToken up to ${MAX_PAGE_SIZE}), got ${value}.`,
    );
  }
  return value;
}

/** The arguments of a forward-only list connection. */
export interface ListArgs {
  first?: number | null;
  after?: string | null;
}

/**
 * Serves `first`/`after` over a NextToken-paged list.
 * @param scope names the list (operation and fixed parameters); cursors of other lists are refused.
 * @param keyOf the item's stable key (the ARN that the list is unique by).
 */
export async function listConnection<T>(args: ListArgs, scope: string, keyOf: (item: T) => string, fetchPage: FetchPage<T>): Promise<Connection<T>> {
  const first = pageSizeOf('first', args.first, DEFAULT_PAGE_SIZE) as number;
  const tag = scopeTag(scope);
  let token: string | null = null;
  let page: ChimePage<T>;
  let start = 0;

  if (args.after) {
    const cursor = decodeCursor(args.after, 'after') as Partial<ListCursor>;
    if (cursor.l !== tag || typeof cursor.k !== 'string') throw badInput('after', 'after is a cursor of another list.');
    if (cursor.t === undefined) {
      ({ token, page, start } = await scanForKey(cursor.k, keyOf, fetchPage));
    } else {
      if (cursor.t !== null && typeof cursor.t !== 'string') throw badInput('after', 'after is not a valid cursor.');
      if (!Number.isInteger(cursor.o) || (cursor.o as number) < 0) throw badInput('after', 'after is not a valid cursor.');
      if (typeof cursor.x === 'string') {
        token = cursor.x;
        page = await fetchPage(token);
      } else {
        token = cursor.t;
        page = await fetchPage(token ?? undefined);
        start = resumeIndex(page.items.map(keyOf), cursor as ListCursor);
      }
    }
  } else {
    page = await fetchPage(undefined);
  }

  const edges: Edge<T>[] = [];
  let hasNextPage = false;
  for (;;) {
    for (let i = start; i < page.items.length; i++) {
      if (edges.length === first) {
        hasNextPage = true;
        break;
      }
      const item = page.items[i];
      const next = page.items[i + 1];
      const cursor: ListCursor = { l: tag, t: token, o: i, k: keyOf(item), n: next && keyOf(next), x: next ? undefined : page.nextToken };
      edges.push({ cursor: encodeCursor(cursor), node: item });
    }
    if (hasNextPage || !page.nextToken) break;
    if (edges.length === first) {
      // The next page exists but was not fetched: Chime only issues a NextToken when more may follow.
      hasNextPage = true;
      break;
    }
    token = page.nextToken;
    page = await fetchPage(token);
    start = 0;
  }
  return { edges, pageInfo: pageInfoOf(edges, hasNextPage, Boolean(args.after)) };
}

/** Where to continue in the refetched page of a cursor: after its item, else at the item that followed it, else at its old offset. */
function resumeIndex(keys: string[], cursor: ListCursor): number {
  const at = keys.indexOf(cursor.k);
  if (at >= 0) return at + 1;
  const next = cursor.n === undefined ? -1 : keys.indexOf(cursor.n);
  if (next >= 0) return next;
  // Both gone: whatever followed has moved up into the item's place.
  return Math.min(cursor.o ?? 0, keys.length);
}

/** Finds a key-only cursor's item by walking the list from the start. */
async function scanForKey<T>(
  key: string,
  keyOf: (item: T) => string,
  fetchPage: FetchPage<T>,
): Promise<{ token: string | null; page: ChimePage<T>; start: number }> {
  let token: string | null = null;
  for (let scanned = 0; scanned < KEY_SCAN_PAGES; scanned++) {
    const page = await fetchPage(token ?? undefined);
    const at = page.items.findIndex((item) => keyOf(item) === key);
    if (at >= 0) return { token, page, start: at + 1 };
    if (!page.nextToken) break;
    token = page.nextToken;
  }
  throw badInput('after', `after points at an item that is no longer in the list (or beyond its first ${MAX_PAGE_SIZE} items).`);
}

/** PageInfo from the edges and what is known about either side. */
export function pageInfoOf<T>(edges: Edge<T>[], hasNextPage: boolean, hasPreviousPage: boolean): PageInfo {
  return {
    hasNextPage,
    hasPreviousPage,
    startCursor: edges[0]?.cursor ?? null,
    endCursor: edges[edges.length - 1]?.cursor ?? null,
  };
}

/** The arguments of a message history connection. */
export interface MessageArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
  notBefore?: Date | null;
  notAfter?: Date | null;
}

/** What a message cursor holds. */
interface MessageCursor {
  /** Scope tag (the channel). */
  l: string;
  /** Creation time, ms since the epoch. */
  c: number;
  /** Chime MessageId. */
  m: string;
}

/** The fields of a listed message that pagination uses. */
export interface DatedMessage {
  MessageId?: string;
  CreatedTimestamp?: Date;
}

/** One ListChannelMessages query. */
export interface MessageQuery {
  sortOrder: 'ASCENDING' | 'DESCENDING';
  notBefore?: Date;
  notAfter?: Date;
  maxResults: number;
  nextToken?: string;
}

/** Runs one ListChannelMessages call. */
export type FetchMessages<T> = (query: MessageQuery) => Promise<ChimePage<T>>;

/** Most ListChannelMessages calls one connection field makes (200 edges, the cursor's own message, and equal timestamps). */
const MAX_MESSAGE_PAGES = MAX_PAGE_SIZE / CHIME_PAGE_SIZE + 2;

/** The cursor of a message edge. */
export function messageCursor(scope: string, message: DatedMessage): string {
  return encodeCursor({ l: scopeTag(scope), c: message.CreatedTimestamp?.getTime() ?? 0, m: message.MessageId ?? '' } satisfies MessageCursor);
}

function decodeMessageCursor(cursor: string, field: 'after' | 'before', tag: string): MessageCursor {
  const value = decodeCursor(cursor, field) as Partial<MessageCursor>;
  if (value.l !== tag) throw badInput(field, `${field} is a cursor of another list.`);
  if (!Number.isSafeInteger(value.c) || typeof value.m !== 'string') throw badInput(field, `${field} is not a valid cursor.`);
  return value as MessageCursor;
}

const later = (a: Date | undefined, b: number | undefined): Date | undefined =>
  b === undefined ? a : a === undefined || a.getTime() < b ? new Date(b) : a;
const earlier = (a: Date | undefined, b: number | undefined): Date | undefined =>
  b === undefined ? a : a === undefined || a.getTime() > b ? new Date(b) : a;

/** How a message connection reads: its size, direction, cursors and first ListChannelMessages query. */
interface MessagePlan {
  count: number;
  forward: boolean;
  after?: MessageCursor;
  before?: MessageCursor;
  query: MessageQuery;
}

/** Validates a message connection's arguments into its plan; throws BAD_USER_INPUT as the field would. */
function messagePlan(args: MessageArgs, scope: string): MessagePlan {
  if (args.first != null && args.last != null) throw badInput('first', 'Pass first or last, not both.');
  const first = pageSizeOf('first', args.first, undefined);
  const count = first ?? (pageSizeOf('last', args.last, DEFAULT_PAGE_SIZE) as number);
  const forward = first !== undefined;
  const tag = scopeTag(scope);
  const after = args.after ? decodeMessageCursor(args.after, 'after', tag) : undefined;
  const before = args.before ? decodeMessageCursor(args.before, 'before', tag) : undefined;
  const query: MessageQuery = {
    sortOrder: forward ? 'ASCENDING' : 'DESCENDING',
    notBefore: later(args.notBefore ?? undefined, after?.c),
    notAfter: earlier(args.notAfter ?? undefined, before?.c),
    // The cursor's own message comes back too (bounds are inclusive), and one more tells whether more follow.
    maxResults: Math.min(CHIME_PAGE_SIZE, count + 2),
  };
  return { count, forward, after, before, query };
}

/** The first ListChannelMessages query of a message connection with these arguments (what `fetch` is first called with). */
export function firstMessageQuery(args: MessageArgs, scope: string): MessageQuery {
  return messagePlan(args, scope).query;
}

/**
 * Serves a channel's message history, oldest first in `edges`.
 *
 * `first` reads forward from the oldest message (or `after`) with SortOrder
 * ASCENDING; `last` reads back from the newest (or `before`) with
 * DESCENDING; neither means `last: 50`. A cursor bounds the query by time
 * (NotBefore/NotAfter are inclusive), and messages sharing the cursor's
 * millisecond are skipped up to and including the cursor's own message, in
 * Chime's order. Should that message be deleted meanwhile, the other
 * messages of its millisecond on the near side are skipped too (never
 * repeated).
 */
export async function messageConnection<T extends DatedMessage>(args: MessageArgs, scope: string, fetch: FetchMessages<T>): Promise<Connection<T>> {
  const { count, forward, after, before, query } = messagePlan(args, scope);
  const from = forward ? after : before;
  const to = forward ? before : after;
  // Past `to` in the direction of reading.
  const beyond = (c: number, bound: number): boolean => (forward ? c > bound : c < bound);

  const taken: T[] = [];
  let more = false;
  let skipping = from !== undefined;
  let pages = 0;
  reading: for (;;) {
    const page = await fetch(query);
    pages++;
    for (const item of page.items) {
      const c = item.CreatedTimestamp?.getTime() ?? 0;
      if (skipping && from) {
        if (c === from.c) {
          if (item.MessageId === from.m) skipping = false;
          continue;
        }
        skipping = false;
      }
      if (to && (beyond(c, to.c) || (c === to.c && item.MessageId === to.m))) break reading;
      if (taken.length === count) {
        more = true;
        break reading;
      }
      taken.push(item);
    }
    if (!page.nextToken) break;
    // Chime only issues a NextToken when more may follow: no call just to confirm it.
    if (pages === MAX_MESSAGE_PAGES || taken.length === count) {
      more = true;
      break;
    }
    query.nextToken = page.nextToken;
  }
  if (!forward) taken.reverse();
  const edges = taken.map((node) => ({ cursor: messageCursor(scope, node), node }));
  return forward ? { edges, pageInfo: pageInfoOf(edges, more, after !== undefined) } : { edges, pageInfo: pageInfoOf(edges, before !== undefined, more) };
}

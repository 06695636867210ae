/**
 * Remembers tokens that verified, so a client sending the same bearer token
 * on every request pays for its signature check once rather than per
 * request. Only a token that passed full verification is remembered, by its
 * exact string, and never past its own expiry; failures are never
 * remembered, so a bad token is checked (and refused) every time.
 */
import { Viewer } from '../viewer';

/** Tokens remembered at most; the least recently used is forgotten first. */
export const VERIFIED_TOKENS_MAX = 4096;
/**
 * Longest a verified token is trusted without a new check, whatever its
 * expiry: a key removed from a JWKS stops being honoured within this time
 * (jose itself keeps a fetched key set for up to 10 minutes).
 */
export const VERIFIED_TOKEN_TTL_MS = 60_000;
/** Longer tokens are verified every time rather than held in memory. */
const MAX_REMEMBERED_TOKEN_LENGTH = 4096;

interface Entry {
  viewer: Viewer;
  /** Epoch ms after which the entry is not used. */
  until: number;
}

/** A bounded LRU of verified tokens. */
export class VerifiedTokens {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly max = VERIFIED_TOKENS_MAX,
    private readonly ttlMs = VERIFIED_TOKEN_TTL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /** The viewer of a token that verified before and has not expired since; undefined otherwise. */
  get(token: string): Viewer | undefined {
    const entry = this.entries.get(token);
    if (!entry) return undefined;
    this.entries.delete(token);
    if (this.now() >= entry.until) return undefined;
    this.entries.set(token, entry); // most recently used last
    return { ...entry.viewer };
  }

  /** Remembers a token that just verified; `expiresAt` is its `exp` claim (epoch seconds). */
  remember(token: string, viewer: Viewer, expiresAt: number): void {
    if (token.length > MAX_REMEMBERED_TOKEN_LENGTH) return;
    // Trusted until exp exactly, without the clock tolerance verification allows: never longer than a fresh check would.
    const until = Math.min(expiresAt * 1000, this.now() + this.ttlMs);
    if (!(until > this.now())) return;
    this.entries.delete(token);
    this.entries.set(token, { viewer: { ...viewer }, until });
    if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value as string);
  }
}

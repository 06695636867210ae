/**
 * Local development identity: a signing secret created once under the data
 * directory (mode 0600), and tokens minted with it for `npm start` and the
 * `token` command. Never used when NODE_ENV=production.
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';
import { AuthConfig, DEFAULTS } from '../config';

/** `iss` of dev tokens. */
export const DEV_ISSUER = 'chime-graphql-gateway/dev';
/** `aud` of dev tokens. */
export const DEV_AUDIENCE = 'chime-graphql-gateway';
/** File name of the dev secret inside the data directory. */
export const DEV_SECRET_FILE = 'dev-jwt-secret';

/** Auth settings that accept tokens minted by `mintToken` with `secret`. */
export function devAuthConfig(secret: string): AuthConfig {
  return {
    secret: new TextEncoder().encode(secret),
    issuer: DEV_ISSUER,
    audience: [DEV_AUDIENCE],
    algorithms: ['HS256'],
    userClaim: DEFAULTS.userClaim,
    clockToleranceSeconds: DEFAULTS.clockToleranceSeconds,
  };
}

/**
 * Reads the dev secret from `<dataDir>/dev-jwt-secret`, creating it (0600)
 * on first use. The content is usable as AUTH_JWT_SECRET as-is.
 */
export function loadOrCreateDevSecret(dataDir: string): string {
  const file = path.join(dataDir, DEV_SECRET_FILE);
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  try {
    // 'wx' fails if the file exists, so two processes starting at once keep one secret.
    fs.writeFileSync(file, randomBytes(32).toString('base64url'), { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const secret = fs.readFileSync(file, 'utf8').trim();
  if (secret.length < 32) throw new Error(`${file} holds a secret shorter than 32 characters; delete it to have a new one created.`);
  return secret;
}

/** What to put in a minted token. */
export interface MintOptions {
  /** AppInstanceUser ARN or user id, written to `claim` (and `sub`). */
  user: string;
  /** Lifetime in seconds. */
  ttlSeconds: number;
  /** Claim holding the user. Default `sub`. */
  claim?: string;
  issuer?: string;
  audience?: string | string[];
}

/** Signs an HS256 token with `secret` (the secret's UTF-8 bytes are the key). */
export function mintToken(secret: string | Uint8Array, options: MintOptions): Promise<string> {
  const key = typeof secret === 'string' ? new TextEncoder().encode(secret) : secret;
  const claim = options.claim ?? 'sub';
  const jwt = new SignJWT(claim === 'sub' ? {} : { [claim]: options.user })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(options.user)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + options.ttlSeconds);
  if (options.issuer) jwt.setIssuer(options.issuer);
  if (options.audience) jwt.setAudience(options.audience);
  return jwt.sign(key);
}

const TTL = /^(\d+)([smhd])$/;
const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };
/** Longest dev token lifetime: a year. */
const MAX_TTL_SECONDS = 365 * 86400;

/** Parses a lifetime like `45s`, `30m`, `1h`, `30d` into seconds. */
export function parseTtl(text: string): number {
  const match = TTL.exec(text.trim());
  const seconds = match ? Number(match[1]) * UNIT_SECONDS[match[2]] : NaN;
  if (!(seconds > 0 && seconds <= MAX_TTL_SECONDS)) {
    throw new Error(`--ttl must be a number followed by s, m, h or d (at most 365d), got "${text.slice(0, 50)}".`);
  }
  return seconds;
}

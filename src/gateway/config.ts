/**
 * The gateway's settings, read once from the environment and checked at
 * startup. Every error names the variable and the value that came (secrets
 * are never echoed), so a misconfigured deployment fails before it listens.
 */
import path from 'node:path';

/** A setting that is missing, malformed or contradicts another one. */
export class ConfigError extends Error {
  readonly code = 'INVALID_CONFIG';
  constructor(
    /** The environment variable at fault. */
    readonly variable: string,
    message: string,
  ) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** How bearer tokens are verified. Exactly one of `secret` and `jwksUrl` is set. */
export interface AuthConfig {
  /** Shared secret for HMAC-signed tokens (AUTH_JWT_SECRET). */
  secret?: Uint8Array;
  /** Key set URL for asymmetric tokens (AUTH_JWKS_URL). */
  jwksUrl?: URL;
  /** Required `iss` claim (AUTH_ISSUER); unchecked when unset. */
  issuer?: string;
  /** Required `aud` claim, one of these (AUTH_AUDIENCE, comma-separated); unchecked when unset. */
  audience?: string[];
  /** Accepted `alg` header values (AUTH_ALGORITHMS). */
  algorithms: string[];
  /** Claim holding the AppInstanceUser ARN or user id (AUTH_USER_CLAIM). Default `sub`. */
  userClaim: string;
  /** Seconds of clock skew tolerated on `exp`/`nbf`/`iat`. */
  clockToleranceSeconds: number;
}

/** Where Chime is: the embedded local service, or a real (or separately run) endpoint. */
export type ChimeTarget =
  | {
      kind: 'local';
      /** SQLite file of the embedded service (LOCAL_CHIME_DB). */
      database: string;
      /** Port of the embedded service (LOCAL_CHIME_PORT); 0 picks a free one. */
      port: number;
    }
  | {
      kind: 'aws';
      /** AWS_REGION. */
      region: string;
      /** CHIME_ENDPOINT; unset means the AWS default endpoint for the region. */
      endpoint?: string;
      /** CHIME_APP_INSTANCE_ARN: the AppInstance this gateway serves. */
      appInstanceArn: string;
    };

/** What `startGateway` needs. */
export interface GatewayConfig {
  /** Interface to listen on (HOST). */
  host: string;
  /** TCP port (PORT); 0 picks a free one. */
  port: number;
  /** NODE_ENV=production: no stack traces, no schema suggestions, no Sandbox. */
  production: boolean;
  /** GATEWAY_DEBUG=1: responses carry `extensions.chime` upstream call counts and (outside production) error stack traces. */
  debug: boolean;
  /** Largest accepted request body in bytes (GATEWAY_MAX_BODY_BYTES). */
  maxBodyBytes: number;
  /** How long a `/readyz` answer is reused, in milliseconds. */
  readinessCacheMs: number;
  /** The AppInstance served: bare user ids in tokens resolve against it, `/readyz` probes it. */
  appInstanceArn?: string;
  /**
   * Amazon Chime accounts whose rooms AppInstanceAdmins may manage through the
   * graph (CHIME_ACCOUNT_IDS, comma-separated account ids). The rooms API is
   * authorized by the gateway's own AWS credentials, so without this list an
   * admin could reach every account those credentials reach. `'any'` is the
   * default only with the embedded local Chime service; unset means none.
   */
  chimeAccountIds?: readonly string[] | 'any';
  auth: AuthConfig;
}

/** Everything the process reads from the environment. */
export interface StartupConfig {
  /** Gateway settings; `appInstanceArn` is known only after the target is reached. */
  gateway: Omit<GatewayConfig, 'auth' | 'appInstanceArn'>;
  /** Auth settings, or null when none are set and a dev secret is to be used (never in production). */
  auth: AuthConfig | null;
  chime: ChimeTarget;
  /** Directory for local state: embedded database, dev secret, demo seed record. */
  dataDir: string;
  /** pino level (LOG_LEVEL). */
  logLevel: string;
}

/** Defaults, documented in the README's configuration table. */
export const DEFAULTS = {
  port: 4000,
  localChimePort: 4100,
  dataDir: '.data',
  maxBodyBytes: 1024 * 1024,
  readinessCacheMs: 5000,
  userClaim: 'sub',
  clockToleranceSeconds: 5,
  logLevel: 'info',
} as const;

const HMAC_ALGORITHMS = ['HS256', 'HS384', 'HS512'];
const ASYMMETRIC_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
/** HS256 keys shorter than the hash output are brute-forceable (RFC 7518 section 3.2). */
const MIN_SECRET_BYTES = 32;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
const APP_INSTANCE_ARN = /^arn:aws[a-z-]*:chime:[a-z0-9-]+:\d{12}:app-instance\/[A-Za-z0-9_.-]+$/;
const CLAIM_NAME = /^[A-Za-z0-9_:./-]{1,128}$/;

type Env = Record<string, string | undefined>;

/** Reads and validates every setting; throws ConfigError on the first bad one. */
export function loadConfig(env: Env = process.env): StartupConfig {
  const production = env.NODE_ENV === 'production';
  const value = (name: string): string | undefined => {
    const v = env[name]?.trim();
    return v === undefined || v === '' ? undefined : v;
  };
  const dataDir = DEFAULTS.dataDir;
  const chime = chimeTarget(value, dataDir);
  return {
    gateway: {
      host: value('HOST') ?? (production ? '0.0.0.0' : '127.0.0.1'),
      port: integer('PORT', value('PORT'), DEFAULTS.port, 0, 65535),
      production,
      debug: flag('GATEWAY_DEBUG', value('GATEWAY_DEBUG')),
      maxBodyBytes: integer('GATEWAY_MAX_BODY_BYTES', value('GATEWAY_MAX_BODY_BYTES'), DEFAULTS.maxBodyBytes, 1024, 64 * 1024 * 1024),
      readinessCacheMs: DEFAULTS.readinessCacheMs,
      chimeAccountIds: chimeAccountIds(value('CHIME_ACCOUNT_IDS'), chime.kind === 'local'),
    },
    auth: authConfig(value, production),
    chime,
    dataDir,
    logLevel: oneOf('LOG_LEVEL', value('LOG_LEVEL'), LOG_LEVELS) ?? DEFAULTS.logLevel,
  };
}

function authConfig(value: (name: string) => string | undefined, production: boolean): AuthConfig | null {
  const secret = value('AUTH_JWT_SECRET');
  const jwks = value('AUTH_JWKS_URL');
  const issuer = value('AUTH_ISSUER');
  const audience = value('AUTH_AUDIENCE')?.split(',').map((a) => a.trim()).filter(Boolean);
  if (secret && jwks) {
    throw new ConfigError('AUTH_JWKS_URL', 'Set either AUTH_JWT_SECRET or AUTH_JWKS_URL, not both.');
  }
  if (!secret && !jwks) {
    if (production) {
      throw new ConfigError(
        'AUTH_JWT_SECRET',
        'NODE_ENV=production needs real auth settings: set AUTH_JWKS_URL (or AUTH_JWT_SECRET), AUTH_ISSUER and AUTH_AUDIENCE. The dev secret is never used in production.',
      );
    }
    for (const name of ['AUTH_ISSUER', 'AUTH_AUDIENCE', 'AUTH_ALGORITHMS']) {
      if (value(name)) throw new ConfigError(name, `${name} is set but neither AUTH_JWT_SECRET nor AUTH_JWKS_URL is.`);
    }
    return null;
  }
  if (production && !issuer) throw new ConfigError('AUTH_ISSUER', 'NODE_ENV=production needs AUTH_ISSUER so tokens from other issuers are refused.');
  if (production && !audience?.length) throw new ConfigError('AUTH_AUDIENCE', 'NODE_ENV=production needs AUTH_AUDIENCE so tokens minted for other services are refused.');

  let secretBytes: Uint8Array | undefined;
  let jwksUrl: URL | undefined;
  if (secret) {
    secretBytes = new TextEncoder().encode(secret);
    if (secretBytes.length < MIN_SECRET_BYTES) {
      // Never echo the secret itself, only its length.
      throw new ConfigError('AUTH_JWT_SECRET', `AUTH_JWT_SECRET must be at least ${MIN_SECRET_BYTES} bytes, got ${secretBytes.length}.`);
    }
  } else {
    jwksUrl = url('AUTH_JWKS_URL', jwks as string);
    const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(jwksUrl.hostname);
    if (jwksUrl.protocol !== 'https:' && !(jwksUrl.protocol === 'http:' && loopback)) {
      throw new ConfigError('AUTH_JWKS_URL', `AUTH_JWKS_URL must be https (http only for loopback hosts), got "${jwks}".`);
    }
  }

  const allowed = secretBytes ? HMAC_ALGORITHMS : ASYMMETRIC_ALGORITHMS;
  const algorithms = value('AUTH_ALGORITHMS')?.split(',').map((a) => a.trim()).filter(Boolean) ?? (secretBytes ? ['HS256'] : ['RS256', 'ES256']);
  for (const alg of algorithms) {
    if (!allowed.includes(alg)) {
      // Mixing HMAC and key-set algorithms is how algorithm-confusion attacks work.
      throw new ConfigError(
        'AUTH_ALGORITHMS',
        `AUTH_ALGORITHMS has "${alg}", which is not allowed with ${secretBytes ? 'AUTH_JWT_SECRET' : 'AUTH_JWKS_URL'}; allowed: ${allowed.join(', ')}.`,
      );
    }
  }
  if (algorithms.length === 0) throw new ConfigError('AUTH_ALGORITHMS', 'AUTH_ALGORITHMS is empty.');

  const userClaim = value('AUTH_USER_CLAIM') ?? DEFAULTS.userClaim;
  if (!CLAIM_NAME.test(userClaim)) throw new ConfigError('AUTH_USER_CLAIM', `AUTH_USER_CLAIM must be a claim name, got "${userClaim.slice(0, 100)}".`);

  return {
    secret: secretBytes,
    jwksUrl,
    issuer,
    audience,
    algorithms,
    userClaim,
    clockToleranceSeconds: DEFAULTS.clockToleranceSeconds,
  };
}

const ACCOUNT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** CHIME_ACCOUNT_IDS: a comma-separated list of Amazon Chime account ids (UUIDs), or `*` for any. */
function chimeAccountIds(raw: string | undefined, local: boolean): readonly string[] | 'any' {
  if (raw === undefined) return local ? 'any' : [];
  if (raw === '*') return 'any';
  const ids = raw.split(',').map((id) => id.trim()).filter(Boolean);
  const bad = ids.find((id) => !ACCOUNT_ID.test(id));
  if (bad !== undefined) throw new ConfigError('CHIME_ACCOUNT_IDS', `CHIME_ACCOUNT_IDS must list Amazon Chime account ids (UUIDs) or be *, got "${bad.slice(0, 100)}".`);
  return ids;
}

function chimeTarget(value: (name: string) => string | undefined, dataDir: string): ChimeTarget {
  const endpoint = value('CHIME_ENDPOINT');
  const region = value('AWS_REGION');
  const appInstanceArn = value('CHIME_APP_INSTANCE_ARN');
  if (!endpoint && !region && !appInstanceArn) {
    return {
      kind: 'local',
      database: value('LOCAL_CHIME_DB') ?? path.join(dataDir, 'chime.sqlite'),
      port: integer('LOCAL_CHIME_PORT', value('LOCAL_CHIME_PORT'), DEFAULTS.localChimePort, 0, 65535),
    };
  }
  if (!region) throw new ConfigError('AWS_REGION', 'AWS_REGION is required when CHIME_ENDPOINT or CHIME_APP_INSTANCE_ARN is set.');
  if (!REGION.test(region)) throw new ConfigError('AWS_REGION', `AWS_REGION must look like "us-east-1", got "${region.slice(0, 100)}".`);
  if (!appInstanceArn) {
    throw new ConfigError('CHIME_APP_INSTANCE_ARN', 'CHIME_APP_INSTANCE_ARN is required with AWS settings (e.g. arn:aws:chime:us-east-1:123456789012:app-instance/<id>).');
  }
  if (!APP_INSTANCE_ARN.test(appInstanceArn)) {
    throw new ConfigError(
      'CHIME_APP_INSTANCE_ARN',
      `CHIME_APP_INSTANCE_ARN must look like arn:aws:chime:<region>:<account>:app-instance/<id>, got "${appInstanceArn.slice(0, 200)}".`,
    );
  }
  if (endpoint) {
    const parsed = url('CHIME_ENDPOINT', endpoint);
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
      throw new ConfigError('CHIME_ENDPOINT', `CHIME_ENDPOINT must be an http(s) URL, got "${endpoint.slice(0, 200)}".`);
    }
  }
  return { kind: 'aws', region, endpoint, appInstanceArn };
}

function integer(name: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < min || n > max) {
    throw new ConfigError(name, `${name} must be an integer from ${min} to ${max}, got "${raw.slice(0, 100)}".`);
  }
  return n;
}

function flag(name: string, raw: string | undefined): boolean {
  if (raw === undefined) return false;
  if (['1', 'true', 'yes', 'on'].includes(raw.toLowerCase())) return true;
  if (['0', 'false', 'no', 'off'].includes(raw.toLowerCase())) return false;
  throw new ConfigError(name, `${name} must be 1 or 0 (true/false), got "${raw.slice(0, 100)}".`);
}

function oneOf(name: string, raw: string | undefined, allowed: string[]): string | undefined {
  if (raw === undefined) return undefined;
  if (!allowed.includes(raw)) throw new ConfigError(name, `${name} must be one of ${allowed.join(', ')}, got "${raw.slice(0, 100)}".`);
  return raw;
}

function url(name: string, raw: string): URL {
  try {
    return new URL(raw);
  } catch {
    throw new ConfigError(name, `${name} must be a URL, got "${raw.slice(0, 200)}".`);
  }
}

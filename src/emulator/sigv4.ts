/**
 * SigV4 on incoming requests: the `Authorization` header of every REST call
 * and the presigned query of the `/connect` websocket URL.
 *
 * Lenient mode (no credentials configured) only checks that a request is
 * signed in the right shape, so any SDK with any keys works offline. Strict
 * mode recomputes the signature with `@smithy/signature-v4` from the
 * request as received and refuses what does not match, with the exception
 * names and messages AWS answers.
 */
import http from 'node:http';
import { createHash, timingSafeEqual } from 'node:crypto';
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { ChimeError } from './errors';

/** Access key id -> secret access key, for strict mode. */
export type SigningKeys = Record<string, string>;

/** Options for checking one request. */
export interface SignatureCheckOptions {
  /** The only region a strict-mode signature may be scoped to. */
  region: string;
  /** Known keys; when set, signatures are verified (strict mode). */
  credentials?: SigningKeys;
  /** Milliseconds since the epoch, for the date checks. Default `Date.now`. */
  now?: () => number;
}

/** The signing name of every Chime API (messaging, identity, rooms) and of `/connect`. */
const SERVICE = 'chime';
/** How far a request's date may be from the service clock, as in AWS. */
const MAX_SKEW_MS = 5 * 60_000;
/** SigV4 caps presigned URLs at seven days. */
const MAX_EXPIRES_SECONDS = 7 * 24 * 3600;

const AUTH = /^AWS4-HMAC-SHA256 Credential=([^/\s]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/;
const CREDENTIAL = /^([^/\s]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request$/;
const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;
const SIGNATURE = /^[0-9a-f]{64}$/;
const SIGNED_HEADERS = /^[a-z0-9-]+(;[a-z0-9-]+)*$/;

const refused = (type: string, message: string) => new ChimeError(type, 403, 'Forbidden', message);
const mismatch = () =>
  refused(
    'InvalidSignatureException',
    'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
  );

/** What a signature claims: who signed, for which scope, when, over which headers. */
interface SignatureClaim {
  accessKeyId: string;
  scopeDate: string;
  scopeRegion: string;
  scopeService: string;
  amzDate: string;
  signedHeaders: string[];
  signature: string;
}

/**
 * Checks the `Authorization` header of a REST request; resolves when it is
 * acceptable, rejects with a 403 ChimeError otherwise. `body` is the request
 * body as received (its hash is part of the signature).
 */
export async function checkRequestSignature(req: http.IncomingMessage, body: string, options: SignatureCheckOptions): Promise<void> {
  const header = req.headers.authorization;
  if (!header) throw refused('MissingAuthenticationTokenException', 'Missing Authentication Token');
  const auth = AUTH.exec(header);
  if (!auth) throw refused('IncompleteSignatureException', 'Authorization header is not a valid AWS4-HMAC-SHA256 signature.');
  if (!options.credentials) return;

  const amzDate = single(req.headers['x-amz-date']);
  if (!amzDate || !AMZ_DATE.test(amzDate)) {
    // The SDKs always sign X-Amz-Date; a request dated only by `Date` is not supported here.
    throw refused('IncompleteSignatureException', "Authorization header requires existence of a valid 'X-Amz-Date' header.");
  }
  const claim: SignatureClaim = {
    accessKeyId: auth[1],
    scopeDate: auth[2],
    scopeRegion: auth[3],
    scopeService: auth[4],
    amzDate,
    signedHeaders: auth[5].split(';'),
    signature: auth[6],
  };
  const secret = checkClaim(claim, options, 'header');
  const skew = (options.now ?? Date.now)() - parseAmzDate(amzDate);
  if (Math.abs(skew) > MAX_SKEW_MS) throw skewError(amzDate, options);

  const contentHash = single(req.headers['x-amz-content-sha256']);
  if (contentHash !== undefined && contentHash !== sha256Hex(body)) {
    // Without this check a signed hash header would let the body be swapped.
    throw refused('InvalidSignatureException', "The provided 'x-amz-content-sha256' header does not match what was computed.");
  }
  const { path, query } = splitUrl(req.url);
  const signed = await signer(claim, secret).sign(
    new HttpRequest({ method: req.method ?? 'GET', path, query, headers: signedHeaderValues(req, claim.signedHeaders), body }),
    {
      signingDate: new Date(parseAmzDate(amzDate)),
      signingRegion: claim.scopeRegion,
      signingService: claim.scopeService,
      signableHeaders: new Set(claim.signedHeaders),
    },
  );
  const expected = /Signature=([0-9a-f]{64})$/.exec(String(signed.headers.authorization))?.[1] ?? '';
  if (!sameHex(expected, claim.signature)) throw mismatch();
}

/**
 * Checks a SigV4 presigned URL (the `/connect` websocket): the `X-Amz-*`
 * query parameters must be present, well-formed and not expired; in strict
 * mode the signature must verify too. Rejects with a 403 ChimeError.
 */
export async function checkPresignedUrl(req: http.IncomingMessage, options: SignatureCheckOptions): Promise<void> {
  const { path, query } = splitUrl(req.url);
  const param = (name: string): string => {
    const value = query[name];
    if (typeof value !== 'string' || value === '') {
      throw refused('IncompleteSignatureException', `The presigned URL must carry exactly one ${name} query parameter.`);
    }
    return value;
  };
  const algorithm = param('X-Amz-Algorithm');
  if (algorithm !== 'AWS4-HMAC-SHA256') throw refused('IncompleteSignatureException', `X-Amz-Algorithm must be AWS4-HMAC-SHA256, not '${algorithm}'.`);
  const credential = CREDENTIAL.exec(param('X-Amz-Credential'));
  if (!credential) throw refused('IncompleteSignatureException', 'X-Amz-Credential must be <AccessKeyId>/<yyyymmdd>/<region>/<service>/aws4_request.');
  const amzDate = param('X-Amz-Date');
  if (!AMZ_DATE.test(amzDate)) throw refused('IncompleteSignatureException', `X-Amz-Date must be yyyymmddThhmmssZ, not '${amzDate}'.`);
  const expires = param('X-Amz-Expires');
  if (!/^[1-9]\d{0,6}$/.test(expires) || Number(expires) > MAX_EXPIRES_SECONDS) {
    throw refused('IncompleteSignatureException', `X-Amz-Expires must be 1..${MAX_EXPIRES_SECONDS} seconds, not '${expires}'.`);
  }
  const signedHeaders = param('X-Amz-SignedHeaders');
  if (!SIGNED_HEADERS.test(signedHeaders) || !signedHeaders.split(';').includes('host')) {
    throw refused('IncompleteSignatureException', `X-Amz-SignedHeaders must list host, not '${signedHeaders}'.`);
  }
  const signature = param('X-Amz-Signature');
  if (!SIGNATURE.test(signature)) throw refused('IncompleteSignatureException', 'X-Amz-Signature must be 64 lowercase hex digits.');

  const now = (options.now ?? Date.now)();
  const signedAt = parseAmzDate(amzDate);
  if (signedAt - now > MAX_SKEW_MS) throw skewError(amzDate, options);
  if (now > signedAt + Number(expires) * 1000) throw refused('AccessDeniedException', 'Request has expired.');
  if (!options.credentials) return;

  const claim: SignatureClaim = {
    accessKeyId: credential[1],
    scopeDate: credential[2],
    scopeRegion: credential[3],
    scopeService: credential[4],
    amzDate,
    signedHeaders: signedHeaders.split(';'),
    signature,
  };
  const secret = checkClaim(claim, options, 'query');
  const unsigned = { ...query };
  for (const name of ['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Date', 'X-Amz-Expires', 'X-Amz-SignedHeaders', 'X-Amz-Signature']) delete unsigned[name];
  const presigned = await signer(claim, secret).presign(
    new HttpRequest({ method: req.method ?? 'GET', path, query: unsigned, headers: signedHeaderValues(req, claim.signedHeaders) }),
    {
      signingDate: new Date(signedAt),
      expiresIn: Number(expires),
      signingRegion: claim.scopeRegion,
      signingService: claim.scopeService,
      signableHeaders: new Set(claim.signedHeaders),
    },
  );
  if (!sameHex(String(presigned.query?.['X-Amz-Signature'] ?? ''), signature)) throw mismatch();
}

/** Strict-mode checks of the credential scope; returns the secret of the access key. */
function checkClaim(claim: SignatureClaim, options: SignatureCheckOptions, where: 'header' | 'query'): string {
  const secret = Object.prototype.hasOwnProperty.call(options.credentials, claim.accessKeyId) ? options.credentials![claim.accessKeyId] : undefined;
  if (secret === undefined) throw refused('UnrecognizedClientException', 'The security token included in the request is invalid.');
  if (claim.scopeDate !== claim.amzDate.slice(0, 8)) {
    throw refused(
      'InvalidSignatureException',
      `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${claim.scopeDate}' != '${claim.amzDate.slice(0, 8)}', from '${claim.amzDate}'.`,
    );
  }
  if (claim.scopeRegion !== options.region) {
    throw refused('InvalidSignatureException', `Credential should be scoped to a valid region, not '${claim.scopeRegion}'. Expected '${options.region}'.`);
  }
  if (claim.scopeService !== SERVICE) {
    throw refused('InvalidSignatureException', `Credential should be scoped to correct service: '${SERVICE}'.`);
  }
  if (where === 'header' && !claim.signedHeaders.includes('host')) {
    throw refused('InvalidSignatureException', "'Host' must be a 'SignedHeader' in the AWS Authorization.");
  }
  return secret;
}

function signer(claim: SignatureClaim, secretAccessKey: string): SignatureV4 {
  return new SignatureV4({
    service: SERVICE,
    region: claim.scopeRegion,
    credentials: { accessKeyId: claim.accessKeyId, secretAccessKey },
    sha256: Sha256,
    // Sign exactly what came: never add an x-amz-content-sha256 header the client did not sign.
    applyChecksum: false,
  });
}

/** The headers the client signed, as received; a signed header that did not arrive cannot verify. */
function signedHeaderValues(req: http.IncomingMessage, names: string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const name of names) {
    const value = req.headers[name];
    if (value === undefined) throw mismatch();
    headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  return headers;
}

/**
 * The raw (still percent-encoded) path, as the signer saw it, and the decoded
 * query. A key without `=` maps to null, which the SDK leaves out of the
 * canonical query too.
 */
function splitUrl(url = '/'): { path: string; query: Record<string, string | string[] | null> } {
  const mark = url.indexOf('?');
  const path = mark < 0 ? url : url.slice(0, mark);
  const query: Record<string, string | string[] | null> = {};
  if (mark < 0) return { path, query };
  for (const pair of url.slice(mark + 1).split('&')) {
    if (!pair) continue;
    const eq = pair.indexOf('=');
    const key = decode(eq < 0 ? pair : pair.slice(0, eq));
    const value = eq < 0 ? null : decode(pair.slice(eq + 1));
    const prior = query[key];
    if (prior === undefined || prior === null) query[key] = value;
    else if (value !== null) query[key] = Array.isArray(prior) ? [...prior, value] : [prior, value];
  }
  return { path, query };
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw refused('IncompleteSignatureException', 'The request URL has malformed percent-encoding.');
  }
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function parseAmzDate(amzDate: string): number {
  const [, y, mo, d, h, mi, s] = AMZ_DATE.exec(amzDate)!;
  return Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
}

function formatAmzDate(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/** AWS's wording for a request dated too far from the service clock. */
function skewError(amzDate: string, options: SignatureCheckOptions): ChimeError {
  const now = (options.now ?? Date.now)();
  return parseAmzDate(amzDate) < now
    ? refused(
        'InvalidSignatureException',
        `Signature expired: ${amzDate} is now earlier than ${formatAmzDate(now - MAX_SKEW_MS)} (${formatAmzDate(now)} - 5 min.)`,
      )
    : refused(
        'InvalidSignatureException',
        `Signature not yet current: ${amzDate} is still later than ${formatAmzDate(now + MAX_SKEW_MS)} (${formatAmzDate(now)} + 5 min.)`,
      );
}

function sha256Hex(body: string): string {
  return createHash('sha256').update(body, 'utf8').digest('hex');
}

function sameHex(a: string, b: string): boolean {
  return a.length === b.length && SIGNATURE.test(a) && timingSafeEqual(Buffer.from(a, 'hex'), Buffer.from(b, 'hex'));
}

/**
 * Verifies bearer JWTs with jose: an HMAC secret or a remote JWKS, an
 * algorithm allow-list (so `alg: none` and RS/HS confusion never verify),
 * issuer, audience and expiry with a small clock tolerance.
 */
import { createRemoteJWKSet, errors, jwtVerify, JWTVerifyOptions } from 'jose';
import { AuthConfig } from '../config';
import { Viewer } from '../viewer';
import { AuthError, unauthenticated } from './errors';
import { viewerFromClaim } from './user-arn';
import { VerifiedTokens } from './verified-tokens';

/** Checks a compact JWT and names its viewer. */
export interface TokenVerifier {
  /** Resolves to the token's Viewer; rejects with AuthError. */
  verify(token: string): Promise<Viewer>;
}

/** Longest token accepted; real ones are well under 8 KB, so more is garbage or abuse. */
const MAX_TOKEN_LENGTH = 8192;

/** Builds the verifier for `auth`; `appInstanceArn` resolves bare user ids and bounds ARNs. */
export function createTokenVerifier(auth: AuthConfig, appInstanceArn?: string): TokenVerifier {
  const key = auth.secret ?? (auth.jwksUrl ? createRemoteJWKSet(auth.jwksUrl, { timeoutDuration: 3000, cooldownDuration: 30_000 }) : undefined);
  if (!key) throw new Error('AuthConfig needs a secret or a jwksUrl.');
  const options: JWTVerifyOptions = {
    algorithms: auth.algorithms,
    issuer: auth.issuer,
    audience: auth.audience,
    clockTolerance: auth.clockToleranceSeconds,
    // A token without an expiry would be good forever once leaked.
    requiredClaims: ['exp'],
  };
  // Clients resend one token on every request; its signature is checked once (see verified-tokens.ts).
  const verified = new VerifiedTokens();
  return {
    async verify(token: string): Promise<Viewer> {
      if (token.length > MAX_TOKEN_LENGTH) throw unauthenticated(`The token is longer than ${MAX_TOKEN_LENGTH} characters.`);
      const known = verified.get(token);
      if (known) return known;
      let payload: Record<string, unknown>;
      try {
        // Two call shapes because jose overloads on the key type.
        ({ payload } = typeof key === 'function' ? await jwtVerify(token, key, options) : await jwtVerify(token, key, options));
      } catch (err) {
        throw verificationFailure(err);
      }
      const claim = claimValue(payload, auth.userClaim);
      const viewer = viewerFromClaim(auth.userClaim, claim, typeof payload.sub === 'string' ? payload.sub : undefined, appInstanceArn);
      // requiredClaims makes jose refuse a token without a numeric exp, so it is always set here.
      verified.remember(token, viewer, payload.exp as number);
      return viewer;
    },
  };
}

/**
 * A claim by name; when no claim has the exact name, a dotted name walks into
 * nested objects (`chime.user`). Namespaced names (`https://x.example/user`) match exactly.
 */
function claimValue(payload: Record<string, unknown>, name: string): unknown {
  if (Object.prototype.hasOwnProperty.call(payload, name)) return payload[name];
  return name.split('.').reduce<unknown>((node, part) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[part] : undefined), payload);
}

/** Maps jose's errors to a reason the client may see. */
function verificationFailure(err: unknown): AuthError {
  if (err instanceof errors.JWTExpired) return unauthenticated('The token has expired.');
  if (err instanceof errors.JWTClaimValidationFailed) return unauthenticated(`The token's "${err.claim}" claim is not accepted (${err.reason}).`);
  if (err instanceof errors.JOSEAlgNotAllowed) return unauthenticated('The token is signed with an algorithm this gateway does not accept.');
  if (err instanceof errors.JWSSignatureVerificationFailed) return unauthenticated('The token signature does not verify.');
  if (err instanceof errors.JWKSNoMatchingKey || err instanceof errors.JWKSMultipleMatchingKeys) {
    return unauthenticated('No key in the key set matches the token.');
  }
  if (err instanceof errors.JWSInvalid || err instanceof errors.JWTInvalid || err instanceof errors.JOSENotSupported || err instanceof errors.JWKInvalid) {
    return unauthenticated('The token is malformed.');
  }
  // Timeouts, an unreachable or broken key set: the token may be fine, we cannot tell.
  return new AuthError('SERVICE_UNAVAILABLE', 'Tokens cannot be verified right now: the key set is unavailable.');
}

/**
 * Where a token comes from: the HTTP `Authorization` header, or the
 * graphql-ws `connection_init` payload `{authorization: "Bearer <jwt>"}`.
 * No token means an anonymous viewer (null); a token that fails is an error.
 */
import { Viewer } from '../viewer';
import { unauthenticated } from './errors';
import { TokenVerifier } from './verifier';

const BEARER = /^Bearer[ ]+([A-Za-z0-9_.~+/=-]+)[ ]*$/i;

/** The viewer of an `Authorization` header value: null when absent; rejects with AuthError when present and not a valid bearer token. */
export async function viewerFromAuthorization(header: string | string[] | undefined, verifier: TokenVerifier): Promise<Viewer | null> {
  if (header === undefined) return null;
  if (Array.isArray(header)) throw unauthenticated('Send one Authorization header, not several.');
  const match = BEARER.exec(header);
  if (!match) throw unauthenticated('The Authorization header must be "Bearer <token>".');
  return verifier.verify(match[1]);
}

/**
 * The viewer of a graphql-ws `connection_init` payload. Accepts
 * `authorization` or `Authorization`; a payload without either is anonymous.
 */
export async function verifyConnectionParams(params: Readonly<Record<string, unknown>> | undefined | null, verifier: TokenVerifier): Promise<Viewer | null> {
  const value = params?.authorization ?? params?.Authorization;
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw unauthenticated('connection_init payload "authorization" must be a string "Bearer <token>".');
  return viewerFromAuthorization(value, verifier);
}

/**
 * The SigV4-presigned `/connect` URL of a messaging session.
 */
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider, ChecksumConstructor, HashConstructor } from '@smithy/types';

/** Lifetime of the presigned URL, as the official client signs it: only the handshake needs it. */
const EXPIRES_IN_SECONDS = 10;

/** What to sign. */
export interface ConnectUrlInput {
  /** `Endpoint.Url` as GetMessagingSessionEndpoint answered it. */
  endpointUrl: string;
  /** The Chime API endpoint the clients are configured with (unset for AWS); decides the scheme, see {@link websocketBase}. */
  apiEndpoint?: string;
  userArn: string;
  sessionId: string;
  region: string;
  credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  sha256: ChecksumConstructor | HashConstructor;
  /** Adds `prefetch-on=connect` (and the sort) so Chime sends CHANNEL_DETAILS after connecting. */
  prefetch?: { sortBy?: 'unread' | 'last-message-timestamp' };
  /** Signing time; default now. */
  signingDate?: Date;
}

/**
 * The websocket origin for an endpoint Url. Real Chime answers a bare host
 * (`<id>.<region>.ws-messaging.chime.aws`) served over TLS, so a Url without
 * scheme gets `wss://`; except when the API itself is configured over plain
 * `http://` (the local service), whose bare `host:port` answer is served as
 * plain `ws://`. A Url that already has a scheme keeps it.
 */
export function websocketBase(endpointUrl: string, apiEndpoint?: string): URL {
  const trimmed = endpointUrl.trim();
  if (trimmed === '') throw new TypeError('GetMessagingSessionEndpoint answered an empty Endpoint.Url.');
  const hasScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed);
  const scheme = apiEndpoint !== undefined && /^http:\/\//i.test(apiEndpoint) ? 'ws' : 'wss';
  const url = new URL(hasScheme ? trimmed : `${scheme}://${trimmed}`);
  // An https/http answer names the same host; the websocket runs over the matching ws scheme.
  if (url.protocol === 'https:') url.protocol = 'wss:';
  if (url.protocol === 'http:') url.protocol = 'ws:';
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') throw new TypeError(`Endpoint.Url has an unsupported scheme: ${url.protocol}`);
  return url;
}

/** Presigns `<base>/connect?userArn=..&sessionId=..` (service `chime`, expiring after 10 s) and returns it as a string. */
export async function presignConnectUrl(input: ConnectUrlInput): Promise<string> {
  const base = websocketBase(input.endpointUrl, input.apiEndpoint);
  const query: Record<string, string> = { userArn: input.userArn, sessionId: input.sessionId };
  if (input.prefetch) {
    query['prefetch-on'] = 'connect';
    if (input.prefetch.sortBy) query['prefetch-sort-by'] = input.prefetch.sortBy;
  }
  const path = `${base.pathname.replace(/\/+$/, '')}/connect`;
  const signer = new SignatureV4({ service: 'chime', region: input.region, credentials: input.credentials, sha256: input.sha256, applyChecksum: false });
  const signed = await signer.presign(
    new HttpRequest({ method: 'GET', protocol: base.protocol, hostname: base.hostname, port: base.port ? Number(base.port) : undefined, path, query, headers: { host: base.host } }),
    { expiresIn: EXPIRES_IN_SECONDS, signingDate: input.signingDate },
  );
  return `${base.protocol}//${base.host}${path}?${queryString(signed.query as Record<string, string | string[] | null>)}`;
}

/** RFC 3986 query encoding, the one SigV4 canonicalizes with. */
function queryString(query: Record<string, string | string[] | null>): string {
  const parts: string[] = [];
  for (const key of Object.keys(query).sort()) {
    const value = query[key];
    if (value === null) continue;
    for (const v of Array.isArray(value) ? value : [value]) parts.push(`${escape(key)}=${escape(v)}`);
  }
  return parts.join('&');
}

function escape(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

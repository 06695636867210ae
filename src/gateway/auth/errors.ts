/**
 * Why a request's identity was refused. The reason is safe to show: it says
 * what was wrong with the token, never the token itself.
 */
import { GraphQLError } from 'graphql';

/** The codes auth failures carry to the client. */
export type AuthErrorCode = 'UNAUTHENTICATED' | 'SERVICE_UNAVAILABLE';

/** A token that was sent but cannot be accepted (or, for SERVICE_UNAVAILABLE, cannot be checked right now). */
export class AuthError extends Error {
  constructor(
    readonly code: AuthErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'AuthError';
  }

  /** HTTP status for the whole request: 401 for a bad token, 503 when the key set cannot be fetched. */
  get status(): number {
    return this.code === 'UNAUTHENTICATED' ? 401 : 503;
  }
}

/** A 401 for a token that was sent but is not acceptable. */
export const unauthenticated = (message: string): AuthError => new AuthError('UNAUTHENTICATED', message);

/**
 * The GraphQL error Apollo answers with when context creation fails on auth:
 * `extensions.code` for clients, `extensions.http` for the status and the
 * RFC 6750 challenge header (Apollo strips `http` before sending).
 */
export function authGraphQLError(error: AuthError): GraphQLError {
  const headers = new Map<string, string>();
  if (error.code === 'UNAUTHENTICATED') headers.set('www-authenticate', 'Bearer error="invalid_token"');
  return new GraphQLError(error.message, {
    extensions: { code: error.code, http: { status: error.status, headers } },
  });
}

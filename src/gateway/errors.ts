/**
 * The gateway's error codes, the mapping of Chime exceptions onto them, and
 * the error formatter Apollo uses. Every error a client sees carries
 * `extensions.code`; errors from Chime also carry the upstream request id.
 */
import { GraphQLError, GraphQLFormattedError } from 'graphql';

/** The codes of `extensions.code` (the schema's `ErrorCode` enum). */
export type GatewayErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'BAD_USER_INPUT'
  | 'CONFLICT'
  | 'THROTTLED'
  | 'SERVICE_UNAVAILABLE'
  | 'INTERNAL_SERVER_ERROR';

/** Chime's exception names (and the `ErrorCode` values of batch errors) mapped to gateway codes. */
const CODE_OF_CHIME_ERROR: Record<string, GatewayErrorCode> = {
  BadRequestException: 'BAD_USER_INPUT',
  BadRequest: 'BAD_USER_INPUT',
  // A quota is the caller's to respect, like any other documented limit.
  ResourceLimitExceededException: 'BAD_USER_INPUT',
  ResourceLimitExceeded: 'BAD_USER_INPUT',
  UnauthorizedClientException: 'UNAUTHENTICATED',
  Unauthorized: 'UNAUTHENTICATED',
  ForbiddenException: 'FORBIDDEN',
  Forbidden: 'FORBIDDEN',
  AccessDenied: 'FORBIDDEN',
  NotFoundException: 'NOT_FOUND',
  NotFound: 'NOT_FOUND',
  ConflictException: 'CONFLICT',
  Conflict: 'CONFLICT',
  ThrottledClientException: 'THROTTLED',
  Throttled: 'THROTTLED',
  Throttling: 'THROTTLED',
  ServiceUnavailableException: 'SERVICE_UNAVAILABLE',
  ServiceUnavailable: 'SERVICE_UNAVAILABLE',
  ServiceFailureException: 'INTERNAL_SERVER_ERROR',
  ServiceFailure: 'INTERNAL_SERVER_ERROR',
};

/** Node network errors that mean Chime could not be reached at all. */
const UNREACHABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE', 'TimeoutError']);

/** The gateway code for a Chime exception name or batch ErrorCode; anything unknown is INTERNAL_SERVER_ERROR. */
export function codeOfChimeError(name: string | undefined): GatewayErrorCode {
  return (name !== undefined && CODE_OF_CHIME_ERROR[name]) || 'INTERNAL_SERVER_ERROR';
}

/** A GraphQL error with a gateway code. */
export function gatewayError(code: GatewayErrorCode, message: string, extensions: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { ...extensions, code } });
}

/** BAD_USER_INPUT naming the argument at fault (`extensions.field`). */
export function badInput(field: string, message: string): GraphQLError {
  return gatewayError('BAD_USER_INPUT', message, { field });
}

/** UNAUTHENTICATED: the field needs a signed-in viewer. */
export function unauthenticated(): GraphQLError {
  return gatewayError('UNAUTHENTICATED', 'This field needs a signed-in user: send an Authorization: Bearer <token> header.');
}

/** What the AWS SDK puts on the errors it throws. */
interface SdkError {
  name?: string;
  message?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number; requestId?: string };
}

/**
 * Turns whatever an SDK call threw into a GraphQLError: the Chime exception's
 * gateway code and message, Chime's request id, and the operation. Network
 * failures are SERVICE_UNAVAILABLE: Chime was not reached, a retry may work.
 */
export function fromUpstreamError(error: unknown, operation: string): GraphQLError {
  if (error instanceof GraphQLError) return error;
  const e = (error ?? {}) as SdkError;
  const requestId = e.$metadata?.requestId;
  const status = e.$metadata?.httpStatusCode;
  let code: GatewayErrorCode;
  if (e.name && CODE_OF_CHIME_ERROR[e.name]) code = CODE_OF_CHIME_ERROR[e.name];
  else if (status === undefined && ((e.code && UNREACHABLE.has(e.code)) || (e.name && UNREACHABLE.has(e.name)))) code = 'SERVICE_UNAVAILABLE';
  else if (status === 429) code = 'THROTTLED';
  else if (status === 503) code = 'SERVICE_UNAVAILABLE';
  else code = 'INTERNAL_SERVER_ERROR';
  const message = e.message && code !== 'INTERNAL_SERVER_ERROR' ? e.message : `Chime ${operation} failed${e.message ? `: ${e.message}` : '.'}`;
  return new GraphQLError(message, {
    originalError: error instanceof Error ? error : undefined,
    extensions: {
      code,
      ...(requestId ? { requestId } : {}),
      upstream: { operation, ...(e.name ? { error: e.name } : {}), ...(status ? { httpStatusCode: status } : {}) },
    },
  });
}

const SUGGESTION = / ?Did you mean .+\?$/;

/**
 * The `formatError` Apollo uses. In production: no stack traces, no "Did you
 * mean" schema suggestions, and internal failures answer with a generic
 * message (the request id and code stay, so a report can be traced).
 */
export function formatGatewayError(production: boolean): (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError {
  return (formatted) => {
    if (!production) return formatted;
    const { stacktrace: _stacktrace, exception: _exception, ...extensions } = (formatted.extensions ?? {}) as Record<string, unknown>;
    const internal = extensions.code === 'INTERNAL_SERVER_ERROR';
    if (internal) delete extensions.upstream;
    return {
      ...formatted,
      message: internal ? 'Internal server error.' : formatted.message.replace(SUGGESTION, ''),
      extensions,
    };
  };
}

/**
 * The Chime SDK error shapes. Every exception travels as HTTP status +
 * `x-amzn-ErrorType: <Name>` + a JSON body `{Code, Message}`, which is what
 * the AWS SDK's restJson1 deserializer reads to throw the matching class.
 */

/** The `Code` values Chime puts in error bodies (the model's ErrorCode enum). */
export type ErrorCode =
  | 'BadRequest' | 'Conflict' | 'Forbidden' | 'NotFound' | 'PreconditionFailed'
  | 'ResourceLimitExceeded' | 'ServiceFailure' | 'AccessDenied' | 'ServiceUnavailable'
  | 'Throttled' | 'Throttling' | 'Unauthorized' | 'Unprocessable';

/** An error the local service answers with; carries everything the wire needs. */
export class ChimeError extends Error {
  constructor(
    /** Exception name, sent as `x-amzn-ErrorType`. */
    readonly errorType: string,
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = errorType;
  }

  /** True when the fault is the service's, not the caller's. */
  get senderFault(): boolean {
    return this.status < 500;
  }
}

/** 400: the request breaks a documented rule or limit. */
export const badRequest = (message: string): ChimeError => new ChimeError('BadRequestException', 400, 'BadRequest', message);
/** 401: the caller's identity is not accepted. */
export const unauthorized = (message: string): ChimeError => new ChimeError('UnauthorizedClientException', 401, 'Unauthorized', message);
/** 403: the bearer may not do this. */
export const forbidden = (message: string): ChimeError => new ChimeError('ForbiddenException', 403, 'Forbidden', message);
/** 404: the named resource does not exist (or the bearer may not know it does). */
export const notFound = (message: string): ChimeError => new ChimeError('NotFoundException', 404, 'NotFound', message);
/** 409: the request conflicts with the resource's current state. */
export const conflict = (message: string): ChimeError => new ChimeError('ConflictException', 409, 'Conflict', message);
/** 400: a quota would be exceeded. */
export const resourceLimitExceeded = (message: string): ChimeError => new ChimeError('ResourceLimitExceededException', 400, 'ResourceLimitExceeded', message);
/** 429: the caller is sending too fast. */
export const throttled = (message: string): ChimeError => new ChimeError('ThrottledClientException', 429, 'Throttled', message);
/** 500: the service failed. */
export const serviceFailure = (message: string): ChimeError => new ChimeError('ServiceFailureException', 500, 'ServiceFailure', message);
/** 503: the service cannot answer now. */
export const serviceUnavailable = (message: string): ChimeError => new ChimeError('ServiceUnavailableException', 503, 'ServiceUnavailable', message);

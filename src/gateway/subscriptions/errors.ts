/**
 * What a subscriber sees when something ends: the GraphQL errors that end a
 * subscription (terminal realtime events, limits) and the websocket close
 * codes that end a whole socket.
 */
import { GraphQLError } from 'graphql';
import type { AccessRevokedEvent, SessionErrorEvent } from '../realtime';
import { gatewayError } from '../errors';

/** `extensions.code` of a subscription refused because its socket holds the most it may (schema: ErrorCode.TOO_MANY_SUBSCRIPTIONS). */
export const TOO_MANY_SUBSCRIPTIONS = 'TOO_MANY_SUBSCRIPTIONS';

/** Close codes the gateway uses besides those of graphql-ws itself (4400, 4403, 4406, 4408, 4409, 4429, 4500). */
export const CloseCode = {
  /** The client stopped reading: its unsent results passed a bound. graphql-ws clients retry after it. */
  SLOW_CONSUMER: 1013,
  /** The token could not be checked right now (the key set is unreachable); graphql-ws clients retry after it. */
  AUTH_UNAVAILABLE: 1013,
  /** graphql-ws Forbidden: a missing or invalid token in `connection_init`. */
  FORBIDDEN: 4403,
} as const;

/** The error of a subscription beyond `maxSubscriptionsPerSocket`. */
export function tooManySubscriptions(max: number): GraphQLError {
  return new GraphQLError(`This socket already holds ${max} subscriptions, the most one socket may; complete one first or open another socket.`, {
    extensions: { code: TOO_MANY_SUBSCRIPTIONS, maxSubscriptionsPerSocket: max },
  });
}

/** ACCESS_REVOKED ends a channel's subscriptions with FORBIDDEN, saying why. */
export function accessRevokedError(event: AccessRevokedEvent): GraphQLError {
  const why = event.reason === 'CHANNEL_DELETED' ? 'the channel was deleted' : 'the viewer is no longer a member of the channel (removed, left or banned)';
  return gatewayError('FORBIDDEN', `The subscription ended: ${why}.`, { reason: event.reason, channelArn: event.channelArn });
}

/**
 * SESSION_ERROR ends every subscription of the viewer. Chime refusing the
 * viewer's session (4401, HTTP 401/403) is FORBIDDEN, as a retry cannot
 * help; anything else is SERVICE_UNAVAILABLE: subscribing again opens a new
 * session.
 */
export function sessionError(event: SessionErrorEvent): GraphQLError {
  const code = event.code === 'UPSTREAM_UNAUTHORIZED' ? 'FORBIDDEN' : 'SERVICE_UNAVAILABLE';
  return gatewayError(code, `The subscription ended: the viewer's Chime messaging session failed (${event.code}).`, {
    upstream: { code: event.code, ...(event.closeCode !== undefined ? { closeCode: event.closeCode } : {}) },
  });
}

/** A subscription whose events pile up faster than its resolvers run ends with this; subscribe again and refetch. */
export function fellBehind(max: number): GraphQLError {
  return gatewayError('SERVICE_UNAVAILABLE', `The subscription ended: more than ${max} events waited to be executed; subscribe again and refetch.`);
}

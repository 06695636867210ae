/**
 * The per-request context every resolver receives: the verified viewer (or
 * null), the request's own Chime access (counted and bounded) and its own
 * DataLoaders. Nothing in it outlives the request, so nothing cached for one
 * user can reach another.
 */
import type { Logger } from 'pino';
import { ChimeClients } from './chime-clients';
import { unauthenticated } from './errors';
import { createLoaders, Loaders } from './loaders';
import { DEFAULT_MAX_CONCURRENT_CALLS, Upstream } from './upstream';
import { Viewer } from './viewer';

/** What resolvers get. */
export interface GatewayContext {
  /** The verified signed-in user, or null for an anonymous request (introspection only). */
  viewer: Viewer | null;
  /** The request id (also in logs). */
  requestId: string;
  /** The request's logger. */
  logger: Logger;
  /** Chime, as this request's viewer: every SDK call goes through it. */
  upstream: Upstream;
  /** This request's DataLoaders. */
  loaders: Loaders;
  /** When true, responses carry `extensions.chime` (upstream call counts). */
  debug: boolean;
}

/** Process-wide settings for building contexts. */
export interface ContextOptions {
  clients: ChimeClients;
  /** Adds `extensions.chime = {calls, byOperation}` to responses. */
  debug?: boolean;
  /** Bound on one request's concurrent Chime calls. Default 16. */
  maxConcurrentCalls?: number;
  /** Amazon Chime accounts the rooms API may reach (GatewayConfig.chimeAccountIds). Default none. */
  chimeAccountIds?: readonly string[] | 'any';
}

/** Builds the context of one request. */
export function createRequestContext(options: ContextOptions, request: { viewer: Viewer | null; requestId: string; logger: Logger }): GatewayContext {
  const upstream = new Upstream(
    options.clients,
    request.viewer,
    request.logger,
    options.maxConcurrentCalls ?? DEFAULT_MAX_CONCURRENT_CALLS,
    options.chimeAccountIds ?? [],
  );
  return {
    viewer: request.viewer,
    requestId: request.requestId,
    logger: request.logger,
    upstream,
    loaders: createLoaders(upstream),
    debug: options.debug ?? false,
  };
}

/** The viewer, or UNAUTHENTICATED (before any upstream call) when the request has none. */
export function requireViewer(context: GatewayContext): Viewer {
  if (!context.viewer) throw unauthenticated();
  return context.viewer;
}

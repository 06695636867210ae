/**
 * GraphQL subscriptions for live chat over graphql-ws, on the realtime relay
 * (src/gateway/realtime). `createSubscriptionTransport()` plugs into
 * `startGateway({ transports })`.
 */
export { createSubscriptionTransport } from './transport';
export type { SubscriptionStats, SubscriptionTransport } from './transport';
export { SUBSCRIPTION_DEFAULTS, subscriptionSettings } from './settings';
export type { SubscriptionOptions } from './settings';
export { subscriptionOptionsFromEnv } from './config';
export { CloseCode, TOO_MANY_SUBSCRIPTIONS } from './errors';

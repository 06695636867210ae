/**
 * The subscription settings `npm start` reads from the environment, checked
 * like the gateway's own (an error names the variable and the value).
 */
import { ConfigError } from '../config';
import type { SubscriptionOptions } from './settings';

type Env = Record<string, string | undefined>;

/**
 * SUBSCRIPTIONS_MAX_PER_SOCKET (default 100) and REALTIME_LINGER_MS (how
 * long a viewer's upstream session stays open after its last subscription,
 * default 5000).
 */
export function subscriptionOptionsFromEnv(env: Env = process.env): SubscriptionOptions {
  const maxPerSocket = integer(env, 'SUBSCRIPTIONS_MAX_PER_SOCKET', 1, 10_000);
  const lingerMs = integer(env, 'REALTIME_LINGER_MS', 0, 3_600_000);
  return {
    maxSubscriptionsPerSocket: maxPerSocket,
    realtime: lingerMs === undefined ? undefined : { lingerMs },
  };
}

function integer(env: Env, name: string, min: number, max: number): number | undefined {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < min || n > max) throw new ConfigError(name, `${name} must be an integer from ${min} to ${max}, got "${raw.slice(0, 100)}".`);
  return n;
}

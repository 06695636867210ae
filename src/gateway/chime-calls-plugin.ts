/**
 * Reports the upstream calls a request made, for tests and tuning: when the
 * gateway runs with debug on, every single-result response carries
 * `extensions.chime = {calls, byOperation}`.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { GatewayContext } from './context';

/** The Apollo plugin that adds `extensions.chime` when the context says debug. */
export function chimeCallsPlugin(): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue, response }) {
          if (!contextValue.debug || response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          result.extensions = { ...result.extensions, chime: contextValue.upstream.calls };
        },
      };
    },
  };
}

/** AppInstanceBot: a bot identity (DescribeAppInstanceBot for what lists do not carry). */
import { GatewayContext } from '../context';
import { AppInstanceBotResolvers } from '../generated/resolvers-types';
import { Complete } from './complete';
import { identityFields, nameOf } from './identity';

/** AppInstanceBot resolvers. */
export const AppInstanceBot: Complete<AppInstanceBotResolvers<GatewayContext>> = {
  ...identityFields,
  name: (bot, _args, context) => nameOf(bot, context),
};

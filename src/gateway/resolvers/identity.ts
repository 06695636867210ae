/**
 * Shared by AppInstanceUser and AppInstanceBot: their describe call, and the
 * fields both types have.
 */
import type { AppInstanceBot, AppInstanceUser } from '@aws-sdk/client-chime-sdk-identity';
import { GatewayContext } from '../context';
import { appInstanceOf, toGlobalId } from '../global-id';
import { AppInstanceModel, IdentityModel } from './models';

/** DescribeAppInstanceUser or DescribeAppInstanceBot, by the model's kind. */
export function describeIdentity(context: GatewayContext, model: IdentityModel): Promise<AppInstanceUser | AppInstanceBot> {
  return model.kind === 'AppInstanceBot' ? context.loaders.bot.load(model.arn) : context.loaders.user.load(model.arn);
}

/** The resolvers both identity types share. */
export const identityFields = {
  id: (model: IdentityModel): string => toGlobalId(model.kind, model.arn),
  arn: (model: IdentityModel): string => model.arn,
  metadata: async (model: IdentityModel, _args: unknown, context: GatewayContext) => (await describeIdentity(context, model)).Metadata ?? null,
  createdAt: async (model: IdentityModel, _args: unknown, context: GatewayContext) => (await describeIdentity(context, model)).CreatedTimestamp ?? null,
  updatedAt: async (model: IdentityModel, _args: unknown, context: GatewayContext) =>
    (await describeIdentity(context, model)).LastUpdatedTimestamp ?? null,
  appInstance: (model: IdentityModel): AppInstanceModel => ({ kind: 'AppInstance', arn: appInstanceOf(model.arn) ?? '' }),
};

/**
 * The display name: carried by Chime's `Identity` when known (at once, so a
 * realtime event's `sender { name }` executes without a promise), else
 * described.
 */
export function nameOf(model: IdentityModel, context: GatewayContext): string | Promise<string | null> {
  return model.name ?? describeIdentity(context, model).then((identity) => identity.Name ?? null);
}

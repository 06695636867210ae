/** ChimeUser: a user of an Amazon Chime account (GetUser unless listed), and the rooms it belongs to. */
import { User } from '@aws-sdk/client-chime';
import { GatewayContext } from '../context';
import { ChimeUserResolvers } from '../generated/resolvers-types';
import { toGlobalId } from '../global-id';
import { roomConnection } from './chime-account';
import { Complete } from './complete';
import { chimeAccountModel, ChimeUserModel } from './models';

async function userOf(user: ChimeUserModel, context: GatewayContext): Promise<User> {
  return user.user ?? context.loaders.chimeUser.load({ accountId: user.accountId, userId: user.userId });
}

/** ChimeUser resolvers. */
export const ChimeUser: Complete<ChimeUserResolvers<GatewayContext>> = {
  id: (user) => toGlobalId('ChimeUser', user.accountId, user.userId),
  userId: (user) => user.userId,
  account: (user) => chimeAccountModel(user.accountId),
  email: async (user, _args, context) => (await userOf(user, context)).PrimaryEmail ?? null,
  displayName: async (user, _args, context) => (await userOf(user, context)).DisplayName ?? null,
  userType: async (user, _args, context) => (await userOf(user, context)).UserType ?? null,
  licenseType: async (user, _args, context) => (await userOf(user, context)).LicenseType ?? null,
  registrationStatus: async (user, _args, context) => (await userOf(user, context)).UserRegistrationStatus ?? null,
  invitationStatus: async (user, _args, context) => (await userOf(user, context)).UserInvitationStatus ?? null,
  invitedAt: async (user, _args, context) => (await userOf(user, context)).InvitedOn ?? null,
  registeredAt: async (user, _args, context) => (await userOf(user, context)).RegisteredOn ?? null,
  rooms: (user, args, context) => roomConnection(context, user.accountId, user.userId, args),
};

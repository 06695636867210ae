/**
 * Mutations of Amazon Chime accounts and their users (rooms API): what rooms
 * need to exist and be joined. AppInstanceAdmins only (`Upstream.rooms`).
 */
import { CreateAccountCommand, CreateUserCommand, DeleteAccountCommand, InviteUsersCommand } from '@aws-sdk/client-chime';
import { GatewayContext } from '../context';
import { MutationResolvers } from '../generated/resolvers-types';
import { toGlobalId } from '../global-id';
import { accountIdOfId, checkChimeName, checkCount, checkEmail, MAX_INVITES } from '../input-limits';
import { chimeAccountModel, chimeUserModel } from './models';

type ChimeAccountMutations = Pick<Required<MutationResolvers<GatewayContext>>, 'createChimeAccount' | 'deleteChimeAccount' | 'createChimeUser' | 'inviteChimeUsers'>;

/** Chime account mutations. */
export const chimeAccountMutations: ChimeAccountMutations = {
  createChimeAccount: async (_root, { input }, context) => {
    checkChimeName('input.name', input.name);
    const out = await context.upstream.rooms(CreateAccountCommand, { Name: input.name });
    const account = out.Account;
    return { clientMutationId: input.clientMutationId, account: chimeAccountModel(account?.AccountId ?? '', account) };
  },

  deleteChimeAccount: async (_root, { input }, context) => {
    const accountId = accountIdOfId('input.accountId', input.accountId);
    await context.upstream.rooms(DeleteAccountCommand, { AccountId: accountId });
    context.loaders.chimeAccount.clear(accountId);
    return { clientMutationId: input.clientMutationId, deletedAccountId: toGlobalId('ChimeAccount', accountId) };
  },

  createChimeUser: async (_root, { input }, context) => {
    const accountId = accountIdOfId('input.accountId', input.accountId);
    checkChimeName('input.username', input.username);
    if (input.email != null) checkEmail('input.email', input.email);
    const out = await context.upstream.rooms(CreateUserCommand, {
      AccountId: accountId,
      Username: input.username,
      Email: input.email ?? undefined,
      UserType: input.userType ?? undefined,
    });
    return { clientMutationId: input.clientMutationId, user: chimeUserModel(accountId, out.User?.UserId ?? '', out.User) };
  },

  inviteChimeUsers: async (_root, { input }, context) => {
    const accountId = accountIdOfId('input.accountId', input.accountId);
    checkCount('input.emails', input.emails.length, MAX_INVITES, 'email addresses');
    input.emails.forEach((email, i) => checkEmail(`input.emails[${i}]`, email));
    const out = await context.upstream.rooms(InviteUsersCommand, { AccountId: accountId, UserEmailList: input.emails, UserType: input.userType ?? undefined });
    return {
      clientMutationId: input.clientMutationId,
      account: chimeAccountModel(accountId),
      invites: (out.Invites ?? []).map((invite) => ({
        inviteId: invite.InviteId ?? '',
        status: invite.Status ?? null,
        emailAddress: invite.EmailAddress ?? '',
        emailStatus: invite.EmailStatus ?? null,
      })),
    };
  },
};

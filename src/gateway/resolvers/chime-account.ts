/**
 * ChimeAccount: an Amazon Chime account (rooms API) with its rooms and users.
 * Listed accounts carry everything; one named by id is fetched (GetAccount)
 * when a field needs it. Every call is for AppInstanceAdmins (`Upstream.rooms`).
 */
import { Account, ListRoomsCommand, ListUsersCommand } from '@aws-sdk/client-chime';
import { CHIME_PAGE_SIZE, listConnection } from '../connection';
import { GatewayContext } from '../context';
import { ChimeAccountResolvers } from '../generated/resolvers-types';
import { toGlobalId } from '../global-id';
import { checkChimeId, checkEmail } from '../input-limits';
import { orNull } from '../loaders';
import { Complete } from './complete';
import { ChimeAccountModel, chimeUserModel, ChimeUserModel, roomModel, RoomModel } from './models';

/** Scope of an account's room list (for cursors). */
export const roomsScope = (accountId: string): string => `ListRooms|${accountId}`;

async function accountOf(account: ChimeAccountModel, context: GatewayContext): Promise<Account> {
  return account.account ?? context.loaders.chimeAccount.load(account.accountId);
}

/** ListRooms of an account, optionally of one member, as a connection. */
export function roomConnection(context: GatewayContext, accountId: string, memberId: string | undefined, args: { first?: number | null; after?: string | null }) {
  return listConnection<RoomModel>(
    args,
    memberId ? `${roomsScope(accountId)}|${memberId}` : roomsScope(accountId),
    (room) => room.roomId,
    async (nextToken) => {
      const out = await context.upstream.rooms(ListRoomsCommand, { AccountId: accountId, MemberId: memberId, MaxResults: CHIME_PAGE_SIZE, NextToken: nextToken });
      const items = (out.Rooms ?? []).map((room) => {
        const model = roomModel(accountId, room.RoomId ?? '', room);
        context.loaders.room.prime({ accountId, roomId: model.roomId }, room);
        return model;
      });
      return { items, nextToken: out.NextToken };
    },
  );
}

/** ChimeAccount resolvers. */
export const ChimeAccount: Complete<ChimeAccountResolvers<GatewayContext>> = {
  id: (account) => toGlobalId('ChimeAccount', account.accountId),
  accountId: (account) => account.accountId,
  name: async (account, _args, context) => (await accountOf(account, context)).Name ?? '',
  awsAccountId: async (account, _args, context) => (await accountOf(account, context)).AwsAccountId ?? null,
  accountType: async (account, _args, context) => (await accountOf(account, context)).AccountType ?? null,
  status: async (account, _args, context) => (await accountOf(account, context)).AccountStatus ?? null,
  defaultLicense: async (account, _args, context) => (await accountOf(account, context)).DefaultLicense ?? null,
  createdAt: async (account, _args, context) => (await accountOf(account, context)).CreatedTimestamp ?? null,
  rooms: (account, args, context) => roomConnection(context, account.accountId, undefined, args),
  room: async (account, args, context) => {
    const roomId = checkChimeId('roomId', args.roomId);
    const room = await orNull(context.loaders.room.load({ accountId: account.accountId, roomId }));
    return room && roomModel(account.accountId, roomId, room);
  },
  users: (account, args, context) => {
    if (args.userEmail != null) checkEmail('userEmail', args.userEmail);
    const userType = args.userType ?? undefined;
    return listConnection<ChimeUserModel>(
      args,
      `ListUsers|${account.accountId}|${args.userEmail?.toLowerCase() ?? ''}|${userType ?? ''}`,
      (user) => user.userId,
      async (nextToken) => {
        const out = await context.upstream.rooms(ListUsersCommand, {
          AccountId: account.accountId,
          UserEmail: args.userEmail ?? undefined,
          UserType: userType,
          MaxResults: CHIME_PAGE_SIZE,
          NextToken: nextToken,
        });
        const items = (out.Users ?? []).map((user) => {
          const model = chimeUserModel(account.accountId, user.UserId ?? '', user);
          context.loaders.chimeUser.prime({ accountId: account.accountId, userId: model.userId }, user);
          return model;
        });
        return { items, nextToken: out.NextToken };
      },
    );
  },
  user: async (account, args, context) => {
    const userId = checkChimeId('userId', args.userId);
    const user = await orNull(context.loaders.chimeUser.load({ accountId: account.accountId, userId }));
    return user && chimeUserModel(account.accountId, userId, user);
  },
};

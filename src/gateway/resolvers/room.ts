/**
 * Room and RoomMembership: the chat rooms of an Amazon Chime account and
 * their members. The rooms API describes a membership only in lists, so a
 * membership known by its keys alone is found in its room's roster.
 */
import { Room as SdkRoom, RoomMembership as SdkRoomMembership, ListRoomMembershipsCommand } from '@aws-sdk/client-chime';
import { CHIME_PAGE_SIZE, listConnection } from '../connection';
import { GatewayContext } from '../context';
import { gatewayError } from '../errors';
import { RoomMembershipResolvers, RoomResolvers } from '../generated/resolvers-types';
import { toGlobalId } from '../global-id';
import { Complete } from './complete';
import { chimeAccountModel, chimeUserModel, RoomMembershipModel, RoomModel, roomModel } from './models';

/** Scope of a room's membership list (for cursors). */
export const roomMembershipsScope = (roomId: string): string => `ListRoomMemberships|${roomId}`;

async function roomOf(room: RoomModel, context: GatewayContext): Promise<SdkRoom> {
  return room.room ?? context.loaders.room.load({ accountId: room.accountId, roomId: room.roomId });
}

/** The membership as listed, from the model or the room's roster; NOT_FOUND if the member is not in the room. */
export async function listedMembership(membership: RoomMembershipModel, context: GatewayContext): Promise<SdkRoomMembership> {
  if (membership.membership) return membership.membership;
  const roster = await context.loaders.roomRoster.load({ accountId: membership.accountId, roomId: membership.roomId });
  const found = roster.get(membership.memberId);
  if (!found) throw gatewayError('NOT_FOUND', `Member ${membership.memberId} is not a member of room ${membership.roomId}.`);
  return found;
}

/** A membership model from a listed (or returned) membership of a room. */
export function roomMembershipModel(accountId: string, roomId: string, membership: SdkRoomMembership): RoomMembershipModel {
  return { kind: 'RoomMembership', accountId, roomId, memberId: membership.Member?.MemberId ?? '', membership };
}

/** Room resolvers. */
export const Room: Complete<RoomResolvers<GatewayContext>> = {
  id: (room) => toGlobalId('Room', room.accountId, room.roomId),
  roomId: (room) => room.roomId,
  name: async (room, _args, context) => (await roomOf(room, context)).Name ?? '',
  account: (room) => chimeAccountModel(room.accountId),
  createdBy: async (room, _args, context) => (await roomOf(room, context)).CreatedBy ?? null,
  createdAt: async (room, _args, context) => (await roomOf(room, context)).CreatedTimestamp ?? null,
  updatedAt: async (room, _args, context) => (await roomOf(room, context)).UpdatedTimestamp ?? null,
  memberships: (room, args, context) =>
    listConnection<RoomMembershipModel>(
      args,
      roomMembershipsScope(room.roomId),
      (membership) => membership.memberId,
      async (nextToken) => {
        const out = await context.upstream.rooms(ListRoomMembershipsCommand, {
          AccountId: room.accountId,
          RoomId: room.roomId,
          MaxResults: CHIME_PAGE_SIZE,
          NextToken: nextToken,
        });
        return { items: (out.RoomMemberships ?? []).map((m) => roomMembershipModel(room.accountId, room.roomId, m)), nextToken: out.NextToken };
      },
    ),
};

/** RoomMembership resolvers. */
export const RoomMembership: Complete<RoomMembershipResolvers<GatewayContext>> = {
  id: (membership) => toGlobalId('RoomMembership', membership.accountId, membership.roomId, membership.memberId),
  room: (membership) => roomModel(membership.accountId, membership.roomId),
  member: async (membership, _args, context) => {
    const member = (await listedMembership(membership, context)).Member ?? {};
    const memberType = member.MemberType ?? null;
    return {
      memberId: member.MemberId ?? membership.memberId,
      memberType,
      email: member.Email ?? null,
      fullName: member.FullName ?? null,
      user: memberType === 'User' ? chimeUserModel(member.AccountId ?? membership.accountId, member.MemberId ?? membership.memberId) : null,
    };
  },
  role: async (membership, _args, context) => (await listedMembership(membership, context)).Role ?? null,
  invitedBy: async (membership, _args, context) => (await listedMembership(membership, context)).InvitedBy ?? null,
  updatedAt: async (membership, _args, context) => (await listedMembership(membership, context)).UpdatedTimestamp ?? null,
};

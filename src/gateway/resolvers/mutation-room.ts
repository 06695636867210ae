/**
 * Mutations of Amazon Chime chat rooms and their members (rooms API).
 * AppInstanceAdmins only, as every rooms call (`Upstream.rooms`). Members are
 * named by ChimeUser global ids, which must be users of the room's account.
 */
import { randomUUID } from 'node:crypto';
import {
  BatchCreateRoomMembershipCommand,
  CreateRoomCommand,
  CreateRoomMembershipCommand,
  CreateRoomMembershipCommandInput,
  CreateRoomMembershipCommandOutput,
  DeleteRoomCommand,
  DeleteRoomMembershipCommand,
  RedactRoomMessageCommand,
  UpdateRoomCommand,
  UpdateRoomMembershipCommand,
} from '@aws-sdk/client-chime';
import { keyCursor } from '../connection';
import { GatewayContext } from '../context';
import { badInput, codeOfChimeError } from '../errors';
import { MutationResolvers, RoomMembershipRole } from '../generated/resolvers-types';
import { toGlobalId } from '../global-id';
import {
  accountIdOfId,
  checkChimeId,
  checkClientRequestToken,
  checkCount,
  checkRoomName,
  chimeUserKeyOfId,
  MAX_BATCH_ROOM_MEMBERS,
  roomKeyOfId,
} from '../input-limits';
import { forgetRoom, RoomKey } from '../loaders';
import { roomsScope } from './chime-account';
import { chimeAccountModel, RoomMembershipModel, roomModel } from './models';
import { roomMembershipModel, roomMembershipsScope } from './room';

type RoomMutations = Pick<
  Required<MutationResolvers<GatewayContext>>,
  'createRoom' | 'updateRoom' | 'deleteRoom' | 'addRoomMember' | 'addRoomMembers' | 'updateRoomMember' | 'removeRoomMember' | 'redactRoomMessage'
>;

/** The UserId of a member id, which must name a user of the room's account. */
function memberIdOf(field: string, id: string, room: RoomKey): string {
  const user = chimeUserKeyOfId(field, id);
  if (user.accountId !== room.accountId) throw badInput(field, `${field} must be a user of the room's account ${room.accountId}, got one of ${user.accountId}.`);
  return user.userId;
}

/** The edge of a membership in `room.memberships`. */
function membershipEdge(membership: RoomMembershipModel) {
  return { cursor: keyCursor(roomMembershipsScope(membership.roomId), membership.memberId), node: membership };
}

/**
 * Sends CreateRoomMembership or UpdateRoomMembership (the same input and
 * answer) for the room, member and role of `input`, and forgets the cached
 * room. The membership is Chime's answer, or only its key when the answer
 * carries none.
 */
async function putRoomMembership(
  input: { roomId: string; memberId: string; role?: RoomMembershipRole | null },
  context: GatewayContext,
  send: (request: CreateRoomMembershipCommandInput) => Promise<CreateRoomMembershipCommandOutput>,
): Promise<{ key: RoomKey; membership: RoomMembershipModel }> {
  const key = roomKeyOfId('input.roomId', input.roomId);
  const memberId = memberIdOf('input.memberId', input.memberId, key);
  const out = await send({
    AccountId: key.accountId,
    RoomId: key.roomId,
    MemberId: memberId,
    Role: input.role ?? undefined,
  });
  forgetRoom(context.loaders, key);
  const membership: RoomMembershipModel = out.RoomMembership
    ? roomMembershipModel(key.accountId, key.roomId, out.RoomMembership)
    : { kind: 'RoomMembership', ...key, memberId };
  return { key, membership };
}

/** Room mutations. */
export const roomMutations: RoomMutations = {
  createRoom: async (_root, { input }, context) => {
    const accountId = accountIdOfId('input.accountId', input.accountId);
    checkRoomName('input.name', input.name);
    checkClientRequestToken('input.clientRequestToken', input.clientRequestToken);
    const out = await context.upstream.rooms(CreateRoomCommand, {
      AccountId: accountId,
      Name: input.name,
      // Generated when absent, so an SDK retry of this one request creates one room.
      ClientRequestToken: input.clientRequestToken ?? randomUUID(),
    });
    const room = roomModel(accountId, out.Room?.RoomId ?? '', out.Room);
    return { clientMutationId: input.clientMutationId, room, roomEdge: { cursor: keyCursor(roomsScope(accountId), room.roomId), node: room } };
  },

  updateRoom: async (_root, { input }, context) => {
    const key = roomKeyOfId('input.roomId', input.roomId);
    if (input.name != null) checkRoomName('input.name', input.name);
    const out = await context.upstream.rooms(UpdateRoomCommand, { AccountId: key.accountId, RoomId: key.roomId, Name: input.name ?? undefined });
    forgetRoom(context.loaders, key);
    return { clientMutationId: input.clientMutationId, room: roomModel(key.accountId, key.roomId, out.Room) };
  },

  deleteRoom: async (_root, { input }, context) => {
    const key = roomKeyOfId('input.roomId', input.roomId);
    await context.upstream.rooms(DeleteRoomCommand, { AccountId: key.accountId, RoomId: key.roomId });
    forgetRoom(context.loaders, key);
    return { clientMutationId: input.clientMutationId, account: chimeAccountModel(key.accountId), deletedRoomId: toGlobalId('Room', key.accountId, key.roomId) };
  },

  addRoomMember: async (_root, { input }, context) => {
    const { key, membership } = await putRoomMembership(input, context, (request) => context.upstream.rooms(CreateRoomMembershipCommand, request));
    return { clientMutationId: input.clientMutationId, membership, membershipEdge: membershipEdge(membership), room: roomModel(key.accountId, key.roomId) };
  },

  addRoomMembers: async (_root, { input }, context) => {
    const key = roomKeyOfId('input.roomId', input.roomId);
    checkCount('input.members', input.members.length, MAX_BATCH_ROOM_MEMBERS, 'members');
    const items = input.members.map((member, i) => ({ MemberId: memberIdOf(`input.members[${i}].memberId`, member.memberId, key), Role: member.role ?? undefined }));
    const out = await context.upstream.rooms(BatchCreateRoomMembershipCommand, { AccountId: key.accountId, RoomId: key.roomId, MembershipItemList: items });
    forgetRoom(context.loaders, key);
    const errors = out.Errors ?? [];
    const failed = new Set(errors.map((error) => error.MemberId));
    // The batch answers errors only; the members added are the others, read from the roster when their fields are asked for.
    const added = [...new Set(items.map((item) => item.MemberId))]
      .filter((memberId) => !failed.has(memberId))
      .map((memberId): RoomMembershipModel => ({ kind: 'RoomMembership', ...key, memberId }));
    return {
      clientMutationId: input.clientMutationId,
      room: roomModel(key.accountId, key.roomId),
      membershipEdges: added.map(membershipEdge),
      errors: errors.map((error) => ({
        memberId: toGlobalId('ChimeUser', key.accountId, error.MemberId ?? ''),
        code: codeOfChimeError(error.ErrorCode),
        message: error.ErrorMessage,
      })),
    };
  },

  updateRoomMember: async (_root, { input }, context) => {
    const { membership } = await putRoomMembership(input, context, (request) => context.upstream.rooms(UpdateRoomMembershipCommand, request));
    return { clientMutationId: input.clientMutationId, membership };
  },

  removeRoomMember: async (_root, { input }, context) => {
    const key = roomKeyOfId('input.roomId', input.roomId);
    const memberId = memberIdOf('input.memberId', input.memberId, key);
    await context.upstream.rooms(DeleteRoomMembershipCommand, { AccountId: key.accountId, RoomId: key.roomId, MemberId: memberId });
    forgetRoom(context.loaders, key);
    return {
      clientMutationId: input.clientMutationId,
      room: roomModel(key.accountId, key.roomId),
      removedMembershipId: toGlobalId('RoomMembership', key.accountId, key.roomId, memberId),
    };
  },

  redactRoomMessage: async (_root, { input }, context) => {
    const key = roomKeyOfId('input.roomId', input.roomId);
    const messageId = checkChimeId('input.messageId', input.messageId);
    await context.upstream.rooms(RedactRoomMessageCommand, { AccountId: key.accountId, RoomId: key.roomId, MessageId: messageId });
    return { clientMutationId: input.clientMutationId, room: roomModel(key.accountId, key.roomId), messageId };
  },
};

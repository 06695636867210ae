/**
 * Room memberships (seed 004): CreateRoomMembership, UpdateRoomMembership,
 * DeleteRoomMembership, ListRoomMemberships, BatchCreateRoomMembership.
 *
 * A member is a user of the room's account: MemberId is its UserId and
 * MemberType is always `User` (the local service serves no bots or
 * webhooks). Role is Administrator or Member, Member when not given.
 * InvitedBy is the caller's IAM identity, like a room's CreatedBy.
 */
import type {
  BatchCreateRoomMembershipRequest,
  BatchCreateRoomMembershipResponse,
  CreateRoomMembershipRequest,
  CreateRoomMembershipResponse,
  DeleteRoomMembershipRequest,
  ErrorCode,
  ListRoomMembershipsRequest,
  ListRoomMembershipsResponse,
  MemberError,
  RoomMembership,
  RoomMembershipRole,
  UpdateRoomMembershipRequest,
  UpdateRoomMembershipResponse,
} from '@aws-sdk/client-chime';
import { badRequest, ChimeError, conflict, notFound } from '../errors';
import { callerArn, findAccountUser, requireRoom } from './account-store';
import { Backend } from './backend';
import { keysetPage, pageRequest } from './keyset-page';
import { OperationTable, Output } from './operation';
import { ROOM_PAGE_MAX } from './rooms';
import { assertEnum } from './validate';

const ROLES = ['Administrator', 'Member'] as const;
/** "Adds up to 50 members to a chat room" (BatchCreateRoomMembership). */
const MAX_BATCH = 50;

/** A membership joined with its user's email and name, which the API returns as Member. */
interface MembershipRow {
  room_id: string;
  member_id: string;
  role: string;
  invited_by: string;
  created_at: number;
  updated_at: number;
  account_id: string;
  email: string | null;
  display_name: string | null;
}

const MEMBERSHIP_COLUMNS = 'm.*, u.account_id, u.email, u.display_name';
const MEMBERSHIP_FROM = 'room_memberships m JOIN chime_users u ON u.user_id = m.member_id';

function membershipOf(row: MembershipRow): RoomMembership {
  return {
    RoomId: row.room_id,
    Member: {
      MemberId: row.member_id,
      MemberType: 'User',
      Email: row.email ?? undefined,
      FullName: row.display_name ?? undefined,
      AccountId: row.account_id,
    },
    Role: row.role as RoomMembershipRole,
    InvitedBy: row.invited_by,
    UpdatedTimestamp: new Date(row.updated_at),
  };
}

function readMembership(backend: Backend, roomId: string, memberId: string): MembershipRow | undefined {
  return backend
    .statement(`SELECT ${MEMBERSHIP_COLUMNS} FROM ${MEMBERSHIP_FROM} WHERE m.room_id = ? AND m.member_id = ?`)
    .get(roomId, memberId) as MembershipRow | undefined;
}

function requireMembership(backend: Backend, accountId: string, roomId: string, memberId: string): MembershipRow {
  requireRoom(backend, accountId, roomId);
  const row = readMembership(backend, roomId, memberId);
  if (!row) throw notFound(`Member ${memberId} is not a member of room ${roomId}.`);
  return row;
}

/**
 * Adds one member, or throws the error the single call answers with (and the
 * batch reports per member): NotFound for a MemberId that is no user of the
 * account, Conflict for one already in the room.
 */
function addMember(backend: Backend, accountId: string, roomId: string, memberId: string, role: RoomMembershipRole | undefined): MembershipRow {
  if (!findAccountUser(backend, accountId, memberId)) throw notFound(`Member ${memberId} is not a user of account ${accountId}.`);
  if (readMembership(backend, roomId, memberId)) throw conflict(`Member ${memberId} is already a member of room ${roomId}.`);
  const now = backend.now();
  backend
    .statement('INSERT INTO room_memberships (room_id, member_id, role, invited_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)')
    .run(roomId, memberId, role ?? 'Member', callerArn(backend), now, now);
  return readMembership(backend, roomId, memberId) as MembershipRow;
}

function createRoomMembership(backend: Backend, input: CreateRoomMembershipRequest): Output<CreateRoomMembershipResponse> {
  const accountId = input.AccountId as string;
  const roomId = input.RoomId as string;
  assertEnum('Role', input.Role, ROLES);
  return backend.transaction(() => {
    requireRoom(backend, accountId, roomId);
    return { RoomMembership: membershipOf(addMember(backend, accountId, roomId, input.MemberId as string, input.Role)) };
  });
}

/** Role is optional: without it the membership is returned unchanged. */
function updateRoomMembership(backend: Backend, input: UpdateRoomMembershipRequest): Output<UpdateRoomMembershipResponse> {
  const accountId = input.AccountId as string;
  const roomId = input.RoomId as string;
  const memberId = input.MemberId as string;
  assertEnum('Role', input.Role, ROLES);
  return backend.transaction(() => {
    requireMembership(backend, accountId, roomId, memberId);
    if (input.Role !== undefined) {
      backend.statement('UPDATE room_memberships SET role = ?, updated_at = ? WHERE room_id = ? AND member_id = ?').run(input.Role, backend.now(), roomId, memberId);
    }
    return { RoomMembership: membershipOf(readMembership(backend, roomId, memberId) as MembershipRow) };
  });
}

function deleteRoomMembership(backend: Backend, input: DeleteRoomMembershipRequest): void {
  const accountId = input.AccountId as string;
  const roomId = input.RoomId as string;
  const memberId = input.MemberId as string;
  backend.transaction(() => {
    requireMembership(backend, accountId, roomId, memberId);
    backend.statement('DELETE FROM room_memberships WHERE room_id = ? AND member_id = ?').run(roomId, memberId);
  });
}

/** Members in the order they joined. */
function listRoomMemberships(backend: Backend, input: ListRoomMembershipsRequest): Output<ListRoomMembershipsResponse> {
  const accountId = input.AccountId as string;
  const roomId = input.RoomId as string;
  requireRoom(backend, accountId, roomId);
  const { rows, NextToken } = keysetPage<MembershipRow>(backend, {
    scope: `ListRoomMemberships|${roomId}`,
    columns: MEMBERSHIP_COLUMNS,
    from: MEMBERSHIP_FROM,
    where: ['m.room_id = ?'],
    params: [roomId],
    keys: ['m.created_at', 'm.member_id'],
    page: pageRequest(input, ROOM_PAGE_MAX),
  });
  return { RoomMemberships: rows.map(membershipOf), NextToken };
}

/**
 * Adds up to 50 members. A request over the limit fails whole (BadRequest);
 * otherwise each member that cannot be added is reported in Errors with the
 * code the single call would answer (BadRequest, NotFound, Conflict), and
 * the others are added. A MemberId listed twice is a Conflict the second time.
 */
function batchCreateRoomMembership(backend: Backend, input: BatchCreateRoomMembershipRequest): Output<BatchCreateRoomMembershipResponse> {
  const accountId = input.AccountId as string;
  const roomId = input.RoomId as string;
  const items = input.MembershipItemList ?? [];
  if (items.length < 1 || items.length > MAX_BATCH) {
    throw badRequest(`MembershipItemList must hold 1..${MAX_BATCH} members, got ${items.length}.`);
  }
  return backend.transaction(() => {
    requireRoom(backend, accountId, roomId);
    const errors: MemberError[] = [];
    for (const item of items) {
      try {
        if (!item.MemberId) throw badRequest('MemberId is required.');
        assertEnum('Role', item.Role, ROLES);
        addMember(backend, accountId, roomId, item.MemberId, item.Role);
      } catch (err) {
        if (!(err instanceof ChimeError)) throw err;
        errors.push({ MemberId: item.MemberId, ErrorCode: err.code as ErrorCode, ErrorMessage: err.message });
      }
    }
    return { Errors: errors };
  });
}

/** The room membership operations, by AWS operation name. */
export const roomMembershipOperations: OperationTable = {
  CreateRoomMembership: createRoomMembership,
  UpdateRoomMembership: updateRoomMembership,
  DeleteRoomMembership: deleteRoomMembership,
  ListRoomMemberships: listRoomMemberships,
  BatchCreateRoomMembership: batchCreateRoomMembership,
};

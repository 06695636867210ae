/**
 * Amazon Chime chat rooms (seed 004): CreateRoom, GetRoom, ListRooms,
 * UpdateRoom, DeleteRoom. A room belongs to one account; its members are
 * that account's users (room-memberships.ts) and its messages come from the
 * Chime apps (room-messages.ts). The caller is an IAM identity, not a Chime
 * user, so creating a room makes nobody a member.
 */
import type {
  CreateRoomRequest,
  CreateRoomResponse,
  DeleteRoomRequest,
  GetRoomRequest,
  GetRoomResponse,
  ListRoomsRequest,
  ListRoomsResponse,
  Room,
  UpdateRoomRequest,
  UpdateRoomResponse,
} from '@aws-sdk/client-chime';
import { badRequest } from '../errors';
import { callerArn, requireAccount, requireRoom, RoomRow } from './account-store';
import { Backend } from './backend';
import { idempotent } from './idempotency';
import { keysetPage, pageRequest } from './keyset-page';
import { OperationTable, Output } from './operation';
import { assertClientRequestToken } from './validate';

/** ListRooms and ListRoomMemberships take MaxResults 1..99 (the model's ResultMax). */
export const ROOM_PAGE_MAX = 99;

/** A room as the API returns it. */
export function roomOf(row: RoomRow): Room {
  return {
    RoomId: row.room_id,
    Name: row.name,
    AccountId: row.account_id,
    CreatedBy: row.created_by,
    CreatedTimestamp: new Date(row.created_at),
    UpdatedTimestamp: new Date(row.updated_at),
  };
}

/** The model puts no limit on a room Name (a SensitiveString) beyond being required, so only an empty one is refused. */
function assertRoomName(name: string | undefined): void {
  if (name === '') throw badRequest('Name must be at least 1 character long, got 0.');
}

function createRoom(backend: Backend, input: CreateRoomRequest): Output<CreateRoomResponse> {
  const accountId = input.AccountId as string;
  assertRoomName(input.Name);
  assertClientRequestToken(input.ClientRequestToken);
  return backend.transaction(() => {
    requireAccount(backend, accountId);
    const { ClientRequestToken: _token, ...parameters } = input;
    return idempotent(backend, `CreateRoom|${accountId}`, input.ClientRequestToken, parameters, () => {
      const now = backend.now();
      const row: RoomRow = { room_id: backend.newId(), account_id: accountId, name: input.Name as string, created_by: callerArn(backend), created_at: now, updated_at: now };
      backend
        .statement('INSERT INTO rooms (room_id, account_id, name, created_by, created_at, updated_at) VALUES (@room_id, @account_id, @name, @created_by, @created_at, @updated_at)')
        .run(row);
      return { Room: roomOf(row) };
    });
  });
}

function getRoom(backend: Backend, input: GetRoomRequest): Output<GetRoomResponse> {
  return { Room: roomOf(requireRoom(backend, input.AccountId as string, input.RoomId as string)) };
}

/**
 * Rooms of the account in creation order. MemberId keeps the rooms that
 * member belongs to; an id that is no member of any room lists nothing (a
 * filter, not a lookup, so no NotFound).
 */
function listRooms(backend: Backend, input: ListRoomsRequest): Output<ListRoomsResponse> {
  const accountId = input.AccountId as string;
  requireAccount(backend, accountId);
  const filters = ['account_id = ?'];
  const params: unknown[] = [accountId];
  if (input.MemberId !== undefined) {
    filters.push('room_id IN (SELECT room_id FROM room_memberships WHERE member_id = ?)');
    params.push(input.MemberId);
  }
  const { rows, NextToken } = keysetPage<RoomRow>(backend, {
    scope: `ListRooms|${accountId}|${input.MemberId ?? ''}`,
    from: 'rooms',
    where: filters,
    params,
    keys: ['created_at', 'room_id'],
    page: pageRequest(input, ROOM_PAGE_MAX),
  });
  return { Rooms: rows.map(roomOf), NextToken };
}

/** Name is optional: without it the room is returned unchanged. */
function updateRoom(backend: Backend, input: UpdateRoomRequest): Output<UpdateRoomResponse> {
  const accountId = input.AccountId as string;
  const roomId = input.RoomId as string;
  assertRoomName(input.Name);
  return backend.transaction(() => {
    requireRoom(backend, accountId, roomId);
    if (input.Name !== undefined) {
      backend.statement('UPDATE rooms SET name = ?, updated_at = ? WHERE room_id = ?').run(input.Name, backend.now(), roomId);
    }
    return { Room: roomOf(requireRoom(backend, accountId, roomId)) };
  });
}

/** Deletes the room; the schema's cascades take its memberships and messages. */
function deleteRoom(backend: Backend, input: DeleteRoomRequest): void {
  const accountId = input.AccountId as string;
  const roomId = input.RoomId as string;
  backend.transaction(() => {
    requireRoom(backend, accountId, roomId);
    backend.statement('DELETE FROM rooms WHERE room_id = ?').run(roomId);
  });
}

/** The rooms operations, by AWS operation name. */
export const roomOperations: OperationTable = {
  CreateRoom: createRoom,
  GetRoom: getRoom,
  ListRooms: listRooms,
  UpdateRoom: updateRoom,
  DeleteRoom: deleteRoom,
};

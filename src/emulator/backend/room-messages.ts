/**
 * Messages in chat rooms. The rooms API has no operation that sends a
 * message (people write them in the Amazon Chime apps), only
 * RedactRoomMessage. So that redaction can be exercised, the local service
 * offers `postRoomMessage` and `readRoomMessage`: plain functions of the
 * backend for tests and demo seeding, with no HTTP route, that no AWS
 * client can call and real Chime does not have.
 */
import type { RedactRoomMessageRequest, RedactRoomMessageResponse } from '@aws-sdk/client-chime';
import { forbidden, notFound } from '../errors';
import { requireRoom } from './account-store';
import { Backend } from './backend';
import { OperationTable, Output } from './operation';
import { assertLength } from './validate';

/** A message in a room, as the local-service-only functions return it. */
export interface RoomMessage {
  MessageId: string;
  RoomId: string;
  /** UserId of the member who wrote it. */
  Sender: string;
  /** Absent once redacted. */
  Content?: string;
  Redacted: boolean;
  CreatedTimestamp: Date;
  UpdatedTimestamp: Date;
}

interface RoomMessageRow {
  room_id: string;
  message_id: string;
  sender_id: string;
  content: string | null;
  redacted: number;
  created_at: number;
  updated_at: number;
}

function messageOf(row: RoomMessageRow): RoomMessage {
  return {
    MessageId: row.message_id,
    RoomId: row.room_id,
    Sender: row.sender_id,
    Content: row.content ?? undefined,
    Redacted: row.redacted === 1,
    CreatedTimestamp: new Date(row.created_at),
    UpdatedTimestamp: new Date(row.updated_at),
  };
}

function requireMessage(backend: Backend, accountId: string, roomId: string, messageId: string): RoomMessageRow {
  requireRoom(backend, accountId, roomId);
  const row = backend.statement('SELECT * FROM room_messages WHERE room_id = ? AND message_id = ?').get(roomId, messageId) as RoomMessageRow | undefined;
  if (!row) throw notFound(`Message ${messageId} not found in room ${roomId}.`);
  return row;
}

/**
 * Local service only (no AWS operation): puts a message from `memberId` into
 * the room, as a Chime app would. The sender must be a member of the room
 * (Forbidden otherwise); content is 1..4096 characters, the Chime Content
 * limit. Returns the stored message with its new MessageId.
 */
export function postRoomMessage(backend: Backend, accountId: string, roomId: string, memberId: string, content: string): RoomMessage {
  assertLength('Content', content, 1, 4096);
  return backend.transaction(() => {
    requireRoom(backend, accountId, roomId);
    const member = backend.statement('SELECT 1 FROM room_memberships WHERE room_id = ? AND member_id = ?').get(roomId, memberId);
    if (!member) throw forbidden(`Member ${memberId} is not a member of room ${roomId}.`);
    const now = backend.now();
    const row: RoomMessageRow = { room_id: roomId, message_id: backend.newId(), sender_id: memberId, content, redacted: 0, created_at: now, updated_at: now };
    backend
      .statement('INSERT INTO room_messages (room_id, message_id, sender_id, content, redacted, created_at, updated_at) VALUES (@room_id, @message_id, @sender_id, @content, @redacted, @created_at, @updated_at)')
      .run(row);
    return messageOf(row);
  });
}

/** Local service only (no AWS operation): reads one message of a room, NotFound if it has no such message. */
export function readRoomMessage(backend: Backend, accountId: string, roomId: string, messageId: string): RoomMessage {
  return messageOf(requireMessage(backend, accountId, roomId, messageId));
}

/**
 * Erases the message's content for good and marks it redacted; the message
 * itself stays, as a redacted message does in a Chime room. Redacting it
 * again changes nothing and succeeds.
 */
function redactRoomMessage(backend: Backend, input: RedactRoomMessageRequest): Output<RedactRoomMessageResponse> {
  const roomId = input.RoomId as string;
  const messageId = input.MessageId as string;
  backend.transaction(() => {
    const row = requireMessage(backend, input.AccountId as string, roomId, messageId);
    if (row.redacted === 1) return;
    backend.statement('UPDATE room_messages SET content = NULL, redacted = 1, updated_at = ? WHERE room_id = ? AND message_id = ?').run(backend.now(), roomId, messageId);
  });
  return {};
}

/** The room message operations, by AWS operation name. */
export const roomMessageOperations: OperationTable = {
  RedactRoomMessage: redactRoomMessage,
};

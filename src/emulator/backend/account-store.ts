/**
 * What the Amazon Chime accounts and rooms operations share: the row shapes
 * of migration 002, lookups that answer NotFound, the caller identity written
 * into CreatedBy/InvitedBy.
 */
import { notFound } from '../errors';
import { Backend } from './backend';

/** A row of `chime_accounts`. */
export interface ChimeAccountRow {
  account_id: string;
  name: string;
  created_at: number;
}

/** A row of `chime_users`. */
export interface ChimeUserRow {
  user_id: string;
  account_id: string;
  email: string | null;
  email_key: string | null;
  display_name: string | null;
  user_type: string;
  license_type: string;
  registration_status: string;
  invitation_status: string | null;
  invited_at: number | null;
  registered_at: number | null;
  created_at: number;
}

/** A row of `rooms`. */
export interface RoomRow {
  room_id: string;
  account_id: string;
  name: string;
  created_by: string;
  created_at: number;
  updated_at: number;
}

/**
 * The identity of whoever calls the Chime API. Chime writes the caller's IAM
 * ARN into CreatedBy and InvitedBy; the local service checks signatures but
 * knows no IAM users, so every caller is the AWS account's root.
 */
export const callerArn = (backend: Backend): string => `arn:aws:iam::${backend.accountId}:root`;

/** Loads an account or throws NotFound. */
export function requireAccount(backend: Backend, accountId: string): ChimeAccountRow {
  const row = backend.statement('SELECT * FROM chime_accounts WHERE account_id = ?').get(accountId) as ChimeAccountRow | undefined;
  if (!row) throw notFound(`Account ${accountId} not found.`);
  return row;
}

/** Loads a user of the account, or undefined (the account must exist). */
export function findAccountUser(backend: Backend, accountId: string, userId: string): ChimeUserRow | undefined {
  return backend.statement('SELECT * FROM chime_users WHERE account_id = ? AND user_id = ?').get(accountId, userId) as ChimeUserRow | undefined;
}

/** Loads a room of the account or throws NotFound (first for the account, then for the room). */
export function requireRoom(backend: Backend, accountId: string, roomId: string): RoomRow {
  requireAccount(backend, accountId);
  const row = backend.statement('SELECT * FROM rooms WHERE account_id = ? AND room_id = ?').get(accountId, roomId) as RoomRow | undefined;
  if (!row) throw notFound(`Room ${roomId} not found in account ${accountId}.`);
  return row;
}

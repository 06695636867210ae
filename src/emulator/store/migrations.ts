/**
 * The schema, as an append-only list of migrations. `PRAGMA user_version`
 * records how many have run; a database written by a newer build is refused
 * rather than guessed at. Never edit a shipped migration: add one.
 *
 * Conventions: timestamps are INTEGER milliseconds since the epoch; JSON
 * columns end in `_json`; ARNs are the primary keys Chime itself uses.
 */
import { CORE } from './migrations/001-core';
import { ROOMS } from './migrations/002-rooms';
import { MESSAGING_EXTRAS } from './migrations/003-messaging-extras';
import { CHANNEL_FLOWS } from './migrations/004-channel-flows';
import { IDEMPOTENCY_WITHOUT_ROWID } from './migrations/005-idempotency-without-rowid';
import { RETENTION } from './migrations/006-retention';

export const MIGRATIONS: readonly string[] = [CORE, ROOMS, MESSAGING_EXTRAS, CHANNEL_FLOWS, IDEMPOTENCY_WITHOUT_ROWID, RETENTION];

/**
 * Migration 2: Amazon Chime accounts, users, rooms, room memberships and room
 * messages (seed 004). Chime names these by GUID (AccountId, UserId, RoomId),
 * not by ARN, so the GUIDs are the keys. `(created_at, id)` indexes back the
 * keyset pages of the List calls.
 */
export const ROOMS = `
  CREATE TABLE chime_accounts (
    account_id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    created_at INTEGER NOT NULL
  );
  CREATE INDEX chime_accounts_by_time ON chime_accounts(created_at, account_id);

  CREATE TABLE chime_users (
    user_id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES chime_accounts(account_id) ON DELETE CASCADE,
    -- PrimaryEmail as given; email_key is its lower case, which identifies the user in the account.
    email TEXT,
    email_key TEXT,
    display_name TEXT,
    user_type TEXT NOT NULL,
    license_type TEXT NOT NULL,
    registration_status TEXT NOT NULL,
    invitation_status TEXT,
    invited_at INTEGER,
    registered_at INTEGER,
    created_at INTEGER NOT NULL
  );
  CREATE UNIQUE INDEX chime_users_by_email ON chime_users(account_id, email_key) WHERE email_key IS NOT NULL;
  CREATE INDEX chime_users_by_account ON chime_users(account_id, created_at, user_id);
  CREATE INDEX chime_users_by_email_key ON chime_users(email_key);

  CREATE TABLE rooms (
    room_id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES chime_accounts(account_id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  );
  CREATE INDEX rooms_by_account ON rooms(account_id, created_at, room_id);

  CREATE TABLE room_memberships (
    room_id TEXT NOT NULL REFERENCES rooms(room_id) ON DELETE CASCADE,
    member_id TEXT NOT NULL REFERENCES chime_users(user_id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    invited_by TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (room_id, member_id)
  );
  CREATE INDEX room_memberships_by_time ON room_memberships(room_id, created_at, member_id);
  CREATE INDEX room_memberships_by_member ON room_memberships(member_id, room_id);

  -- Messages outlive their sender's membership, so sender_id has no foreign key.
  -- A redacted message keeps its row with content erased (NULL).
  CREATE TABLE room_messages (
    room_id TEXT NOT NULL REFERENCES rooms(room_id) ON DELETE CASCADE,
    message_id TEXT NOT NULL,
    sender_id TEXT NOT NULL,
    content TEXT,
    redacted INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (room_id, message_id)
  );
`;

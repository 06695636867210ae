/** Migration 1: identity, channels, memberships, moderators, bans, messages, tags, idempotency. */
export const CORE = `
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

  CREATE TABLE app_instances (
    arn TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    metadata TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    retention_days INTEGER
  );

  CREATE TABLE app_instance_users (
    arn TEXT PRIMARY KEY,
    app_instance_arn TEXT NOT NULL REFERENCES app_instances(arn) ON DELETE CASCADE,
    user_id TEXT NOT NULL,
    name TEXT NOT NULL,
    metadata TEXT,
    expiration_json TEXT,
    expires_at INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  );
  CREATE INDEX app_instance_users_by_instance ON app_instance_users(app_instance_arn, arn);

  CREATE TABLE app_instance_bots (
    arn TEXT PRIMARY KEY,
    app_instance_arn TEXT NOT NULL REFERENCES app_instances(arn) ON DELETE CASCADE,
    name TEXT,
    metadata TEXT,
    configuration_json TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  );
  CREATE INDEX app_instance_bots_by_instance ON app_instance_bots(app_instance_arn, arn);

  CREATE TABLE app_instance_admins (
    app_instance_arn TEXT NOT NULL REFERENCES app_instances(arn) ON DELETE CASCADE,
    admin_arn TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (app_instance_arn, admin_arn)
  );

  CREATE TABLE channels (
    arn TEXT PRIMARY KEY,
    app_instance_arn TEXT NOT NULL REFERENCES app_instances(arn) ON DELETE CASCADE,
    name TEXT NOT NULL,
    mode TEXT NOT NULL,
    privacy TEXT NOT NULL,
    metadata TEXT,
    created_by TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    last_message_at INTEGER,
    expiration_criterion TEXT,
    expiration_days INTEGER,
    elastic_json TEXT,
    channel_flow_arn TEXT
  );
  CREATE INDEX channels_by_instance ON channels(app_instance_arn, privacy, name, arn);
  -- The expiration sweep scans only channels that can expire.
  CREATE INDEX channels_expiring ON channels(expiration_days) WHERE expiration_days IS NOT NULL;

  CREATE TABLE channel_memberships (
    channel_arn TEXT NOT NULL REFERENCES channels(arn) ON DELETE CASCADE,
    member_arn TEXT NOT NULL,
    type TEXT NOT NULL,
    invited_by TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    read_marker_at INTEGER,
    preferences_json TEXT,
    sub_channel_id TEXT,
    PRIMARY KEY (channel_arn, member_arn)
  );
  CREATE INDEX channel_memberships_by_member ON channel_memberships(member_arn, channel_arn);

  CREATE TABLE channel_moderators (
    channel_arn TEXT NOT NULL REFERENCES channels(arn) ON DELETE CASCADE,
    moderator_arn TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (channel_arn, moderator_arn)
  );
  CREATE INDEX channel_moderators_by_moderator ON channel_moderators(moderator_arn, channel_arn);

  CREATE TABLE channel_bans (
    channel_arn TEXT NOT NULL REFERENCES channels(arn) ON DELETE CASCADE,
    member_arn TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (channel_arn, member_arn)
  );

  CREATE TABLE channel_messages (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    channel_arn TEXT NOT NULL REFERENCES channels(arn) ON DELETE CASCADE,
    message_id TEXT NOT NULL,
    content TEXT NOT NULL,
    metadata TEXT,
    type TEXT NOT NULL,
    persistence TEXT NOT NULL,
    sender_arn TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    edited_at INTEGER,
    redacted INTEGER NOT NULL DEFAULT 0,
    status_json TEXT,
    attributes_json TEXT,
    push_json TEXT,
    content_type TEXT,
    target_json TEXT,
    sub_channel_id TEXT
  );
  CREATE UNIQUE INDEX channel_messages_by_id ON channel_messages(channel_arn, message_id);
  CREATE INDEX channel_messages_by_time ON channel_messages(channel_arn, created_at, seq);

  CREATE TABLE tags (
    resource_arn TEXT NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (resource_arn, key)
  );

  -- ClientRequestToken replay: (scope, token) -> the first answer.
  CREATE TABLE idempotency (
    scope TEXT NOT NULL,
    token TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    result_json TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (scope, token)
  );
  `;

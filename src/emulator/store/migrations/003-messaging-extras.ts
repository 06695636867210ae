/**
 * Migration 3: messaging streaming configurations, elastic-channel
 * sub-channels, and the indexes SearchChannels and sub-channel listings walk.
 */
export const MESSAGING_EXTRAS = `
  -- PutMessagingStreamingConfigurations: at most one stream per AppInstance and data type.
  CREATE TABLE messaging_streaming_configurations (
    app_instance_arn TEXT NOT NULL REFERENCES app_instances(arn) ON DELETE CASCADE,
    data_type TEXT NOT NULL,
    resource_arn TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (app_instance_arn, data_type)
  );

  -- The open sub-channels of elastic channels. A regular member's sub-channel
  -- is channel_memberships.sub_channel_id; a sub-channel lives while it has one.
  -- seq orders sub-channels by opening (several may open in one millisecond);
  -- AUTOINCREMENT so a closed sub-channel's seq is never reused under a NextToken.
  CREATE TABLE sub_channels (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    channel_arn TEXT NOT NULL REFERENCES channels(arn) ON DELETE CASCADE,
    sub_channel_id TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (channel_arn, sub_channel_id)
  );
  CREATE INDEX sub_channels_by_age ON sub_channels(channel_arn, seq);
  CREATE INDEX channel_memberships_by_sub_channel ON channel_memberships(channel_arn, sub_channel_id);

  -- Moderators may belong to several sub-channels of one elastic channel. Their
  -- channel_memberships row (sub_channel_id NULL) carries type, preferences and
  -- read marker; this table says which sub-channels they are in.
  CREATE TABLE sub_channel_moderator_memberships (
    channel_arn TEXT NOT NULL,
    sub_channel_id TEXT NOT NULL,
    member_arn TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (channel_arn, sub_channel_id, member_arn),
    FOREIGN KEY (channel_arn, member_arn) REFERENCES channel_memberships(channel_arn, member_arn) ON DELETE CASCADE,
    FOREIGN KEY (channel_arn, sub_channel_id) REFERENCES sub_channels(channel_arn, sub_channel_id) ON DELETE CASCADE
  );
  CREATE INDEX sub_channel_moderator_memberships_by_member ON sub_channel_moderator_memberships(channel_arn, member_arn);
`;

/** Row shapes of the tables in migrations.ts, as better-sqlite3 returns them. */

export interface AppInstanceRow {
  arn: string;
  name: string;
  metadata: string | null;
  created_at: number;
  updated_at: number;
  retention_days: number | null;
  /** When the retention settings were last put (migration 6); NULL while retention is off. */
  retention_initiated_at: number | null;
}

export interface AppInstanceUserRow {
  arn: string;
  app_instance_arn: string;
  user_id: string;
  name: string;
  metadata: string | null;
  expiration_json: string | null;
  expires_at: number | null;
  created_at: number;
  updated_at: number;
}

export interface AppInstanceBotRow {
  arn: string;
  app_instance_arn: string;
  name: string | null;
  metadata: string | null;
  configuration_json: string;
  created_at: number;
  updated_at: number;
}

export interface ChannelRow {
  arn: string;
  app_instance_arn: string;
  name: string;
  mode: 'RESTRICTED' | 'UNRESTRICTED';
  privacy: 'PUBLIC' | 'PRIVATE';
  metadata: string | null;
  created_by: string;
  created_at: number;
  updated_at: number;
  last_message_at: number | null;
  expiration_criterion: string | null;
  expiration_days: number | null;
  elastic_json: string | null;
  channel_flow_arn: string | null;
}

export interface MembershipRow {
  channel_arn: string;
  member_arn: string;
  type: 'DEFAULT' | 'HIDDEN';
  invited_by: string;
  created_at: number;
  updated_at: number;
  read_marker_at: number | null;
  preferences_json: string | null;
  sub_channel_id: string | null;
}

export interface ModeratorRow {
  channel_arn: string;
  moderator_arn: string;
  created_by: string;
  created_at: number;
}

export interface BanRow {
  channel_arn: string;
  member_arn: string;
  created_by: string;
  created_at: number;
}

export interface MessageRow {
  seq: number;
  channel_arn: string;
  message_id: string;
  content: string;
  metadata: string | null;
  type: 'STANDARD' | 'CONTROL';
  persistence: 'PERSISTENT' | 'NON_PERSISTENT';
  sender_arn: string;
  created_at: number;
  updated_at: number;
  edited_at: number | null;
  redacted: number;
  status_json: string | null;
  attributes_json: string | null;
  push_json: string | null;
  content_type: string | null;
  target_json: string | null;
  sub_channel_id: string | null;
}

/**
 * Migration 4: channel flows, and the processor invocations of messages going
 * through them (flow-processing.ts). A channel's flow is
 * `channels.channel_flow_arn` (migration 1).
 */
export const CHANNEL_FLOWS = `
  CREATE TABLE channel_flows (
    arn TEXT PRIMARY KEY,
    app_instance_arn TEXT NOT NULL REFERENCES app_instances(arn) ON DELETE CASCADE,
    name TEXT NOT NULL,
    -- The Processors list, sorted by ExecutionOrder.
    processors_json TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  );
  CREATE INDEX channel_flows_by_instance ON channel_flows(app_instance_arn, created_at, arn);
  CREATE INDEX channels_by_flow ON channels(channel_flow_arn, arn) WHERE channel_flow_arn IS NOT NULL;

  -- One processor invocation of a message (new or edited) in a channel with a
  -- flow; its CallbackId is what the processor calls back with. Rows outlive
  -- their answer so a late or repeated callback gets a clear Conflict.
  -- message_id has no foreign key: NON_PERSISTENT messages are never stored.
  CREATE TABLE channel_flow_invocations (
    callback_id TEXT PRIMARY KEY,
    channel_arn TEXT NOT NULL REFERENCES channels(arn) ON DELETE CASCADE,
    message_id TEXT NOT NULL,
    -- CREATE (SendChannelMessage) or UPDATE (UpdateChannelMessage).
    action TEXT NOT NULL,
    -- Index into processors_json of the processor invoked.
    step INTEGER NOT NULL,
    -- The flow's processors when the message entered it, so a flow updated or
    -- disassociated meanwhile does not change a message already in processing.
    processors_json TEXT NOT NULL,
    -- The message as this processor receives it (a channel_messages row with sender_name).
    message_json TEXT NOT NULL,
    -- WAITING, then ANSWERED, ERRORED or TIMED_OUT.
    state TEXT NOT NULL,
    -- Wall-clock ms by which the processor must call back.
    deadline_at INTEGER NOT NULL,
    created_at INTEGER NOT NULL
  );
  CREATE INDEX channel_flow_invocations_by_message ON channel_flow_invocations(channel_arn, message_id, state);
  CREATE INDEX channel_flow_invocations_waiting ON channel_flow_invocations(deadline_at) WHERE state = 'WAITING';
`;

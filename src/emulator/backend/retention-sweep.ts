/**
 * Background deletion of channel messages past their AppInstance's retention
 * period (PutAppInstanceRetentionSettings, ChannelRetentionSettings: "the
 * length of time in days to retain the messages in a channel").
 *
 * A message goes once it is `RetentionDays` old by its CreatedTimestamp. The
 * local service deletes such messages at each sweep, the one that deletes
 * expired channels and users (expiration-sweep.ts); an AppInstance without
 * RetentionDays keeps its messages forever. The cutoff is computed from the
 * settings as they are now, so new settings, or retention turned off, count
 * at the next sweep.
 *
 * Chime's guide ("Managing message retention") hides such messages at once
 * but lets them be restored, by lengthening or turning off retention, within
 * 30 days of a Put; the local service has no such grace period: they are
 * deleted at the next sweep.
 *
 * Choices where the guide is silent:
 * - No session event is sent: Chime announces no retention deletion (there is
 *   no event type for it), so clients find the messages gone when they next
 *   read.
 * - The channel's LastMessageTimestamp stays: it says when the last message
 *   was sent, which deleting that message does not undo (DeleteChannelMessage
 *   leaves it too), and LAST_MESSAGE_TIMESTAMP channel expiry keeps counting
 *   from it.
 */
import { Backend } from './backend';

const DAY_MS = 86_400_000;

/** Each channel of an AppInstance with retention, with the creation time at or before which its messages go. */
const RETAINED_CHANNELS = `
  WITH retained AS (
    SELECT c.arn AS channel_arn, ? - a.retention_days * ${DAY_MS} AS cutoff
    FROM app_instances a JOIN channels c ON c.app_instance_arn = a.arn
    WHERE a.retention_days IS NOT NULL
  )`;

/**
 * The stored messages past retention; the join walks the
 * (channel_arn, created_at, seq) index of each retained channel.
 */
const DELETE_MESSAGES = `${RETAINED_CHANNELS}
  DELETE FROM channel_messages WHERE seq IN (
    SELECT m.seq FROM retained r JOIN channel_messages m ON m.channel_arn = r.channel_arn AND m.created_at <= r.cutoff
  )`;

/**
 * Channel-flow invocations (migration 4) keep a copy of the message they
 * carry, so they go with it: those of messages created at or before the
 * cutoff, stored or NON_PERSISTENT, new or edited. An invocation still
 * WAITING stays, as its processor's deadline and callback still refer to it;
 * settled later, it finds its message gone and ends quietly (as for
 * DeleteChannelMessage), and the next sweep removes it.
 */
const DELETE_INVOCATIONS = `${RETAINED_CHANNELS}
  DELETE FROM channel_flow_invocations WHERE callback_id IN (
    SELECT i.callback_id FROM retained r JOIN channel_flow_invocations i ON i.channel_arn = r.channel_arn
    WHERE i.state <> 'WAITING' AND json_extract(i.message_json, '$.created_at') <= r.cutoff
  )`;

/**
 * Deletes, in one transaction, every channel message older than its
 * AppInstance's RetentionDays at `backend.now()`, with the channel-flow
 * invocations that copy it. Publishes nothing. Returns how many messages it
 * deleted.
 */
export function sweepRetainedMessages(backend: Backend): number {
  return backend.transaction(() => {
    const now = backend.now();
    backend.statement(DELETE_INVOCATIONS).run(now);
    return backend.statement(DELETE_MESSAGES).run(now).changes;
  });
}

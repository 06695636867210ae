/**
 * Background deletion of expired channels and AppInstanceUsers
 * (ExpirationSettings, seed 001).
 *
 * A channel expires `ExpirationDays` after its creation (CREATED_TIMESTAMP) or
 * after its last message, or its creation if it has none
 * (LAST_MESSAGE_TIMESTAMP). Real Chime deletes expired channels "within 6
 * hours"; the local service deletes them at its next sweep (once at start,
 * then every `expirationSweepMs`, default one minute). Until then an expired
 * channel stays fully usable and takes new settings, as in Chime.
 */
import { ChannelRow } from '../store/rows';
import { Backend } from './backend';
import { removeChannel } from './channels';
import { ChannelEvent } from './events';
import { removeAppInstanceUser } from './identity';
import { sweepRetainedMessages } from './retention-sweep';

const DAY_MS = 86_400_000;

/**
 * Expiry is computed here from the settings and timestamps as they are now
 * (the `expires_at` column is not used), so a message that moves
 * `last_message_at`, or new settings, count at once without anyone
 * recomputing a stored deadline.
 */
const EXPIRED = `
  SELECT * FROM channels
  WHERE expiration_days IS NOT NULL
    AND CASE expiration_criterion
          WHEN 'LAST_MESSAGE_TIMESTAMP' THEN COALESCE(last_message_at, created_at)
          ELSE created_at
        END + expiration_days * ${DAY_MS} <= ?`;

/**
 * Deletes every channel expired at `backend.now()` with all it holds, in one
 * transaction, then tells each one's members with DELETE_CHANNEL, as
 * DeleteChannel does. Returns how many channels it deleted.
 */
export function sweepExpiredChannels(backend: Backend): number {
  const events = backend.transaction(() => {
    const expired = backend.statement(EXPIRED).all(backend.now()) as ChannelRow[];
    return expired.map((row) => removeChannel(backend, row));
  });
  for (const event of events) backend.events.publish(event);
  return events.length;
}

/**
 * Deletes every AppInstanceUser whose ExpirationSettings deadline
 * (`expires_at`, fixed when the settings are put) has passed, as
 * DeleteAppInstanceUser does, announcing each lost membership. Returns how
 * many users it deleted.
 */
export function sweepExpiredUsers(backend: Backend): number {
  let expired: { arn: string }[] = [];
  const events = backend.transaction(() => {
    expired = backend.statement('SELECT arn FROM app_instance_users WHERE expires_at IS NOT NULL AND expires_at <= ?').all(backend.now()) as { arn: string }[];
    return expired.flatMap((row): ChannelEvent[] => removeAppInstanceUser(backend, row.arn));
  });
  for (const event of events) backend.events.publish(event);
  // As for DeleteAppInstanceUser: once the losses are announced, the users' open sessions end.
  if (expired.length > 0) backend.events.publishIdentityRemoved(expired.map((row) => row.arn));
  return expired.length;
}

/**
 * Sweeps once now, then every `intervalMs`: expired channels, expired users,
 * then channel messages past retention (retention-sweep.ts). Returns the
 * function that stops it. The timer does not keep the process alive. A
 * failed sweep is reported as a process warning and retried at the next tick
 * rather than crashing the service.
 */
export function startExpirationSweep(backend: Backend, intervalMs: number): () => void {
  const sweep = () => {
    try {
      sweepExpiredChannels(backend);
      sweepExpiredUsers(backend);
      sweepRetainedMessages(backend);
    } catch (err) {
      process.emitWarning(`Expiration sweep failed: ${(err as Error).message}`, 'ExpirationSweepWarning');
    }
  };
  sweep();
  const timer = setInterval(sweep, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

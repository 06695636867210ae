/**
 * What a viewer's relay remembers about one channel: how far its message
 * stream has been delivered (the backfill starting point) and the recently
 * delivered message ids (so a message is never delivered twice).
 */
import type { ChannelMessage } from '@aws-sdk/client-chime-sdk-messaging';

/** Delivery position and recent message ids of one channel. */
export class ChannelCursor {
  /** CreatedTimestamp (ms, Chime's clock) of the newest message delivered, if any. */
  lastMessageAt?: number;
  /** SubChannelId of the latest message seen; ListChannelMessages of an elastic channel needs one. */
  subChannelId?: string;
  /** Insertion-ordered, so the oldest id is evicted first. */
  private readonly recent = new Set<string>();

  constructor(
    /** When tracking began (gateway clock, ms): the lower bound while no message has been seen. */
    public trackedSince: number,
    /** Ids remembered; older ones are forgotten. */
    private readonly capacity: number,
  ) {}

  /** Records a message about to be delivered as created; false when its id was already delivered. */
  admit(message: ChannelMessage): boolean {
    const id = message.MessageId;
    if (id !== undefined) {
      if (this.recent.has(id)) return false;
      this.recent.add(id);
      if (this.recent.size > this.capacity) this.recent.delete(this.recent.values().next().value!);
    }
    const created = message.CreatedTimestamp?.getTime();
    if (created !== undefined && !(created <= (this.lastMessageAt ?? -Infinity))) this.lastMessageAt = created;
    if (message.SubChannelId) this.subChannelId = message.SubChannelId;
    return true;
  }

  /** After a RESYNC the client refetches: start over from `now`, keeping the ids. */
  restart(now: number): void {
    this.trackedSince = now;
    this.lastMessageAt = undefined;
  }

  /** Number of ids remembered (for tests and stats). */
  get rememberedIds(): number {
    return this.recent.size;
  }
}

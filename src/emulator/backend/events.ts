/**
 * What the backend tells messaging sessions. Each write that Chime reports
 * over the websocket publishes one event, after its transaction commits,
 * naming exactly who receives it (computed when the write happened, so a
 * member removed by the write itself still sees its own removal). Deleting
 * AppInstanceUsers or bots also publishes their ARNs, after those events, so
 * whoever holds their sessions can end them.
 */

/** Message class of a frame (`x-amz-chime-message-type`). */
export type EventMessageType = 'STANDARD' | 'CONTROL' | 'SYSTEM';

/** One event for the messaging-session websocket. */
export interface ChannelEvent {
  /** `x-amz-chime-event-type`, e.g. CREATE_CHANNEL_MESSAGE. */
  eventType: string;
  messageType: EventMessageType;
  /** `x-amz-chime-persistence-type`, for message events. */
  persistence?: 'PERSISTENT' | 'NON_PERSISTENT';
  channelArn: string;
  /** The frame's Payload before it is JSON-encoded; timestamps as ISO 8601 strings. */
  payload: Record<string, unknown>;
  /** AppInstanceUser / AppInstanceBot ARNs whose sessions receive it. */
  recipients: readonly string[];
}

/** Subscriber callback; must not throw. */
export type EventListener = (event: ChannelEvent) => void;

/** Subscriber to deleted identities (AppInstanceUser / AppInstanceBot ARNs); must not throw. */
export type IdentityRemovedListener = (arns: readonly string[]) => void;

/** In-process fan-out from the backend to the session hub. */
export class EventBus {
  private readonly listeners = new Set<EventListener>();
  private readonly removalListeners = new Set<IdentityRemovedListener>();

  /** Registers a listener; returns the function that removes it. */
  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Delivers to every listener, in registration order. */
  publish(event: ChannelEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  /** Registers a listener for deleted identities; returns the function that removes it. */
  subscribeIdentityRemoved(listener: IdentityRemovedListener): () => void {
    this.removalListeners.add(listener);
    return () => this.removalListeners.delete(listener);
  }

  /**
   * Tells listeners that `arns` no longer name an AppInstanceUser or bot.
   * Call after the deleting transaction commits and after publishing the
   * events that announce the deletion, so those are delivered first.
   */
  publishIdentityRemoved(arns: readonly string[]): void {
    if (arns.length === 0) return;
    for (const listener of this.removalListeners) listener(arns);
  }
}

/** ISO 8601 for payload timestamps (the format of the official guide's examples). */
export function isoTime(ms: number | null | undefined): string | undefined {
  return ms === null || ms === undefined ? undefined : new Date(ms).toISOString();
}

/**
 * The text frames of the messaging-session websocket: a JSON object with
 * `Headers` (event type, message type, persistence) and `Payload`, itself a
 * JSON document carried as a string, so clients parse twice.
 */
import { ChannelEvent, EventMessageType } from '../backend/events';

/** Close codes the official client acts on (it reconnects on 1001, 1011, and >4000 except 4002, 4003, 4401). */
export const CloseCode = {
  /** The service is shutting down; clients reconnect. */
  GOING_AWAY: 1001,
  /** The session could not keep up (its send buffer overflowed); clients reconnect and backfill. */
  OVERLOADED: 1011,
  /** Another connection took over this user's sessionId; final. */
  KICKED: 4003,
  /** Bad or expired signature, a userArn that names no AppInstanceUser or bot, or one deleted while connected; final. */
  UNAUTHORIZED: 4401,
} as const;

/** Encodes one backend event as the frame every recipient receives. */
export function eventFrame(event: ChannelEvent): string {
  return frame(event.eventType, event.messageType, JSON.stringify(event.payload), event.persistence);
}

/** Encodes a frame that only the service itself originates (SESSION_ESTABLISHED, CHANNEL_DETAILS). */
export function systemFrame(eventType: string, payload: Record<string, unknown>): string {
  return frame(eventType, 'SYSTEM', JSON.stringify(payload));
}

function frame(eventType: string, messageType: EventMessageType, payload: string, persistence?: string): string {
  const headers: Record<string, string> = { 'x-amz-chime-event-type': eventType, 'x-amz-chime-message-type': messageType };
  if (persistence) headers['x-amz-chime-persistence-type'] = persistence;
  return JSON.stringify({ Headers: headers, Payload: payload });
}

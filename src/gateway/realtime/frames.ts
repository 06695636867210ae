/**
 * Decodes messaging-session frames. The one place that knows the wire shape:
 * `{"Headers": {"x-amz-chime-event-type": ..}, "Payload": "<JSON as a string>"}`.
 * Each frame is parsed exactly once; timestamps become Dates right after.
 */
import {
  CHANNEL_EVENT_TYPES,
  ChannelEventType,
  ChimeEvent,
  FrameMessageType,
  FramePersistence,
  MEMBERSHIP_EVENT_TYPES,
  MESSAGE_EVENT_TYPES,
  MembershipEventType,
  MessageEventType,
} from './events';

/** The frame that opens a session; nothing before it counts. */
export const SESSION_ESTABLISHED = 'SESSION_ESTABLISHED';

/** A decoded frame: the session opening, or an event. */
export type DecodedFrame = { kind: 'established' } | ChimeEvent;

/** A frame that is not a messaging-session frame; carries what was wrong. */
export class FrameDecodeError extends Error {
  readonly code = 'MALFORMED_FRAME';
  constructor(message: string) {
    super(message);
    this.name = 'FrameDecodeError';
  }
}

const messageTypes = new Set<string>(MESSAGE_EVENT_TYPES);
const channelTypes = new Set<string>(CHANNEL_EVENT_TYPES);
const membershipTypes = new Set<string>(MEMBERSHIP_EVENT_TYPES);
const frameMessageTypes = new Set<string>(['STANDARD', 'CONTROL', 'SYSTEM']);

/** Decodes one text frame; throws FrameDecodeError when it is not a messaging-session frame. */
export function decodeFrame(text: string): DecodedFrame {
  const frame = parseJson(text, 'frame') as { Headers?: Record<string, unknown>; Payload?: unknown };
  if (typeof frame !== 'object' || frame === null || typeof frame.Headers !== 'object' || frame.Headers === null) {
    throw new FrameDecodeError(`A frame must be an object with Headers, got ${preview(text)}.`);
  }
  const headers = frame.Headers;
  const type = headers['x-amz-chime-event-type'];
  if (typeof type !== 'string' || type === '') throw new FrameDecodeError(`Headers.x-amz-chime-event-type must be a non-empty string, got ${preview(JSON.stringify(type))}.`);
  if (type === SESSION_ESTABLISHED) return { kind: 'established' };

  const rawMessageType = headers['x-amz-chime-message-type'];
  const messageType = typeof rawMessageType === 'string' && frameMessageTypes.has(rawMessageType) ? (rawMessageType as FrameMessageType) : undefined;
  const rawPersistence = headers['x-amz-chime-persistence-type'];
  const persistence = rawPersistence === 'PERSISTENT' || rawPersistence === 'NON_PERSISTENT' ? (rawPersistence as FramePersistence) : undefined;
  const payload = decodePayload(frame.Payload, type);
  const channelArn = channelArnOf(payload);

  if (messageTypes.has(type) || channelTypes.has(type) || membershipTypes.has(type) || type === 'BATCH_CREATE_CHANNEL_MEMBERSHIP' || type === 'CHANNEL_DETAILS') {
    if (channelArn === undefined) throw new FrameDecodeError(`The payload of ${type} names no channel ARN.`);
  }
  if (messageTypes.has(type)) {
    return {
      kind: 'message',
      type: type as MessageEventType,
      channelArn: channelArn!,
      messageType: messageType ?? (payload.Type as FrameMessageType | undefined) ?? 'STANDARD',
      persistence: persistence ?? (payload.Persistence as FramePersistence | undefined),
      message: payload,
      backfilled: false,
    };
  }
  if (channelTypes.has(type)) return { kind: 'channel', type: type as ChannelEventType, channelArn: channelArn!, channel: payload };
  if (membershipTypes.has(type)) return { kind: 'membership', type: type as MembershipEventType, channelArn: channelArn!, membership: payload };
  if (type === 'BATCH_CREATE_CHANNEL_MEMBERSHIP') return { kind: 'batchMembership', type, channelArn: channelArn!, memberships: payload };
  if (type === 'CHANNEL_DETAILS') return { kind: 'channelDetails', type, channelArn: channelArn!, details: payload };
  return { kind: 'unrecognized', type, channelArn, messageType, payload };
}

/**
 * Decodes frames and remembers the most recent ones. Chime sends the same
 * frame text to every recipient's session, so a message to N viewers of one
 * gateway process is decoded once and every viewer's feed receives the same
 * event object, which is why events are never modified after decoding.
 */
export class SharedFrameDecoder {
  private readonly recent = new Map<string, ChimeEvent>();

  /** `capacity`: frames remembered; the oldest is forgotten first. */
  constructor(private readonly capacity = 64) {
    if (!(Number.isInteger(capacity) && capacity > 0)) throw new RangeError(`capacity must be a positive integer, got ${String(capacity)}.`);
  }

  /** As {@link decodeFrame}; the same text gives the same event object while it is remembered. */
  readonly decode = (text: string): DecodedFrame => {
    const known = this.recent.get(text);
    if (known) return known;
    const frame = decodeFrame(text);
    if (frame.kind === 'established') return frame;
    this.recent.set(text, frame);
    if (this.recent.size > this.capacity) this.recent.delete(this.recent.keys().next().value!);
    return frame;
  };
}

/** The Payload is JSON inside a JSON string; an absent or empty one decodes to `{}`. */
function decodePayload(raw: unknown, type: string): Record<string, any> {
  if (raw === undefined || raw === null || raw === '') return {};
  if (typeof raw !== 'string') throw new FrameDecodeError(`The Payload of ${type} must be a JSON string, got ${typeof raw}.`);
  const payload = parseJson(raw, `${type} payload`);
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    throw new FrameDecodeError(`The Payload of ${type} must encode an object, got ${preview(raw)}.`);
  }
  reviveTimestamps(payload as Record<string, unknown>);
  return payload as Record<string, any>;
}

/** Message, channel and membership payloads carry ChannelArn; CHANNEL_DETAILS carries it in ChannelSummary. */
function channelArnOf(payload: Record<string, any>): string | undefined {
  const arn = payload.ChannelArn ?? payload.ChannelSummary?.ChannelArn ?? payload.Channel?.ChannelArn;
  return typeof arn === 'string' && arn !== '' ? arn : undefined;
}

/**
 * Every `...Timestamp` member, at any depth, becomes a Date. Chime's payloads
 * carry ISO 8601 strings; epoch numbers (seconds, as in the REST API) are
 * accepted too. A value that is no time at all is dropped rather than failing
 * the frame. A walk after a plain parse, not a JSON.parse reviver: V8 calls a
 * reviver for every value and that made decoding three times slower.
 */
function reviveTimestamps(node: Record<string, unknown> | unknown[]): void {
  if (Array.isArray(node)) {
    for (const item of node) if (typeof item === 'object' && item !== null) reviveTimestamps(item as Record<string, unknown>);
    return;
  }
  for (const key in node) {
    const value = node[key];
    if (typeof value === 'object' && value !== null) reviveTimestamps(value as Record<string, unknown>);
    else if (key.endsWith('Timestamp')) {
      const date = timestampOf(value);
      if (date === undefined) delete node[key];
      else node[key] = date;
    }
  }
}

function timestampOf(value: unknown): Date | undefined {
  let date: Date;
  if (typeof value === 'number') date = new Date(value * 1000);
  else if (typeof value !== 'string') return undefined;
  else date = /^\d+(\.\d+)?$/.test(value) ? new Date(Number(value) * 1000) : new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new FrameDecodeError(`The ${what} is not JSON (${(err as Error).message}): ${preview(text)}.`);
  }
}

function preview(text: string): string {
  return text.length > 80 ? `${text.slice(0, 80)}...` : text;
}

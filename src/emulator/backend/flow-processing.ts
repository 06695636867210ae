/**
 * What happens to a message in a channel with a channel flow, as database
 * transitions (the HTTP side, timers and the processor endpoints are
 * flow-processor.ts). From the Chime SDK developer guide ("Using channel
 * flows to process messages", "Sending messages") and the API reference:
 *
 * - Flows process new and edited STANDARD messages, persistent or not;
 *   CONTROL messages skip them ("Channel flows don't process Control or
 *   System messages").
 * - The message waits PENDING while the processors, in ExecutionOrder, each
 *   get it (as the previous one left it) and call ChannelFlowCallback.
 * - After the last one it is SENT with the processors' changes, and every
 *   member gets CREATE_ / UPDATE_CHANNEL_MESSAGE. `DeleteResource` denies it:
 *   DENIED, and a denied new message is deleted ("we don't store them").
 * - A processor that cannot be invoked gets its FallbackAction: CONTINUE
 *   passes the message on unchanged, ABORT ends it FAILED. One that never
 *   calls back ends it FAILED at its deadline.
 * - PENDING_, DENIED_ and FAILED_ events go to the sender alone.
 *
 * Choices where the guide is silent:
 * - A denied or failed edit leaves the message as it was: the original was
 *   delivered, only the edit is refused. A new message that failed stays
 *   stored FAILED, visible to its sender only.
 * - A message deleted while in processing ends quietly; one redacted
 *   meanwhile stays redacted (redaction wins over the processors' changes).
 * - The message keeps its place in history (CreatedTimestamp is when it was
 *   sent); the channel's LastMessageTimestamp moves when it becomes SENT.
 */
import type { ChannelMessageStatusStructure, Processor } from '@aws-sdk/client-chime-sdk-messaging';
import { ChannelRow } from '../store/rows';
import { Backend } from './backend';
import { ChannelEvent } from './events';
import { messageEvent, messageRecipients, MessageWithSender, SENT_STATUS_JSON } from './message-view';

/** The write that brought a message into the flow. */
export type FlowAction = 'CREATE' | 'UPDATE';

/** Where an invocation stands: waiting for the processor, or how that ended. */
export type InvocationState = 'WAITING' | 'ANSWERED' | 'ERRORED' | 'TIMED_OUT';

/** A row of `channel_flow_invocations` (migration 4): one processor invocation of one message. */
export interface InvocationRow {
  callback_id: string;
  channel_arn: string;
  message_id: string;
  action: FlowAction;
  step: number;
  processors_json: string;
  message_json: string;
  state: InvocationState;
  deadline_at: number;
  created_at: number;
}

/** How a processor's invocation ended. */
export type InvocationOutcome =
  /** The processor called back; `message` is the message with its changes. */
  | { kind: 'answered'; message: MessageWithSender }
  /** The processor called back with DeleteResource. */
  | { kind: 'denied' }
  /** The processor could not be invoked (unreachable, or it refused the event). */
  | { kind: 'errored'; detail: string }
  /** The processor did not call back by the deadline. */
  | { kind: 'timedOut'; detail: string };

/** What settling an invocation leads to, to carry out after the transaction commits. */
export interface Settlement {
  /** The invocation settled. */
  callbackId: string;
  /** Session events to publish, in order. */
  events: ChannelEvent[];
  /** The next processor's invocation, when the message goes on through the flow. */
  next?: InvocationRow;
}

/** The processors of a channel's flow, in ExecutionOrder; undefined when the channel has no flow. */
export function flowProcessorsOf(backend: Backend, channel: ChannelRow): Processor[] | undefined {
  if (channel.channel_flow_arn === null) return undefined;
  const flow = backend.statement('SELECT processors_json FROM channel_flows WHERE arn = ?').get(channel.channel_flow_arn) as
    | { processors_json: string }
    | undefined;
  // A flow cannot be deleted while associated; a dangling ARN just processes nothing.
  return flow ? (JSON.parse(flow.processors_json) as Processor[]) : undefined;
}

/** Inserts an invocation of processor `step` (inside a transaction) and returns it. */
export function insertInvocation(
  backend: Backend,
  action: FlowAction,
  message: MessageWithSender,
  processors: readonly Processor[],
  step: number,
  deadlineAt: number,
): InvocationRow {
  const row: InvocationRow = {
    // 32..64 characters (CallbackIdType): a UUID without dashes.
    callback_id: backend.newId().replace(/-/g, ''),
    channel_arn: message.channel_arn,
    message_id: message.message_id,
    action,
    step,
    processors_json: JSON.stringify(processors),
    message_json: JSON.stringify(message),
    state: 'WAITING',
    deadline_at: deadlineAt,
    created_at: backend.now(),
  };
  backend
    .statement(
      `INSERT INTO channel_flow_invocations (callback_id, channel_arn, message_id, action, step, processors_json, message_json, state, deadline_at, created_at)
       VALUES (@callback_id, @channel_arn, @message_id, @action, @step, @processors_json, @message_json, @state, @deadline_at, @created_at)`,
    )
    .run(row);
  return row;
}

/** An invocation by CallbackId, whatever its state. */
export function invocationById(backend: Backend, callbackId: string): InvocationRow | undefined {
  return backend.statement('SELECT * FROM channel_flow_invocations WHERE callback_id = ?').get(callbackId) as InvocationRow | undefined;
}

/** The invocation a message is waiting on, if it is in processing. */
export function waitingInvocationOf(backend: Backend, channelArn: string, messageId: string): InvocationRow | undefined {
  return backend
    .statement(`SELECT * FROM channel_flow_invocations WHERE channel_arn = ? AND message_id = ? AND state = 'WAITING'`)
    .get(channelArn, messageId) as InvocationRow | undefined;
}

/** Every invocation still waiting, oldest deadline first (to re-arm deadlines after a restart). */
export function waitingInvocations(backend: Backend): InvocationRow[] {
  return backend.statement(`SELECT * FROM channel_flow_invocations WHERE state = 'WAITING' ORDER BY deadline_at`).all() as InvocationRow[];
}

/** The processor an invocation was made to. */
export function processorOf(invocation: InvocationRow): Processor {
  return (JSON.parse(invocation.processors_json) as Processor[])[invocation.step];
}

/** The message as the invocation's processor receives it. */
export function messageOf(invocation: InvocationRow): MessageWithSender {
  return JSON.parse(invocation.message_json) as MessageWithSender;
}

const STATE_OF: Record<InvocationOutcome['kind'], InvocationState> = { answered: 'ANSWERED', denied: 'ANSWERED', errored: 'ERRORED', timedOut: 'TIMED_OUT' };

/**
 * Settles a waiting invocation (inside a transaction): the message goes on to
 * the next processor, or ends SENT, DENIED or FAILED. Returns undefined when
 * the invocation was no longer waiting (settled meanwhile by another path).
 * `deadlineAt` is the next processor's deadline, should there be one.
 */
export function settleInvocation(backend: Backend, invocation: InvocationRow, outcome: InvocationOutcome, deadlineAt: number): Settlement | undefined {
  const marked = backend
    .statement(`UPDATE channel_flow_invocations SET state = ? WHERE callback_id = ? AND state = 'WAITING'`)
    .run(STATE_OF[outcome.kind], invocation.callback_id);
  if (marked.changes === 0) return undefined;
  const processor = processorOf(invocation);
  const message = messageOf(invocation);
  const processors = JSON.parse(invocation.processors_json) as Processor[];
  const settle = (events: ChannelEvent[], next?: InvocationRow): Settlement => ({ callbackId: invocation.callback_id, events, next });
  const passOn = (passed: MessageWithSender): Settlement => {
    const step = invocation.step + 1;
    if (step < processors.length) return settle([], insertInvocation(backend, invocation.action, passed, processors, step, deadlineAt));
    return settle(finish(backend, invocation.action, passed, { Value: 'SENT' }));
  };
  switch (outcome.kind) {
    case 'answered':
      return passOn(outcome.message);
    case 'denied':
      return settle(finish(backend, invocation.action, message, { Value: 'DENIED', Detail: `Denied by processor ${processor.Name}.` }));
    case 'errored':
      if (processor.FallbackAction === 'CONTINUE') return passOn(message);
      return settle(finish(backend, invocation.action, message, { Value: 'FAILED', Detail: outcome.detail }));
    case 'timedOut':
      return settle(finish(backend, invocation.action, message, { Value: 'FAILED', Detail: outcome.detail }));
  }
}

/** The columns a processor may change (ChannelMessageCallback), written from `from` onto `onto`. */
function withProcessedFields(onto: MessageWithSender, from: MessageWithSender): MessageWithSender {
  return {
    ...onto,
    content: from.content,
    metadata: from.metadata,
    content_type: from.content_type,
    attributes_json: from.attributes_json,
    push_json: from.push_json,
  };
}

function storedMessage(backend: Backend, message: MessageWithSender): MessageWithSender | undefined {
  const row = backend.statement('SELECT * FROM channel_messages WHERE channel_arn = ? AND message_id = ?').get(message.channel_arn, message.message_id) as
    | MessageWithSender
    | undefined;
  // The name as the sender had it when writing, as every event of the message shows.
  return row && { ...row, sender_name: message.sender_name };
}

function writeProcessed(backend: Backend, row: MessageWithSender): void {
  backend
    .statement(
      `UPDATE channel_messages SET content = @content, metadata = @metadata, content_type = @content_type, attributes_json = @attributes_json,
         push_json = @push_json, status_json = @status_json, edited_at = @edited_at, updated_at = @updated_at WHERE seq = @seq`,
    )
    .run(row);
}

/** Ends the message's processing with `status` and returns the events that say so. */
function finish(backend: Backend, action: FlowAction, message: MessageWithSender, status: ChannelMessageStatusStructure): ChannelEvent[] {
  const statusJson = status.Value === 'SENT' ? SENT_STATUS_JSON : JSON.stringify(status);
  const toSender = (eventType: string, row: MessageWithSender) => [messageEvent(eventType, { ...row, status_json: statusJson }, [row.sender_arn])];
  const eventType = `${action}_CHANNEL_MESSAGE`;

  if (action === 'UPDATE') {
    const row = storedMessage(backend, message);
    if (!row || row.redacted) return [];
    if (status.Value !== 'SENT') return toSender(`${status.Value}_${eventType}`, message);
    const now = backend.now();
    const edited: MessageWithSender = { ...withProcessedFields(row, message), status_json: SENT_STATUS_JSON, edited_at: now, updated_at: now };
    writeProcessed(backend, edited);
    return [messageEvent(eventType, edited, messageRecipients(backend, edited))];
  }

  if (message.persistence === 'NON_PERSISTENT') {
    if (status.Value !== 'SENT') return toSender(`${status.Value}_${eventType}`, message);
    const sent = { ...message, status_json: SENT_STATUS_JSON };
    return [messageEvent(eventType, sent, messageRecipients(backend, sent))];
  }
  const row = storedMessage(backend, message);
  if (!row) return [];
  if (status.Value === 'DENIED') {
    backend.statement('DELETE FROM channel_messages WHERE seq = ?').run(row.seq);
    return toSender(`DENIED_${eventType}`, row);
  }
  const processed: MessageWithSender = { ...(row.redacted ? row : withProcessedFields(row, message)), status_json: statusJson };
  writeProcessed(backend, processed);
  if (status.Value !== 'SENT') return toSender(`${status.Value}_${eventType}`, processed);
  backend.statement('UPDATE channels SET last_message_at = max(coalesce(last_message_at, 0), ?) WHERE arn = ?').run(backend.now(), row.channel_arn);
  return [messageEvent(eventType, processed, messageRecipients(backend, processed))];
}

/**
 * The local service's stand-in for the AWS Lambda functions of channel-flow
 * processors: an HTTP endpoint (a webhook) per function ARN.
 *
 * The webhook contract:
 * - Invocation: for each processor in ExecutionOrder, the service POSTs the
 *   event the Chime SDK developer guide documents for processor Lambdas
 *   ("Setting up a channel processor") as `application/json`, with header
 *   `x-amz-invocation-type: Event` (channel flows invoke asynchronously):
 *
 *       { "EventType": "CHANNEL_MESSAGE_EVENT",
 *         "CallbackId": "<32 hex characters>",
 *         "ChannelMessage": { "MessageId", "ChannelArn", "Content", "Metadata",
 *           "Type", "Persistence", "Sender": {"Arn", "Name"},
 *           "CreatedTimestamp", "LastEditedTimestamp" (ISO 8601),
 *           and, when the message has them, "ContentType", "MessageAttributes",
 *           "PushNotification", "SubChannelId", "Target" } }
 *
 *   The same event serves new and edited messages, as in the guide.
 * - Accepting: any 2xx answer (Lambda answers an asynchronous invoke with
 *   202). Anything else, or no connection, or no endpoint configured for the
 *   ARN, is a failed invocation: the processor's FallbackAction applies
 *   (CONTINUE passes the message on unchanged, ABORT ends it FAILED).
 * - Answering: the processor calls ChannelFlowCallback with the CallbackId,
 *   through the AWS SDK against this service, exactly as a real processor
 *   Lambda does; the HTTP answer carries nothing back. It may call back
 *   before or after answering the POST.
 * - Deadline: a processor that has not called back `callbackTimeoutMs`
 *   (default 10 s) after it was invoked ends the message FAILED.
 *
 * Deadlines are stored, so after a restart the waiting messages still end
 * FAILED on time; an invocation cut off by the restart is not sent again (the
 * processor may have it already).
 */
import http from 'node:http';
import https from 'node:https';
import type { Processor } from '@aws-sdk/client-chime-sdk-messaging';
import { Backend } from './backend';
import {
  FlowAction,
  flowProcessorsOf,
  insertInvocation,
  InvocationOutcome,
  InvocationRow,
  invocationById,
  messageOf,
  processorOf,
  settleInvocation,
  Settlement,
  waitingInvocations,
} from './flow-processing';
import { messagePayload, MessageWithSender, PENDING_STATUS_JSON } from './message-view';
import { ChannelRow } from '../store/rows';

/** How the local service reaches channel-flow processors. */
export interface ChannelFlowOptions {
  /**
   * The webhook serving each processor Lambda: either a map of Lambda
   * function ARN to URL, or one URL template in which `{FunctionName}` is
   * replaced by the function's name (e.g. `http://127.0.0.1:9000/{FunctionName}`)
   * and `{FunctionArn}` by its URL-encoded ARN. An ARN with no URL is a
   * processor that cannot be invoked. Default: none.
   */
  processors?: Readonly<Record<string, string>> | string;
  /** Milliseconds a processor has, from its invocation, to call ChannelFlowCallback. Default 10000. */
  callbackTimeoutMs?: number;
}

/** The event POSTed to a processor's webhook. */
export interface ChannelFlowEvent {
  EventType: 'CHANNEL_MESSAGE_EVENT';
  CallbackId: string;
  ChannelMessage: Record<string, unknown>;
}

const DEFAULT_CALLBACK_TIMEOUT_MS = 10_000;

/** The event a processor receives for an invocation. */
export function processorEvent(invocation: InvocationRow): ChannelFlowEvent {
  const message = messageOf(invocation);
  // The guide's event has no Status, Redacted or LastUpdatedTimestamp: in processing a message is PENDING and unredacted.
  const { Status: _status, Redacted: _redacted, LastUpdatedTimestamp: _updated, ...fields } = messagePayload(message);
  const push = message.push_json === null ? {} : { PushNotification: JSON.parse(message.push_json) as unknown };
  return { EventType: 'CHANNEL_MESSAGE_EVENT', CallbackId: invocation.callback_id, ChannelMessage: { ...fields, ...push } };
}

/** Runs the channel flows of one local service: invokes processors, keeps their deadlines. */
export class FlowProcessor {
  /** Milliseconds a processor has to call back. */
  readonly callbackTimeoutMs: number;
  private readonly processors: Readonly<Record<string, string>> | string;
  private readonly deadlines = new Map<string, NodeJS.Timeout>();
  private readonly requests = new Map<string, http.ClientRequest>();
  private stopped = false;

  constructor(
    private readonly backend: Backend,
    options: ChannelFlowOptions = {},
  ) {
    this.callbackTimeoutMs = options.callbackTimeoutMs ?? DEFAULT_CALLBACK_TIMEOUT_MS;
    if (!Number.isFinite(this.callbackTimeoutMs) || this.callbackTimeoutMs <= 0) {
      throw new RangeError(`channelFlows.callbackTimeoutMs must be a positive number of milliseconds, got ${options.callbackTimeoutMs}.`);
    }
    this.processors = options.processors ?? {};
    const urls = typeof this.processors === 'string' ? [this.processors] : Object.values(this.processors);
    for (const url of urls) assertWebhookUrl(url);
  }

  /**
   * Brings a message into its channel's flow (inside the caller's
   * transaction): returns the first processor's invocation, to `start` once
   * the transaction has committed, or undefined when the channel has no flow
   * or the message is not one flows process (CONTROL).
   */
  enter(action: FlowAction, channel: ChannelRow, message: MessageWithSender): InvocationRow | undefined {
    if (message.type !== 'STANDARD') return undefined;
    const processors = flowProcessorsOf(this.backend, channel);
    if (!processors || processors.length === 0) return undefined;
    return insertInvocation(this.backend, action, { ...message, status_json: PENDING_STATUS_JSON }, processors, 0, this.nextDeadline());
  }

  /** Deadline of an invocation made now. */
  nextDeadline(): number {
    return Date.now() + this.callbackTimeoutMs;
  }

  /** Invokes the processor of a committed invocation and arms its deadline. The POST happens after the current operation returns. */
  start(invocation: InvocationRow): void {
    if (this.stopped) return;
    this.armDeadline(invocation);
    setImmediate(() => this.invoke(invocation));
  }

  /** Carries out a committed settlement: clears its deadline, publishes its events, starts the next processor. */
  carryOut(settlement: Settlement): void {
    clearTimeout(this.deadlines.get(settlement.callbackId));
    this.deadlines.delete(settlement.callbackId);
    for (const event of settlement.events) this.backend.events.publish(event);
    if (settlement.next) this.start(settlement.next);
  }

  /** Re-arms the deadlines of invocations left waiting by a previous run. */
  resume(): void {
    for (const invocation of waitingInvocations(this.backend)) this.armDeadline(invocation);
  }

  /** Stops: no more invocations, deadlines or settlements (the database may close next). */
  stop(): void {
    this.stopped = true;
    for (const timer of this.deadlines.values()) clearTimeout(timer);
    this.deadlines.clear();
    for (const callbackId of [...this.requests.keys()]) this.abandon(callbackId);
  }

  /** Cuts off an invocation's POST still in flight; its outcome no longer matters. */
  private abandon(callbackId: string): void {
    const request = this.requests.get(callbackId);
    this.requests.delete(callbackId);
    request?.destroy();
  }

  private armDeadline(invocation: InvocationRow): void {
    const processor = processorOf(invocation);
    const detail = `Processor ${processor.Name} (${lambdaArnOf(processor)}) did not call ChannelFlowCallback within ${this.callbackTimeoutMs} ms.`;
    const timer = setTimeout(() => {
      this.deadlines.delete(invocation.callback_id);
      this.abandon(invocation.callback_id);
      this.settle(invocation.callback_id, { kind: 'timedOut', detail });
    }, Math.max(0, invocation.deadline_at - Date.now()));
    timer.unref();
    this.deadlines.set(invocation.callback_id, timer);
  }

  private invoke(invocation: InvocationRow): void {
    if (this.stopped) return;
    const processor = processorOf(invocation);
    const arn = lambdaArnOf(processor);
    const failed = (why: string) => this.settle(invocation.callback_id, { kind: 'errored', detail: `Processor ${processor.Name} (${arn}) ${why}.` });
    const url = this.endpointOf(arn);
    if (!url) return failed('has no endpoint configured in the local service (channelFlows.processors)');
    const body = JSON.stringify(processorEvent(invocation));
    const target = new URL(url);
    const request = (target.protocol === 'https:' ? https : http).request(target, {
      method: 'POST',
      // No keep-alive: one invocation, one connection, nothing left open.
      agent: false,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-amz-invocation-type': 'Event', connection: 'close' },
    });
    this.requests.set(invocation.callback_id, request);
    const done = () => this.requests.delete(invocation.callback_id);
    request.on('response', (response) => {
      response.resume();
      done();
      const status = response.statusCode ?? 0;
      if (status < 200 || status > 299) failed(`answered its invocation with HTTP ${status}`);
    });
    request.on('error', (err) => {
      // A request cut off by the deadline or by stop() is settled there, not here.
      if (!this.requests.has(invocation.callback_id)) return;
      done();
      failed(`could not be invoked: ${err.message}`);
    });
    request.end(body);
  }

  /** Settles a waiting invocation from the service's side (failed invocation, deadline). */
  private settle(callbackId: string, outcome: InvocationOutcome): void {
    if (this.stopped) return;
    const settlement = this.backend.transaction(() => {
      const invocation = invocationById(this.backend, callbackId);
      return invocation && settleInvocation(this.backend, invocation, outcome, this.nextDeadline());
    });
    if (settlement) this.carryOut(settlement);
  }

  private endpointOf(lambdaArn: string): string | undefined {
    if (typeof this.processors !== 'string') return Object.prototype.hasOwnProperty.call(this.processors, lambdaArn) ? this.processors[lambdaArn] : undefined;
    const name = /:function:([^:]+)/.exec(lambdaArn)?.[1] ?? '';
    return this.processors.replace(/\{FunctionName\}/g, encodeURIComponent(name)).replace(/\{FunctionArn\}/g, encodeURIComponent(lambdaArn));
  }
}

const lambdaArnOf = (processor: Processor): string => processor.Configuration?.Lambda?.ResourceArn ?? '';

function assertWebhookUrl(url: string): void {
  let protocol: string;
  try {
    protocol = new URL(url.replace(/\{Function(Name|Arn)\}/g, 'x')).protocol;
  } catch {
    throw new TypeError(`channelFlows.processors must hold http(s) URLs, got "${url}".`);
  }
  if (protocol !== 'http:' && protocol !== 'https:') throw new TypeError(`channelFlows.processors must hold http(s) URLs, got "${url}".`);
}

const running = new WeakMap<Backend, FlowProcessor>();

/** The flow processor of a backend, made from its `channelFlows` options on first use. */
export function flowProcessor(backend: Backend): FlowProcessor {
  let processor = running.get(backend);
  if (!processor) {
    processor = new FlowProcessor(backend, backend.channelFlows);
    running.set(backend, processor);
  }
  return processor;
}

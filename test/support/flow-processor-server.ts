/**
 * A real HTTP server on 127.0.0.1 standing in for channel-flow processor
 * Lambdas, as the local service's webhook contract expects
 * (src/emulator/backend/flow-processor.ts): each path `/<name>` is one
 * processor, Lambda ARN `arn:aws:lambda:us-east-1:123456789012:function:<name>`.
 * A processor accepts the invocation with 202 and answers, as real ones do,
 * by calling ChannelFlowCallback through the AWS SDK; or stays silent; or
 * refuses the invocation.
 */
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { ChannelFlowCallbackCommand, ChannelMessageCallback, ChimeSDKMessagingClient } from '@aws-sdk/client-chime-sdk-messaging';
import type { ChannelFlowEvent } from '../../src/emulator/backend/flow-processor';

/** A processor's answer: a denial, or the fields it changes (MessageId is filled in). */
export interface ProcessorAnswer {
  DeleteResource?: boolean;
  ChannelMessage?: Omit<ChannelMessageCallback, 'MessageId'>;
}

/** What one processor does with an invocation. */
export type ProcessorBehaviour =
  | { kind: 'answer'; answer: (event: ChannelFlowEvent) => ProcessorAnswer }
  | { kind: 'silent' }
  | { kind: 'refuse'; status: number };

/** Calls back with the content rewritten by `rewrite`. */
export const rewriting = (rewrite: (content: string) => string): ProcessorBehaviour => ({
  kind: 'answer',
  answer: (event) => ({ ChannelMessage: { Content: rewrite(String(event.ChannelMessage.Content)) } }),
});
/** Calls back with DeleteResource: the message is DENIED. */
export const denying = (): ProcessorBehaviour => ({ kind: 'answer', answer: () => ({ DeleteResource: true }) });
/** Accepts the invocation and never calls back (the test may answer it itself). */
export const silent = (): ProcessorBehaviour => ({ kind: 'silent' });
/** Refuses the invocation with an HTTP error: a processor that cannot be invoked. */
export const refusing = (status = 500): ProcessorBehaviour => ({ kind: 'refuse', status });

/** One invocation received. */
export interface ReceivedInvocation {
  processor: string;
  event: ChannelFlowEvent;
  headers: http.IncomingHttpHeaders;
}

/** The Lambda function ARN served at `/<name>`. */
export const lambdaArn = (name: string): string => `arn:aws:lambda:us-east-1:123456789012:function:${name}`;

/** A running processor server. */
export class FlowProcessorServer {
  /** Every invocation received, in order. */
  readonly invocations: ReceivedInvocation[] = [];
  /** Errors of callbacks the processors made (a test asserts there are none). */
  readonly callbackErrors: unknown[] = [];
  private readonly pending = new Set<Promise<unknown>>();
  private readonly waiters = new Set<() => void>();

  private constructor(
    private readonly server: http.Server,
    private readonly behaviours: Record<string, ProcessorBehaviour>,
    private readonly messaging: () => ChimeSDKMessagingClient,
  ) {}

  /** Starts a server whose processors call back through the client `messaging` returns. */
  static async start(behaviours: Record<string, ProcessorBehaviour>, messaging: () => ChimeSDKMessagingClient): Promise<FlowProcessorServer> {
    let self: FlowProcessorServer | undefined;
    const server = http.createServer((req, res) => self?.handle(req, res));
    self = new FlowProcessorServer(server, behaviours, messaging);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return self;
  }

  /** Base URL, e.g. `http://127.0.0.1:4567`. */
  get origin(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** The URL template for the local service's `channelFlows.processors`. */
  get template(): string {
    return `${this.origin}/{FunctionName}`;
  }

  /** The URL of one processor. */
  url(name: string): string {
    return `${this.origin}/${name}`;
  }

  /** Resolves with the first invocation (received before or after the call) that matches. */
  waitForInvocation(match: (invocation: ReceivedInvocation) => boolean, timeoutMs = 3000): Promise<ReceivedInvocation> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.invocations.find(match);
        if (!found) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve(found);
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`No matching invocation within ${timeoutMs} ms; got ${this.invocations.map((i) => i.processor).join(', ') || 'none'}.`));
      }, timeoutMs);
      this.waiters.add(check);
      check();
    });
  }

  /** The invocation of one message by one processor. */
  invocationOf(processor: string, messageId: string, timeoutMs?: number): Promise<ReceivedInvocation> {
    return this.waitForInvocation((i) => i.processor === processor && i.event.ChannelMessage.MessageId === messageId, timeoutMs);
  }

  /** Waits for the callbacks in flight, then stops. */
  async close(): Promise<void> {
    await Promise.allSettled([...this.pending]);
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const processor = (req.url ?? '/').slice(1);
      const behaviour = this.behaviours[processor];
      if (!behaviour) {
        res.writeHead(404).end();
        return;
      }
      const event = JSON.parse(Buffer.concat(chunks).toString('utf8')) as ChannelFlowEvent;
      this.invocations.push({ processor, event, headers: req.headers });
      for (const wake of [...this.waiters]) wake();
      if (behaviour.kind === 'refuse') {
        res.writeHead(behaviour.status).end();
        return;
      }
      // Lambda's answer to an asynchronous invoke; the processor's real answer is its callback.
      res.writeHead(202).end();
      if (behaviour.kind === 'answer') this.callBack(event, behaviour.answer(event));
    });
  }

  private callBack(event: ChannelFlowEvent, answer: ProcessorAnswer): void {
    const call = this.messaging()
      .send(
        new ChannelFlowCallbackCommand({
          CallbackId: event.CallbackId,
          ChannelArn: String(event.ChannelMessage.ChannelArn),
          DeleteResource: answer.DeleteResource,
          ChannelMessage: { MessageId: String(event.ChannelMessage.MessageId), ...answer.ChannelMessage },
        }),
      )
      .catch((err: unknown) => this.callbackErrors.push(err));
    this.pending.add(call);
    void call.finally(() => this.pending.delete(call));
  }
}

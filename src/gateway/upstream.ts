/**
 * The one way the gateway calls Chime. Every SDK call of a request goes
 * through `Upstream.call`, which refuses to run without a signed-in viewer,
 * sets the `x-amz-chime-bearer` from that viewer alone, bounds how many calls
 * run at once, counts calls by operation (for `extensions.chime`) and turns
 * SDK exceptions into GraphQL errors with codes and Chime's request id.
 *
 * Some operations carry no bearer: Chime authorizes them by the gateway's
 * own AWS credentials alone (channel flows, tags, streaming and retention
 * settings, the whole Amazon Chime rooms API). Chime cannot tell viewers
 * apart there, so the gateway does: those calls go through the `...AsAdmin`
 * methods and `rooms`, which run only for a viewer who is an
 * AppInstanceAdmin of its AppInstance (DescribeAppInstanceAdmin, once per
 * request) and answer FORBIDDEN, with no such call made, to anyone else.
 * The `...AsAdmin` calls are also confined to that AppInstance: every ARN the
 * input names must lie inside it. The rooms API has no AppInstance to confine
 * it to (see `rooms`).
 */
import {
  $Command as MessagingCommandBase,
  ChimeSDKMessagingClientResolvedConfig,
  ServiceInputTypes as MessagingInput,
  ServiceOutputTypes as MessagingOutput,
} from '@aws-sdk/client-chime-sdk-messaging';
import {
  $Command as IdentityCommandBase,
  ChimeSDKIdentityClientResolvedConfig,
  ServiceInputTypes as IdentityInput,
  ServiceOutputTypes as IdentityOutput,
} from '@aws-sdk/client-chime-sdk-identity';
import {
  $Command as RoomsCommandBase,
  ChimeClientResolvedConfig,
  ServiceInputTypes as RoomsInput,
  ServiceOutputTypes as RoomsOutput,
} from '@aws-sdk/client-chime';
import { DescribeAppInstanceAdminCommand } from '@aws-sdk/client-chime-sdk-identity';
import { GraphQLError } from 'graphql';
import type { Logger } from 'pino';
import { ChimeClients } from './chime-clients';
import { fromUpstreamError, gatewayError, unauthenticated } from './errors';
import { appInstanceOf } from './global-id';
import { Viewer } from './viewer';

/** A Chime SDK Messaging command class, e.g. `DescribeChannelCommand`. */
export type MessagingCommand<I extends MessagingInput, O extends MessagingOutput> = new (
  input: I,
) => MessagingCommandBase<I, O, ChimeSDKMessagingClientResolvedConfig, MessagingInput, MessagingOutput>;

/** A Chime SDK Identity command class, e.g. `DescribeAppInstanceUserCommand`. */
export type IdentityCommand<I extends IdentityInput, O extends IdentityOutput> = new (
  input: I,
) => IdentityCommandBase<I, O, ChimeSDKIdentityClientResolvedConfig, IdentityInput, IdentityOutput>;

/** An Amazon Chime (2018 API) command class, e.g. `GetRoomCommand`. */
export type RoomsCommand<I extends RoomsInput, O extends RoomsOutput> = new (
  input: I,
) => RoomsCommandBase<I, O, ChimeClientResolvedConfig, RoomsInput, RoomsOutput>;

/** A messaging input without the bearer, which only `Upstream` sets. */
export type WithoutBearer<I> = Omit<I, 'ChimeBearer'>;

/** Upstream calls made so far by one request (`extensions.chime`). */
export interface UpstreamCalls {
  /** All calls, failed ones included. */
  calls: number;
  /** Calls by AWS operation name. */
  byOperation: Record<string, number>;
}

/** Default bound on one request's concurrent Chime calls. */
export const DEFAULT_MAX_CONCURRENT_CALLS = 16;

/** A counting semaphore: at most `limit` holders at once, the rest queue in order. */
class Semaphore {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`maxConcurrentCalls must be a positive integer, got ${limit}.`);
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
    try {
      return await task();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }
}

/** Chime as seen by one request: its viewer, its call budget, its counters. */
export class Upstream {
  private readonly semaphore: Semaphore;
  private readonly counts: UpstreamCalls = { calls: 0, byOperation: {} };
  /** The viewer's AppInstanceAdmin check, made at most once per request. */
  private adminCheck?: Promise<boolean>;

  constructor(
    private readonly clients: ChimeClients,
    /** The verified viewer of the request; the only source of the bearer. */
    readonly viewer: Viewer | null,
    private readonly logger: Logger,
    maxConcurrentCalls: number = DEFAULT_MAX_CONCURRENT_CALLS,
    /** Amazon Chime accounts the rooms API may reach; `'any'` only for the embedded local service or by explicit configuration. */
    private readonly chimeAccountIds: readonly string[] | 'any' = [],
  ) {
    this.semaphore = new Semaphore(maxConcurrentCalls);
  }

  /** A snapshot of the calls made so far. */
  get calls(): UpstreamCalls {
    return { calls: this.counts.calls, byOperation: { ...this.counts.byOperation } };
  }

  /** Calls a Chime SDK Messaging operation as the viewer (the bearer is the viewer's ARN). */
  messaging<I extends MessagingInput, O extends MessagingOutput>(Command: MessagingCommand<I, O>, input: WithoutBearer<I>): Promise<O> {
    return this.call(operationOf(Command), (viewer) =>
      this.clients.messaging.send(new Command({ ...input, ChimeBearer: viewer.userArn } as unknown as I)),
    );
  }

  /**
   * Calls a Chime SDK Identity operation. These carry no bearer (the
   * gateway's AWS credentials authorize them), so resolvers only use them
   * for reads inside the viewer's own AppInstance.
   */
  identity<I extends IdentityInput, O extends IdentityOutput>(Command: IdentityCommand<I, O>, input: I): Promise<O> {
    return this.call(operationOf(Command), () => this.clients.identity.send(new Command(input)));
  }

  /**
   * Whether the viewer is an AppInstanceAdmin of its own AppInstance
   * (DescribeAppInstanceAdmin, asked once per request; NotFound means no).
   */
  isAppInstanceAdmin(): Promise<boolean> {
    this.adminCheck ??= this.call('DescribeAppInstanceAdmin', (viewer) =>
      this.clients.identity.send(new DescribeAppInstanceAdminCommand({ AppInstanceArn: viewer.appInstanceArn, AppInstanceAdminArn: viewer.userArn })),
    ).then(
      () => true,
      (error: unknown) => {
        if (error instanceof GraphQLError && error.extensions.code === 'NOT_FOUND') return false;
        // A failed check is not remembered: a later field of the request asks again.
        this.adminCheck = undefined;
        throw error;
      },
    );
    return this.adminCheck;
  }

  /** Resolves when the viewer is an AppInstanceAdmin; FORBIDDEN (naming `operation`) otherwise. */
  async requireAppInstanceAdmin(operation: string): Promise<void> {
    if (!this.viewer) throw unauthenticated();
    if (!(await this.isAppInstanceAdmin())) {
      throw gatewayError(
        'FORBIDDEN',
        `${operation} is for AppInstanceAdmins only: Chime authorizes it by the gateway's AWS credentials, and ${this.viewer.userArn} is no AppInstanceAdmin of ${this.viewer.appInstanceArn}.`,
      );
    }
  }

  /**
   * Calls a Chime SDK Messaging operation that carries no bearer (channel
   * flows, tags, streaming configurations), for an AppInstanceAdmin viewer only.
   */
  async messagingAsAdmin<I extends MessagingInput, O extends MessagingOutput>(Command: MessagingCommand<I, O>, input: I): Promise<O> {
    const operation = operationOf(Command);
    this.confine(operation, input);
    await this.requireAppInstanceAdmin(operation);
    return this.call(operation, () => this.clients.messaging.send(new Command(input)));
  }

  /** Calls a Chime SDK Identity operation that changes or reveals AppInstance settings, for an AppInstanceAdmin viewer only. */
  async identityAsAdmin<I extends IdentityInput, O extends IdentityOutput>(Command: IdentityCommand<I, O>, input: I): Promise<O> {
    const operation = operationOf(Command);
    this.confine(operation, input);
    await this.requireAppInstanceAdmin(operation);
    return this.call(operation, () => this.clients.identity.send(new Command(input)));
  }

  /**
   * Calls an Amazon Chime (2018 API) operation: accounts, users and chat
   * rooms. IAM-authorized through and through, so AppInstanceAdmin viewers
   * only, and only in the accounts the gateway is configured to serve
   * (CHIME_ACCOUNT_IDS): accounts are not part of any AppInstance, and the
   * gateway's credentials may reach more of them than its viewers should.
   * With a list, CreateAccount is refused and ListAccounts shows the listed
   * accounts only.
   */
  async rooms<I extends RoomsInput, O extends RoomsOutput>(Command: RoomsCommand<I, O>, input: I): Promise<O> {
    const operation = operationOf(Command);
    const allowed = this.chimeAccountIds;
    if (allowed !== 'any') {
      const accountId = (input as { AccountId?: string }).AccountId;
      const served = accountId === undefined ? operation === 'ListAccounts' : allowed.includes(accountId);
      if (!served || allowed.length === 0) {
        throw gatewayError(
          'FORBIDDEN',
          allowed.length === 0
            ? `${operation}: this gateway serves no Amazon Chime accounts (set CHIME_ACCOUNT_IDS).`
            : `${operation}: ${accountId === undefined ? 'only the configured' : `account ${accountId} is not one of the`} Amazon Chime accounts this gateway serves (CHIME_ACCOUNT_IDS).`,
        );
      }
    }
    await this.requireAppInstanceAdmin(operation);
    const output = await this.call(operation, () => this.clients.rooms.send(new Command(input)));
    if (allowed !== 'any' && operation === 'ListAccounts') {
      const list = output as { Accounts?: { AccountId?: string }[] };
      list.Accounts = list.Accounts?.filter((a) => a.AccountId !== undefined && allowed.includes(a.AccountId));
    }
    return output;
  }

  /**
   * FORBIDDEN unless every top-level ARN of a bearer-less input (AppInstanceArn,
   * ChannelArn, ChannelFlowArn, ResourceARN) lies in the viewer's AppInstance:
   * the gateway's credentials could reach other AppInstances, its viewers may not.
   */
  private confine(operation: string, input: object): void {
    const viewer = this.viewer;
    if (!viewer) throw unauthenticated();
    for (const [member, value] of Object.entries(input)) {
      if (!/(Arn|ARN)$/.test(member) || typeof value !== 'string') continue;
      if (appInstanceOf(value) !== viewer.appInstanceArn) {
        throw gatewayError('FORBIDDEN', `${operation} is only served inside the viewer's AppInstance ${viewer.appInstanceArn}; ${member} ${value} is not in it.`);
      }
    }
  }

  /** The one path of every call: viewer check, bound, count, error mapping. */
  private async call<O>(operation: string, send: (viewer: Viewer) => Promise<O>): Promise<O> {
    const viewer = this.viewer;
    // No viewer, no call: the request is answered without touching Chime.
    if (!viewer) throw unauthenticated();
    return this.semaphore.run(async () => {
      this.counts.calls++;
      this.counts.byOperation[operation] = (this.counts.byOperation[operation] ?? 0) + 1;
      const started = performance.now();
      try {
        return await send(viewer);
      } catch (error) {
        const mapped = fromUpstreamError(error, operation);
        this.logger.debug({ operation, code: mapped.extensions.code, requestId: mapped.extensions.requestId }, 'chime call failed');
        throw mapped;
      } finally {
        this.logger.trace({ operation, ms: Math.round(performance.now() - started) }, 'chime call');
      }
    });
  }
}

/** `DescribeChannelCommand` -> `DescribeChannel`. */
function operationOf(Command: { name: string }): string {
  return Command.name.replace(/Command$/, '');
}

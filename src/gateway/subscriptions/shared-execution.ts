/**
 * Shared execution: subscriptions with the same document, variables and
 * viewer form one group. The group runs the subscribe phase once (access
 * check, one hub listener), executes the selection once per event, and
 * hands the same result object to every member, so a message to a viewer
 * with many tabs costs one execution, not one per socket. Groups of other
 * viewers with the same document and variables reuse that result when the
 * execution did not depend on the viewer (cross-viewer-results.ts). Results
 * go out in event order; a slow execution (an upstream call) holds the later
 * ones back.
 *
 * Members receive results through `deliver`, synchronously, as the group
 * produces them (the transport writes them to the socket at once). What
 * graphql-ws iterates is the subscription's lifetime only: it ends when the
 * group ends (done, or the terminal error), and its `return()` is how a
 * subscription leaves.
 */
import { createSourceEventStream, execute, ExecutionArgs, ExecutionResult, GraphQLError } from 'graphql';
import { AsyncQueue } from './async-queue';
import { CrossViewerResults } from './cross-viewer-results';

/** One subscription asking to join (or start) a group. */
export interface SharedSubscription {
  /** The viewer: a group is one viewer's subscriptions of one document. */
  viewerArn: string;
  /** Operation name, query text and variables: groups with the same one may share results that did not depend on the viewer. */
  documentKey: string;
  /** Arguments of the subscribe phase; its `rootValue` is what the subscribe resolver receives. */
  args: ExecutionArgs;
  /** A fresh context for executing one event, so nothing cached outlives the event, and whether it was read. */
  eventContext(): { value: unknown; used(): boolean };
  /** Sends one result of the group to this subscription's client; must not throw. */
  deliver(result: ExecutionResult): void;
  /** Called once the subscribe phase ran for the group this subscription started, whatever came of it. */
  subscribed?(): void;
}

/** Counts for tests and metrics. */
export interface SharedExecutionStats {
  /** Groups, each executing once per event. */
  groups: number;
  /** Subscriptions events flow to, across all groups (a subscription still being checked is not counted yet). */
  subscriptions: number;
  /** Events executed so far, counting each execution once however many subscriptions (and viewers) it served. */
  executions: number;
}

interface Member {
  deliver(result: ExecutionResult): void;
  /** Yields nothing; ends when the group ends, or the subscription leaves. */
  lifetime: AsyncQueue<never>;
  /** Counted in the stats: events flow to it. */
  counted: boolean;
}

/** The groups of one gateway, by viewer and document. */
export class SharedExecutions {
  private readonly groups = new Map<string, ExecutionGroup>();
  private readonly results = new CrossViewerResults();
  private members = 0;
  private executions = 0;

  /**
   * graphql-ws's `subscribe`: joins the subscription's group, starting it if
   * there is none. Resolves to the subscription's lifetime, or to the errors
   * of the subscribe phase (FORBIDDEN, NOT_FOUND, ...), which every
   * subscription that joined the starting group receives.
   */
  subscribe(subscription: SharedSubscription): Promise<AsyncIterableIterator<never> | ExecutionResult> {
    const key = `${subscription.viewerArn}\n${subscription.documentKey}`;
    let group = this.groups.get(key);
    if (!group) {
      const created = new ExecutionGroup(subscription, this.results, {
        joined: () => (this.members += 1),
        left: () => (this.members -= 1),
        executed: () => (this.executions += 1),
        ended: () => {
          if (this.groups.get(key) === created) this.groups.delete(key);
        },
      });
      this.groups.set(key, created);
      group = created;
    }
    return group.join(subscription.deliver);
  }

  /** Current counts. */
  stats(): SharedExecutionStats {
    return { groups: this.groups.size, subscriptions: this.members, executions: this.executions };
  }
}

interface GroupHooks {
  joined(): void;
  left(): void;
  executed(): void;
  ended(): void;
}

/** One document, variables and viewer: one source stream, one execution per event. */
class ExecutionGroup {
  private readonly members = new Set<Member>();
  private readonly started: Promise<ExecutionResult | undefined>;
  private source?: AsyncIterator<unknown>;
  private ended = false;

  constructor(
    private readonly origin: SharedSubscription,
    private readonly results: CrossViewerResults,
    private readonly hooks: GroupHooks,
  ) {
    this.started = this.open();
  }

  /** Adds a member; resolves once events flow to it (it is counted from then on), or to the subscribe phase's errors. */
  async join(deliver: (result: ExecutionResult) => void): Promise<AsyncIterableIterator<never> | ExecutionResult> {
    const member: Member = { deliver, lifetime: new AsyncQueue<never>(() => this.leave(member)), counted: false };
    this.members.add(member);
    const failure = await this.started;
    if (failure) {
      member.lifetime.finish();
      return failure;
    }
    if (this.members.has(member)) {
      member.counted = true;
      this.hooks.joined();
    }
    return member.lifetime;
  }

  /** The subscribe phase; resolves to its errors, or undefined once events flow. */
  private async open(): Promise<ExecutionResult | undefined> {
    let stream: AsyncIterable<unknown> | ExecutionResult;
    try {
      stream = await createSourceEventStream(this.origin.args);
    } catch (err) {
      stream = { errors: [asGraphQLError(err)] };
    }
    this.origin.subscribed?.();
    if (!isAsyncIterable(stream)) {
      this.close();
      return stream;
    }
    this.source = stream[Symbol.asyncIterator]();
    // Everyone left while the subscribe phase ran: end the source at once.
    if (this.ended) void this.source.return?.();
    else void this.pump(this.source);
    return undefined;
  }

  private async pump(source: AsyncIterator<unknown>): Promise<void> {
    let failure: GraphQLError | undefined;
    try {
      for (;;) {
        const next = await source.next();
        if (next.done || this.ended) break;
        let result = this.results.resultOf(next.value, this.origin.documentKey, () => {
          const context = this.origin.eventContext();
          this.hooks.executed();
          return { result: execute({ ...this.origin.args, rootValue: next.value, contextValue: context.value }), usedContext: context.used };
        });
        if (isPromise(result)) result = await result;
        for (const member of this.members) member.deliver(result);
      }
    } catch (err) {
      failure = asGraphQLError(err);
    }
    for (const member of [...this.members]) member.lifetime.finish(failure);
    this.close();
  }

  private leave(member: Member): void {
    if (!this.members.delete(member)) return;
    if (member.counted) this.hooks.left();
    if (this.members.size === 0) this.close();
  }

  /** Ends the group: its source stops (the hub listener goes), and the registry forgets it. */
  private close(): void {
    if (this.ended) return;
    this.ended = true;
    void this.source?.return?.();
    this.hooks.ended();
  }
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof (value as AsyncIterable<unknown> | null)?.[Symbol.asyncIterator] === 'function';
}

function isPromise<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as Promise<T> | null)?.then === 'function';
}

function asGraphQLError(err: unknown): GraphQLError {
  if (err instanceof GraphQLError) return err;
  const error = err instanceof Error ? err : new Error(String(err));
  // Not a GraphQL error: a fault of the gateway, hidden in production by the error formatter.
  return new GraphQLError(error.message, { originalError: error, extensions: { code: 'INTERNAL_SERVER_ERROR' } });
}

/**
 * One execution per event across viewers, where the result cannot depend on
 * the viewer. The hub hands every viewer's feed the same event object for
 * the same frame, so the same event model reaches the execution groups of
 * many viewers with the same document and variables. Everything a resolver
 * knows of the viewer comes from the context; an execution that never read
 * its context gave a result that holds for every viewer, and the other
 * groups reuse it (and its serialized payload). An execution that read it
 * (a sender's name through a loader, `includesViewer`) is not shared: each
 * viewer's group executes for itself.
 */
import type { ExecutionResult } from 'graphql';

/** One execution's outcome, as the group that ran it saw it. */
interface Outcome {
  result: ExecutionResult;
  /** False once the execution read its context. */
  shareable: boolean;
}

/** What a group runs to execute one event for its own viewer. */
export interface OwnExecution {
  /** The result, or its promise. */
  result: ExecutionResult | Promise<ExecutionResult>;
  /** Whether the execution read its context; asked once the result is settled. */
  usedContext(): boolean;
}

/** Outcomes by event object, then by document key (operation, query text, variables: no viewer). */
export class CrossViewerResults {
  private readonly byEvent = new WeakMap<object, Map<string, Outcome | Promise<Outcome>>>();

  /**
   * The result of `event` for the document `documentKey`: another viewer's
   * when that one's execution read no context, otherwise `execute()`'s own.
   */
  resultOf(event: unknown, documentKey: string, execute: () => OwnExecution): ExecutionResult | Promise<ExecutionResult> {
    if (typeof event !== 'object' || event === null) return execute().result;
    let outcomes = this.byEvent.get(event);
    if (!outcomes) this.byEvent.set(event, (outcomes = new Map()));
    const known = outcomes.get(documentKey);
    if (known === undefined) return this.first(outcomes, documentKey, execute());
    if (isPromise(known)) return known.then((outcome) => (outcome.shareable ? outcome.result : execute().result), () => execute().result);
    return known.shareable ? known.result : execute().result;
  }

  /** The first group to execute: its outcome is remembered, settled or not, for the groups after it. */
  private first(outcomes: Map<string, Outcome | Promise<Outcome>>, documentKey: string, own: OwnExecution): ExecutionResult | Promise<ExecutionResult> {
    if (!isPromise(own.result)) {
      outcomes.set(documentKey, { result: own.result, shareable: !own.usedContext() });
      return own.result;
    }
    const pending = own.result.then((result): Outcome => ({ result, shareable: !own.usedContext() }));
    outcomes.set(documentKey, pending);
    // A failed execution is not remembered: the next group executes for itself.
    pending.then(
      (outcome) => outcomes.set(documentKey, outcome),
      () => outcomes.delete(documentKey),
    );
    return own.result;
  }
}

function isPromise<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as Promise<T> | null)?.then === 'function';
}

/**
 * An async iterator fed by `push()`: what graphql's subscription machinery
 * and graphql-ws consume. Items wait in order until read; `end()` finishes
 * it (with an error reported after the last item, if given). Bounds are the
 * producer's business: it reads `size` before pushing.
 */

type Pending<T> = { resolve(result: IteratorResult<T>): void; reject(error: unknown): void };

/** A queue read with `for await`. */
export class AsyncQueue<T> implements AsyncIterableIterator<T> {
  private readonly items: T[] = [];
  private pending?: Pending<T>;
  /** Set once no more items come: true, or the error the reader gets after the last item. */
  private end?: true | Error;

  /** `onEnd` runs once, when the queue ends: by `end()`, or by its reader (`return()`, `throw()`). */
  constructor(private onEnd?: () => void) {}

  /** Items waiting to be read. */
  get size(): number {
    return this.items.length;
  }

  /** True once ended: pushes are ignored. */
  get ended(): boolean {
    return this.end !== undefined;
  }

  /** Hands `item` to a waiting reader, or queues it. */
  push(item: T): void {
    if (this.end) return;
    if (this.pending) {
      const { resolve } = this.pending;
      this.pending = undefined;
      resolve({ value: item, done: false });
    } else {
      this.items.push(item);
    }
  }

  /** No more items: the reader gets what is queued, then done (or `error`). */
  finish(error?: Error): void {
    if (this.end) return;
    this.end = error ?? true;
    if (this.pending && this.items.length === 0) {
      const { resolve, reject } = this.pending;
      this.pending = undefined;
      this.end = true;
      if (error) reject(error);
      else resolve({ value: undefined, done: true });
    }
    const onEnd = this.onEnd;
    this.onEnd = undefined;
    onEnd?.();
  }

  next(): Promise<IteratorResult<T>> {
    if (this.items.length > 0) return Promise.resolve({ value: this.items.shift()!, done: false });
    if (this.end instanceof Error) {
      const error = this.end;
      this.end = true;
      return Promise.reject(error);
    }
    if (this.end) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => (this.pending = { resolve, reject }));
  }

  return(): Promise<IteratorResult<T>> {
    this.items.length = 0;
    this.finish();
    return Promise.resolve({ value: undefined, done: true });
  }

  throw(error: unknown): Promise<IteratorResult<T>> {
    this.items.length = 0;
    this.finish();
    return Promise.reject(error);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}

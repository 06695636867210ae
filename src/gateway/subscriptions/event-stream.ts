/**
 * The source stream of one subscription field: the viewer's realtime events
 * (of one channel, or all of them) as `ChatEvent` models, in arrival order,
 * ending with a GraphQL error on a terminal event (ACCESS_REVOKED,
 * SESSION_ERROR). This is what a `subscribe` resolver returns; graphql
 * executes the selection once per event it yields.
 */
import type { RealtimeHub } from '../realtime';
import type { Viewer } from '../viewer';
import { AsyncQueue } from './async-queue';
import { accessRevokedError, fellBehind, sessionError } from './errors';
import { chatEventOf, ChatEventModel } from './event-models';

/** What a stream listens to. */
export interface ChatEventStreamOptions<T extends ChatEventModel> {
  hub: RealtimeHub;
  viewer: Viewer;
  /** Only this channel's events; unset: every event of the viewer. */
  channelArn?: string;
  /** The event types the subscription field delivers; others are skipped. */
  accepts: ReadonlySet<T['__typename']>;
  /**
   * Events that may wait to be executed. Executing is normally much faster
   * than events arrive; if it falls this far behind, the stream ends with an
   * error rather than growing without bound.
   */
  maxQueued: number;
}

/** Subscribes to the hub; the returned iterator's `return()` unsubscribes. Throws if the hub is closed. */
export function chatEventStream<T extends ChatEventModel>(options: ChatEventStreamOptions<T>): AsyncQueue<T> {
  const { hub, viewer, channelArn, accepts, maxQueued } = options;
  let unsubscribe: () => void = () => undefined;
  const queue = new AsyncQueue<T>(() => unsubscribe());
  unsubscribe = hub.subscribe(viewer, { channelArn }, (event) => {
    if (queue.ended) return;
    if (event.kind === 'accessRevoked') return queue.finish(accessRevokedError(event));
    if (event.kind === 'sessionError') return queue.finish(sessionError(event));
    const model = chatEventOf(event);
    if (model === null || !accepts.has(model.__typename)) return;
    if (queue.size >= maxQueued) queue.finish(fellBehind(maxQueued));
    else queue.push(model as T);
  });
  return queue;
}

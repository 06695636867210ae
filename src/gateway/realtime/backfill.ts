/**
 * Recovering what a messaging session missed while it was down: Chime
 * replays nothing after a reconnect, so the relay lists each channel's
 * messages since the last point it knows was delivered.
 */
import {
  ChannelMessageSummary,
  ChimeSDKMessagingClient,
  ListChannelMembershipsForAppInstanceUserCommand,
  ListChannelMessagesCommand,
} from '@aws-sdk/client-chime-sdk-messaging';
import type { ChannelMessageEvent, FrameMessageType, ResyncReason } from './events';

/** Bounds of the backfill after a reconnect. */
export interface BackfillOptions {
  /**
   * Longest upstream outage that is backfilled, in ms; after a longer one
   * every subscribed channel gets RESYNC instead (a client that was away that
   * long is better served by refetching a page). Default 600000 (10 min).
   */
  maxGapMs?: number;
  /** Most messages replayed for one channel; a channel that missed more gets RESYNC. Default 500 (10 pages). */
  maxMessagesPerChannel?: number;
  /**
   * How far before the last known-delivered point the listing starts, in ms:
   * absorbs clock skew between gateway and Chime and events published a
   * little after their CreatedTimestamp. The overlap is dropped by message id. Default 5000.
   */
  overlapMs?: number;
  /** Channels listed in parallel. Default 4. */
  concurrency?: number;
  /** Most of the viewer's channels scanned to find those active during the gap, for viewer-wide subscribers. Default 1000. */
  maxScannedChannels?: number;
  /** Time allowed for each listing call, in ms; live events wait for the backfill, so it must not hang. Default 10000. */
  callTimeoutMs?: number;
}

/** Backfill options with every default applied. */
export type BackfillSettings = Required<BackfillOptions>;

/** Applies defaults and checks ranges; the error names the option and the value. */
export function backfillSettings(options: BackfillOptions = {}): BackfillSettings {
  const settings: BackfillSettings = {
    maxGapMs: options.maxGapMs ?? 600_000,
    maxMessagesPerChannel: options.maxMessagesPerChannel ?? 500,
    overlapMs: options.overlapMs ?? 5_000,
    concurrency: options.concurrency ?? 4,
    maxScannedChannels: options.maxScannedChannels ?? 1000,
    callTimeoutMs: options.callTimeoutMs ?? 10_000,
  };
  for (const [name, value] of Object.entries(settings)) {
    const min = name === 'overlapMs' || name === 'maxGapMs' ? 0 : 1;
    if (!(typeof value === 'number' && value >= min && Number.isFinite(value))) {
      throw new RangeError(`backfill.${name} must be a finite number >= ${min}, got ${String(value)}.`);
    }
  }
  return settings;
}

/** The messages one channel missed, oldest first, or why they cannot be replayed. */
export type ChannelBackfill = { messages: ChannelMessageEvent[] } | { resync: ResyncReason };

/** One channel's listing request. */
export interface ChannelBackfillRequest {
  channelArn: string;
  /** Earliest CreatedTimestamp to list (NotBefore). */
  notBefore: Date;
  /** For elastic channels: the sub-channel the viewer's messages came from. */
  subChannelId?: string;
}

/**
 * Lists a channel's messages since `notBefore`, ascending, following
 * NextToken, as the viewer (ChimeBearer). NotFound and Forbidden answers, any
 * other failure and exceeding `maxMessagesPerChannel` become a resync reason
 * instead of an error.
 */
export async function listMissedMessages(
  messaging: ChimeSDKMessagingClient,
  viewerArn: string,
  request: ChannelBackfillRequest,
  settings: Pick<BackfillSettings, 'maxMessagesPerChannel' | 'callTimeoutMs'>,
): Promise<ChannelBackfill> {
  const messages: ChannelMessageEvent[] = [];
  let nextToken: string | undefined;
  try {
    do {
      const page = await messaging.send(
        new ListChannelMessagesCommand({
          ChannelArn: request.channelArn,
          ChimeBearer: viewerArn,
          SortOrder: 'ASCENDING',
          NotBefore: request.notBefore,
          MaxResults: 50,
          NextToken: nextToken,
          SubChannelId: request.subChannelId,
        }),
        { abortSignal: AbortSignal.timeout(settings.callTimeoutMs) },
      );
      for (const summary of page.ChannelMessages ?? []) {
        if (messages.length >= settings.maxMessagesPerChannel) return { resync: 'TOO_MANY_MISSED' };
        messages.push(backfilledEvent(request.channelArn, summary, page.SubChannelId ?? request.subChannelId));
      }
      nextToken = page.NextToken;
    } while (nextToken);
  } catch (err) {
    const name = (err as Error).name;
    if (name === 'NotFoundException') return { resync: 'CHANNEL_NOT_FOUND' };
    if (name === 'ForbiddenException') return { resync: 'FORBIDDEN' };
    return { resync: 'BACKFILL_FAILED' };
  }
  return { messages };
}

/**
 * The viewer's channels whose last message is not older than `since` (or
 * unknown), scanning at most `maxScannedChannels` memberships. Undefined when the
 * scan failed or the viewer belongs to more channels than that.
 */
export async function listActiveChannels(
  messaging: ChimeSDKMessagingClient,
  viewerArn: string,
  since: Date,
  settings: Pick<BackfillSettings, 'maxScannedChannels' | 'callTimeoutMs'>,
): Promise<string[] | undefined> {
  const active: string[] = [];
  let scanned = 0;
  let nextToken: string | undefined;
  try {
    do {
      const page = await messaging.send(
        new ListChannelMembershipsForAppInstanceUserCommand({ AppInstanceUserArn: viewerArn, ChimeBearer: viewerArn, MaxResults: 50, NextToken: nextToken }),
        { abortSignal: AbortSignal.timeout(settings.callTimeoutMs) },
      );
      for (const membership of page.ChannelMemberships ?? []) {
        if (++scanned > settings.maxScannedChannels) return undefined;
        const channel = membership.ChannelSummary;
        if (!channel?.ChannelArn) continue;
        const last = channel.LastMessageTimestamp?.getTime();
        if (last === undefined || last >= since.getTime()) active.push(channel.ChannelArn);
      }
      nextToken = page.NextToken;
    } while (nextToken);
  } catch {
    return undefined;
  }
  return active;
}

/** Runs `work` over `items` with at most `limit` in flight; results keep the items' order. */
export async function mapWithLimit<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** A listed message as the CREATE_CHANNEL_MESSAGE event the session would have delivered (listed messages are persistent). */
function backfilledEvent(channelArn: string, summary: ChannelMessageSummary, subChannelId: string | undefined): ChannelMessageEvent {
  return {
    kind: 'message',
    type: 'CREATE_CHANNEL_MESSAGE',
    channelArn,
    messageType: (summary.Type as FrameMessageType | undefined) ?? 'STANDARD',
    persistence: 'PERSISTENT',
    message: { ...summary, ChannelArn: channelArn, Persistence: 'PERSISTENT', ...(subChannelId ? { SubChannelId: subChannelId } : {}) },
    backfilled: true,
  };
}

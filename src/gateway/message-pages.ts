/**
 * ListChannelMessages pages of one request, started ahead of the field that
 * reads them. GraphQL runs `channel(arn:) { messages }` one level after the
 * other: `messages` only once DescribeChannel has answered. Started together
 * (resolvers/messages-prefetch.ts), a chat screen's query waits for one Chime
 * round trip instead of two. A page started ahead is read once: a later read
 * of the same page (after a mutation, say) asks Chime again. One nobody reads
 * (the channel was missing, a field was skipped) is dropped with its failure.
 */
import { ListChannelMessagesCommandInput, ListChannelMessagesCommandOutput } from '@aws-sdk/client-chime-sdk-messaging';
import type { MessageQuery } from './connection';

/** A ListChannelMessages request as the gateway sends it (the bearer is added by the upstream). */
export type MessagePageRequest = Omit<ListChannelMessagesCommandInput, 'ChimeBearer'>;

/** The request of one page of a channel's (or sub-channel's) messages. */
export function messagePageRequest(channelArn: string, subChannelId: string | undefined, query: MessageQuery): MessagePageRequest {
  return {
    ChannelArn: channelArn,
    SubChannelId: subChannelId,
    SortOrder: query.sortOrder,
    NotBefore: query.notBefore,
    NotAfter: query.notAfter,
    MaxResults: query.maxResults,
    NextToken: query.nextToken,
  };
}

/** One request's pages: started ahead, or asked for when read. */
export class MessagePages {
  private readonly started = new Map<string, Promise<ListChannelMessagesCommandOutput>>();

  constructor(private readonly list: (request: MessagePageRequest) => Promise<ListChannelMessagesCommandOutput>) {}

  /** Starts the call for `request`, unless one for the same page is already waiting to be read. */
  prefetch(request: MessagePageRequest): void {
    const key = keyOf(request);
    if (this.started.has(key)) return;
    const page = this.list(request);
    // Nobody may read it; its reader, if any, still gets the failure.
    page.catch(() => undefined);
    this.started.set(key, page);
  }

  /** The page of `request`: the one started ahead (then forgotten), else a new call. */
  read(request: MessagePageRequest): Promise<ListChannelMessagesCommandOutput> {
    const key = keyOf(request);
    const page = this.started.get(key);
    if (!page) return this.list(request);
    this.started.delete(key);
    return page;
  }
}

function keyOf(request: MessagePageRequest): string {
  const { ChannelArn, SubChannelId, SortOrder, NotBefore, NotAfter, MaxResults, NextToken } = request;
  return JSON.stringify([ChannelArn, SubChannelId, SortOrder, NotBefore?.getTime(), NotAfter?.getTime(), MaxResults, NextToken]);
}

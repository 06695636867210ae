/**
 * The request's DataLoaders over Chime's describe calls. Created per request
 * (never shared between requests), cached by (bearer, key) so no answer made
 * for one user can be served to another, and primed by list results so a
 * listed object never costs a describe call for fields the list carried.
 * Chime has no batch describe, so a batch is one call per key, which
 * `Upstream` runs within the request's concurrency bound. Loaders of
 * bearer-less operations (flows, tags, the rooms API) go through
 * `Upstream`'s AppInstanceAdmin-only methods.
 */
import DataLoader from 'dataloader';
import { Account, GetAccountCommand, GetRoomCommand, GetUserCommand, ListRoomMembershipsCommand, Room, RoomMembership, User } from '@aws-sdk/client-chime';
import {
  AppInstanceUserMembershipSummary,
  Channel,
  ChannelBan,
  ChannelFlow,
  ChannelMembership,
  ChannelMembershipPreferences,
  ChannelMessageStatusStructure,
  ChannelModerator,
  ChannelSummary,
  DescribeChannelBanCommand,
  DescribeChannelCommand,
  DescribeChannelFlowCommand,
  DescribeChannelMembershipCommand,
  DescribeChannelMembershipForAppInstanceUserCommand,
  DescribeChannelModeratedByAppInstanceUserCommand,
  DescribeChannelModeratorCommand,
  GetChannelMembershipPreferencesCommand,
  GetChannelMessageCommand,
  GetChannelMessageStatusCommand,
  ListChannelMessagesCommand,
  ListTagsForResourceCommand,
  Tag,
} from '@aws-sdk/client-chime-sdk-messaging';
import {
  AppInstance,
  AppInstanceBot,
  AppInstanceUser,
  DescribeAppInstanceBotCommand,
  DescribeAppInstanceCommand,
  DescribeAppInstanceUserCommand,
} from '@aws-sdk/client-chime-sdk-identity';
import { GraphQLError } from 'graphql';
import { gatewayError } from './errors';
import { appInstanceOf } from './global-id';
import { MessagePages } from './message-pages';
import { LoadedMessage } from './resolvers/models';
import { Upstream } from './upstream';

/** An object inside a channel: a member, moderator or banned identity. */
export interface ChannelMemberKey {
  channelArn: string;
  memberArn: string;
}

/** A message: its channel and Chime MessageId. */
export interface MessageKey {
  channelArn: string;
  messageId: string;
}

/** A room of an Amazon Chime account. */
export interface RoomKey {
  accountId: string;
  roomId: string;
}

/** A user of an Amazon Chime account. */
export interface ChimeUserKey {
  accountId: string;
  userId: string;
}

/** ListRoomMemberships pages a room roster reads at most (99 each, the API's largest page). */
export const ROOM_ROSTER_PAGES = 20;
const ROOM_PAGE = 99;

/** Every loader of one request. */
export interface Loaders {
  /** DescribeChannel: the full channel. */
  channel: DataLoader<string, Channel>;
  /** What a list call says of a channel (primed by lists); falls back to DescribeChannel. */
  channelSummary: DataLoader<string, ChannelSummary>;
  /** DescribeChannelMembership. */
  membership: DataLoader<ChannelMemberKey, ChannelMembership>;
  /** DescribeChannelMembershipForAppInstanceUser: a user's own view (type, read marker); null when not a member. */
  membershipForUser: DataLoader<ChannelMemberKey, AppInstanceUserMembershipSummary | null>;
  /** DescribeChannelModeratedByAppInstanceUser: whether the user moderates the channel. */
  moderates: DataLoader<ChannelMemberKey, boolean>;
  /** DescribeChannelModerator. */
  moderator: DataLoader<ChannelMemberKey, ChannelModerator>;
  /** DescribeChannelBan. */
  ban: DataLoader<ChannelMemberKey, ChannelBan>;
  /** GetChannelMessage (primed by ListChannelMessages). */
  message: DataLoader<MessageKey, LoadedMessage>;
  /** DescribeAppInstanceUser, within the viewer's AppInstance. */
  user: DataLoader<string, AppInstanceUser>;
  /** DescribeAppInstanceBot, within the viewer's AppInstance. */
  bot: DataLoader<string, AppInstanceBot>;
  /** DescribeAppInstance, the viewer's own only. */
  appInstance: DataLoader<string, AppInstance>;
  /** GetChannelMessageStatus: the current status of a message in a channel flow. */
  messageStatus: DataLoader<MessageKey, ChannelMessageStatusStructure>;
  /** GetChannelMembershipPreferences: the member's own preferences (Chime allows the member itself only). */
  preferences: DataLoader<ChannelMemberKey, ChannelMembershipPreferences>;
  /** ListTagsForResource (AppInstanceAdmins only). */
  tags: DataLoader<string, Tag[]>;
  /** DescribeChannelFlow (AppInstanceAdmins only). */
  channelFlow: DataLoader<string, ChannelFlow>;
  /** GetAccount (rooms API; AppInstanceAdmins only). */
  chimeAccount: DataLoader<string, Account>;
  /** GetUser (rooms API; AppInstanceAdmins only). */
  chimeUser: DataLoader<ChimeUserKey, User>;
  /** GetRoom (rooms API; AppInstanceAdmins only). */
  room: DataLoader<RoomKey, Room>;
  /**
   * A room's memberships by MemberId (ListRoomMemberships, every page up to
   * ROOM_ROSTER_PAGES): the rooms API has no call that describes one
   * membership, so one is found in its room's roster.
   */
  roomRoster: DataLoader<RoomKey, Map<string, RoomMembership>>;
  /** ListChannelMessages pages, some started ahead of the field that reads them. */
  messagePages: MessagePages;
}

/** True for the NOT_FOUND error of a describe call. */
function isNotFound(error: unknown): boolean {
  return error instanceof GraphQLError && error.extensions.code === 'NOT_FOUND';
}

/** Resolves to null when the load fails with NOT_FOUND; other errors pass. */
export async function orNull<T>(load: Promise<T>): Promise<T | null> {
  try {
    return await load;
  } catch (error) {
    if (isNotFound(error)) return null;
    throw error;
  }
}

/**
 * A loader of one describe call per key. The cache key holds the bearer
 * first, and failed keys are dropped from the cache so a later load in the
 * same request asks again instead of repeating an old failure.
 */
function describeLoader<K, V>(bearer: string, keyOf: (key: K) => string, describe: (key: K) => Promise<V>): DataLoader<K, V> {
  const loader: DataLoader<K, V, string> = new DataLoader<K, V, string>(
    (keys) =>
      Promise.all(
        keys.map((key) =>
          describe(key).catch((error: unknown) => {
            queueMicrotask(() => loader.clear(key));
            return error instanceof Error ? error : new Error(String(error));
          }),
        ),
      ),
    { cacheKeyFn: (key) => `${bearer}\n${keyOf(key)}` },
  );
  return loader;
}

const byString = (key: string): string => key;
const byMember = (key: ChannelMemberKey): string => `${key.channelArn}\n${key.memberArn}`;
const byMessage = (key: MessageKey): string => `${key.channelArn}\n${key.messageId}`;
const byRoom = (key: RoomKey): string => `${key.accountId}\n${key.roomId}`;
const byChimeUser = (key: ChimeUserKey): string => `${key.accountId}\n${key.userId}`;

/** Creates the loaders of one request; the bearer is the request's viewer. */
export function createLoaders(upstream: Upstream): Loaders {
  const viewer = upstream.viewer;
  const bearer = viewer?.userArn ?? '';
  // Identity calls carry no bearer, so the gateway itself keeps them inside the viewer's AppInstance.
  const ownInstance = (arn: string): void => {
    if (viewer && appInstanceOf(arn) !== viewer.appInstanceArn) {
      throw gatewayError('FORBIDDEN', `${arn} is not in the viewer's AppInstance ${viewer.appInstanceArn}.`);
    }
  };

  const channel = describeLoader(bearer, byString, async (arn: string) => {
    const out = await upstream.messaging(DescribeChannelCommand, { ChannelArn: arn });
    if (!out.Channel) throw gatewayError('NOT_FOUND', `Channel ${arn} not found.`);
    return out.Channel;
  });

  const loaders: Loaders = {
    channel,
    channelSummary: describeLoader(bearer, byString, (arn: string) => channel.load(arn)),
    membership: describeLoader(bearer, byMember, async (key: ChannelMemberKey) => {
      const out = await upstream.messaging(DescribeChannelMembershipCommand, { ChannelArn: key.channelArn, MemberArn: key.memberArn });
      if (!out.ChannelMembership) throw gatewayError('NOT_FOUND', `${key.memberArn} is not a member of ${key.channelArn}.`);
      return out.ChannelMembership;
    }),
    membershipForUser: describeLoader(bearer, byMember, async (key: ChannelMemberKey) => {
      const out = await orNull(
        upstream.messaging(DescribeChannelMembershipForAppInstanceUserCommand, { ChannelArn: key.channelArn, AppInstanceUserArn: key.memberArn }),
      );
      return out?.ChannelMembership?.AppInstanceUserMembershipSummary ?? null;
    }),
    moderates: describeLoader(bearer, byMember, async (key: ChannelMemberKey) => {
      const out = await orNull(
        upstream.messaging(DescribeChannelModeratedByAppInstanceUserCommand, { ChannelArn: key.channelArn, AppInstanceUserArn: key.memberArn }),
      );
      return out?.Channel?.ChannelSummary !== undefined;
    }),
    moderator: describeLoader(bearer, byMember, async (key: ChannelMemberKey) => {
      const out = await upstream.messaging(DescribeChannelModeratorCommand, { ChannelArn: key.channelArn, ChannelModeratorArn: key.memberArn });
      if (!out.ChannelModerator) throw gatewayError('NOT_FOUND', `${key.memberArn} is not a moderator of ${key.channelArn}.`);
      return out.ChannelModerator;
    }),
    ban: describeLoader(bearer, byMember, async (key: ChannelMemberKey) => {
      const out = await upstream.messaging(DescribeChannelBanCommand, { ChannelArn: key.channelArn, MemberArn: key.memberArn });
      if (!out.ChannelBan) throw gatewayError('NOT_FOUND', `${key.memberArn} is not banned from ${key.channelArn}.`);
      return out.ChannelBan;
    }),
    message: describeLoader(bearer, byMessage, async (key: MessageKey) => {
      const out = await upstream.messaging(GetChannelMessageCommand, { ChannelArn: key.channelArn, MessageId: key.messageId });
      if (!out.ChannelMessage) throw gatewayError('NOT_FOUND', `Message ${key.messageId} not found in ${key.channelArn}.`);
      return { ...out.ChannelMessage, ChannelArn: key.channelArn, MessageId: key.messageId };
    }),
    user: describeLoader(bearer, byString, async (arn: string) => {
      ownInstance(arn);
      const out = await upstream.identity(DescribeAppInstanceUserCommand, { AppInstanceUserArn: arn });
      if (!out.AppInstanceUser) throw gatewayError('NOT_FOUND', `AppInstanceUser ${arn} not found.`);
      return out.AppInstanceUser;
    }),
    bot: describeLoader(bearer, byString, async (arn: string) => {
      ownInstance(arn);
      const out = await upstream.identity(DescribeAppInstanceBotCommand, { AppInstanceBotArn: arn });
      if (!out.AppInstanceBot) throw gatewayError('NOT_FOUND', `AppInstanceBot ${arn} not found.`);
      return out.AppInstanceBot;
    }),
    appInstance: describeLoader(bearer, byString, async (arn: string) => {
      ownInstance(arn);
      const out = await upstream.identity(DescribeAppInstanceCommand, { AppInstanceArn: arn });
      if (!out.AppInstance) throw gatewayError('NOT_FOUND', `AppInstance ${arn} not found.`);
      return out.AppInstance;
    }),
    messageStatus: describeLoader(bearer, byMessage, async (key: MessageKey) => {
      const out = await upstream.messaging(GetChannelMessageStatusCommand, { ChannelArn: key.channelArn, MessageId: key.messageId });
      if (!out.Status) throw gatewayError('NOT_FOUND', `Message ${key.messageId} has no status in ${key.channelArn}.`);
      return out.Status;
    }),
    preferences: describeLoader(bearer, byMember, async (key: ChannelMemberKey) => {
      const out = await upstream.messaging(GetChannelMembershipPreferencesCommand, { ChannelArn: key.channelArn, MemberArn: key.memberArn });
      return out.Preferences ?? {};
    }),
    tags: describeLoader(bearer, byString, async (arn: string) => {
      const out = await upstream.messagingAsAdmin(ListTagsForResourceCommand, { ResourceARN: arn });
      return out.Tags ?? [];
    }),
    channelFlow: describeLoader(bearer, byString, async (arn: string) => {
      const out = await upstream.messagingAsAdmin(DescribeChannelFlowCommand, { ChannelFlowArn: arn });
      if (!out.ChannelFlow) throw gatewayError('NOT_FOUND', `Channel flow ${arn} not found.`);
      return out.ChannelFlow;
    }),
    chimeAccount: describeLoader(bearer, byString, async (accountId: string) => {
      const out = await upstream.rooms(GetAccountCommand, { AccountId: accountId });
      if (!out.Account) throw gatewayError('NOT_FOUND', `Account ${accountId} not found.`);
      return out.Account;
    }),
    chimeUser: describeLoader(bearer, byChimeUser, async (key: ChimeUserKey) => {
      const out = await upstream.rooms(GetUserCommand, { AccountId: key.accountId, UserId: key.userId });
      if (!out.User) throw gatewayError('NOT_FOUND', `User ${key.userId} not found in account ${key.accountId}.`);
      return out.User;
    }),
    room: describeLoader(bearer, byRoom, async (key: RoomKey) => {
      const out = await upstream.rooms(GetRoomCommand, { AccountId: key.accountId, RoomId: key.roomId });
      if (!out.Room) throw gatewayError('NOT_FOUND', `Room ${key.roomId} not found in account ${key.accountId}.`);
      return out.Room;
    }),
    roomRoster: describeLoader(bearer, byRoom, async (key: RoomKey) => {
      const roster = new Map<string, RoomMembership>();
      let nextToken: string | undefined;
      for (let page = 0; page < ROOM_ROSTER_PAGES; page++) {
        const out = await upstream.rooms(ListRoomMembershipsCommand, { AccountId: key.accountId, RoomId: key.roomId, MaxResults: ROOM_PAGE, NextToken: nextToken });
        for (const membership of out.RoomMemberships ?? []) if (membership.Member?.MemberId) roster.set(membership.Member.MemberId, membership);
        nextToken = out.NextToken;
        if (!nextToken) break;
      }
      return roster;
    }),
    messagePages: new MessagePages((request) => upstream.messaging(ListChannelMessagesCommand, request)),
  };
  return loaders;
}

/** Primes the channel loaders with what a list call returned. */
export function primeChannel(loaders: Loaders, summary: ChannelSummary): void {
  if (summary.ChannelArn) loaders.channelSummary.prime(summary.ChannelArn, summary);
}

/** Forgets everything cached about a room after a mutation changed it or its roster. */
export function forgetRoom(loaders: Loaders, key: RoomKey): void {
  loaders.room.clear(key);
  loaders.roomRoster.clear(key);
}

/** Forgets everything cached about a channel after a mutation changed it. */
export function forgetChannel(loaders: Loaders, channelArn: string): void {
  loaders.channel.clear(channelArn);
  loaders.channelSummary.clear(channelArn);
}

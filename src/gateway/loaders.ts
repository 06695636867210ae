/**
 * The request's DataLoaders over Chime's describe calls. Created per request
 * (never shared between requests), cached by (bearer, key) so no answer made
 * for one user can be served to another, and primed by list results so a
 * listed object never costs a describe call for fields the list carried.
 * Chime has no batch describe, so a batch is one call per key, which
 * `Upstream` runs within the request's concurrency bound.
 */
import DataLoader from 'dataloader';
import {
  AppInstanceUserMembershipSummary,
  Channel,
  ChannelBan,
  ChannelMembership,
  ChannelModerator,
  ChannelSummary,
  DescribeChannelBanCommand,
  DescribeChannelCommand,
  DescribeChannelMembershipCommand,
  DescribeChannelMembershipForAppInstanceUserCommand,
  DescribeChannelModeratedByAppInstanceUserCommand,
  DescribeChannelModeratorCommand,
  GetChannelMessageCommand,
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
}

/** True for the NOT_FOUND error of a describe call. */
export function isNotFound(error: unknown): boolean {
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
  };
  return loaders;
}

/** Primes the channel loaders with what a list call returned. */
export function primeChannel(loaders: Loaders, summary: ChannelSummary): void {
  if (summary.ChannelArn) loaders.channelSummary.prime(summary.ChannelArn, summary);
}

/** Forgets everything cached about a channel after a mutation changed it. */
export function forgetChannel(loaders: Loaders, channelArn: string): void {
  loaders.channel.clear(channelArn);
  loaders.channelSummary.clear(channelArn);
}

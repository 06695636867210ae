/**
 * Channel: its own fields (from a list's ChannelSummary when that carried
 * them, else DescribeChannel), its rosters and message history as
 * connections, and the viewer's read state.
 */
import {
  Channel as SdkChannel,
  ChannelSummary,
  ListChannelBansCommand,
  ListChannelMembershipsCommand,
  ListChannelMessagesCommand,
  ListChannelModeratorsCommand,
  ListSubChannelsCommand,
  SubChannelSummary,
  Tag,
} from '@aws-sdk/client-chime-sdk-messaging';
import { CHIME_PAGE_SIZE, listConnection, messageConnection } from '../connection';
import { GatewayContext, requireViewer } from '../context';
import { ChannelResolvers } from '../generated/resolvers-types';
import { appInstanceOf, toGlobalId } from '../global-id';
import { checkMessageId, checkSubChannelId, identityArnOfId } from '../input-limits';
import { orNull } from '../loaders';
import { messagePageRequest } from '../message-pages';
import { banOf } from './channel-ban';
import { membershipOf } from './channel-membership';
import { moderatorOf } from './channel-moderator';
import { Complete } from './complete';
import { BanModel, channelFlowModel, ChannelModel, identityModel, MembershipModel, messageModel, ModeratorModel } from './models';

/** Most messages `unreadCount` counts; 100 means "100 or more". */
export const UNREAD_COUNT_CAP = 100;
/** Most ListChannelMessages calls one `unreadCount` makes. */
const UNREAD_SCAN_PAGES = 4;

/** Scope of a channel's membership list (for cursors); the type and sub-channel filters change what is listed. */
export const membershipsScope = (channelArn: string, type: string | null | undefined, subChannelId?: string | null): string =>
  `ListChannelMemberships|${channelArn}|${type ?? 'DEFAULT'}${subChannelId ? `|${subChannelId}` : ''}`;
/** Scope of a channel's moderator list. */
export const moderatorsScope = (channelArn: string): string => `ListChannelModerators|${channelArn}`;
/** Scope of a channel's ban list. */
export const bansScope = (channelArn: string): string => `ListChannelBans|${channelArn}`;
/**
 * Scope of a channel's message history. Message cursors are points in time,
 * which mean the same in every sub-channel of an elastic channel, so the
 * sub-channel is not part of the scope.
 */
export const messagesScope = (channelArn: string): string => `ListChannelMessages|${channelArn}`;

/** What a list said of the channel, else DescribeChannel. */
async function summaryOf(channel: ChannelModel, context: GatewayContext): Promise<ChannelSummary> {
  return channel.channel ?? channel.summary ?? context.loaders.channelSummary.load(channel.arn);
}

/** The full channel (DescribeChannel). */
async function describedOf(channel: ChannelModel, context: GatewayContext): Promise<SdkChannel> {
  return channel.channel ?? context.loaders.channel.load(channel.arn);
}

/** Messages from others after the viewer's read marker, up to the cap. */
async function unreadCount(channel: ChannelModel, context: GatewayContext): Promise<number | null> {
  const viewer = requireViewer(context);
  const own = await context.loaders.membershipForUser.load({ channelArn: channel.arn, memberArn: viewer.userArn });
  if (!own) return null;
  const marker = own.ReadMarkerTimestamp;
  let count = 0;
  let nextToken: string | undefined;
  for (let page = 0; page < UNREAD_SCAN_PAGES; page++) {
    const out = await context.upstream.messaging(ListChannelMessagesCommand, {
      ChannelArn: channel.arn,
      SortOrder: 'ASCENDING',
      NotBefore: marker,
      MaxResults: CHIME_PAGE_SIZE,
      NextToken: nextToken,
    });
    for (const message of out.ChannelMessages ?? []) {
      // NotBefore is inclusive; a message of the marker's own millisecond was read.
      if (marker && (message.CreatedTimestamp?.getTime() ?? 0) <= marker.getTime()) continue;
      if (message.Type !== 'STANDARD' || message.Sender?.Arn === viewer.userArn) continue;
      if (++count === UNREAD_COUNT_CAP) return count;
    }
    nextToken = out.NextToken;
    if (!nextToken) break;
  }
  return count;
}

/** Chime's tags as the graph shows them. */
export function tagsOf(tags: Tag[]): { key: string; value: string }[] {
  return tags.map((tag) => ({ key: tag.Key ?? '', value: tag.Value ?? '' }));
}

/** Channel resolvers. */
export const Channel: Complete<ChannelResolvers<GatewayContext>> = {
  id: (channel) => toGlobalId('Channel', channel.arn),
  arn: (channel) => channel.arn,
  name: async (channel, _args, context) => (await summaryOf(channel, context)).Name ?? '',
  mode: async (channel, _args, context) => (await summaryOf(channel, context)).Mode ?? 'UNRESTRICTED',
  privacy: async (channel, _args, context) => (await summaryOf(channel, context)).Privacy ?? 'PUBLIC',
  metadata: async (channel, _args, context) => (await summaryOf(channel, context)).Metadata ?? null,
  lastMessageAt: async (channel, _args, context) => (await summaryOf(channel, context)).LastMessageTimestamp ?? null,
  createdBy: async (channel, _args, context) => {
    const createdBy = (await describedOf(channel, context)).CreatedBy;
    return createdBy?.Arn ? identityModel(createdBy) : null;
  },
  createdAt: async (channel, _args, context) => (await describedOf(channel, context)).CreatedTimestamp ?? null,
  updatedAt: async (channel, _args, context) => (await describedOf(channel, context)).LastUpdatedTimestamp ?? null,
  expirationSettings: async (channel, _args, context) => {
    const settings = (await describedOf(channel, context)).ExpirationSettings;
    return settings?.ExpirationDays && settings.ExpirationCriterion
      ? { expirationDays: settings.ExpirationDays, expirationCriterion: settings.ExpirationCriterion }
      : null;
  },
  appInstance: (channel) => ({ kind: 'AppInstance', arn: appInstanceOf(channel.arn) ?? '' }),
  elasticConfiguration: async (channel, _args, context) => {
    const config = (await describedOf(channel, context)).ElasticChannelConfiguration;
    return config
      ? {
          maximumSubChannels: config.MaximumSubChannels ?? 0,
          targetMembershipsPerSubChannel: config.TargetMembershipsPerSubChannel ?? 0,
          minimumMembershipPercentage: config.MinimumMembershipPercentage ?? 0,
        }
      : null;
  },
  subChannels: async (channel, args, context) => {
    // A standard channel has no sub-channels; Chime would answer BadRequest, the graph answers null.
    if (!(await describedOf(channel, context)).ElasticChannelConfiguration) return null;
    const page = await listConnection<SubChannelSummary>(
      args,
      `ListSubChannels|${channel.arn}`,
      (sub) => sub.SubChannelId ?? '',
      async (nextToken) => {
        const out = await context.upstream.messaging(ListSubChannelsCommand, { ChannelArn: channel.arn, MaxResults: CHIME_PAGE_SIZE, NextToken: nextToken });
        return { items: out.SubChannels ?? [], nextToken: out.NextToken };
      },
    );
    return {
      ...page,
      edges: page.edges.map(({ cursor, node }) => ({ cursor, node: { subChannelId: node.SubChannelId ?? '', membershipCount: node.MembershipCount ?? 0 } })),
    };
  },
  tags: async (channel, _args, context) => tagsOf(await context.loaders.tags.load(channel.arn)),
  flow: async (channel, _args, context) => {
    const arn = (await describedOf(channel, context)).ChannelFlowArn;
    return arn ? channelFlowModel(arn) : null;
  },

  memberships: (channel, args, context) => {
    const subChannelId = checkSubChannelId('subChannelId', args.subChannelId);
    return listConnection<MembershipModel>(
      args,
      membershipsScope(channel.arn, args.type, subChannelId),
      (membership) => membership.member.arn,
      async (nextToken) => {
        const out = await context.upstream.messaging(ListChannelMembershipsCommand, {
          ChannelArn: channel.arn,
          Type: args.type ?? undefined,
          SubChannelId: subChannelId,
          MaxResults: CHIME_PAGE_SIZE,
          NextToken: nextToken,
        });
        const items = (out.ChannelMemberships ?? []).map(
          ({ Member: member = {} }): MembershipModel => ({
            kind: 'ChannelMembership',
            channelArn: channel.arn,
            member: identityModel(member),
            // Without a filter Chime lists DEFAULT members only; a HIDDEN listing mixes both types.
            type: args.type === 'HIDDEN' ? undefined : 'DEFAULT',
            // Listed by sub-channel, each member is known to be in it (a moderator may be in others too).
            ...(subChannelId ? { subChannelId } : {}),
          }),
        );
        return { items, nextToken: out.NextToken };
      },
    );
  },
  membership: async (channel, args, context) => {
    const memberArn = identityArnOfId('memberId', args.memberId);
    const details = await orNull(context.loaders.membership.load({ channelArn: channel.arn, memberArn }));
    return details && membershipOf(details, channel.arn, memberArn);
  },
  moderators: (channel, args, context) =>
    listConnection<ModeratorModel>(
      args,
      moderatorsScope(channel.arn),
      (moderator) => moderator.moderator.arn,
      async (nextToken) => {
        const out = await context.upstream.messaging(ListChannelModeratorsCommand, {
          ChannelArn: channel.arn,
          MaxResults: CHIME_PAGE_SIZE,
          NextToken: nextToken,
        });
        const items = (out.ChannelModerators ?? []).map(
          ({ Moderator: moderator = {} }): ModeratorModel => ({ kind: 'ChannelModerator', channelArn: channel.arn, moderator: identityModel(moderator) }),
        );
        return { items, nextToken: out.NextToken };
      },
    ),
  moderator: async (channel, args, context) => {
    const moderatorArn = identityArnOfId('moderatorId', args.moderatorId);
    const details = await orNull(context.loaders.moderator.load({ channelArn: channel.arn, memberArn: moderatorArn }));
    return details && moderatorOf(details, channel.arn, moderatorArn);
  },
  bans: (channel, args, context) =>
    listConnection<BanModel>(
      args,
      bansScope(channel.arn),
      (ban) => ban.member.arn,
      async (nextToken) => {
        const out = await context.upstream.messaging(ListChannelBansCommand, {
          ChannelArn: channel.arn,
          MaxResults: CHIME_PAGE_SIZE,
          NextToken: nextToken,
        });
        const items = (out.ChannelBans ?? []).map(
          ({ Member: member = {} }): BanModel => ({ kind: 'ChannelBan', channelArn: channel.arn, member: identityModel(member) }),
        );
        return { items, nextToken: out.NextToken };
      },
    ),
  ban: async (channel, args, context) => {
    const memberArn = identityArnOfId('memberId', args.memberId);
    const details = await orNull(context.loaders.ban.load({ channelArn: channel.arn, memberArn }));
    return details && banOf(details, channel.arn, memberArn);
  },

  messages: async (channel, args, context) => {
    const subChannelId = checkSubChannelId('subChannelId', args.subChannelId);
    const page = await messageConnection(args, messagesScope(channel.arn), async (query) => {
      // The first page may already be on its way (started with the channel's describe: messages-prefetch.ts).
      const out = await context.loaders.messagePages.read(messagePageRequest(channel.arn, subChannelId, query));
      const items = (out.ChannelMessages ?? []).map((summary) => {
        // A listing names its sub-channel once, not per message.
        const model = messageModel(channel.arn, { ...summary, ...(out.SubChannelId ? { SubChannelId: out.SubChannelId } : {}) });
        context.loaders.message.prime({ channelArn: channel.arn, messageId: model.messageId }, model.message!);
        return model;
      });
      return { items: items.map((model) => model.message!), nextToken: out.NextToken };
    });
    return { ...page, edges: page.edges.map(({ cursor, node }) => ({ cursor, node: messageModel(channel.arn, node) })) };
  },
  message: async (channel, args, context) => {
    const messageId = checkMessageId('messageId', args.messageId);
    const message = await orNull(context.loaders.message.load({ channelArn: channel.arn, messageId }));
    return message && { kind: 'ChannelMessage', channelArn: channel.arn, messageId, message };
  },

  viewerMembership: async (channel, _args, context) => {
    const viewer = requireViewer(context);
    const own = await context.loaders.membershipForUser.load({ channelArn: channel.arn, memberArn: viewer.userArn });
    return (
      own && {
        kind: 'ChannelMembership',
        channelArn: channel.arn,
        member: identityModel(viewer.userArn),
        type: own.Type,
        readMarkerAt: own.ReadMarkerTimestamp ?? null,
        subChannelId: own.SubChannelId ?? null,
      }
    );
  },
  viewerIsModerator: (channel, _args, context) =>
    context.loaders.moderates.load({ channelArn: channel.arn, memberArn: requireViewer(context).userArn }),
  unreadCount: (channel, _args, context) => unreadCount(channel, context),
};

/**
 * Query: the entry points (node lookup, the viewer, channels and users by
 * ARN, channel search, the session endpoint, Amazon Chime accounts).
 */
import { createHash } from 'node:crypto';
import { ListAccountsCommand } from '@aws-sdk/client-chime';
import { GetMessagingSessionEndpointCommand, SearchChannelsCommand } from '@aws-sdk/client-chime-sdk-messaging';
import { CHIME_PAGE_SIZE, listConnection } from '../connection';
import { GatewayContext, requireViewer } from '../context';
import { QueryResolvers } from '../generated/resolvers-types';
import { checkArn, checkChimeId, checkEmail, checkNodeCount, checkSearchFields, identityArnOfId } from '../input-limits';
import { primeChannel } from '../loaders';
import { Complete } from './complete';
import { describeIdentity } from './identity';
import { chimeAccountModel, ChimeAccountModel, channelModel, ChannelModel, identityModel } from './models';
import { loadNode } from './node';
import { prefetchMessages } from './messages-prefetch';

/** Query resolvers. */
export const Query: Complete<QueryResolvers<GatewayContext>> = {
  node: (_root, args, context, info) => loadNode(context, args.id, 'id', info),
  nodes: (_root, args, context, info) => {
    checkNodeCount('ids', args.ids.length);
    requireViewer(context);
    // One promise per id: an id that fails is null with its own error, the others stand.
    return args.ids.map((id, i) => loadNode(context, id, `ids[${i}]`, info));
  },
  // A bot signed in keeps its kind, so its name and id come from the bot's own describe call.
  viewer: (_root, _args, context) => identityModel(requireViewer(context).userArn),
  appInstance: (_root, _args, context) => ({ kind: 'AppInstance', arn: requireViewer(context).appInstanceArn }),
  channel: async (_root, args, context, info) => {
    const arn = checkArn('arn', args.arn);
    requireViewer(context);
    const described = context.loaders.channel.load(arn);
    prefetchMessages(arn, info, context);
    const channel = await described;
    primeChannel(context.loaders, channel);
    return channelModel(arn, { channel });
  },
  appInstanceUser: async (_root, args, context) => {
    const arn = checkArn('arn', args.arn);
    requireViewer(context);
    const user = { ...identityModel(arn), kind: 'AppInstanceUser' as const };
    return { ...user, name: (await describeIdentity(context, user)).Name };
  },
  messagingSessionEndpoint: async (_root, _args, context) => {
    requireViewer(context);
    const out = await context.upstream.messaging(GetMessagingSessionEndpointCommand, {});
    return { url: out.Endpoint?.Url ?? '' };
  },
  searchChannels: (_root, args, context) => {
    checkSearchFields('fields', args.fields);
    const fields = args.fields.map((field, i) => ({
      Key: field.key,
      Operator: field.operator,
      Values: field.values.map((id, j) => identityArnOfId(`fields[${i}].values[${j}]`, id)),
    }));
    const viewer = requireViewer(context);
    // Chime's NextToken is bound to the bearer and the fields, and so are the cursors.
    const fingerprint = createHash('sha256').update(JSON.stringify(fields)).digest('base64url');
    return listConnection<ChannelModel>(
      args,
      `SearchChannels|${viewer.userArn}|${fingerprint}`,
      (channel) => channel.arn,
      async (nextToken) => {
        const out = await context.upstream.messaging(SearchChannelsCommand, { Fields: fields, MaxResults: CHIME_PAGE_SIZE, NextToken: nextToken });
        const items = (out.Channels ?? []).map((summary) => {
          primeChannel(context.loaders, summary);
          return channelModel(summary.ChannelArn ?? '', { summary });
        });
        return { items, nextToken: out.NextToken };
      },
    );
  },
  chimeAccount: async (_root, args, context) => {
    const accountId = checkChimeId('accountId', args.accountId);
    return chimeAccountModel(accountId, await context.loaders.chimeAccount.load(accountId));
  },
  chimeAccounts: (_root, args, context) => {
    if (args.userEmail != null) checkEmail('userEmail', args.userEmail);
    requireViewer(context);
    return listConnection<ChimeAccountModel>(
      args,
      `ListAccounts|${JSON.stringify([args.name ?? null, args.userEmail?.toLowerCase() ?? null])}`,
      (account) => account.accountId,
      async (nextToken) => {
        const out = await context.upstream.rooms(ListAccountsCommand, {
          Name: args.name ?? undefined,
          UserEmail: args.userEmail ?? undefined,
          MaxResults: CHIME_PAGE_SIZE,
          NextToken: nextToken,
        });
        const items = (out.Accounts ?? []).map((account) => {
          context.loaders.chimeAccount.prime(account.AccountId ?? '', account);
          return chimeAccountModel(account.AccountId ?? '', account);
        });
        return { items, nextToken: out.NextToken };
      },
    );
  },
};

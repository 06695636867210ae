/** Query: the entry points (node lookup, the viewer, channels and users by ARN, the session endpoint). */
import { GetMessagingSessionEndpointCommand } from '@aws-sdk/client-chime-sdk-messaging';
import { GatewayContext, requireViewer } from '../context';
import { QueryResolvers } from '../generated/resolvers-types';
import { checkArn, checkNodeCount } from '../input-limits';
import { primeChannel } from '../loaders';
import { Complete } from './complete';
import { describeIdentity } from './identity';
import { channelModel, identityModel } from './models';
import { loadNode } from './node';

/** Query resolvers. */
export const Query: Complete<QueryResolvers<GatewayContext>> = {
  node: (_root, args, context) => loadNode(context, args.id, 'id'),
  nodes: (_root, args, context) => {
    checkNodeCount('ids', args.ids.length);
    requireViewer(context);
    // One promise per id: an id that fails is null with its own error, the others stand.
    return args.ids.map((id, i) => loadNode(context, id, `ids[${i}]`));
  },
  // A bot signed in keeps its kind, so its name and id come from the bot's own describe call.
  viewer: (_root, _args, context) => identityModel(requireViewer(context).userArn),
  appInstance: (_root, _args, context) => ({ kind: 'AppInstance', arn: requireViewer(context).appInstanceArn }),
  channel: async (_root, args, context) => {
    const arn = checkArn('arn', args.arn);
    requireViewer(context);
    const channel = await context.loaders.channel.load(arn);
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
};

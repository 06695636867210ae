/**
 * The `channel` field of objects inside a channel (memberships, moderators,
 * bans, messages). The channel is loaded here, not lazily, so a channel that
 * cannot be read shows as null with its error, not as an object whose every
 * field fails. Lists prime the loader, so this is usually free.
 */
import { GatewayContext } from '../context';
import { channelModel, ChannelModel } from './models';

/** The channel of an object, from the primed summary or DescribeChannel. */
export async function channelOf(channelArn: string, context: GatewayContext): Promise<ChannelModel> {
  return channelModel(channelArn, { summary: await context.loaders.channelSummary.load(channelArn) });
}

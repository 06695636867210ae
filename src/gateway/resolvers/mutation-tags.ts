/**
 * tagResource and untagResource, on channels. Chime authorizes tagging by
 * the gateway's credentials alone, so these are for AppInstanceAdmins
 * (`Upstream.messagingAsAdmin`); the channel must also be one the viewer can
 * read (DescribeChannel as the viewer), so no ARN outside its reach is tagged.
 */
import { TagResourceCommand, UntagResourceCommand } from '@aws-sdk/client-chime-sdk-messaging';
import { GatewayContext } from '../context';
import { MutationResolvers } from '../generated/resolvers-types';
import { channelArnOfId, checkTagKeys, checkTags } from '../input-limits';
import { channelModel } from './models';

type TagMutations = Pick<Required<MutationResolvers<GatewayContext>>, 'tagResource' | 'untagResource'>;

/** The channel to tag, once the viewer is known to be an admin who can read it. */
async function taggableChannel(context: GatewayContext, resourceId: string, operation: string): Promise<string> {
  const arn = channelArnOfId('input.resourceId', resourceId);
  await context.upstream.requireAppInstanceAdmin(operation);
  await context.loaders.channelSummary.load(arn);
  return arn;
}

/** Tag mutations. */
export const tagMutations: TagMutations = {
  tagResource: async (_root, { input }, context) => {
    checkTags('input.tags', input.tags);
    const arn = await taggableChannel(context, input.resourceId, 'TagResource');
    await context.upstream.messagingAsAdmin(TagResourceCommand, { ResourceARN: arn, Tags: input.tags.map((tag) => ({ Key: tag.key, Value: tag.value })) });
    context.loaders.tags.clear(arn);
    return { clientMutationId: input.clientMutationId, channel: channelModel(arn) };
  },
  untagResource: async (_root, { input }, context) => {
    checkTagKeys('input.tagKeys', input.tagKeys);
    const arn = await taggableChannel(context, input.resourceId, 'UntagResource');
    await context.upstream.messagingAsAdmin(UntagResourceCommand, { ResourceARN: arn, TagKeys: input.tagKeys });
    context.loaders.tags.clear(arn);
    return { clientMutationId: input.clientMutationId, channel: channelModel(arn) };
  },
};

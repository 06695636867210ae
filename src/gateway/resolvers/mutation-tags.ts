/**
 * tagResource and untagResource, on channels and channel flows. Chime
 * authorizes tagging by the gateway's credentials alone, so these are for
 * AppInstanceAdmins (`Upstream.messagingAsAdmin`, which also keeps them
 * inside the viewer's AppInstance); the resource must exist for the viewer
 * (DescribeChannel as the viewer, or DescribeChannelFlow) before it is tagged.
 */
import { TagResourceCommand, UntagResourceCommand } from '@aws-sdk/client-chime-sdk-messaging';
import { GatewayContext } from '../context';
import { MutationResolvers } from '../generated/resolvers-types';
import { checkArn, checkTagKeys, checkTags, nodeIdOf } from '../input-limits';
import { channelFlowModel, ChannelFlowModel, channelModel, ChannelModel } from './models';

type TagMutations = Pick<Required<MutationResolvers<GatewayContext>>, 'tagResource' | 'untagResource'>;

/** The resource a tag mutation names, checked to be a Channel or ChannelFlow id. */
function taggableOf(resourceId: string): ChannelModel | ChannelFlowModel {
  const { type, keys } = nodeIdOf('input.resourceId', resourceId, ['Channel', 'ChannelFlow']);
  const arn = checkArn('input.resourceId', keys[0]);
  return type === 'Channel' ? channelModel(arn) : channelFlowModel(arn);
}

/** Checks that the viewer is an admin and the resource exists, then returns its ARN. */
async function existing(context: GatewayContext, resource: ChannelModel | ChannelFlowModel, operation: string): Promise<string> {
  await context.upstream.requireAppInstanceAdmin(operation);
  if (resource.kind === 'Channel') await context.loaders.channelSummary.load(resource.arn);
  else await context.loaders.channelFlow.load(resource.arn);
  return resource.arn;
}

/** The payload's view of the resource: one of `channel` and `channelFlow`. */
function payloadOf(resource: ChannelModel | ChannelFlowModel) {
  return resource.kind === 'Channel' ? { channel: resource, channelFlow: null } : { channel: null, channelFlow: resource };
}

/** Tag mutations. */
export const tagMutations: TagMutations = {
  tagResource: async (_root, { input }, context) => {
    checkTags('input.tags', input.tags);
    const resource = taggableOf(input.resourceId);
    const arn = await existing(context, resource, 'TagResource');
    await context.upstream.messagingAsAdmin(TagResourceCommand, { ResourceARN: arn, Tags: input.tags.map((tag) => ({ Key: tag.key, Value: tag.value })) });
    context.loaders.tags.clear(arn);
    return { clientMutationId: input.clientMutationId, ...payloadOf(resource) };
  },
  untagResource: async (_root, { input }, context) => {
    checkTagKeys('input.tagKeys', input.tagKeys);
    const resource = taggableOf(input.resourceId);
    const arn = await existing(context, resource, 'UntagResource');
    await context.upstream.messagingAsAdmin(UntagResourceCommand, { ResourceARN: arn, TagKeys: input.tagKeys });
    context.loaders.tags.clear(arn);
    return { clientMutationId: input.clientMutationId, ...payloadOf(resource) };
  },
};

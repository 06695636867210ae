/**
 * Starts the first ListChannelMessages page of each `messages` field selected
 * on a channel fetched by `channel(arn:)` or `node(id:)`, while the channel's
 * own DescribeChannel is in flight (see message-pages.ts). Only what is certain to run is started: fields selected
 * directly, through inline fragments or fragment spreads on `Channel`,
 * without @skip/@include; arguments the field would refuse start nothing (the
 * field reports them itself).
 */
import { FieldNode, getArgumentValues, GraphQLObjectType, GraphQLResolveInfo, Kind, SelectionNode } from 'graphql';
import { firstMessageQuery, MessageArgs } from '../connection';
import type { GatewayContext } from '../context';
import { checkSubChannelId } from '../input-limits';
import { messagePageRequest } from '../message-pages';
import { messagesScope } from './channel';

const CHANNEL = 'Channel';

/** Prefetches the first page of every `messages` field of the channel `info` resolves. */
export function prefetchMessages(channelArn: string, info: GraphQLResolveInfo, context: GatewayContext): void {
  const channelType = info.schema.getType(CHANNEL) as GraphQLObjectType;
  const field = channelType.getFields().messages;
  for (const node of info.fieldNodes) {
    for (const messages of fieldsNamed(info, node.selectionSet?.selections ?? [], field.name)) {
      let request;
      try {
        const args = getArgumentValues(field, messages, info.variableValues) as MessageArgs & { subChannelId?: string | null };
        request = messagePageRequest(channelArn, checkSubChannelId('subChannelId', args.subChannelId), firstMessageQuery(args, messagesScope(channelArn)));
      } catch {
        continue;
      }
      context.loaders.messagePages.prefetch(request);
    }
  }
}

/** The fields named `name` among `selections` that certainly run on a Channel. */
function* fieldsNamed(info: GraphQLResolveInfo, selections: readonly SelectionNode[], name: string): Generator<FieldNode> {
  for (const selection of selections) {
    if (selection.directives?.length) continue;
    if (selection.kind === Kind.FIELD) {
      if (selection.name.value === name) yield selection;
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      if (!selection.typeCondition || selection.typeCondition.name.value === CHANNEL) yield* fieldsNamed(info, selection.selectionSet.selections, name);
    } else {
      const fragment = info.fragments[selection.name.value];
      if (fragment?.typeCondition.name.value === CHANNEL) yield* fieldsNamed(info, fragment.selectionSet.selections, name);
    }
  }
}

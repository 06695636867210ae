/**
 * ChannelFlow: a flow's processors and the channels it processes. Lists carry
 * name and processors; times come from DescribeChannelFlow. Chime authorizes
 * every flow call by the gateway's credentials alone, so all of them are for
 * AppInstanceAdmins (`Upstream.messagingAsAdmin`).
 */
import { ChannelFlow as SdkChannelFlow, ChannelFlowSummary, ListChannelsAssociatedWithChannelFlowCommand, Processor } from '@aws-sdk/client-chime-sdk-messaging';
import { CHIME_PAGE_SIZE, listConnection } from '../connection';
import { GatewayContext } from '../context';
import { ChannelFlowProcessorInput, ChannelFlowResolvers } from '../generated/resolvers-types';
import { appInstanceOf, toGlobalId } from '../global-id';
import { tagsOf } from './channel';
import { Complete } from './complete';
import { ChannelFlowModel, channelModel, ChannelModel } from './models';

/** What a list said of the flow, else DescribeChannelFlow. */
async function summaryOf(flow: ChannelFlowModel, context: GatewayContext): Promise<ChannelFlowSummary> {
  return flow.flow ?? context.loaders.channelFlow.load(flow.arn);
}

/** The full flow (DescribeChannelFlow). */
async function describedOf(flow: ChannelFlowModel, context: GatewayContext): Promise<SdkChannelFlow> {
  return flow.flow && 'CreatedTimestamp' in flow.flow ? flow.flow : context.loaders.channelFlow.load(flow.arn);
}

/** Chime's Processor as the graph shows it, in execution order. */
function processorsOf(processors: Processor[] | undefined) {
  return [...(processors ?? [])]
    .sort((a, b) => (a.ExecutionOrder ?? 0) - (b.ExecutionOrder ?? 0))
    .map((p) => ({
      name: p.Name ?? '',
      executionOrder: p.ExecutionOrder ?? 0,
      fallbackAction: p.FallbackAction ?? 'ABORT',
      configuration: { lambda: { resourceArn: p.Configuration?.Lambda?.ResourceArn ?? '', invocationType: p.Configuration?.Lambda?.InvocationType ?? 'ASYNC' } },
    }));
}

/** The input's processors as Chime's Processor list. */
export function processorsInput(processors: readonly ChannelFlowProcessorInput[]): Processor[] {
  return processors.map((p) => ({
    Name: p.name,
    ExecutionOrder: p.executionOrder,
    FallbackAction: p.fallbackAction,
    Configuration: { Lambda: { ResourceArn: p.configuration.lambda.resourceArn, InvocationType: p.configuration.lambda.invocationType } },
  }));
}

/** ChannelFlow resolvers. */
export const ChannelFlow: Complete<ChannelFlowResolvers<GatewayContext>> = {
  id: (flow) => toGlobalId('ChannelFlow', flow.arn),
  arn: (flow) => flow.arn,
  name: async (flow, _args, context) => (await summaryOf(flow, context)).Name ?? '',
  processors: async (flow, _args, context) => processorsOf((await summaryOf(flow, context)).Processors),
  createdAt: async (flow, _args, context) => (await describedOf(flow, context)).CreatedTimestamp ?? null,
  updatedAt: async (flow, _args, context) => (await describedOf(flow, context)).LastUpdatedTimestamp ?? null,
  appInstance: (flow) => ({ kind: 'AppInstance', arn: appInstanceOf(flow.arn) ?? '' }),
  tags: async (flow, _args, context) => tagsOf(await context.loaders.tags.load(flow.arn)),
  channels: (flow, args, context) =>
    listConnection<ChannelModel>(
      args,
      `ListChannelsAssociatedWithChannelFlow|${flow.arn}`,
      (channel) => channel.arn,
      async (nextToken) => {
        const out = await context.upstream.messagingAsAdmin(ListChannelsAssociatedWithChannelFlowCommand, {
          ChannelFlowArn: flow.arn,
          MaxResults: CHIME_PAGE_SIZE,
          NextToken: nextToken,
        });
        // This summary lacks LastMessageTimestamp, so it cannot stand in for a ChannelSummary: channel fields use DescribeChannel.
        const items = (out.Channels ?? []).map((summary) => channelModel(summary.ChannelArn ?? ''));
        return { items, nextToken: out.NextToken };
      },
    ),
};

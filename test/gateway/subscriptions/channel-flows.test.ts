/**
 * Channel flows as subscribers see them: the sender follows its message
 * through PENDING to sent (rewritten) or DENIED; the other members see only
 * the sent message.
 */
import { AssociateChannelFlowCommand, CreateChannelCommand, CreateChannelFlowCommand } from '@aws-sdk/client-chime-sdk-messaging';
import { toGlobalId } from '../../../src/gateway/global-id';
import { denying, FlowProcessorServer, lambdaArn, rewriting } from '../../support/flow-processor-server';
import { connect, startSubscriptionGateway, SubscriptionGateway, TestClient, waitUntil } from '../../support/graphql-ws-client';

const MESSAGE_EVENTS = `subscription($c: ID!) {
  channelMessageEvents(channelId: $c) { ... on ChannelMessageEvent { type message { id content status } } }
}`;

let t: SubscriptionGateway;
let processors: FlowProcessorServer;
const clients: TestClient[] = [];

beforeAll(async () => {
  processors = await FlowProcessorServer.start({ censor: rewriting((content) => content.replace(/darn/g, '****')), deny: denying() }, () => t.chime.messaging);
  t = await startSubscriptionGateway({ chime: { channelFlows: { processors: processors.template } } });
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.dispose()));
  await waitUntil(() => t.transport.stats().subscriptions === 0, 'the subscriptions to end');
});
afterAll(async () => {
  await processors.close();
  await t.close();
  expect(processors.callbackErrors).toEqual([]);
});

/** A channel of alice with bob as member, its messages processed by the flow of one processor; returns its global id. */
async function channelWithFlow(processor: string): Promise<string> {
  const { alice, bob } = t.world.users;
  const { ChannelArn } = await t.chime.messaging.send(new CreateChannelCommand({ AppInstanceArn: t.world.appInstanceArn, Name: processor, MemberArns: [bob], ChimeBearer: alice }));
  const { ChannelFlowArn } = await t.chime.messaging.send(
    new CreateChannelFlowCommand({
      AppInstanceArn: t.world.appInstanceArn,
      Name: processor,
      Processors: [{ Name: processor, Configuration: { Lambda: { ResourceArn: lambdaArn(processor), InvocationType: 'ASYNC' } }, ExecutionOrder: 1, FallbackAction: 'ABORT' }],
    }),
  );
  await t.chime.messaging.send(new AssociateChannelFlowCommand({ ChannelArn, ChannelFlowArn, ChimeBearer: alice }));
  return toGlobalId('Channel', ChannelArn!);
}

test('the sender sees PENDING then the processed message; other members see only the processed message', async () => {
  const channelId = await channelWithFlow('censor');
  const [aliceToken, bobToken] = await Promise.all([t.tokenFor(t.world.users.alice), t.tokenFor(t.world.users.bob)]);
  const alice = connect(t.wsUrl, aliceToken);
  const bob = connect(t.wsUrl, bobToken);
  clients.push(alice, bob);
  const sender = alice.subscribe(MESSAGE_EVENTS, { c: channelId });
  const member = bob.subscribe(MESSAGE_EVENTS, { c: channelId });
  await waitUntil(() => t.transport.stats().subscriptions === 2, 'both subscriptions');

  await t.gql('mutation($c: ID!) { sendChannelMessage(input: { channelId: $c, content: "darn it" }) { clientMutationId } }', { c: channelId }, aliceToken);
  const own = (await sender.receive(2)).map((r) => r.data.channelMessageEvents);
  expect(own.map((e) => e.type)).toEqual(['PENDING_CREATE_CHANNEL_MESSAGE', 'CREATE_CHANNEL_MESSAGE']);
  expect(own[1].message).toMatchObject({ content: '**** it', status: 'SENT' });
  expect(own[0].message.id).toBe(own[1].message.id);
  const [seen] = await member.receive(1);
  expect(seen.data.channelMessageEvents).toEqual({ type: 'CREATE_CHANNEL_MESSAGE', message: own[1].message });
  expect(member.results).toHaveLength(1);
});

test('a denied message: the sender sees PENDING then DENIED; other members see nothing', async () => {
  const channelId = await channelWithFlow('deny');
  const [aliceToken, bobToken] = await Promise.all([t.tokenFor(t.world.users.alice), t.tokenFor(t.world.users.bob)]);
  const alice = connect(t.wsUrl, aliceToken);
  const bob = connect(t.wsUrl, bobToken);
  clients.push(alice, bob);
  const sender = alice.subscribe(MESSAGE_EVENTS, { c: channelId });
  const member = bob.subscribe(`subscription { viewerEvents { type } }`);
  await waitUntil(() => t.transport.stats().subscriptions === 2, 'both subscriptions');

  await t.gql('mutation($c: ID!) { sendChannelMessage(input: { channelId: $c, content: "nope" }) { clientMutationId } }', { c: channelId }, aliceToken);
  const own = (await sender.receive(2)).map((r) => r.data.channelMessageEvents);
  expect(own.map((e) => [e.type, e.message.status])).toEqual([
    ['PENDING_CREATE_CHANNEL_MESSAGE', expect.stringMatching(/PENDING|DENIED/)],
    ['DENIED_CREATE_CHANNEL_MESSAGE', 'DENIED'],
  ]);
  // bob's next event is a later one: the denied message never reached him.
  await t.gql('mutation($c: ID!) { updateChannel(input: { channelId: $c, name: "after" }) { clientMutationId } }', { c: channelId }, aliceToken);
  const [first] = await member.receive(1);
  expect(first.data.viewerEvents.type).toBe('UPDATE_CHANNEL');
});

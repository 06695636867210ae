import { connect, startSubscriptionGateway, SubscriptionGateway, waitUntil } from '../../support/graphql-ws-client';

let t: SubscriptionGateway;
beforeAll(async () => {
  t = await startSubscriptionGateway();
});
afterAll(() => t.close());

test('smoke', async () => {
  const alice = await t.tokenFor(t.world.users.alice);
  const bob = await t.tokenFor(t.world.users.bob);
  const ch = (await t.gql(`mutation { createChannel(input: {name: "x"}) { channel { id } } }`, {}, alice)).createChannel.channel.id;
  const bobId = (await t.gql(`query($a: String!) { appInstanceUser(arn: $a) { id } }`, { a: t.world.users.bob }, alice)).appInstanceUser.id;
  await t.gql(`mutation($c: ID!, $m: ID!) { addChannelMember(input: {channelId: $c, memberId: $m}) { clientMutationId } }`, { c: ch, m: bobId }, alice);
  const c = connect(t.wsUrl, alice);
  const sub = c.subscribe(`subscription($c: ID!) { channelMessageEvents(channelId: $c) { __typename ... on ChannelMessageEvent { type message { id content sender { name } } } } }`, { c: ch });
  await waitUntil(() => t.transport.stats().subscriptions === 1, 'live');
  const sent = await t.gql(`mutation($c: ID!) { sendChannelMessage(input: {channelId: $c, content: "hi"}) { message { id } } }`, { c: ch }, bob);
  const [r] = await sub.receive(1);
  console.log(JSON.stringify(r), sent, t.transport.stats());
  await c.dispose();
  await waitUntil(() => t.transport.stats().upstreamSessions === 0, 'linger');
});

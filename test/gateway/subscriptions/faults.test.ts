/**
 * Nothing lost across upstream drops, as a subscriber sees it: the
 * gateway's messaging sessions run through a TCP proxy that the test cuts
 * again and again while messages keep flowing through the gateway's
 * mutation; every subscriber gets every message exactly once, in order.
 */
import { FaultProxy, startFaultProxy } from '../../support/fault-proxy';
import { connect, startSubscriptionGateway, Subscription, SubscriptionGateway, TestClient, waitUntil } from '../../support/graphql-ws-client';
import { sendWhileDropping } from '../../support/upstream-drops';

const MESSAGE_EVENTS = `subscription($c: ID!) {
  channelMessageEvents(channelId: $c) { __typename ... on ChannelMessageEvent { type recovered channel { id } message { content } } }
}`;
const VIEWER_EVENTS = `subscription {
  viewerEvents { __typename ... on ChannelMessageEvent { type recovered channel { id } message { content } } }
}`;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let t: SubscriptionGateway;
let proxy: FaultProxy;
const clients: TestClient[] = [];

beforeAll(async () => {
  // GetMessagingSessionEndpoint answers the proxy, so every upstream websocket runs through it; REST calls do not.
  t = await startSubscriptionGateway({ chime: { sessionHost: () => proxy.host } });
  proxy = await startFaultProxy(t.chime.chime.port);
});
afterAll(async () => {
  await Promise.all(clients.map((client) => client.dispose()));
  await t.close();
  await proxy.close();
});

test('the upstream session is killed repeatedly while messages flow: every subscriber receives every message exactly once, in order', async () => {
  const token = Object.fromEntries(await Promise.all(['alice', 'bob', 'carol'].map(async (name) => [name, await t.tokenFor(t.world.users[name])])));
  const ids = await t.gql('query($a: String!, $c: String!) { a: appInstanceUser(arn: $a) { id } c: appInstanceUser(arn: $c) { id } }', { a: t.world.users.alice, c: t.world.users.carol }, token.bob);
  const channel = async (name: string, members: string[]) => {
    const id = (await t.gql('mutation($n: String!) { createChannel(input: { name: $n }) { channel { id } } }', { n: name }, token.bob)).createChannel.channel.id;
    for (const member of members) await t.gql('mutation($c: ID!, $m: ID!) { addChannelMember(input: { channelId: $c, memberId: $m }) { clientMutationId } }', { c: id, m: member }, token.bob);
    return id as string;
  };
  const a = await channel('fault-a', [ids.a.id, ids.c.id]);
  const b = await channel('fault-b', [ids.a.id]);

  const aliceTab1 = connect(t.wsUrl, token.alice);
  const aliceTab2 = connect(t.wsUrl, token.alice);
  const carol = connect(t.wsUrl, token.carol);
  clients.push(aliceTab1, aliceTab2, carol);
  const subscribers: Array<{ name: string; channels: string[]; subscription: Subscription }> = [
    { name: 'alice a (tab 1)', channels: [a], subscription: aliceTab1.subscribe(MESSAGE_EVENTS, { c: a }) },
    { name: 'alice a (tab 2)', channels: [a], subscription: aliceTab2.subscribe(MESSAGE_EVENTS, { c: a }) },
    { name: 'alice b', channels: [b], subscription: aliceTab1.subscribe(MESSAGE_EVENTS, { c: b }) },
    { name: 'alice, everything', channels: [a, b], subscription: aliceTab2.subscribe(VIEWER_EVENTS) },
    { name: 'carol a', channels: [a], subscription: carol.subscribe(MESSAGE_EVENTS, { c: a }) },
    { name: 'carol, everything', channels: [a], subscription: carol.subscribe(VIEWER_EVENTS) },
  ];
  await waitUntil(() => t.transport.stats().subscriptions === subscribers.length, 'every subscription');

  const sent: Array<{ channel: string; content: string }> = [];
  const cuts = await sendWhileDropping(proxy, 45, async (i) => {
    const channelId = i % 3 === 2 ? b : a;
    await t.gql('mutation($c: ID!, $m: String!) { sendChannelMessage(input: { channelId: $c, content: $m }) { clientMutationId } }', { c: channelId, m: `m${i}` }, token.bob);
    sent.push({ channel: channelId, content: `m${i}` });
  });

  const events = (s: (typeof subscribers)[number]) => s.subscription.data.map((d) => d.channelMessageEvents ?? d.viewerEvents);
  const expected = (s: (typeof subscribers)[number]) => sent.filter((m) => s.channels.includes(m.channel));
  await waitUntil(() => subscribers.every((s) => s.subscription.results.length >= expected(s).length), 'every subscriber to catch up', 20_000);
  await sleep(200); // a late duplicate would show up here
  for (const s of subscribers) {
    // Per channel: exactly the messages sent to it, once each, in the order sent.
    for (const channel of s.channels) {
      const got = events(s).filter((e) => e.channel.id === channel).map((e) => e.message.content);
      expect({ subscriber: s.name, channel, got }).toEqual({ subscriber: s.name, channel, got: expected(s).filter((m) => m.channel === channel).map((m) => m.content) });
    }
    expect(events(s).every((e) => e.__typename === 'ChannelMessageEvent' && e.type === 'CREATE_CHANNEL_MESSAGE')).toBe(true);
    expect(s.subscription.results.every((r) => r.errors === undefined)).toBe(true);
    expect(s.subscription.ended).toBe(false);
  }
  expect(cuts).toBeGreaterThanOrEqual(4);
  // The drops really lost live events, and the replay recovered them.
  expect(subscribers.some((s) => events(s).some((e) => e.recovered))).toBe(true);
  expect(t.transport.stats()).toMatchObject({ subscriptions: subscribers.length, upstreamSessions: 2 });
}, 60_000);

describe('what cannot be recovered', () => {
  let t2: SubscriptionGateway;
  let proxy2: FaultProxy;
  let alice: string;
  let channelId: string;
  beforeAll(async () => {
    t2 = await startSubscriptionGateway({
      chime: { sessionHost: () => proxy2.host },
      // Any gap is too long to replay; a session that cannot reconnect for 500 ms fails for good.
      subscriptions: { realtime: { lingerMs: 50, backfill: { maxGapMs: 10 }, session: { backoff: { initialMs: 5, maxMs: 40 }, giveUpAfterMs: 500 } } },
    });
    proxy2 = await startFaultProxy(t2.chime.chime.port);
    alice = await t2.tokenFor(t2.world.users.alice);
    channelId = (await t2.gql('mutation { createChannel(input: { name: "gap" }) { channel { id } } }', {}, alice)).createChannel.channel.id;
  });
  afterAll(async () => {
    await t2.close();
    await proxy2.close();
  });

  test('a gap that cannot be replayed: ResyncRequiredEvent (channel and channel list), and the subscriptions carry on', async () => {
    const client = connect(t2.wsUrl, alice);
    clients.push(client);
    const messages = client.subscribe(MESSAGE_EVENTS, { c: channelId });
    const everything = client.subscribe('subscription { viewerEvents { __typename type channel { id } ... on ResyncRequiredEvent { reason since } } }');
    await waitUntil(() => t2.transport.stats().subscriptions === 2, 'both subscriptions');
    proxy2.refuse(true);
    proxy2.cut();
    await sleep(100);
    proxy2.refuse(false);
    const [resync] = await messages.receive(1);
    expect(resync.data.channelMessageEvents).toEqual({ __typename: 'ResyncRequiredEvent' });
    const got = (await everything.receive(2)).map((r) => r.data.viewerEvents);
    expect(got).toEqual(
      expect.arrayContaining([
        { __typename: 'ResyncRequiredEvent', type: 'RESYNC', channel: { id: channelId }, reason: 'GAP_TOO_LONG', since: expect.stringMatching(/Z$/) },
        { __typename: 'ResyncRequiredEvent', type: 'RESYNC', channel: null, reason: 'GAP_TOO_LONG', since: expect.stringMatching(/Z$/) },
      ]),
    );
    expect(messages.ended || everything.ended).toBe(false);
    await client.dispose();
  });

  test('an upstream session that cannot reconnect ends every subscription of the viewer with SERVICE_UNAVAILABLE; subscribing again opens a new one', async () => {
    const client = connect(t2.wsUrl, alice);
    clients.push(client);
    const messages = client.subscribe(MESSAGE_EVENTS, { c: channelId });
    const everything = client.subscribe('subscription { viewerEvents { type } }');
    await waitUntil(() => t2.transport.stats().subscriptions === 2, 'both subscriptions');
    proxy2.refuse(true);
    proxy2.cut();
    await Promise.all([messages.done, everything.done]);
    proxy2.refuse(false);
    for (const ended of [messages, everything]) {
      expect(ended.error).toEqual([expect.objectContaining({ extensions: { code: 'SERVICE_UNAVAILABLE', upstream: expect.objectContaining({ code: 'UPSTREAM_UNAVAILABLE' }) } })]);
    }
    const again = client.subscribe(MESSAGE_EVENTS, { c: channelId });
    await waitUntil(() => t2.transport.stats().subscriptions === 1, 'the new subscription');
    await t2.gql('mutation($c: ID!) { sendChannelMessage(input: { channelId: $c, content: "back" }) { clientMutationId } }', { c: channelId }, alice);
    const [back] = await again.receive(1);
    expect(back.data.channelMessageEvents.message.content).toBe('back');
    await client.dispose();
  });
});

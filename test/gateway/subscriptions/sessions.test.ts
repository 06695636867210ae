/**
 * One upstream Chime messaging session per viewer per gateway process,
 * shared by every subscription of that viewer on any number of sockets,
 * closed a linger after the last one ends.
 */
import { BatchCreateChannelMembershipCommand, CreateChannelCommand } from '@aws-sdk/client-chime-sdk-messaging';
import { toGlobalId } from '../../../src/gateway/global-id';
import { connect, startSubscriptionGateway, Subscription, SubscriptionGateway, TestClient, waitUntil } from '../../support/graphql-ws-client';
import { createUsers } from '../../support/local-chime';

const VIEWERS = 20;
const LINGER_MS = 300;

/** Ten different subscriptions a chat client might hold, five per socket. */
const DOCUMENTS = [
  'subscription($c: ID!) { channelMessageEvents(channelId: $c) { ... on ChannelMessageEvent { message { id content } } } }',
  'subscription($c: ID!) { channelMessageEvents(channelId: $c) { ... on ChannelMessageEvent { type message { id sender { name } } } } }',
  'subscription($c: ID!) { channelEvents(channelId: $c) { __typename } }',
  'subscription($c: ID!) { channelEvents(channelId: $c) { ... on ChannelControlEvent { message { content } } } }',
  'subscription { viewerEvents { type channel { id } } }',
];

let t: SubscriptionGateway;
beforeAll(async () => {
  t = await startSubscriptionGateway({ subscriptions: { realtime: { lingerMs: LINGER_MS } } });
});
afterAll(() => t.close());

test('200 subscriptions from 20 viewers use exactly 20 upstream sessions, and none once all are gone and the linger has passed', async () => {
  const users = await createUsers(t.chime.identity, t.world.appInstanceArn, Array.from({ length: VIEWERS }, (_, i) => `viewer${i}`));
  const { ChannelArn } = await t.chime.messaging.send(new CreateChannelCommand({ AppInstanceArn: t.world.appInstanceArn, Name: 'crowd', ChimeBearer: t.world.users.alice }));
  await t.chime.messaging.send(new BatchCreateChannelMembershipCommand({ ChannelArn, MemberArns: users, Type: 'DEFAULT', ChimeBearer: t.world.users.alice }));
  const channelId = toGlobalId('Channel', ChannelArn!);

  const sockets: TestClient[] = [];
  const subscriptions: Array<{ viewer: number; document: number; subscription: Subscription }> = [];
  for (const [viewer, userArn] of users.entries()) {
    const token = await t.tokenFor(userArn);
    for (let socket = 0; socket < 2; socket++) {
      const client = connect(t.wsUrl, token);
      sockets.push(client);
      DOCUMENTS.forEach((query, document) => subscriptions.push({ viewer, document, subscription: client.subscribe(query, { c: channelId }) }));
    }
  }
  await waitUntil(() => t.transport.stats().subscriptions === 2 * DOCUMENTS.length * VIEWERS, '200 live subscriptions');
  // Each viewer's two sockets share its five executions.
  expect(t.transport.stats()).toEqual({ sockets: 2 * VIEWERS, subscriptions: 200, groups: DOCUMENTS.length * VIEWERS, upstreamSessions: VIEWERS, executions: 0 });
  expect(t.transport.hub.stats()).toEqual({ upstreamSessions: VIEWERS, subscribers: DOCUMENTS.length * VIEWERS });
  expect(t.chime.chime.sessions.size).toBe(VIEWERS);

  // One message reaches every message subscription of every viewer.
  await t.gql('mutation($c: ID!) { sendChannelMessage(input: { channelId: $c, content: "to all" }) { clientMutationId } }', { c: channelId }, await t.tokenFor(users[0]));
  for (const { subscription } of subscriptions.filter((s) => s.document < 2)) await subscription.receive(1);

  // Half end by completing their subscriptions, half by closing their sockets.
  for (const { viewer, subscription } of subscriptions) if (viewer % 2 === 0) subscription.unsubscribe();
  await Promise.all(sockets.filter((_, i) => Math.floor(i / 2) % 2 === 1).map((socket) => socket.dispose()));
  await waitUntil(() => t.transport.stats().subscriptions === 0, 'every subscription to end');
  const ended = Date.now();
  expect(t.transport.stats().groups).toBe(0);
  // The sessions linger, so a page reload does not reconnect upstream...
  expect(t.transport.stats().upstreamSessions).toBe(VIEWERS);
  // ...and then close, on both sides.
  await waitUntil(() => t.transport.stats().upstreamSessions === 0 && t.chime.chime.sessions.size === 0, 'every upstream session to close');
  expect(Date.now() - ended).toBeGreaterThanOrEqual(LINGER_MS - 50);
  expect(t.transport.hub.stats()).toEqual({ upstreamSessions: 0, subscribers: 0 });
  await Promise.all(sockets.map((socket) => socket.dispose()));
}, 30_000);

test('shutting the gateway down closes its websockets with 1001 and every upstream session', async () => {
  const own = await startSubscriptionGateway();
  const client = connect(own.wsUrl, await own.tokenFor(own.world.users.alice));
  const subscription = client.subscribe(DOCUMENTS[4]);
  await waitUntil(() => own.transport.stats().subscriptions === 1, 'the subscription');
  expect(own.chime.chime.sessions.size).toBe(1);
  const started = Date.now();
  await own.gateway.close();
  expect(await client.closed).toEqual({ code: 1001, reason: 'Going away' });
  await subscription.done;
  expect(own.transport.stats()).toMatchObject({ sockets: 0, subscriptions: 0, upstreamSessions: 0 });
  await waitUntil(() => own.chime.chime.sessions.size === 0, 'the upstream session to close');
  expect(Date.now() - started).toBeLessThan(2000);
  await own.close();
});

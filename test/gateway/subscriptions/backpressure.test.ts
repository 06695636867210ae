/**
 * A client that stops reading: its socket is closed (1013) once its unsent
 * results pass the bound (bytes in its send buffer), before it can grow the
 * gateway's memory, while a client that reads on the same gateway gets
 * everything.
 */
import { SendChannelMessageCommand } from '@aws-sdk/client-chime-sdk-messaging';
import { createLogger } from '../../../src/gateway/logger';
import { connect, rawSocket, startSubscriptionGateway, SubscriptionGateway, waitUntil } from '../../support/graphql-ws-client';

const SUBSCRIPTIONS = 100;
const MAX_BUFFERED_BYTES = 256 * 1024;

let t: SubscriptionGateway;
const logLines: any[] = [];

beforeAll(async () => {
  const logger = createLogger({ level: 'warn', destination: { write: (line: string) => void logLines.push(JSON.parse(line)) } });
  t = await startSubscriptionGateway({ subscriptions: { maxBufferedBytes: MAX_BUFFERED_BYTES }, logger });
});
afterAll(() => t.close());

test('a client that stops reading is closed with 1013 once its unsent results pass the bound; a reading client gets every message', async () => {
  const { alice, bob } = t.world.users;
  const [aliceToken, bobToken] = await Promise.all([t.tokenFor(alice), t.tokenFor(bob)]);
  const created = await t.gql(`mutation { createChannel(input: { name: "busy" }) { channel { id arn } } }`, {}, aliceToken);
  const { id: channelId, arn: channelArn } = created.createChannel.channel;
  const bobId = (await t.gql(`query($a: String!) { appInstanceUser(arn: $a) { id } }`, { a: bob }, aliceToken)).appInstanceUser.id;
  await t.gql(`mutation($c: ID!, $m: ID!) { addChannelMember(input: { channelId: $c, memberId: $m }) { clientMutationId } }`, { c: channelId, m: bobId }, aliceToken);

  // alice's stalled tab: 100 subscriptions on one socket, each message costs ~400 KB to send.
  const stalled = rawSocket(t.wsUrl);
  await stalled.opened;
  stalled.send({ type: 'connection_init', payload: { authorization: `Bearer ${aliceToken}` } });
  await stalled.message((m) => m.type === 'connection_ack');
  const query = 'subscription($c: ID!) { channelMessageEvents(channelId: $c) { ... on ChannelMessageEvent { message { content } } } }';
  for (let i = 0; i < SUBSCRIPTIONS; i++) stalled.send({ id: String(i), type: 'subscribe', payload: { query, variables: { c: channelId } } });
  const reader = connect(t.wsUrl, bobToken);
  const read = reader.subscribe(query, { c: channelId });
  await waitUntil(() => t.transport.stats().subscriptions === SUBSCRIPTIONS + 1, 'every subscription');
  (stalled.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause();

  const content = 'x'.repeat(4000);
  let sent = 0;
  const closing = () => logLines.some((line) => line.msg === 'closing a websocket whose client is not reading');
  while (!closing() && sent < 300) {
    await t.chime.messaging.send(new SendChannelMessageCommand({ ChannelArn: channelArn, Content: content, Type: 'STANDARD', Persistence: 'PERSISTENT', ChimeBearer: bob }));
    sent += 1;
  }
  expect(closing()).toBe(true);
  expect(logLines.find((line) => line.msg === 'closing a websocket whose client is not reading').why).toMatch(/bytes wait in its send buffer, more than 262144/);

  // Reading again, the client finds the close frame after what was already on its way.
  (stalled.ws as unknown as { _socket: { resume(): void } })._socket.resume();
  expect(await stalled.closed).toEqual({ code: 1013, reason: 'Client is not reading its messages' });
  await waitUntil(() => t.transport.stats().subscriptions === 1 && t.transport.stats().sockets === 1, 'the stalled socket and its subscriptions to be gone');
  const delivered = stalled.messages.filter((m) => m.type === 'next').length;
  expect(delivered).toBeLessThan(sent * SUBSCRIPTIONS);

  await read.receive(sent);
  expect(read.data.every((d) => d.channelMessageEvents.message.content === content)).toBe(true);
  await reader.dispose();
}, 30_000);

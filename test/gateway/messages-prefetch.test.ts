/**
 * `channel(arn:) { messages }` (and `node(id:)` of a channel): the first ListChannelMessages page starts
 * together with the channel's DescribeChannel, not after it, so a chat
 * screen's query waits for one Chime round trip; answers are unchanged.
 */
import { CreateChannelCommand, SendChannelMessageCommand } from '@aws-sdk/client-chime-sdk-messaging';
import { startTestGateway, TestGateway } from '../support/gateway';

let t: TestGateway;
let alice: string;
let channelArn = '';
/** What the gateway's messaging client started and finished, in order. */
const timeline: string[] = [];

beforeAll(async () => {
  t = await startTestGateway();
  alice = await t.tokenFor(t.world.users.alice);
  (t.clients.messaging.middlewareStack as { add: (mw: unknown, opts: object) => void }).add(
    (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => async (args: unknown) => {
      const operation = (context.commandName ?? '').replace(/Command$/, '');
      timeline.push(`start ${operation}`);
      try {
        return await next(args);
      } finally {
        timeline.push(`end ${operation}`);
      }
    },
    { step: 'initialize', name: 'testTimeline' },
  );
  channelArn = (await t.chime.messaging.send(new CreateChannelCommand({ AppInstanceArn: t.world.appInstanceArn, Name: 'prefetch', ChimeBearer: t.world.users.alice }))).ChannelArn!;
  for (const content of ['one', 'two', 'three']) {
    await t.chime.messaging.send(new SendChannelMessageCommand({ ChannelArn: channelArn, Content: content, Type: 'STANDARD', Persistence: 'PERSISTENT', ChimeBearer: t.world.users.alice }));
  }
});
afterAll(() => t.close());
beforeEach(() => (timeline.length = 0));

const messagingCalls = () => timeline.filter((entry) => entry.startsWith('start ')).map((entry) => entry.slice(6));

test('the newest messages are asked for while DescribeChannel is still in flight, and read once', async () => {
  const { body } = await t.gql('query($arn: String!) { channel(arn: $arn) { name messages(last: 2) { edges { node { content } } } } }', { arn: channelArn }, alice);
  expect(body.errors).toBeUndefined();
  expect(body.data.channel).toEqual({ name: 'prefetch', messages: { edges: [{ node: { content: 'two' } }, { node: { content: 'three' } }] } });
  expect(messagingCalls().sort()).toEqual(['DescribeChannel', 'ListChannelMessages']);
  expect(timeline.indexOf('start ListChannelMessages')).toBeLessThan(timeline.indexOf('end DescribeChannel'));
});

test('node(id:) of a channel starts its messages with its describe too', async () => {
  const id = Buffer.from(`Channel\n${channelArn}`).toString('base64url');
  const { body } = await t.gql('query($id: ID!) { node(id: $id) { ... on Channel { messages(last: 1) { edges { node { content } } } } } }', { id }, alice);
  expect(body.errors).toBeUndefined();
  expect(body.data.node).toEqual({ messages: { edges: [{ node: { content: 'three' } }] } });
  expect(messagingCalls().sort()).toEqual(['DescribeChannel', 'ListChannelMessages']);
  expect(timeline.indexOf('start ListChannelMessages')).toBeLessThan(timeline.indexOf('end DescribeChannel'));
});

test('messages selected through fragments and variables are prefetched too, each page once', async () => {
  const query = `query($arn: String!, $n: Int) {
    channel(arn: $arn) { ...History ... on Channel { older: messages(first: 1) { edges { node { content } } } } }
  }
  fragment History on Channel { messages(last: $n) { edges { node { content } } } }`;
  const { body } = await t.gql(query, { arn: channelArn, n: 1 }, alice);
  expect(body.errors).toBeUndefined();
  expect(body.data.channel).toEqual({ messages: { edges: [{ node: { content: 'three' } }] }, older: { edges: [{ node: { content: 'one' } }] } });
  expect(messagingCalls().sort()).toEqual(['DescribeChannel', 'ListChannelMessages', 'ListChannelMessages']);
  expect(timeline.lastIndexOf('start ListChannelMessages')).toBeLessThan(timeline.indexOf('end DescribeChannel'));
});

test('a field under @include, or with arguments the field refuses, is not started ahead', async () => {
  const skipped = await t.gql('query($arn: String!, $with: Boolean!) { channel(arn: $arn) { name messages(last: 1) @include(if: $with) { edges { node { content } } } } }', { arn: channelArn, with: false }, alice);
  expect(skipped.body.data.channel).toEqual({ name: 'prefetch' });
  expect(messagingCalls()).toEqual(['DescribeChannel']);

  timeline.length = 0;
  const refused = await t.gql('query($arn: String!) { channel(arn: $arn) { name messages(first: 1, last: 1) { edges { cursor } } } }', { arn: channelArn }, alice);
  expect(refused.body.data.channel).toEqual({ name: 'prefetch', messages: null });
  expect(refused.body.errors).toEqual([expect.objectContaining({ path: ['channel', 'messages'], extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }) })]);
  expect(messagingCalls()).toEqual(['DescribeChannel']);
});

test('a missing channel answers as before: one NOT_FOUND from DescribeChannel, nothing from the page started ahead', async () => {
  const missing = channelArn.replace(/channel\/[^/]+$/, 'channel/00000000-0000-4000-8000-000000000000');
  const { body } = await t.gql('query($arn: String!) { channel(arn: $arn) { name messages(last: 2) { edges { cursor } } } }', { arn: missing }, alice);
  expect(body.data).toEqual({ channel: null });
  expect(body.errors).toEqual([
    expect.objectContaining({ path: ['channel'], extensions: expect.objectContaining({ code: 'NOT_FOUND', upstream: expect.objectContaining({ operation: 'DescribeChannel' }) }) }),
  ]);
  expect(messagingCalls().sort()).toEqual(['DescribeChannel', 'ListChannelMessages']);
});

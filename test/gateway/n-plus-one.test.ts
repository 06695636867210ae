/**
 * Upstream calls per query stay constant whatever the page size: list
 * results prime the loaders, identities come with the lists, and fan-out
 * that cannot be avoided runs within the concurrency bound. Counts come from
 * `extensions.chime` (the gateway runs with debug on).
 */
import {
  BatchCreateChannelMembershipCommand,
  CreateChannelCommand,
  SendChannelMessageCommand,
} from '@aws-sdk/client-chime-sdk-messaging';
import { CreateAppInstanceUserCommand } from '@aws-sdk/client-chime-sdk-identity';
import { startTestGateway, TestGateway } from '../support/gateway';

let t: TestGateway;
let alice: string;
/** A channel with 50 members, each of whom sent one message. */
let busy = '';

beforeAll(async () => {
  t = await startTestGateway({ debug: true });
  alice = await t.tokenFor(t.world.users.alice);
  const m = t.chime.messaging;
  const create = async (name: string) =>
    (await m.send(new CreateChannelCommand({ AppInstanceArn: t.world.appInstanceArn, Name: name, ClientRequestToken: `n1-${name}`, ChimeBearer: t.world.users.alice }))).ChannelArn!;
  // alice belongs to exactly 50 channels: 49 here and `busy`.
  const channels = await Promise.all(Array.from({ length: 49 }, (_, i) => create(`channel-${i}`)));
  await Promise.all(channels.map((arn, i) => m.send(new SendChannelMessageCommand({ ChannelArn: arn, Content: `hi ${i}`, Type: 'STANDARD', Persistence: 'PERSISTENT', ChimeBearer: t.world.users.alice }))));
  busy = await create('busy');
  const users = await Promise.all(
    Array.from({ length: 49 }, async (_, i) =>
      (await t.chime.identity.send(new CreateAppInstanceUserCommand({ AppInstanceArn: t.world.appInstanceArn, AppInstanceUserId: `talker-${i}`, Name: `talker ${i}` }))).AppInstanceUserArn!,
    ),
  );
  await m.send(new BatchCreateChannelMembershipCommand({ ChannelArn: busy, MemberArns: users, ChimeBearer: t.world.users.alice }));
  for (const sender of [t.world.users.alice, ...users]) {
    await m.send(new SendChannelMessageCommand({ ChannelArn: busy, Content: `from ${sender.slice(-9)}`, Type: 'STANDARD', Persistence: 'PERSISTENT', ChimeBearer: sender }));
  }
});

afterAll(async () => {
  await t?.close();
});

/** Runs a query as alice and returns its data and upstream call counts. */
async function run(query: string, variables: object = {}) {
  const { body } = await t.gql(query, variables, alice);
  expect(body.errors).toBeUndefined();
  return { data: body.data, chime: body.extensions.chime as { calls: number; byOperation: Record<string, number> } };
}

const VIEWER_CHANNELS = `query($first: Int!) { viewer { channelMemberships(first: $first) { edges { node {
  readMarkerAt channel { id arn name mode privacy metadata lastMessageAt viewerMembership { readMarkerAt } } } } } } }`;

test('viewer channel list of 50 channels with name and lastMessageAt: 1 upstream call (ListChannelMembershipsForAppInstanceUser)', async () => {
  const { data, chime } = await run(`{ viewer { channelMemberships(first: 50) { edges { node { channel { name lastMessageAt } } } } } }`);
  const channels = data.viewer.channelMemberships.edges.map((e: any) => e.node.channel);
  expect(channels).toHaveLength(50);
  expect(channels.every((c: any) => c.name && c.lastMessageAt)).toBe(true);
  expect(chime).toEqual({ calls: 1, byOperation: { ListChannelMembershipsForAppInstanceUser: 1 } });
});

test('viewer channel list: the same 1 call for 10 or 50 channels, with every summary field and the read marker', async () => {
  for (const first of [10, 50]) {
    const { data, chime } = await run(VIEWER_CHANNELS, { first });
    expect(data.viewer.channelMemberships.edges).toHaveLength(first);
    expect(chime).toEqual({ calls: 1, byOperation: { ListChannelMembershipsForAppInstanceUser: 1 } });
  }
});

const CHANNEL_PAGE = `query($arn: String!, $first: Int!) { channel(arn: $arn) { name
  memberships(first: $first) { edges { node { member { name } channel { name } } } }
  messages(last: $first) { edges { node { content sender { name } channel { name } } } } } }`;

test('channel page with 50 memberships and 50 message senders: 3 upstream calls (DescribeChannel, ListChannelMemberships, ListChannelMessages)', async () => {
  const { data, chime } = await run(CHANNEL_PAGE, { arn: busy, first: 50 });
  expect(data.channel.memberships.edges).toHaveLength(50);
  expect(new Set(data.channel.messages.edges.map((e: any) => e.node.sender.name)).size).toBe(50);
  expect(chime).toEqual({ calls: 3, byOperation: { DescribeChannel: 1, ListChannelMemberships: 1, ListChannelMessages: 1 } });
});

test('channel page: the same 3 calls for pages of 10', async () => {
  const { data, chime } = await run(CHANNEL_PAGE, { arn: busy, first: 10 });
  expect(data.channel.messages.edges).toHaveLength(10);
  expect(chime).toEqual({ calls: 3, byOperation: { DescribeChannel: 1, ListChannelMemberships: 1, ListChannelMessages: 1 } });
});

test('the same object asked for twice in one request is described once', async () => {
  const { chime } = await run(`query($arn: String!) { a: channel(arn: $arn) { name createdAt } b: channel(arn: $arn) { name createdBy { name } } }`, { arn: busy });
  expect(chime).toEqual({ calls: 1, byOperation: { DescribeChannel: 1 } });
});

test('unavoidable fan-out (one describe per membership) runs at most 16 calls at once', async () => {
  let inFlight = 0;
  let peak = 0;
  // Observes the gateway's real requests to the local service; changes nothing.
  t.clients.messaging.middlewareStack.add(
    (next) => async (args) => {
      peak = Math.max(peak, ++inFlight);
      try {
        return await next(args);
      } finally {
        inFlight--;
      }
    },
    { step: 'finalizeRequest', name: 'testInFlight' },
  );
  try {
    const { chime } = await run(`query($arn: String!) { channel(arn: $arn) { memberships(first: 50) { edges { node { createdAt } } } } }`, { arn: busy });
    expect(chime.byOperation).toEqual({ DescribeChannel: 1, ListChannelMemberships: 1, DescribeChannelMembership: 50 });
    expect(peak).toBeGreaterThan(1);
    expect(peak).toBeLessThanOrEqual(16);
  } finally {
    t.clients.messaging.middlewareStack.remove('testInFlight');
  }
});

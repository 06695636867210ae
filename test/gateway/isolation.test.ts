/**
 * Two users querying at once never see each other's data: every request has
 * its own loaders keyed by its own bearer, so nothing one user's request
 * fetched can answer another's, even for the very same channel.
 */
import {
  CreateChannelCommand,
  CreateChannelMembershipCommand,
  SendChannelMessageCommand,
  UpdateChannelCommand,
  UpdateChannelReadMarkerCommand,
} from '@aws-sdk/client-chime-sdk-messaging';
import { startTestGateway, TestGateway } from '../support/gateway';

let t: TestGateway;
let alice: string;
let bob: string;
const arns = { shared: '', alicePrivate: '', bobPrivate: '' };

beforeAll(async () => {
  t = await startTestGateway({ debug: true });
  [alice, bob] = await Promise.all([t.tokenFor(t.world.users.alice), t.tokenFor(t.world.users.bob)]);
  const { users, appInstanceArn } = t.world;
  const m = t.chime.messaging;
  const create = async (name: string, owner: string, privacy: 'PUBLIC' | 'PRIVATE') =>
    (await m.send(new CreateChannelCommand({ AppInstanceArn: appInstanceArn, Name: name, Privacy: privacy, ClientRequestToken: `iso-${name}`, ChimeBearer: owner }))).ChannelArn!;
  arns.shared = await create('shared', users.alice, 'PUBLIC');
  arns.alicePrivate = await create('alice-only', users.alice, 'PRIVATE');
  arns.bobPrivate = await create('bob-only', users.bob, 'PRIVATE');
  await m.send(new CreateChannelMembershipCommand({ ChannelArn: arns.shared, MemberArn: users.bob, Type: 'DEFAULT', ChimeBearer: users.alice }));
  for (const [sender, content] of [
    [users.alice, 'one'],
    [users.bob, 'two'],
    [users.alice, 'three'],
  ]) {
    await m.send(new SendChannelMessageCommand({ ChannelArn: arns.shared, Content: content, Type: 'STANDARD', Persistence: 'PERSISTENT', ChimeBearer: sender }));
  }
  await m.send(new SendChannelMessageCommand({ ChannelArn: arns.alicePrivate, Content: 'alice secret', Type: 'STANDARD', Persistence: 'PERSISTENT', ChimeBearer: users.alice }));
  await m.send(new UpdateChannelReadMarkerCommand({ ChannelArn: arns.shared, ChimeBearer: users.alice }));
});

afterAll(async () => {
  await t?.close();
});

const VIEWER = `query($shared: String!, $alice: String!) {
  viewer { arn name channelMemberships { edges { node { readMarkerAt channel { name } } } } }
  shared: channel(arn: $shared) { name viewerMembership { member { arn } readMarkerAt } viewerIsModerator unreadCount }
  private: channel(arn: $alice) { name messages { edges { node { content } } } } }`;

test('alice and bob querying at once each see only their own viewer, channels, read state and access', async () => {
  const variables = { shared: arns.shared, alice: arns.alicePrivate };
  const requests = Array.from({ length: 24 }, (_, i): ['alice' | 'bob', string] => (i % 2 === 0 ? ['alice', alice] : ['bob', bob]));
  const results = await Promise.all(requests.map(async ([who, token]) => ({ who, response: await t.gql(VIEWER, variables, token) })));
  for (const { who, response } of results) {
    const { data, errors } = response.body;
    if (who === 'alice') {
      expect(errors).toBeUndefined();
      expect(data.viewer.arn).toBe(t.world.users.alice);
      expect(data.viewer.channelMemberships.edges.map((e: any) => e.node.channel.name).sort()).toEqual(['alice-only', 'shared']);
      expect(data.shared).toMatchObject({ viewerMembership: { member: { arn: t.world.users.alice } }, viewerIsModerator: true, unreadCount: 0 });
      expect(data.shared.viewerMembership.readMarkerAt).not.toBeNull();
      expect(data.private.messages.edges).toEqual([{ node: { content: 'alice secret' } }]);
    } else {
      expect(data.viewer.arn).toBe(t.world.users.bob);
      expect(data.viewer.channelMemberships.edges.map((e: any) => e.node.channel.name).sort()).toEqual(['bob-only', 'shared']);
      expect(data.shared).toEqual({ name: 'shared', viewerMembership: { member: { arn: t.world.users.bob }, readMarkerAt: null }, viewerIsModerator: false, unreadCount: 2 });
      // The private channel alice's requests loaded at the same moment stays closed to bob.
      expect(data.private).toBeNull();
      expect(errors).toHaveLength(1);
      expect(errors![0]).toMatchObject({ path: ['private'], extensions: { code: 'FORBIDDEN' } });
    }
  }
});

test('every upstream call of a request carries that request viewer as bearer', async () => {
  const bearers: string[] = [];
  const name = 'testBearerRecorder';
  t.clients.messaging.middlewareStack.add(
    (next) => async (args) => {
      bearers.push((args.input as { ChimeBearer?: string }).ChimeBearer ?? '');
      return next(args);
    },
    { step: 'initialize', name },
  );
  try {
    await t.gql(`{ viewer { channelMemberships { edges { node { channel { name createdAt viewerIsModerator } } } } } }`, {}, bob);
  } finally {
    t.clients.messaging.middlewareStack.remove(name);
  }
  expect(bearers.length).toBeGreaterThan(1);
  expect(new Set(bearers)).toEqual(new Set([t.world.users.bob]));
});

test('nothing is cached across requests: a change made between two requests shows in the second', async () => {
  const query = `query($arn: String!) { channel(arn: $arn) { name } }`;
  expect((await t.gql(query, { arn: arns.shared }, alice)).body.data.channel.name).toBe('shared');
  await t.chime.messaging.send(new UpdateChannelCommand({ ChannelArn: arns.shared, Name: 'renamed', Mode: 'UNRESTRICTED', ChimeBearer: t.world.users.alice }));
  expect((await t.gql(query, { arn: arns.shared }, bob)).body.data.channel.name).toBe('renamed');
  expect((await t.gql(query, { arn: arns.shared }, alice)).body.data.channel.name).toBe('renamed');
});

/**
 * Every query field of the graph, over HTTP against the gateway and the local
 * Chime service. The world is built with the SDK directly (as the users
 * themselves), then read through GraphQL and compared with what was built.
 */
import {
  CreateChannelBanCommand,
  CreateChannelCommand,
  CreateChannelMembershipCommand,
  CreateChannelModeratorCommand,
  SendChannelMessageCommand,
  UpdateChannelReadMarkerCommand,
} from '@aws-sdk/client-chime-sdk-messaging';
import { CreateAppInstanceBotCommand } from '@aws-sdk/client-chime-sdk-identity';
import { buildSchema, GraphQLEnumType, GraphQLInputObjectType, GraphQLInterfaceType, GraphQLObjectType } from 'graphql';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { startTestGateway, TestGateway } from '../support/gateway';

let t: TestGateway;
let tokens: Record<'alice' | 'bob' | 'carol' | 'admin', string>;
let bot: string;
/** ARNs of what the world holds. */
const world = { general: '', secret: '', messages: [] as string[] };

beforeAll(async () => {
  t = await startTestGateway({ debug: true });
  const { users, admin, appInstanceArn } = t.world;
  tokens = {
    alice: await t.tokenFor(users.alice),
    bob: await t.tokenFor(users.bob),
    carol: await t.tokenFor(users.carol),
    admin: await t.tokenFor(admin),
  };
  bot = (
    await t.chime.identity.send(
      new CreateAppInstanceBotCommand({
        AppInstanceArn: appInstanceArn,
        Name: 'helper-bot',
        Metadata: 'bot-meta',
        Configuration: { Lex: { LexBotAliasArn: 'arn:aws:lex:us-east-1:123456789012:bot-alias/ABCDEFGHIJ/KLMNOPQRST', LocaleId: 'en_US' } },
      }),
    )
  ).AppInstanceBotArn!;
  const m = t.chime.messaging;
  world.general = (
    await m.send(
      new CreateChannelCommand({
        AppInstanceArn: appInstanceArn,
        Name: 'general',
        Metadata: '{"topic":"all"}',
        ExpirationSettings: { ExpirationDays: 30, ExpirationCriterion: 'LAST_MESSAGE_TIMESTAMP' },
        ClientRequestToken: 'general-1',
        ChimeBearer: users.alice,
      }),
    )
  ).ChannelArn!;
  world.secret = (
    await m.send(new CreateChannelCommand({ AppInstanceArn: appInstanceArn, Name: 'secret', Privacy: 'PRIVATE', Mode: 'RESTRICTED', ClientRequestToken: 'secret-1', ChimeBearer: admin }))
  ).ChannelArn!;
  for (const member of [users.bob, bot]) {
    await m.send(new CreateChannelMembershipCommand({ ChannelArn: world.general, MemberArn: member, Type: 'DEFAULT', ChimeBearer: users.alice }));
  }
  await m.send(new CreateChannelMembershipCommand({ ChannelArn: world.general, MemberArn: admin, Type: 'HIDDEN', ChimeBearer: users.alice }));
  await m.send(new CreateChannelModeratorCommand({ ChannelArn: world.general, ChannelModeratorArn: users.bob, ChimeBearer: users.alice }));
  await m.send(new CreateChannelBanCommand({ ChannelArn: world.general, MemberArn: users.carol, ChimeBearer: users.alice }));
  const send = async (sender: string, content: string, extra: object = {}) =>
    (await m.send(new SendChannelMessageCommand({ ChannelArn: world.general, Content: content, Type: 'STANDARD', Persistence: 'PERSISTENT', ChimeBearer: sender, ...extra })))
      .MessageId!;
  world.messages.push(await send(users.alice, 'hello from alice', { Metadata: 'm1', ContentType: 'text/plain' }));
  world.messages.push(await send(users.bob, 'hi alice'));
  await m.send(new UpdateChannelReadMarkerCommand({ ChannelArn: world.general, ChimeBearer: users.bob }));
  world.messages.push(await send(users.alice, 'are you there?'));
  world.messages.push(await send(bot, 'beep'));
  world.messages.push(await send(users.bob, 'yes'));
});

afterAll(async () => {
  await t?.close();
});

/** Runs a query, expecting no errors, and returns its data. */
async function data<T = any>(query: string, variables: object, token: string): Promise<T> {
  const { status, body } = await t.gql<T>(query, variables, token);
  expect(body.errors).toBeUndefined();
  expect(status).toBe(200);
  return body.data as T;
}

describe('Query.viewer and AppInstanceUser', () => {
  test('viewer has the signed-in user and its description', async () => {
    const d = await data(`{ viewer { id arn name metadata createdAt updatedAt appInstance { arn } } }`, {}, tokens.alice);
    expect(d.viewer).toMatchObject({ arn: t.world.users.alice, name: 'alice', metadata: null, appInstance: { arn: t.world.appInstanceArn } });
    expect(Date.parse(d.viewer.createdAt)).toBeGreaterThan(0);
    expect(d.viewer.updatedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  });

  test('viewer.channelMemberships lists own channels with channel, type and read marker', async () => {
    const d = await data(
      `{ viewer { channelMemberships(first: 10) { edges { cursor node { id type readMarkerAt member { arn } channel { arn name } } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } } }`,
      {},
      tokens.bob,
    );
    const edges = d.viewer.channelMemberships.edges;
    expect(edges).toHaveLength(1);
    expect(edges[0].node).toMatchObject({ type: 'DEFAULT', member: { arn: t.world.users.bob }, channel: { arn: world.general, name: 'general' } });
    expect(Date.parse(edges[0].node.readMarkerAt)).toBeGreaterThan(0);
    expect(d.viewer.channelMemberships.pageInfo).toEqual({ hasNextPage: false, hasPreviousPage: false, startCursor: edges[0].cursor, endCursor: edges[0].cursor });
  });

  test('viewer.moderatedChannels lists the channels the viewer moderates', async () => {
    const d = await data(`{ viewer { moderatedChannels { edges { node { arn name } } } } }`, {}, tokens.bob);
    expect(d.viewer.moderatedChannels.edges.map((e: any) => e.node.name)).toEqual(['general']);
  });

  test('appInstanceUser(arn) finds a user of the AppInstance by ARN', async () => {
    const d = await data(`query($arn: String!) { appInstanceUser(arn: $arn) { id arn name } }`, { arn: t.world.users.carol }, tokens.alice);
    expect(d.appInstanceUser).toMatchObject({ arn: t.world.users.carol, name: 'carol' });
  });

  test('another user memberships are FORBIDDEN to a non-admin and readable by an AppInstanceAdmin', async () => {
    const query = `query($arn: String!) { appInstanceUser(arn: $arn) { name channelMemberships { edges { node { channel { name } } } } } }`;
    const denied = await t.gql(query, { arn: t.world.users.bob }, tokens.alice);
    expect(denied.body.data.appInstanceUser).toEqual({ name: 'bob', channelMemberships: null });
    expect(denied.body.errors![0].extensions.code).toBe('FORBIDDEN');
    const allowed = await data(query, { arn: t.world.users.bob }, tokens.admin);
    expect(allowed.appInstanceUser.channelMemberships.edges).toHaveLength(1);
  });
});

describe('Query.appInstance and AppInstance', () => {
  test('appInstance has its description and PUBLIC channels', async () => {
    const d = await data(`{ appInstance { id arn name metadata createdAt channels { edges { node { name privacy } } } } }`, {}, tokens.alice);
    expect(d.appInstance).toMatchObject({ arn: t.world.appInstanceArn, name: 'test-app', metadata: null });
    expect(d.appInstance.channels.edges.map((e: any) => e.node)).toEqual([{ name: 'general', privacy: 'PUBLIC' }]);
  });

  test('appInstance.channels(privacy: PRIVATE) lists private channels for an AppInstanceAdmin only', async () => {
    const query = `{ appInstance { channels(privacy: PRIVATE) { edges { node { name privacy mode } } } } }`;
    expect((await data(query, {}, tokens.admin)).appInstance.channels.edges.map((e: any) => e.node)).toEqual([
      { name: 'secret', privacy: 'PRIVATE', mode: 'RESTRICTED' },
    ]);
    const denied = await t.gql(query, {}, tokens.alice);
    expect(denied.body.errors![0].extensions.code).toBe('FORBIDDEN');
    expect(denied.body.data.appInstance.channels).toBeNull();
  });
});

describe('Query.channel and Channel', () => {
  test('channel(arn) has every channel field', async () => {
    const d = await data(
      `query($arn: String!) { channel(arn: $arn) { id arn name mode privacy metadata lastMessageAt createdAt updatedAt
        createdBy { __typename arn name } expirationSettings { expirationDays expirationCriterion } appInstance { arn } } }`,
      { arn: world.general },
      tokens.alice,
    );
    expect(d.channel).toMatchObject({
      arn: world.general,
      name: 'general',
      mode: 'UNRESTRICTED',
      privacy: 'PUBLIC',
      metadata: '{"topic":"all"}',
      createdBy: { __typename: 'AppInstanceUser', arn: t.world.users.alice, name: 'alice' },
      expirationSettings: { expirationDays: 30, expirationCriterion: 'LAST_MESSAGE_TIMESTAMP' },
      appInstance: { arn: t.world.appInstanceArn },
    });
    expect(Date.parse(d.channel.lastMessageAt)).toBeGreaterThanOrEqual(Date.parse(d.channel.createdAt));
    expect(d.channel.updatedAt).toBeTruthy();
  });

  test('channel.memberships lists DEFAULT members, and DEFAULT plus HIDDEN with type: HIDDEN', async () => {
    const d = await data(
      `query($arn: String!) { channel(arn: $arn) {
        all: memberships { edges { node { id type member { __typename arn name } invitedBy { arn } createdAt updatedAt channel { arn } } } }
        hidden: memberships(type: HIDDEN) { edges { node { type member { arn } } } } } }`,
      { arn: world.general },
      tokens.alice,
    );
    const members = d.channel.all.edges.map((e: any) => e.node);
    expect(members.map((n: any) => n.member.name)).toEqual(['alice', 'bob', 'helper-bot']);
    expect(members.map((n: any) => n.member.__typename)).toEqual(['AppInstanceUser', 'AppInstanceUser', 'AppInstanceBot']);
    expect(members.every((n: any) => n.type === 'DEFAULT' && n.invitedBy.arn === t.world.users.alice && n.channel.arn === world.general && n.createdAt)).toBe(true);
    const hidden = d.channel.hidden.edges.map((e: any) => e.node);
    expect(hidden).toContainEqual({ type: 'HIDDEN', member: { arn: t.world.admin } });
    expect(hidden).toHaveLength(4);
  });

  test('channel.membership(memberId) describes one membership and is null for a non-member', async () => {
    const ids = await data(`{ viewer { id } b: appInstanceUser(arn: "${t.world.users.carol}") { id } }`, {}, tokens.alice);
    const d = await data(
      `query($arn: String!, $alice: ID!, $carol: ID!) { channel(arn: $arn) { a: membership(memberId: $alice) { type member { name } } c: membership(memberId: $carol) { type } } }`,
      { arn: world.general, alice: ids.viewer.id, carol: ids.b.id },
      tokens.alice,
    );
    expect(d.channel).toEqual({ a: { type: 'DEFAULT', member: { name: 'alice' } }, c: null });
  });

  test('channel.moderators and channel.moderator describe moderators', async () => {
    const bob = await data(`{ viewer { id } }`, {}, tokens.bob);
    const d = await data(
      `query($arn: String!, $bob: ID!) { channel(arn: $arn) {
        moderators { edges { node { id moderator { name } channel { name } } } }
        moderator(moderatorId: $bob) { moderator { name } createdBy { name } createdAt } } }`,
      { arn: world.general, bob: bob.viewer.id },
      tokens.alice,
    );
    expect(d.channel.moderators.edges.map((e: any) => e.node.moderator.name).sort()).toEqual(['alice', 'bob']);
    expect(d.channel.moderator).toMatchObject({ moderator: { name: 'bob' }, createdBy: { name: 'alice' } });
    expect(Date.parse(d.channel.moderator.createdAt)).toBeGreaterThan(0);
  });

  test('channel.bans and channel.ban describe bans (moderators only)', async () => {
    const carol = await data(`query($arn: String!) { appInstanceUser(arn: $arn) { id } }`, { arn: t.world.users.carol }, tokens.alice);
    const query = `query($arn: String!, $carol: ID!) { channel(arn: $arn) {
        bans { edges { node { id member { name } channel { name } } } }
        ban(memberId: $carol) { member { name } createdBy { name } createdAt } } }`;
    const d = await data(query, { arn: world.general, carol: carol.appInstanceUser.id }, tokens.alice);
    expect(d.channel.bans.edges.map((e: any) => e.node.member.name)).toEqual(['carol']);
    expect(d.channel.ban).toMatchObject({ member: { name: 'carol' }, createdBy: { name: 'alice' } });
  });

  test('channel.messages has every message field, oldest first', async () => {
    const d = await data(
      `query($arn: String!) { channel(arn: $arn) { messages { edges { cursor node {
        id messageId content contentType metadata type persistence createdAt updatedAt editedAt redacted status statusDetail
        sender { __typename arn name } channel { arn } } } } } }`,
      { arn: world.general },
      tokens.alice,
    );
    const nodes = d.channel.messages.edges.map((e: any) => e.node);
    expect(nodes.map((n: any) => n.messageId)).toEqual(world.messages);
    expect(nodes[0]).toMatchObject({
      content: 'hello from alice',
      contentType: 'text/plain',
      metadata: 'm1',
      type: 'STANDARD',
      persistence: 'PERSISTENT',
      editedAt: null,
      redacted: false,
      status: 'SENT',
      statusDetail: null,
      sender: { __typename: 'AppInstanceUser', arn: t.world.users.alice, name: 'alice' },
      channel: { arn: world.general },
    });
    expect(nodes[3].sender).toEqual({ __typename: 'AppInstanceBot', arn: bot, name: 'helper-bot' });
  });

  test('channel.message(messageId) gets one message and is null for an unknown id', async () => {
    const d = await data(
      `query($arn: String!, $id: String!) { channel(arn: $arn) { message(messageId: $id) { content sender { name } } missing: message(messageId: "nope") { content } } }`,
      { arn: world.general, id: world.messages[1] },
      tokens.alice,
    );
    expect(d.channel).toEqual({ message: { content: 'hi alice', sender: { name: 'bob' } }, missing: null });
  });

  test('viewerMembership, viewerIsModerator and unreadCount show the viewer read state', async () => {
    const query = `query($arn: String!) { channel(arn: $arn) { viewerMembership { type readMarkerAt member { name } } viewerIsModerator unreadCount } }`;
    const bob = await data(query, { arn: world.general }, tokens.bob);
    // bob read after "hi alice"; since then alice and the bot wrote once each, and bob's own "yes" does not count.
    expect(bob.channel).toMatchObject({ viewerMembership: { type: 'DEFAULT', member: { name: 'bob' } }, viewerIsModerator: true, unreadCount: 2 });
    expect(Date.parse(bob.channel.viewerMembership.readMarkerAt)).toBeGreaterThan(0);
    const alice = await data(query, { arn: world.general }, tokens.alice);
    // alice never marked the channel read: every message from others is unread.
    expect(alice.channel).toEqual({ viewerMembership: { type: 'DEFAULT', readMarkerAt: null, member: { name: 'alice' } }, viewerIsModerator: true, unreadCount: 3 });
    const admin = await data(query, { arn: world.secret }, tokens.admin);
    expect(admin.channel.viewerIsModerator).toBe(true);
  });

  test('a non-member sees a public channel with no viewerMembership and no unreadCount', async () => {
    const d = await data(`query($arn: String!) { channel(arn: $arn) { name viewerMembership { type } viewerIsModerator unreadCount } }`, { arn: world.general }, tokens.carol);
    expect(d.channel).toEqual({ name: 'general', viewerMembership: null, viewerIsModerator: false, unreadCount: null });
  });
});

describe('AppInstanceBot', () => {
  test('a bot sender has its own fields (DescribeAppInstanceBot)', async () => {
    const d = await data(
      `query($arn: String!, $id: String!) { channel(arn: $arn) { message(messageId: $id) { sender { ... on AppInstanceBot { id arn name metadata createdAt updatedAt appInstance { arn } } } } } }`,
      { arn: world.general, id: world.messages[3] },
      tokens.alice,
    );
    expect(d.channel.message.sender).toMatchObject({ arn: bot, name: 'helper-bot', metadata: 'bot-meta', appInstance: { arn: t.world.appInstanceArn } });
    expect(Date.parse(d.channel.message.sender.createdAt)).toBeGreaterThan(0);
  });
});

describe('Query.node and Query.nodes', () => {
  test('node refetches an object of every type by its id', async () => {
    const d = await data(
      `query($arn: String!) { appInstance { id } viewer { id } channel(arn: $arn) { id
        memberships { edges { node { id member { id } } } } moderators { edges { node { id } } } bans { edges { node { id } } }
        messages(last: 1) { edges { node { id } } } } }`,
      { arn: world.general },
      tokens.alice,
    );
    const c = d.channel;
    const ids: [string, string][] = [
      ['AppInstance', d.appInstance.id],
      ['AppInstanceUser', d.viewer.id],
      ['AppInstanceBot', c.memberships.edges[2].node.member.id],
      ['Channel', c.id],
      ['ChannelMembership', c.memberships.edges[1].node.id],
      ['ChannelModerator', c.moderators.edges[0].node.id],
      ['ChannelBan', c.bans.edges[0].node.id],
      ['ChannelMessage', c.messages.edges[0].node.id],
    ];
    for (const [type, id] of ids) {
      const got = await data(`query($id: ID!) { node(id: $id) { __typename id } }`, { id }, tokens.alice);
      expect(got.node).toEqual({ __typename: type, id });
    }
    const many = await data(`query($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }`, { ids: ids.map(([, id]) => id) }, tokens.alice);
    expect(many.nodes.map((n: any) => n.__typename)).toEqual(ids.map(([type]) => type));
  });

  test('nodes gives null and an error for the one id that cannot be resolved, the rest stand', async () => {
    const d = await data(`query($arn: String!) { channel(arn: $arn) { id } }`, { arn: world.general }, tokens.alice);
    const gone = Buffer.from(`Channel\n${world.general}-gone`).toString('base64url');
    const { body } = await t.gql(`query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, { ids: [d.channel.id, gone] }, tokens.alice);
    expect(body.data.nodes).toEqual([{ id: d.channel.id }, null]);
    expect(body.errors).toHaveLength(1);
    expect(body.errors![0]).toMatchObject({ path: ['nodes', 1], extensions: { code: 'NOT_FOUND' } });
  });
});

describe('Query.messagingSessionEndpoint', () => {
  test('gives the websocket endpoint of messaging sessions', async () => {
    const d = await data(`{ messagingSessionEndpoint { url } }`, {}, tokens.alice);
    expect(d.messagingSessionEndpoint.url).toBe(new URL(t.chime.chime.endpoint).host);
  });
});

describe('schema', () => {
  const schema = buildSchema(readFileSync(path.resolve(__dirname, '../../schema.graphql'), 'utf8'));

  test('every type, field, argument, input field and enum value has a description', () => {
    const missing: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (type.name.startsWith('__') || ['String', 'Boolean', 'Int', 'Float', 'ID'].includes(type.name)) continue;
      if (!type.description) missing.push(type.name);
      if (type instanceof GraphQLObjectType || type instanceof GraphQLInterfaceType) {
        for (const field of Object.values(type.getFields())) {
          if (!field.description) missing.push(`${type.name}.${field.name}`);
          for (const arg of field.args) if (!arg.description) missing.push(`${type.name}.${field.name}(${arg.name})`);
        }
      } else if (type instanceof GraphQLInputObjectType) {
        for (const field of Object.values(type.getFields())) if (!field.description) missing.push(`${type.name}.${field.name}`);
      } else if (type instanceof GraphQLEnumType) {
        for (const value of type.getValues()) if (!value.description) missing.push(`${type.name}.${value.name}`);
      }
    }
    expect(missing).toEqual([]);
  });

  test('every operation of seed 000 and the seed 001 additions is used by a resolver and named in the schema', () => {
    const operations = [
      'BatchCreateChannelMembership', 'CreateChannel', 'CreateChannelBan', 'CreateChannelMembership', 'CreateChannelModerator',
      'DeleteChannel', 'DeleteChannelBan', 'DeleteChannelMembership', 'DeleteChannelMessage', 'DeleteChannelModerator',
      'DescribeChannel', 'DescribeChannelBan', 'DescribeChannelMembership', 'DescribeChannelMembershipForAppInstanceUser',
      'DescribeChannelModeratedByAppInstanceUser', 'DescribeChannelModerator', 'GetChannelMessage', 'GetMessagingSessionEndpoint',
      'ListChannelBans', 'ListChannelMemberships', 'ListChannelMembershipsForAppInstanceUser', 'ListChannelMessages',
      'ListChannelModerators', 'ListChannels', 'ListChannelsModeratedByAppInstanceUser', 'RedactChannelMessage',
      'SendChannelMessage', 'UpdateChannel', 'UpdateChannelMessage', 'UpdateChannelReadMarker', 'PutChannelExpirationSettings',
    ];
    const sdl = readFileSync(path.resolve(__dirname, '../../schema.graphql'), 'utf8');
    const dir = path.resolve(__dirname, '../../src/gateway');
    const code = ['loaders.ts', ...readdirSync(path.join(dir, 'resolvers')).map((f) => path.join('resolvers', f))]
      .map((f) => readFileSync(path.join(dir, f), 'utf8'))
      .join('\n');
    expect(operations.filter((op) => !new RegExp(`\\b${op}\\b`).test(sdl))).toEqual([]);
    expect(operations.filter((op) => !code.includes(`${op}Command`))).toEqual([]);
  });

  test('every query field and mutation names the AWS operation it uses', () => {
    const operation = /\b(Describe|List|Get|Create|Update|Delete|Batch|Send|Redact|Put)[A-Za-z]+\b|no upstream call/;
    const fields = [...Object.values(schema.getQueryType()!.getFields()), ...Object.values(schema.getMutationType()!.getFields())];
    expect(fields.filter((f) => !operation.test(f.description ?? '')).map((f) => f.name)).toEqual([]);
  });
});

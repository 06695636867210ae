/**
 * Every mutation of the graph, over HTTP against the gateway and the local
 * Chime service: what it returns, what it changed (read back through the
 * graph), clientMutationId, generated and client-sent ClientRequestTokens.
 */
import { startTestGateway, TestGateway } from '../support/gateway';

let t: TestGateway;
let alice: string;
let bob: string;
let carol: string;
let admin: string;
/** Global ids of the users. */
const ids = { alice: '', bob: '', carol: '', admin: '' };

beforeAll(async () => {
  t = await startTestGateway({ debug: true });
  [alice, bob, carol, admin] = await Promise.all([t.world.users.alice, t.world.users.bob, t.world.users.carol, t.world.admin].map((arn) => t.tokenFor(arn)));
  const d = await data(
    `query($b: String!, $c: String!, $a: String!) { viewer { id } b: appInstanceUser(arn: $b) { id } c: appInstanceUser(arn: $c) { id } a: appInstanceUser(arn: $a) { id } }`,
    { b: t.world.users.bob, c: t.world.users.carol, a: t.world.admin },
    alice,
  );
  Object.assign(ids, { alice: d.viewer.id, bob: d.b.id, carol: d.c.id, admin: d.a.id });
});

afterAll(async () => {
  await t?.close();
});

/** Runs an operation expecting no errors; returns data and the upstream calls it made. */
async function data<T = any>(query: string, variables: object, token: string): Promise<T> {
  const { status, body } = await t.gql<T>(query, variables, token);
  expect(body.errors).toBeUndefined();
  expect(status).toBe(200);
  return body.data as T;
}

/** Runs one mutation and returns its payload and the calls it made. */
async function mutate(name: string, inputType: string, selection: string, input: object, token: string) {
  const { body } = await t.gql(`mutation($input: ${inputType}!) { ${name}(input: $input) ${selection} }`, { input }, token);
  expect(body.errors).toBeUndefined();
  return { payload: body.data[name], calls: body.extensions.chime.byOperation as Record<string, number> };
}

/** Creates a channel as `token` and returns its global id. */
async function createChannel(token: string, input: object = {}): Promise<string> {
  const { payload } = await mutate('createChannel', 'CreateChannelInput', '{ channel { id } }', { name: 'room', ...input }, token);
  return payload.channel.id;
}

describe('createChannel', () => {
  test('creates a channel with its settings; the creator is its first member and moderator', async () => {
    const { payload, calls } = await mutate(
      'createChannel',
      'CreateChannelInput',
      `{ clientMutationId channel { id name mode privacy metadata expirationSettings { expirationDays expirationCriterion } createdBy { name } viewerIsModerator }
         viewerMembershipEdge { cursor node { type member { name } channel { name } } } }`,
      {
        name: 'design',
        mode: 'RESTRICTED',
        privacy: 'PRIVATE',
        metadata: '{"color":"blue"}',
        expirationSettings: { expirationDays: 7, expirationCriterion: 'CREATED_TIMESTAMP' },
        tags: [{ key: 'team', value: 'ux' }],
        clientMutationId: 'c-1',
      },
      alice,
    );
    expect(payload).toMatchObject({
      clientMutationId: 'c-1',
      channel: {
        name: 'design',
        mode: 'RESTRICTED',
        privacy: 'PRIVATE',
        metadata: '{"color":"blue"}',
        expirationSettings: { expirationDays: 7, expirationCriterion: 'CREATED_TIMESTAMP' },
        createdBy: { name: 'alice' },
        viewerIsModerator: true,
      },
      viewerMembershipEdge: { node: { type: 'DEFAULT', member: { name: 'alice' }, channel: { name: 'design' } } },
    });
    expect(calls.CreateChannel).toBe(1);
    // The edge's cursor is one of viewer.channelMemberships: continuing after it skips the new channel.
    const after = await data(`query($c: String) { viewer { channelMemberships(after: $c) { edges { node { channel { id } } } } } }`, { c: payload.viewerMembershipEdge.cursor }, alice);
    expect(after.viewer.channelMemberships.edges.map((e: any) => e.node.channel.id)).not.toContain(payload.channel.id);
  });

  test('the same clientRequestToken creates one channel; without one, each call creates its own', async () => {
    const again = (token?: string) => createChannel(alice, { name: 'idempotent', clientRequestToken: token });
    expect(await again('retry-token-1')).toBe(await again('retry-token-1'));
    expect(await again()).not.toBe(await again());
  });
});

describe('updateChannel', () => {
  test('changes only the fields given', async () => {
    const id = await createChannel(alice, { name: 'before', metadata: 'keep' });
    const { payload } = await mutate('updateChannel', 'UpdateChannelInput', '{ clientMutationId channel { name mode metadata updatedAt } }', { channelId: id, name: 'after', clientMutationId: 'u' }, alice);
    expect(payload).toMatchObject({ clientMutationId: 'u', channel: { name: 'after', mode: 'UNRESTRICTED', metadata: 'keep' } });
    const second = await mutate('updateChannel', 'UpdateChannelInput', '{ channel { name mode metadata } }', { channelId: id, mode: 'RESTRICTED', metadata: '' }, alice);
    expect(second.payload.channel).toEqual({ name: 'after', mode: 'RESTRICTED', metadata: '' });
  });
});

describe('deleteChannel', () => {
  test('deletes the channel', async () => {
    const id = await createChannel(alice);
    const { payload } = await mutate('deleteChannel', 'DeleteChannelInput', '{ clientMutationId deletedChannelId }', { channelId: id, clientMutationId: 'd' }, alice);
    expect(payload).toEqual({ clientMutationId: 'd', deletedChannelId: id });
    const { body } = await t.gql(`query($id: ID!) { node(id: $id) { id } }`, { id }, alice);
    expect(body.errors![0].extensions.code).toBe('NOT_FOUND');
  });
});

describe('channel members', () => {
  test('addChannelMember adds one member and returns its membership and edge', async () => {
    const id = await createChannel(alice);
    const { payload } = await mutate(
      'addChannelMember',
      'AddChannelMemberInput',
      '{ clientMutationId membership { id type member { name } invitedBy { name } channel { id } } membershipEdge { cursor node { id } } channel { id } }',
      { channelId: id, memberId: ids.bob, clientMutationId: 'm' },
      alice,
    );
    expect(payload).toMatchObject({ clientMutationId: 'm', membership: { type: 'DEFAULT', member: { name: 'bob' }, invitedBy: { name: 'alice' }, channel: { id } }, channel: { id } });
    expect(payload.membershipEdge.node.id).toBe(payload.membership.id);
    const list = await data(`query($id: ID!, $after: String) { node(id: $id) { ... on Channel { all: memberships { edges { node { member { name } } } } rest: memberships(after: $after) { edges { node { id } } } } } }`, { id, after: payload.membershipEdge.cursor }, alice);
    expect(list.node.all.edges.map((e: any) => e.node.member.name)).toEqual(['alice', 'bob']);
    expect(list.node.rest.edges).toEqual([]);
  });

  test('addChannelMember with type HIDDEN adds a hidden member', async () => {
    const id = await createChannel(alice);
    const { payload } = await mutate('addChannelMember', 'AddChannelMemberInput', '{ membership { type } }', { channelId: id, memberId: ids.carol, type: 'HIDDEN' }, alice);
    expect(payload.membership.type).toBe('HIDDEN');
  });

  test('addChannelMembers adds many at once and reports those it could not add', async () => {
    const id = await createChannel(alice);
    await mutate('banChannelMember', 'BanChannelMemberInput', '{ ban { id } }', { channelId: id, memberId: ids.carol }, alice);
    const { payload, calls } = await mutate(
      'addChannelMembers',
      'AddChannelMembersInput',
      '{ clientMutationId channel { id } membershipEdges { cursor node { member { name } type } } errors { memberId memberArn code message } }',
      { channelId: id, memberIds: [ids.bob, ids.carol, ids.admin], clientMutationId: 'batch' },
      alice,
    );
    expect(calls.BatchCreateChannelMembership).toBe(1);
    expect(payload.membershipEdges.map((e: any) => e.node.member.name).sort()).toEqual(['admin', 'bob']);
    expect(payload.errors).toHaveLength(1);
    // A banned identity cannot be added: Chime's Forbidden for that member alone.
    expect(payload.errors[0]).toMatchObject({ memberId: ids.carol, memberArn: t.world.users.carol, code: 'FORBIDDEN' });
    expect(payload.errors[0].message).toMatch(/banned/);
  });

  test('removeChannelMember removes a member, and lets a member leave', async () => {
    const id = await createChannel(alice);
    await mutate('addChannelMembers', 'AddChannelMembersInput', '{ errors { code } }', { channelId: id, memberIds: [ids.bob, ids.carol] }, alice);
    const { payload } = await mutate('removeChannelMember', 'RemoveChannelMemberInput', '{ clientMutationId removedMembershipId channel { id } }', { channelId: id, memberId: ids.bob, clientMutationId: 'r' }, alice);
    expect(payload.clientMutationId).toBe('r');
    expect(Buffer.from(payload.removedMembershipId, 'base64url').toString()).toContain(t.world.users.bob);
    await mutate('removeChannelMember', 'RemoveChannelMemberInput', '{ removedMembershipId }', { channelId: id, memberId: ids.carol }, carol);
    const left = await data(`query($id: ID!) { node(id: $id) { ... on Channel { memberships { edges { node { member { name } } } } } } }`, { id }, alice);
    expect(left.node.memberships.edges.map((e: any) => e.node.member.name)).toEqual(['alice']);
  });
});

describe('channel moderators', () => {
  test('addChannelModerator and removeChannelModerator', async () => {
    const id = await createChannel(alice);
    const added = await mutate(
      'addChannelModerator',
      'AddChannelModeratorInput',
      '{ clientMutationId moderator { id moderator { name } createdBy { name } } moderatorEdge { cursor node { id } } channel { id } }',
      { channelId: id, moderatorId: ids.bob, clientMutationId: 'mod' },
      alice,
    );
    expect(added.payload).toMatchObject({ clientMutationId: 'mod', moderator: { moderator: { name: 'bob' }, createdBy: { name: 'alice' } }, channel: { id } });
    expect(added.payload.moderatorEdge.node.id).toBe(added.payload.moderator.id);
    const isModerator = `query($id: ID!) { node(id: $id) { ... on Channel { viewerIsModerator moderators { edges { node { moderator { name } } } } } } }`;
    expect((await data(isModerator, { id }, bob)).node.viewerIsModerator).toBe(true);
    const removed = await mutate('removeChannelModerator', 'RemoveChannelModeratorInput', '{ removedModeratorId }', { channelId: id, moderatorId: ids.bob }, alice);
    expect(removed.payload.removedModeratorId).toBe(added.payload.moderator.id);
    expect((await data(isModerator, { id }, bob)).node.viewerIsModerator).toBe(false);
  });
});

describe('channel bans', () => {
  test('banChannelMember removes the member and lists the ban; unbanChannelMember lifts it', async () => {
    const id = await createChannel(alice);
    await mutate('addChannelMember', 'AddChannelMemberInput', '{ membership { id } }', { channelId: id, memberId: ids.bob }, alice);
    const banned = await mutate(
      'banChannelMember',
      'BanChannelMemberInput',
      '{ clientMutationId ban { id member { name } createdBy { name } createdAt } banEdge { cursor node { id } } channel { id } }',
      { channelId: id, memberId: ids.bob, clientMutationId: 'ban' },
      alice,
    );
    expect(banned.payload).toMatchObject({ clientMutationId: 'ban', ban: { member: { name: 'bob' }, createdBy: { name: 'alice' } } });
    const state = `query($id: ID!) { node(id: $id) { ... on Channel { bans { edges { node { member { name } } } } memberships { edges { node { member { name } } } } } } }`;
    expect((await data(state, { id }, alice)).node).toEqual({
      bans: { edges: [{ node: { member: { name: 'bob' } } }] },
      memberships: { edges: [{ node: { member: { name: 'alice' } } }] },
    });
    const lifted = await mutate('unbanChannelMember', 'UnbanChannelMemberInput', '{ clientMutationId removedBanId channel { id } }', { channelId: id, memberId: ids.bob, clientMutationId: 'u' }, alice);
    expect(lifted.payload).toEqual({ clientMutationId: 'u', removedBanId: banned.payload.ban.id, channel: { id } });
    expect((await data(state, { id }, alice)).node.bans.edges).toEqual([]);
  });
});

describe('messages', () => {
  let channelId: string;
  beforeAll(async () => {
    channelId = await createChannel(alice, { name: 'chat' });
    await mutate('addChannelMember', 'AddChannelMemberInput', '{ membership { id } }', { channelId, memberId: ids.bob }, alice);
  });

  const SEND = '{ clientMutationId message { id messageId content contentType metadata type persistence sender { name } createdAt redacted status } messageEdge { cursor node { id } } }';

  test('sendChannelMessage sends a message and returns it with its edge in channel.messages', async () => {
    const { payload, calls } = await mutate(
      'sendChannelMessage',
      'SendChannelMessageInput',
      SEND,
      { channelId, content: 'hello', metadata: '{"a":1}', contentType: 'text/markdown', clientMutationId: 's' },
      alice,
    );
    expect(payload).toMatchObject({
      clientMutationId: 's',
      message: { content: 'hello', contentType: 'text/markdown', metadata: '{"a":1}', type: 'STANDARD', persistence: 'PERSISTENT', sender: { name: 'alice' }, redacted: false, status: 'SENT' },
    });
    expect(calls).toEqual({ SendChannelMessage: 1, GetChannelMessage: 1 });
    const history = await data(`query($id: ID!) { node(id: $id) { ... on Channel { messages(last: 1) { edges { cursor node { id } } } lastMessageAt } } }`, { id: channelId }, bob);
    expect(history.node.messages.edges[0]).toEqual({ cursor: payload.messageEdge.cursor, node: { id: payload.message.id } });
    expect(history.node.lastMessageAt).toBe(payload.message.createdAt);
  });

  test('sendChannelMessage with only the id asked for makes one upstream call', async () => {
    const { calls } = await mutate('sendChannelMessage', 'SendChannelMessageInput', '{ message { id messageId } }', { channelId, content: 'quick' }, alice);
    expect(calls).toEqual({ SendChannelMessage: 1 });
  });

  test('the same clientRequestToken sends one message', async () => {
    const send = () => mutate('sendChannelMessage', 'SendChannelMessageInput', '{ message { messageId } }', { channelId, content: 'once', clientRequestToken: 'msg-token-1' }, alice);
    expect((await send()).payload.message.messageId).toBe((await send()).payload.message.messageId);
  });

  test('a NON_PERSISTENT CONTROL message is built from the input and has no edge', async () => {
    const { payload, calls } = await mutate('sendChannelMessage', 'SendChannelMessageInput', SEND, { channelId, content: 'typing', type: 'CONTROL', persistence: 'NON_PERSISTENT' }, alice);
    expect(payload.message).toMatchObject({ content: 'typing', type: 'CONTROL', persistence: 'NON_PERSISTENT', sender: { name: 'alice' }, status: 'SENT' });
    expect(payload.messageEdge).toBeNull();
    expect(calls.GetChannelMessage).toBeUndefined();
  });

  test('updateChannelMessage edits the content', async () => {
    const sent = await mutate('sendChannelMessage', 'SendChannelMessageInput', '{ message { id } }', { channelId, content: 'teh typo', metadata: 'm' }, alice);
    const { payload } = await mutate(
      'updateChannelMessage',
      'UpdateChannelMessageInput',
      '{ clientMutationId message { id content metadata editedAt } }',
      { messageId: sent.payload.message.id, content: 'the typo', clientMutationId: 'e' },
      alice,
    );
    expect(payload).toMatchObject({ clientMutationId: 'e', message: { id: sent.payload.message.id, content: 'the typo', metadata: 'm' } });
    expect(payload.message.editedAt).toBeTruthy();
  });

  test('redactChannelMessage empties a message that keeps its place', async () => {
    const sent = await mutate('sendChannelMessage', 'SendChannelMessageInput', '{ message { id } }', { channelId, content: 'oops', metadata: 'x' }, bob);
    const { payload } = await mutate('redactChannelMessage', 'RedactChannelMessageInput', '{ clientMutationId message { id content metadata redacted } }', { messageId: sent.payload.message.id, clientMutationId: 'r' }, alice);
    expect(payload).toEqual({ clientMutationId: 'r', message: { id: sent.payload.message.id, content: '', metadata: null, redacted: true } });
  });

  test('deleteChannelMessage removes a message (AppInstanceAdmin)', async () => {
    const sent = await mutate('sendChannelMessage', 'SendChannelMessageInput', '{ message { id messageId } }', { channelId, content: 'to delete' }, alice);
    const { payload } = await mutate('deleteChannelMessage', 'DeleteChannelMessageInput', '{ clientMutationId deletedMessageId channel { id } }', { messageId: sent.payload.message.id, clientMutationId: 'x' }, admin);
    expect(payload).toEqual({ clientMutationId: 'x', deletedMessageId: sent.payload.message.id, channel: { id: channelId } });
    const after = await data(`query($id: ID!, $m: String!) { node(id: $id) { ... on Channel { message(messageId: $m) { id } } } }`, { id: channelId, m: sent.payload.message.messageId }, alice);
    expect(after.node.message).toBeNull();
  });

  test('markChannelRead moves the read marker and clears unreadCount', async () => {
    await mutate('sendChannelMessage', 'SendChannelMessageInput', '{ message { id } }', { channelId, content: 'unread for bob' }, alice);
    const state = `query($id: ID!) { node(id: $id) { ... on Channel { unreadCount viewerMembership { readMarkerAt } } } }`;
    expect((await data(state, { id: channelId }, bob)).node.unreadCount).toBeGreaterThan(0);
    const { payload } = await mutate('markChannelRead', 'MarkChannelReadInput', '{ clientMutationId channel { unreadCount viewerMembership { readMarkerAt } } }', { channelId, clientMutationId: 'read' }, bob);
    expect(payload.clientMutationId).toBe('read');
    expect(payload.channel.unreadCount).toBe(0);
    expect(Date.parse(payload.channel.viewerMembership.readMarkerAt)).toBeGreaterThan(0);
  });
});

describe('putChannelExpirationSettings', () => {
  test('sets and removes a channel expiry', async () => {
    const id = await createChannel(alice);
    const set = await mutate(
      'putChannelExpirationSettings',
      'PutChannelExpirationSettingsInput',
      '{ clientMutationId channel { expirationSettings { expirationDays expirationCriterion } } }',
      { channelId: id, expirationSettings: { expirationDays: 90, expirationCriterion: 'LAST_MESSAGE_TIMESTAMP' }, clientMutationId: 'p' },
      alice,
    );
    expect(set.payload).toEqual({ clientMutationId: 'p', channel: { expirationSettings: { expirationDays: 90, expirationCriterion: 'LAST_MESSAGE_TIMESTAMP' } } });
    const removed = await mutate('putChannelExpirationSettings', 'PutChannelExpirationSettingsInput', '{ channel { expirationSettings { expirationDays } } }', { channelId: id }, alice);
    expect(removed.payload.channel.expirationSettings).toBeNull();
  });
});

describe('mutations in one request', () => {
  test('run in order, each payload reading the state its own mutation left', async () => {
    const id = await createChannel(alice, { name: 'v0' });
    const { body } = await t.gql(
      `mutation($id: ID!) {
        a: updateChannel(input: { channelId: $id, name: "v1" }) { channel { name } }
        b: updateChannel(input: { channelId: $id, name: "v2" }) { channel { name } } }`,
      { id },
      alice,
    );
    expect(body.data).toEqual({ a: { channel: { name: 'v1' } }, b: { channel: { name: 'v2' } } });
  });
});

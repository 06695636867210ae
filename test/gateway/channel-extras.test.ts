/**
 * The channel extras of the graph, over HTTP against the gateway and the
 * local Chime service: elastic channels and sub-channels, membership
 * preferences, channel search, tags, messaging streaming configurations and
 * retention settings. Success and the documented failures of each, including
 * the AppInstanceAdmin-only ones (Chime authorizes them by the gateway's own
 * credentials) and input limits rejected before any upstream call.
 */
import { CreateAppInstanceUserCommand } from '@aws-sdk/client-chime-sdk-identity';
import { startTestGateway, TestGateway } from '../support/gateway';

let t: TestGateway;
const tokens = { admin: '', alice: '', bob: '', carol: '' };
const ids = { admin: '', alice: '', bob: '', carol: '', appInstance: '' };
const userId = (arn: string): string => Buffer.from(`AppInstanceUser\n${arn}`).toString('base64url');

beforeAll(async () => {
  t = await startTestGateway({ debug: true });
  const { world } = t;
  Object.assign(tokens, {
    admin: await t.tokenFor(world.admin),
    alice: await t.tokenFor(world.users.alice),
    bob: await t.tokenFor(world.users.bob),
    carol: await t.tokenFor(world.users.carol),
  });
  Object.assign(ids, {
    admin: userId(world.admin),
    alice: userId(world.users.alice),
    bob: userId(world.users.bob),
    carol: userId(world.users.carol),
    appInstance: Buffer.from(`AppInstance\n${world.appInstanceArn}`).toString('base64url'),
  });
});

afterAll(async () => {
  await t?.close();
});

/** Runs an operation expecting no errors. */
async function data<T = any>(query: string, variables: object, token: string): Promise<T> {
  const { body } = await t.gql<T>(query, variables, token);
  expect(body.errors).toBeUndefined();
  return body.data as T;
}

/** Runs one mutation expecting no errors; returns its payload. */
async function mutate(name: string, inputType: string, selection: string, input: object, token: string): Promise<any> {
  const { body } = await t.gql(`mutation($input: ${inputType}!) { ${name}(input: $input) ${selection} }`, { input }, token);
  expect(body.errors).toBeUndefined();
  return body.data[name];
}

/** Runs an operation expecting one error; returns it and the upstream calls the request made. */
async function failure(query: string, variables: object, token: string) {
  const before = t.upstreamCalls().length;
  const { body } = await t.gql(query, variables, token);
  expect(body.errors).toHaveLength(1);
  return { error: body.errors![0], calls: t.upstreamCalls().slice(before) };
}

/** Creates a channel as `token`; returns its global id and ARN. */
async function createChannel(token: string, input: object = {}): Promise<{ id: string; arn: string }> {
  return (await mutate('createChannel', 'CreateChannelInput', '{ channel { id arn } }', { name: 'room', ...input }, token)).channel;
}

async function addMember(channelId: string, memberId: string, token: string, subChannelId?: string): Promise<any> {
  return mutate('addChannelMember', 'AddChannelMemberInput', '{ membership { id subChannelId } }', { channelId, memberId, subChannelId }, token);
}

const ELASTIC = { maximumSubChannels: 3, targetMembershipsPerSubChannel: 2, minimumMembershipPercentage: 10 };

describe('elastic channels and sub-channels', () => {
  let channel: { id: string; arn: string };
  let first: string;

  beforeAll(async () => {
    channel = await createChannel(tokens.alice, { name: 'town-hall', mode: 'RESTRICTED', elasticConfiguration: ELASTIC });
    // Target 2 per sub-channel: bob and carol fill the first, the admin opens the second.
    first = (await addMember(channel.id, ids.bob, tokens.alice)).membership.subChannelId;
    await addMember(channel.id, ids.carol, tokens.alice);
    await addMember(channel.id, ids.admin, tokens.alice);
  });

  test('createChannel with elasticConfiguration makes an elastic channel; standard channels have none and no sub-channels', async () => {
    const read = await data(
      `query($id: ID!) { node(id: $id) { ... on Channel { elasticConfiguration { maximumSubChannels targetMembershipsPerSubChannel minimumMembershipPercentage } } } }`,
      { id: channel.id },
      tokens.alice,
    );
    expect(read.node.elasticConfiguration).toEqual(ELASTIC);
    const standard = await createChannel(tokens.alice);
    const { body } = await t.gql(`query($id: ID!) { node(id: $id) { ... on Channel { elasticConfiguration { maximumSubChannels } subChannels { edges { cursor } } } } }`, { id: standard.id }, tokens.alice);
    expect(body.data.node).toEqual({ elasticConfiguration: null, subChannels: null });
    expect(body.extensions.chime.byOperation.ListSubChannels).toBeUndefined();
  });

  test('addChannelMember answers the sub-channel Chime placed the member in', async () => {
    expect(first).toEqual(expect.any(String));
    const bob = await data(`query($id: ID!) { node(id: $id) { ... on Channel { viewerMembership { subChannelId } } } }`, { id: channel.id }, tokens.bob);
    expect(bob.node.viewerMembership.subChannelId).toBe(first);
    const described = await data(`query($id: ID!, $m: ID!) { node(id: $id) { ... on Channel { membership(memberId: $m) { subChannelId } } } }`, { id: channel.id, m: ids.carol }, tokens.alice);
    expect(described.node.membership.subChannelId).toBe(first);
  });

  test('channel.subChannels lists the sub-channels with their member counts (ListSubChannels), for moderators', async () => {
    const read = await data(`query($id: ID!) { node(id: $id) { ... on Channel { subChannels { edges { cursor node { subChannelId membershipCount } } pageInfo { hasNextPage } } } } }`, { id: channel.id }, tokens.alice);
    expect(read.node.subChannels.edges.map((e: any) => e.node)).toEqual([
      { subChannelId: first, membershipCount: 2 },
      { subChannelId: expect.any(String), membershipCount: 1 },
    ]);
    expect(read.node.subChannels.pageInfo.hasNextPage).toBe(false);
    const page = await data(
      `query($id: ID!, $c: String) { node(id: $id) { ... on Channel { subChannels(first: 1, after: $c) { edges { node { membershipCount } } } } } }`,
      { id: channel.id, c: read.node.subChannels.edges[0].cursor },
      tokens.alice,
    );
    expect(page.node.subChannels.edges).toEqual([{ node: { membershipCount: 1 } }]);
  });

  test('a regular member may not list sub-channels: FORBIDDEN from Chime', async () => {
    const { error, calls } = await failure(`query($id: ID!) { node(id: $id) { ... on Channel { subChannels { edges { cursor } } } } }`, { id: channel.id }, tokens.bob);
    expect(error.extensions.code).toBe('FORBIDDEN');
    expect(error.path).toEqual(['node', 'subChannels']);
    expect(calls).toContain('ListSubChannels');
  });

  test('channel.memberships(subChannelId:) lists the members of one sub-channel', async () => {
    const read = await data(
      `query($id: ID!, $s: String) { node(id: $id) { ... on Channel { memberships(subChannelId: $s) { edges { node { member { id } subChannelId } } } } } }`,
      { id: channel.id, s: first },
      tokens.alice,
    );
    expect(read.node.memberships.edges.map((e: any) => e.node)).toEqual([
      { member: { id: ids.bob }, subChannelId: first },
      { member: { id: ids.carol }, subChannelId: first },
    ]);
  });

  test('messages belong to the sender\'s sub-channel; moderators read and send by naming it', async () => {
    const sent = await mutate('sendChannelMessage', 'SendChannelMessageInput', '{ message { content subChannelId } }', { channelId: channel.id, content: 'hi sub-channel' }, tokens.bob);
    expect(sent.message).toEqual({ content: 'hi sub-channel', subChannelId: first });
    const own = await data(`query($id: ID!) { node(id: $id) { ... on Channel { messages(last: 5) { edges { node { content subChannelId } } } } } }`, { id: channel.id }, tokens.carol);
    expect(own.node.messages.edges.map((e: any) => e.node)).toContainEqual({ content: 'hi sub-channel', subChannelId: first });
    const moderated = await data(`query($id: ID!, $s: String) { node(id: $id) { ... on Channel { messages(last: 5, subChannelId: $s) { edges { node { content } } } } } }`, { id: channel.id, s: first }, tokens.alice);
    expect(moderated.node.messages.edges.map((e: any) => e.node.content)).toContain('hi sub-channel');
    // A moderator joins the sub-channel it names, then sends there.
    const joined = await addMember(channel.id, ids.alice, tokens.alice, first);
    expect(joined.membership.subChannelId).toBe(first);
    const fromModerator = await mutate('sendChannelMessage', 'SendChannelMessageInput', '{ message { subChannelId } }', { channelId: channel.id, content: 'mod here', subChannelId: first }, tokens.alice);
    expect(fromModerator.message.subChannelId).toBe(first);
    const left = await mutate('removeChannelMember', 'RemoveChannelMemberInput', '{ removedMembershipId }', { channelId: channel.id, memberId: ids.alice, subChannelId: first }, tokens.alice);
    expect(left.removedMembershipId).toEqual(expect.any(String));
  });

  test('a moderator who names no sub-channel to read is told so by Chime (BAD_USER_INPUT)', async () => {
    const { error } = await failure(`query($id: ID!) { node(id: $id) { ... on Channel { messages(last: 5) { edges { cursor } } } } }`, { id: channel.id }, tokens.alice);
    expect(error.extensions.code).toBe('BAD_USER_INPUT');
    expect(error.message).toContain('SubChannelId');
  });

  test.each([
    ['maximumSubChannels below 2', { ...ELASTIC, maximumSubChannels: 1 }, 'input.elasticConfiguration.maximumSubChannels'],
    ['targetMembershipsPerSubChannel below 2', { ...ELASTIC, targetMembershipsPerSubChannel: 1 }, 'input.elasticConfiguration.targetMembershipsPerSubChannel'],
    ['minimumMembershipPercentage above 40', { ...ELASTIC, minimumMembershipPercentage: 41 }, 'input.elasticConfiguration.minimumMembershipPercentage'],
  ])('createChannel with %s is BAD_USER_INPUT before any upstream call', async (_name, elasticConfiguration, field) => {
    const { error, calls } = await failure(
      `mutation($i: CreateChannelInput!) { createChannel(input: $i) { channel { id } } }`,
      { i: { name: 'e', mode: 'RESTRICTED', elasticConfiguration } },
      tokens.alice,
    );
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    expect(calls).toEqual([]);
  });

  test('a malformed subChannelId is BAD_USER_INPUT before any upstream call', async () => {
    const { error, calls } = await failure(
      `mutation($c: ID!) { sendChannelMessage(input: { channelId: $c, content: "x", subChannelId: "no spaces allowed" }) { message { id } } }`,
      { c: channel.id },
      tokens.alice,
    );
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.subChannelId' });
    expect(calls).toEqual([]);
  });
});

describe('membership preferences', () => {
  let channel: { id: string; arn: string };
  beforeAll(async () => {
    channel = await createChannel(tokens.alice, { name: 'prefs' });
    await addMember(channel.id, ids.bob, tokens.alice);
  });

  const ownPreferences = `query($id: ID!) { node(id: $id) { ... on Channel { viewerMembership { preferences { pushNotifications { allowNotifications filterRule } } } } } }`;

  test('a member gets every push notification until it says otherwise (GetChannelMembershipPreferences)', async () => {
    const read = await data(ownPreferences, { id: channel.id }, tokens.bob);
    expect(read.node.viewerMembership.preferences).toEqual({ pushNotifications: { allowNotifications: 'ALL', filterRule: null } });
  });

  test('putChannelMembershipPreferences sets the viewer\'s own preferences', async () => {
    const rule = '{"mention":["bob"]}';
    const payload = await mutate(
      'putChannelMembershipPreferences',
      'PutChannelMembershipPreferencesInput',
      '{ clientMutationId membership { member { id } } preferences { pushNotifications { allowNotifications filterRule } } }',
      { channelId: channel.id, preferences: { pushNotifications: { allowNotifications: 'FILTERED', filterRule: rule } }, clientMutationId: 'p' },
      tokens.bob,
    );
    expect(payload).toEqual({
      clientMutationId: 'p',
      membership: { member: { id: ids.bob } },
      preferences: { pushNotifications: { allowNotifications: 'FILTERED', filterRule: rule } },
    });
    const read = await data(ownPreferences, { id: channel.id }, tokens.bob);
    expect(read.node.viewerMembership.preferences.pushNotifications).toEqual({ allowNotifications: 'FILTERED', filterRule: rule });
    await mutate('putChannelMembershipPreferences', 'PutChannelMembershipPreferencesInput', '{ preferences { pushNotifications { allowNotifications } } }', { channelId: channel.id, preferences: {} }, tokens.bob);
    expect((await data(ownPreferences, { id: channel.id }, tokens.bob)).node.viewerMembership.preferences.pushNotifications.allowNotifications).toBe('ALL');
  });

  test('nobody else may read a member\'s preferences, AppInstanceAdmins included: FORBIDDEN from Chime', async () => {
    const { error } = await failure(`query($id: ID!, $m: ID!) { node(id: $id) { ... on Channel { membership(memberId: $m) { preferences { pushNotifications { allowNotifications } } } } } }`, { id: channel.id, m: ids.bob }, tokens.admin);
    expect(error.extensions.code).toBe('FORBIDDEN');
    expect(error.path).toEqual(['node', 'membership', 'preferences']);
  });

  test('a viewer who is not a member has no preferences to set: FORBIDDEN from Chime', async () => {
    const { error } = await failure(
      `mutation($c: ID!) { putChannelMembershipPreferences(input: { channelId: $c, preferences: { pushNotifications: { allowNotifications: NONE } } }) { preferences { pushNotifications { allowNotifications } } } }`,
      { c: channel.id },
      tokens.carol,
    );
    expect(error.extensions.code).toBe('FORBIDDEN');
  });

  test.each([
    ['FILTERED without a filter rule', { allowNotifications: 'FILTERED' }],
    ['a filter rule without FILTERED', { allowNotifications: 'ALL', filterRule: '{"a":["b"]}' }],
    ['a filter rule over 2 KB', { allowNotifications: 'FILTERED', filterRule: `{"a":["${'b'.repeat(2048)}"]}` }],
  ])('%s is BAD_USER_INPUT before any upstream call', async (_name, pushNotifications) => {
    const { error, calls } = await failure(
      `mutation($i: PutChannelMembershipPreferencesInput!) { putChannelMembershipPreferences(input: $i) { clientMutationId } }`,
      { i: { channelId: channel.id, preferences: { pushNotifications } } },
      tokens.bob,
    );
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.preferences.pushNotifications.filterRule' });
    expect(calls).toEqual([]);
  });
});

describe('searchChannels', () => {
  const search = `query($f: [ChannelSearchFieldInput!]!, $first: Int, $after: String) { searchChannels(fields: $f, first: $first, after: $after) { edges { cursor node { id name lastMessageAt } } pageInfo { hasNextPage endCursor } } }`;
  let pair: { id: string };
  let trio: { id: string };
  /** A user of these channels only, so no other test's channel matches. */
  let dave: string;
  beforeAll(async () => {
    const { AppInstanceUserArn } = await t.chime.identity.send(
      new CreateAppInstanceUserCommand({ AppInstanceArn: t.world.appInstanceArn, AppInstanceUserId: 'dave', Name: 'dave' }),
    );
    dave = userId(AppInstanceUserArn!);
    pair = await createChannel(tokens.carol, { name: 'search-a', privacy: 'PRIVATE' });
    await addMember(pair.id, dave, tokens.carol);
    trio = await createChannel(tokens.carol, { name: 'search-b' });
    await addMember(trio.id, dave, tokens.carol);
    await addMember(trio.id, ids.alice, tokens.carol);
  });

  test('INCLUDES finds the channels whose members include every value, by name', async () => {
    const found = await data(search, { f: [{ operator: 'INCLUDES', values: [dave, ids.carol] }] }, tokens.carol);
    expect(found.searchChannels.edges.map((e: any) => e.node.id)).toEqual([pair.id, trio.id]);
  });

  test('EQUALS finds the channels whose members are exactly the values', async () => {
    const found = await data(search, { f: [{ key: 'MEMBERS', operator: 'EQUALS', values: [ids.carol, dave] }] }, tokens.carol);
    expect(found.searchChannels.edges.map((e: any) => e.node.id)).toEqual([pair.id]);
  });

  test('a user searches its own channels; an AppInstanceAdmin searches all of them, PRIVATE ones too', async () => {
    const asAlice = await data(search, { f: [{ operator: 'INCLUDES', values: [ids.carol, dave] }] }, tokens.alice);
    expect(asAlice.searchChannels.edges.map((e: any) => e.node.id)).toEqual([trio.id]);
    const asAdmin = await data(search, { f: [{ operator: 'INCLUDES', values: [ids.carol, dave] }] }, tokens.admin);
    expect(asAdmin.searchChannels.edges.map((e: any) => e.node.id)).toEqual([pair.id, trio.id]);
  });

  test('pages with first/after, and the summaries serve channel fields without DescribeChannel', async () => {
    const { body } = await t.gql(search, { f: [{ operator: 'INCLUDES', values: [dave] }], first: 1 }, tokens.carol);
    expect(body.data.searchChannels.edges.map((e: any) => e.node.name)).toEqual(['search-a']);
    expect(body.data.searchChannels.pageInfo.hasNextPage).toBe(true);
    expect(body.extensions.chime.byOperation).toEqual({ SearchChannels: 1 });
    const next = await data(search, { f: [{ operator: 'INCLUDES', values: [dave] }], first: 1, after: body.data.searchChannels.pageInfo.endCursor }, tokens.carol);
    expect(next.searchChannels.edges.map((e: any) => e.node.name)).toEqual(['search-b']);
  });

  test.each([
    ['no conditions', () => [], 'fields'],
    ['21 conditions', () => Array.from({ length: 21 }, () => ({ operator: 'INCLUDES', values: [dave] })), 'fields'],
    ['a condition without values', () => [{ operator: 'INCLUDES', values: [] }], 'fields[0].values'],
    ['a condition of 21 values', () => [{ operator: 'INCLUDES', values: Array.from({ length: 21 }, () => dave) }], 'fields[0].values'],
    ['a value that is no user or bot id', () => [{ operator: 'INCLUDES', values: [pair.id] }], 'fields[0].values[0]'],
  ])('%s is BAD_USER_INPUT before any upstream call', async (_name, fields, field) => {
    const { error, calls } = await failure(search, { f: fields() }, tokens.carol);
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    expect(calls).toEqual([]);
  });
});

describe('tags', () => {
  let channel: { id: string; arn: string };
  beforeAll(async () => {
    channel = await createChannel(tokens.alice, { name: 'tagged', tags: [{ key: 'team', value: 'ux' }] });
  });
  const tagsOf = `query($id: ID!) { node(id: $id) { ... on Channel { tags { key value } } } }`;

  test('channel.tags lists the tags in key order (ListTagsForResource), for AppInstanceAdmins', async () => {
    expect((await data(tagsOf, { id: channel.id }, tokens.admin)).node.tags).toEqual([{ key: 'team', value: 'ux' }]);
  });

  test('to anyone else channel.tags is FORBIDDEN, with no ListTagsForResource call, and the rest of the channel stands', async () => {
    const before = t.upstreamCalls().length;
    const { body } = await t.gql(`query($id: ID!) { node(id: $id) { ... on Channel { name tags { key } } } }`, { id: channel.id }, tokens.alice);
    expect(body.data.node).toEqual({ name: 'tagged', tags: null });
    expect(body.errors).toHaveLength(1);
    expect(body.errors![0].extensions.code).toBe('FORBIDDEN');
    expect(t.upstreamCalls().slice(before)).not.toContain('ListTagsForResource');
  });

  test('tagResource adds and replaces tags; untagResource removes them by key', async () => {
    const tagged = await mutate(
      'tagResource',
      'TagResourceInput',
      '{ clientMutationId channel { id tags { key value } } }',
      { resourceId: channel.id, tags: [{ key: 'team', value: 'design' }, { key: 'cost-center', value: '42' }], clientMutationId: 't' },
      tokens.admin,
    );
    expect(tagged).toEqual({
      clientMutationId: 't',
      channel: { id: channel.id, tags: [{ key: 'cost-center', value: '42' }, { key: 'team', value: 'design' }] },
    });
    const untagged = await mutate('untagResource', 'UntagResourceInput', '{ channel { tags { key value } } }', { resourceId: channel.id, tagKeys: ['team', 'absent'] }, tokens.admin);
    expect(untagged.channel.tags).toEqual([{ key: 'cost-center', value: '42' }]);
  });

  test('tagResource by a user who is no AppInstanceAdmin is FORBIDDEN with no TagResource call', async () => {
    const { error, calls } = await failure(`mutation($r: ID!) { tagResource(input: { resourceId: $r, tags: [{ key: "k", value: "v" }] }) { clientMutationId } }`, { r: channel.id }, tokens.alice);
    expect(error.extensions.code).toBe('FORBIDDEN');
    expect(calls).toEqual(['DescribeAppInstanceAdmin']);
  });

  test('tagging a channel that does not exist is NOT_FOUND, found before any TagResource call', async () => {
    const gone = await createChannel(tokens.alice, { name: 'gone' });
    await mutate('deleteChannel', 'DeleteChannelInput', '{ deletedChannelId }', { channelId: gone.id }, tokens.alice);
    const { error, calls } = await failure(`mutation($r: ID!) { tagResource(input: { resourceId: $r, tags: [{ key: "k", value: "v" }] }) { clientMutationId } }`, { r: gone.id }, tokens.admin);
    expect(error.extensions.code).toBe('NOT_FOUND');
    expect(calls).not.toContain('TagResource');
  });

  test.each([
    ['no tags', `mutation($r: ID!) { tagResource(input: { resourceId: $r, tags: [] }) { clientMutationId } }`, () => channel.id, 'input.tags'],
    ['a 129-character key', `mutation($r: ID!) { tagResource(input: { resourceId: $r, tags: [{ key: "${'k'.repeat(129)}", value: "v" }] }) { clientMutationId } }`, () => channel.id, 'input.tags[0].key'],
    ['no keys to remove', `mutation($r: ID!) { untagResource(input: { resourceId: $r, tagKeys: [] }) { clientMutationId } }`, () => channel.id, 'input.tagKeys'],
    ['the id of a user', `mutation($r: ID!) { untagResource(input: { resourceId: $r, tagKeys: ["k"] }) { clientMutationId } }`, () => ids.bob, 'input.resourceId'],
  ])('%s is BAD_USER_INPUT before any upstream call', async (_name, query, resource, field) => {
    const { error, calls } = await failure(query, { r: resource() }, tokens.admin);
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    expect(calls).toEqual([]);
  });
});

describe('messaging streaming configurations', () => {
  const streamArn = (name: string) => `arn:aws:kinesis:us-east-1:123456789012:stream/chime-messaging-${name}`;
  const read = `{ appInstance { messagingStreamingConfigurations { dataType resourceArn } } }`;

  test('an AppInstance that streams nothing shows an empty list', async () => {
    expect((await data(read, {}, tokens.admin)).appInstance.messagingStreamingConfigurations).toEqual([]);
  });

  test('put sets the stream of each data type given, keeps the others; delete stops all streaming', async () => {
    const payload = await mutate(
      'putMessagingStreamingConfigurations',
      'PutMessagingStreamingConfigurationsInput',
      '{ clientMutationId appInstance { id } configurations { dataType resourceArn } }',
      {
        appInstanceId: ids.appInstance,
        configurations: [
          { dataType: 'Channel', resourceArn: streamArn('channels') },
          { dataType: 'ChannelMessage', resourceArn: streamArn('messages') },
        ],
        clientMutationId: 's',
      },
      tokens.admin,
    );
    expect(payload).toMatchObject({ clientMutationId: 's', appInstance: { id: ids.appInstance } });
    await mutate(
      'putMessagingStreamingConfigurations',
      'PutMessagingStreamingConfigurationsInput',
      '{ configurations { dataType } }',
      { appInstanceId: ids.appInstance, configurations: [{ dataType: 'ChannelMessage', resourceArn: streamArn('messages-2') }] },
      tokens.admin,
    );
    expect((await data(read, {}, tokens.admin)).appInstance.messagingStreamingConfigurations).toEqual([
      { dataType: 'Channel', resourceArn: streamArn('channels') },
      { dataType: 'ChannelMessage', resourceArn: streamArn('messages-2') },
    ]);
    const deleted = await mutate('deleteMessagingStreamingConfigurations', 'DeleteMessagingStreamingConfigurationsInput', '{ clientMutationId appInstance { messagingStreamingConfigurations { dataType } } }', { appInstanceId: ids.appInstance, clientMutationId: 'd' }, tokens.admin);
    expect(deleted).toEqual({ clientMutationId: 'd', appInstance: { messagingStreamingConfigurations: [] } });
  });

  test('to anyone but an AppInstanceAdmin the configurations are FORBIDDEN, with no streaming call', async () => {
    const { error, calls } = await failure(read, {}, tokens.alice);
    expect(error.extensions.code).toBe('FORBIDDEN');
    expect(calls).toEqual(['DescribeAppInstanceAdmin']);
    const put = await failure(
      `mutation($a: ID!) { putMessagingStreamingConfigurations(input: { appInstanceId: $a, configurations: [{ dataType: Channel, resourceArn: "${streamArn('x')}" }] }) { clientMutationId } }`,
      { a: ids.appInstance },
      tokens.alice,
    );
    expect(put.error.extensions.code).toBe('FORBIDDEN');
    expect(put.calls).toEqual(['DescribeAppInstanceAdmin']);
  });

  test('a stream Chime cannot use is BAD_USER_INPUT from Chime', async () => {
    const { error } = await failure(
      `mutation($a: ID!) { putMessagingStreamingConfigurations(input: { appInstanceId: $a, configurations: [{ dataType: Channel, resourceArn: "arn:aws:kinesis:us-east-1:123456789012:stream/other" }] }) { clientMutationId } }`,
      { a: ids.appInstance },
      tokens.admin,
    );
    expect(error.extensions.code).toBe('BAD_USER_INPUT');
    expect(error.message).toContain('chime-messaging-');
  });

  test.each([
    ['three configurations', () => ({ appInstanceId: ids.appInstance, configurations: [1, 2, 3].map((n) => ({ dataType: 'Channel', resourceArn: streamArn(`${n}`) })) }), 'input.configurations'],
    ['one data type twice', () => ({ appInstanceId: ids.appInstance, configurations: [1, 2].map((n) => ({ dataType: 'Channel', resourceArn: streamArn(`${n}`) })) }), 'input.configurations[1].dataType'],
    ['a resourceArn that is no ARN', () => ({ appInstanceId: ids.appInstance, configurations: [{ dataType: 'Channel', resourceArn: 'stream' }] }), 'input.configurations[0].resourceArn'],
    ['the id of another AppInstance', () => ({ appInstanceId: Buffer.from('AppInstance\narn:aws:chime:us-east-1:123456789012:app-instance/other').toString('base64url'), configurations: [{ dataType: 'Channel', resourceArn: streamArn('a') }] }), 'input.appInstanceId'],
  ])('%s is refused before any upstream call', async (_name, input, field) => {
    const { error, calls } = await failure(`mutation($i: PutMessagingStreamingConfigurationsInput!) { putMessagingStreamingConfigurations(input: $i) { clientMutationId } }`, { i: input() }, tokens.admin);
    expect(error.extensions.code).toBe(field === 'input.appInstanceId' ? 'FORBIDDEN' : 'BAD_USER_INPUT');
    if (error.extensions.code === 'BAD_USER_INPUT') expect(error.extensions.field).toBe(field);
    expect(calls).toEqual([]);
  });
});

describe('retention settings', () => {
  const read = `{ appInstance { retentionSettings { channelRetentionDays } } }`;

  test('putAppInstanceRetentionSettings sets and removes the retention; retentionSettings reads it back', async () => {
    expect((await data(read, {}, tokens.admin)).appInstance.retentionSettings).toEqual({ channelRetentionDays: null });
    const payload = await mutate(
      'putAppInstanceRetentionSettings',
      'PutAppInstanceRetentionSettingsInput',
      '{ clientMutationId appInstance { id } retentionSettings { channelRetentionDays } initiateDeletionAt }',
      { appInstanceId: ids.appInstance, channelRetentionDays: 30, clientMutationId: 'r' },
      tokens.admin,
    );
    expect(payload).toMatchObject({ clientMutationId: 'r', appInstance: { id: ids.appInstance }, retentionSettings: { channelRetentionDays: 30 } });
    expect(payload.initiateDeletionAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect((await data(read, {}, tokens.admin)).appInstance.retentionSettings).toEqual({ channelRetentionDays: 30 });
    await mutate('putAppInstanceRetentionSettings', 'PutAppInstanceRetentionSettingsInput', '{ retentionSettings { channelRetentionDays } }', { appInstanceId: ids.appInstance }, tokens.admin);
    expect((await data(read, {}, tokens.admin)).appInstance.retentionSettings).toEqual({ channelRetentionDays: null });
  });

  test('to anyone but an AppInstanceAdmin they are FORBIDDEN, with no retention call', async () => {
    const { error, calls } = await failure(read, {}, tokens.bob);
    expect(error.extensions.code).toBe('FORBIDDEN');
    expect(calls).toEqual(['DescribeAppInstanceAdmin']);
  });

  test('5476 days is BAD_USER_INPUT before any upstream call', async () => {
    const { error, calls } = await failure(
      `mutation($a: ID!) { putAppInstanceRetentionSettings(input: { appInstanceId: $a, channelRetentionDays: 5476 }) { clientMutationId } }`,
      { a: ids.appInstance },
      tokens.admin,
    );
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.channelRetentionDays' });
    expect(calls).toEqual([]);
  });
});

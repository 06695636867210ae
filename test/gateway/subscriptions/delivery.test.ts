/**
 * What subscribers receive, end to end: the real graphql-ws client over a
 * real socket to the gateway, changes made through the gateway's mutations,
 * Chime's events coming back through each viewer's own messaging session.
 */
import { SendChannelMessageCommand } from '@aws-sdk/client-chime-sdk-messaging';
import { connect, startSubscriptionGateway, SubscriptionGateway, TestClient, waitUntil } from '../../support/graphql-ws-client';

const MESSAGE_EVENTS = `subscription($channelId: ID!) {
  channelMessageEvents(channelId: $channelId) {
    __typename
    ... on ChannelMessageEvent { type recovered channel { id } message { id messageId content redacted editedAt type persistence sender { id name } } }
    ... on ResyncRequiredEvent { reason }
  }
}`;

const CHANNEL_EVENTS = `subscription($channelId: ID!) {
  channelEvents(channelId: $channelId) {
    __typename
    ... on ChatEvent { channel { id } }
    ... on ChannelMembershipEvent { type includesViewer memberships { id type member { id name } } }
    ... on ChannelChangeEvent { type channel { name } }
    ... on ChannelControlEvent { message { content type persistence sender { name } } }
  }
}`;

const VIEWER_EVENTS = `subscription {
  viewerEvents {
    __typename
    channel { id }
    ... on ChannelMessageEvent { type message { content } }
    ... on ChannelControlEvent { message { content } }
    ... on ChannelMembershipEvent { type includesViewer memberships { member { id } } }
    ... on ChannelChangeEvent { type }
  }
}`;

let t: SubscriptionGateway;
const token = { alice: '', bob: '', carol: '', admin: '' };
const id = { alice: '', bob: '', carol: '' };
const clients: TestClient[] = [];

beforeAll(async () => {
  t = await startSubscriptionGateway();
  const { alice, bob, carol } = t.world.users;
  [token.alice, token.bob, token.carol, token.admin] = await Promise.all([alice, bob, carol, t.world.admin].map((arn) => t.tokenFor(arn)));
  const d = await t.gql(
    `query($a: String!, $b: String!, $c: String!) { a: appInstanceUser(arn: $a) { id } b: appInstanceUser(arn: $b) { id } c: appInstanceUser(arn: $c) { id } }`,
    { a: alice, b: bob, c: carol },
    token.alice,
  );
  Object.assign(id, { alice: d.a.id, bob: d.b.id, carol: d.c.id });
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.dispose()));
  // Every test leaves nothing behind: the last subscription gone, each upstream session closes after the linger.
  await waitUntil(() => t.transport.stats().upstreamSessions === 0 && t.chime.chime.sessions.size === 0, 'every upstream session to close');
});

afterAll(() => t.close());

function client(as: keyof typeof token): TestClient {
  const c = connect(t.wsUrl, token[as]);
  clients.push(c);
  return c;
}

/** Waits until `count` subscriptions receive events. */
const live = (count: number) => waitUntil(() => t.transport.stats().subscriptions === count, `${count} live subscriptions`);

/** A channel created by `creator` through the gateway, with `members` added; returns its global id. */
async function channel(creator: keyof typeof token, members: Array<keyof typeof id>, input: object = {}): Promise<string> {
  const created = await t.gql(`mutation($input: CreateChannelInput!) { createChannel(input: $input) { channel { id } } }`, { input: { name: 'chat', ...input } }, token[creator]);
  const channelId = created.createChannel.channel.id;
  for (const member of members) await addMember(creator, channelId, member);
  return channelId;
}

function addMember(as: keyof typeof token, channelId: string, member: keyof typeof id) {
  return t.gql(`mutation($c: ID!, $m: ID!) { addChannelMember(input: { channelId: $c, memberId: $m }) { clientMutationId } }`, { c: channelId, m: id[member] }, token[as]);
}

async function send(as: keyof typeof token, channelId: string, content: string, extra: object = {}): Promise<string> {
  const sent = await t.gql(
    `mutation($input: SendChannelMessageInput!) { sendChannelMessage(input: $input) { message { id } } }`,
    { input: { channelId, content, ...extra } },
    token[as],
  );
  return sent.sendChannelMessage.message.id;
}

const typenames = (results: Array<{ data?: any }>, field: string) => results.map((r) => r.data[field].__typename);

test('a message sent through sendChannelMessage arrives at every subscribed member, on every socket, and at no one else', async () => {
  const room = await channel('alice', ['bob']);
  const carolsOwn = await channel('carol', []);
  const alice = client('alice');
  const bobTab1 = client('bob');
  const bobTab2 = client('bob');
  const carol = client('carol');
  const subscriptions = [
    alice.subscribe(MESSAGE_EVENTS, { channelId: room }),
    alice.subscribe(VIEWER_EVENTS),
    bobTab1.subscribe(MESSAGE_EVENTS, { channelId: room }),
    bobTab2.subscribe(MESSAGE_EVENTS, { channelId: room }),
  ];
  const carolsEvents = carol.subscribe(VIEWER_EVENTS);
  await live(5);

  const messageId = await send('bob', room, 'hello');
  for (const subscription of subscriptions) {
    const [result] = await subscription.receive(1);
    const event = result.data.channelMessageEvents ?? result.data.viewerEvents;
    expect(event).toMatchObject({ __typename: 'ChannelMessageEvent', type: 'CREATE_CHANNEL_MESSAGE', channel: { id: room }, message: { content: 'hello' } });
  }
  // The same node and global id as the mutation returned, so client caches update in place.
  expect(subscriptions[0].data[0].channelMessageEvents.message).toMatchObject({ id: messageId, type: 'STANDARD', persistence: 'PERSISTENT', redacted: false, sender: { id: id.bob, name: 'bob' } });
  expect(subscriptions[0].data[0].channelMessageEvents.recovered).toBe(false);

  // carol hears her own channel's message first: she never got bob's.
  await send('carol', carolsOwn, 'marker');
  const [first] = await carolsEvents.receive(1);
  expect(first.data.viewerEvents).toMatchObject({ __typename: 'ChannelMessageEvent', channel: { id: carolsOwn }, message: { content: 'marker' } });
  expect(subscriptions.map((s) => s.results.length)).toEqual([1, 1, 1, 1]);
});

test('edits, redactions and deletions arrive typed, each with the same message node', async () => {
  const room = await channel('alice', ['bob']);
  const alice = client('alice');
  const events = alice.subscribe(MESSAGE_EVENTS, { channelId: room });
  await live(1);

  const messageId = await send('bob', room, 'first draft');
  await t.gql(`mutation($m: ID!) { updateChannelMessage(input: { messageId: $m, content: "final" }) { clientMutationId } }`, { m: messageId }, token.bob);
  await t.gql(`mutation($m: ID!) { redactChannelMessage(input: { messageId: $m }) { clientMutationId } }`, { m: messageId }, token.bob);
  await t.gql(`mutation($m: ID!) { deleteChannelMessage(input: { messageId: $m }) { clientMutationId } }`, { m: messageId }, token.admin);

  const results = await events.receive(4);
  const got = results.map((r) => r.data.channelMessageEvents);
  expect(got.map((e) => e.type)).toEqual(['CREATE_CHANNEL_MESSAGE', 'UPDATE_CHANNEL_MESSAGE', 'REDACT_CHANNEL_MESSAGE', 'DELETE_CHANNEL_MESSAGE']);
  expect(got.map((e) => e.message.id)).toEqual([messageId, messageId, messageId, messageId]);
  expect(got[0].message).toMatchObject({ content: 'first draft', editedAt: null, redacted: false });
  expect(got[1].message).toMatchObject({ content: 'final', redacted: false });
  expect(got[1].message.editedAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
  expect(got[2].message.redacted).toBe(true);
  expect(got[2].message.content ?? '').toBe('');
});

test('membership changes and channel updates arrive typed on channelEvents; the member added or removed sees them on viewerEvents', async () => {
  const room = await channel('alice', ['bob']);
  const alice = client('alice');
  const carol = client('carol');
  const roomEvents = alice.subscribe(CHANNEL_EVENTS, { channelId: room });
  const carolsEvents = carol.subscribe(VIEWER_EVENTS);
  await live(2);

  await addMember('alice', room, 'carol');
  await t.gql(`mutation($c: ID!) { updateChannel(input: { channelId: $c, name: "renamed" }) { clientMutationId } }`, { c: room }, token.alice);
  await t.gql(`mutation($c: ID!, $m: ID!) { removeChannelMember(input: { channelId: $c, memberId: $m }) { clientMutationId } }`, { c: room, m: id.carol }, token.alice);

  const onRoom = (await roomEvents.receive(3)).map((r) => r.data.channelEvents);
  expect(onRoom[0]).toMatchObject({
    __typename: 'ChannelMembershipEvent',
    type: 'CREATE_CHANNEL_MEMBERSHIP',
    includesViewer: false,
    channel: { id: room },
    memberships: [{ type: 'DEFAULT', member: { id: id.carol, name: 'carol' } }],
  });
  expect(onRoom[1]).toMatchObject({ __typename: 'ChannelChangeEvent', type: 'UPDATE_CHANNEL', channel: { id: room, name: 'renamed' } });
  expect(onRoom[2]).toMatchObject({ __typename: 'ChannelMembershipEvent', type: 'DELETE_CHANNEL_MEMBERSHIP', includesViewer: false, memberships: [{ member: { id: id.carol } }] });

  const onCarol = (await carolsEvents.receive(3)).map((r) => r.data.viewerEvents);
  expect(onCarol.map((e) => [e.__typename, e.type, e.includesViewer])).toEqual([
    ['ChannelMembershipEvent', 'CREATE_CHANNEL_MEMBERSHIP', true],
    ['ChannelChangeEvent', 'UPDATE_CHANNEL', undefined],
    ['ChannelMembershipEvent', 'DELETE_CHANNEL_MEMBERSHIP', true],
  ]);
  // Leaving a channel does not end viewerEvents.
  expect(carolsEvents.ended).toBe(false);
});

test('members added at once arrive as one BATCH_CREATE_CHANNEL_MEMBERSHIP event listing them all', async () => {
  const room = await channel('alice', []);
  const alice = client('alice');
  const carol = client('carol');
  const roomEvents = alice.subscribe(CHANNEL_EVENTS, { channelId: room });
  const carolsEvents = carol.subscribe(VIEWER_EVENTS);
  await live(2);
  await t.gql(`mutation($c: ID!, $m: [ID!]!) { addChannelMembers(input: { channelId: $c, memberIds: $m }) { clientMutationId } }`, { c: room, m: [id.bob, id.carol] }, token.alice);
  const [batch] = await roomEvents.receive(1);
  expect(batch.data.channelEvents).toMatchObject({ __typename: 'ChannelMembershipEvent', type: 'BATCH_CREATE_CHANNEL_MEMBERSHIP', includesViewer: false });
  expect(batch.data.channelEvents.memberships.map((m: any) => [m.member.id, m.type])).toEqual([
    [id.bob, 'DEFAULT'],
    [id.carol, 'DEFAULT'],
  ]);
  const [own] = await carolsEvents.receive(1);
  expect(own.data.viewerEvents).toMatchObject({ type: 'BATCH_CREATE_CHANNEL_MEMBERSHIP', includesViewer: true, channel: { id: room } });
});

test('typing indicators (CONTROL messages) arrive on channelEvents and viewerEvents, never on channelMessageEvents', async () => {
  const room = await channel('alice', ['bob']);
  const alice = client('alice');
  const roomEvents = alice.subscribe(CHANNEL_EVENTS, { channelId: room });
  const messages = alice.subscribe(MESSAGE_EVENTS, { channelId: room });
  const everything = alice.subscribe(VIEWER_EVENTS);
  await live(3);

  await send('bob', room, 'typing', { type: 'CONTROL', persistence: 'NON_PERSISTENT' });
  await send('bob', room, 'done typing');

  const [control] = await roomEvents.receive(1);
  expect(control.data.channelEvents).toEqual({
    __typename: 'ChannelControlEvent',
    channel: { id: room },
    message: { content: 'typing', type: 'CONTROL', persistence: 'NON_PERSISTENT', sender: { name: 'bob' } },
  });
  expect(typenames(await everything.receive(2), 'viewerEvents')).toEqual(['ChannelControlEvent', 'ChannelMessageEvent']);
  const [first] = await messages.receive(1);
  expect(first.data.channelMessageEvents.message.content).toBe('done typing');
  expect(messages.results).toHaveLength(1);
  expect(roomEvents.results).toHaveLength(1);
});

test.each([
  ['removed', 'removeChannelMember'],
  ['banned', 'banChannelMember'],
])('a %s member: its channel subscriptions end with FORBIDDEN after the removal event; viewerEvents carries on', async (_what, mutation) => {
  const room = await channel('alice', ['bob']);
  const bob = client('bob');
  const messages = bob.subscribe(MESSAGE_EVENTS, { channelId: room });
  const roomEvents = bob.subscribe(CHANNEL_EVENTS, { channelId: room });
  const everything = bob.subscribe(VIEWER_EVENTS);
  await live(3);

  const input = mutation === 'banChannelMember' ? 'BanChannelMemberInput' : 'RemoveChannelMemberInput';
  await t.gql(`mutation($input: ${input}!) { ${mutation}(input: $input) { clientMutationId } }`, { input: { channelId: room, memberId: id.bob } }, token.alice);

  await Promise.all([messages.done, roomEvents.done]);
  for (const ended of [messages, roomEvents]) {
    expect(ended.error).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'FORBIDDEN', reason: 'MEMBERSHIP_DELETED' }) })]);
  }
  expect(messages.results).toEqual([]);
  expect(roomEvents.data.map((d) => [d.channelEvents.type, d.channelEvents.includesViewer])).toEqual([['DELETE_CHANNEL_MEMBERSHIP', true]]);
  const [removal] = await everything.receive(1);
  expect(removal.data.viewerEvents).toMatchObject({ type: 'DELETE_CHANNEL_MEMBERSHIP', includesViewer: true });
  expect(everything.ended).toBe(false);
  await waitUntil(() => t.transport.stats().subscriptions === 1, 'the ended subscriptions to be gone');
});

test('a deleted channel: DELETE_CHANNEL arrives, then its subscriptions end with FORBIDDEN', async () => {
  const room = await channel('alice', ['bob']);
  const bob = client('bob');
  const roomEvents = bob.subscribe(CHANNEL_EVENTS, { channelId: room });
  await live(1);
  await t.gql(`mutation($c: ID!) { deleteChannel(input: { channelId: $c }) { clientMutationId } }`, { c: room }, token.alice);
  await roomEvents.done;
  expect(roomEvents.data.map((d) => [d.channelEvents.__typename, d.channelEvents.type])).toEqual([['ChannelChangeEvent', 'DELETE_CHANNEL']]);
  expect(roomEvents.error[0].extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'CHANNEL_DELETED' });
});

test('subscribing to a channel the viewer cannot read fails (FORBIDDEN, NOT_FOUND, BAD_USER_INPUT) and opens no upstream session', async () => {
  const open = await channel('alice', ['bob']);
  const secret = await channel('alice', ['bob'], { privacy: 'PRIVATE' });
  const gone = await channel('alice', []);
  await t.gql(`mutation($c: ID!) { deleteChannel(input: { channelId: $c }) { clientMutationId } }`, { c: gone }, token.alice);
  const carol = client('carol');
  const cases: Array<[string, string]> = [
    [open, 'FORBIDDEN'],
    [secret, 'FORBIDDEN'],
    [gone, 'NOT_FOUND'],
    [id.carol, 'BAD_USER_INPUT'],
  ];
  for (const [channelId, code] of cases) {
    const refused = carol.subscribe(MESSAGE_EVENTS, { channelId });
    await refused.done;
    // graphql-ws sends the subscribe phase's errors as a result, then completes.
    expect(refused.results).toEqual([{ errors: [expect.objectContaining({ path: ['channelMessageEvents'], extensions: expect.objectContaining({ code }) })] }]);
    expect(refused.error).toBeUndefined();
  }
  expect(t.transport.stats()).toMatchObject({ subscriptions: 0, groups: 0, upstreamSessions: 0 });
  expect(t.chime.chime.sessions.size).toBe(0);
});

test('subscriptions of the same document, variables and viewer share one execution per event, across sockets', async () => {
  const room = await channel('alice', ['bob']);
  const withChannelName = `subscription($channelId: ID!) { channelMessageEvents(channelId: $channelId) { ... on ChannelMessageEvent { channel { name } message { content } } } }`;
  const tabs = [client('alice'), client('alice'), client('alice')];
  const same = tabs.map((tab) => tab.subscribe(withChannelName, { channelId: room }));
  const bobs = client('bob').subscribe(withChannelName, { channelId: room });
  await live(4);
  expect(t.transport.stats()).toMatchObject({ groups: 2, subscriptions: 4, upstreamSessions: 2 });

  const before = t.upstreamCalls().length;
  // Sent with the SDK, so every call the gateway makes from here on is for the event.
  const arn = Buffer.from(room, 'base64url').toString('utf8').split('\n')[1];
  await t.chime.messaging.send(new SendChannelMessageCommand({ ChannelArn: arn, Content: 'once', Type: 'STANDARD', Persistence: 'PERSISTENT', ChimeBearer: t.world.users.bob }));
  for (const subscription of [...same, bobs]) {
    const [result] = await subscription.receive(1);
    expect(result.data.channelMessageEvents).toEqual({ channel: { name: 'chat' }, message: { content: 'once' } });
  }
  // `channel { name }` costs one DescribeChannel per execution: one for alice's three sockets, one for bob's.
  expect(t.upstreamCalls().slice(before)).toEqual(['DescribeChannel', 'DescribeChannel']);
});

test('viewers with the same document share one execution per event when the selection does not depend on the viewer', async () => {
  const room = await channel('alice', ['bob', 'carol']);
  const contentOnly = `subscription($channelId: ID!) { channelMessageEvents(channelId: $channelId) { ... on ChannelMessageEvent { message { id content } } } }`;
  const subscriptions = (['alice', 'bob', 'carol'] as const).map((as) => client(as).subscribe(contentOnly, { channelId: room }));
  await live(3);
  expect(t.transport.stats()).toMatchObject({ groups: 3, upstreamSessions: 3 });

  const before = t.transport.stats().executions;
  const messageId = await send('bob', room, 'shared');
  for (const subscription of subscriptions) {
    const [result] = await subscription.receive(1);
    expect(result.data.channelMessageEvents).toEqual({ message: { id: messageId, content: 'shared' } });
  }
  // Three viewers, three upstream sessions, three groups: the frame is decoded and the selection executed once.
  expect(t.transport.stats().executions - before).toBe(1);
});

test('a selection that depends on the viewer is executed for each viewer, and each gets its own answer', async () => {
  const room = await channel('alice', ['bob']);
  const membershipEvents = `subscription($channelId: ID!) { channelEvents(channelId: $channelId) { ... on ChannelMembershipEvent { type includesViewer } } }`;
  const [alices, bobs] = (['alice', 'bob'] as const).map((as) => client(as).subscribe(membershipEvents, { channelId: room }));
  await live(2);

  const before = t.transport.stats().executions;
  await addMember('alice', room, 'carol');
  const [[forAlice], [forBob]] = await Promise.all([alices.receive(1), bobs.receive(1)]);
  expect(forAlice.data.channelEvents).toEqual({ type: 'CREATE_CHANNEL_MEMBERSHIP', includesViewer: false });
  expect(forBob.data.channelEvents).toEqual({ type: 'CREATE_CHANNEL_MEMBERSHIP', includesViewer: false });
  expect(t.transport.stats().executions - before).toBe(2);

  // Removing bob: his own answer says so, alice's does not; his subscription then ends (ACCESS_REVOKED).
  await t.gql(`mutation($c: ID!, $m: ID!) { removeChannelMember(input: { channelId: $c, memberId: $m }) { clientMutationId } }`, { c: room, m: id.bob }, token.alice);
  const [, removedForAlice] = await alices.receive(2);
  expect(removedForAlice.data.channelEvents).toEqual({ type: 'DELETE_CHANNEL_MEMBERSHIP', includesViewer: false });
  await bobs.done;
  expect(bobs.data.at(-1)?.channelEvents).toEqual({ type: 'DELETE_CHANNEL_MEMBERSHIP', includesViewer: true });
});

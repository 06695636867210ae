import {
  CreateChannelBanCommand,
  CreateChannelCommand,
  CreateChannelMembershipCommand,
  DeleteChannelCommand,
  DeleteChannelMembershipCommand,
  DeleteChannelMessageCommand,
  RedactChannelMessageCommand,
  SendChannelMessageCommand,
  UpdateChannelMessageCommand,
} from '@aws-sdk/client-chime-sdk-messaging';
import { ChimeClients, createChimeClients } from '../../../src/gateway/chime-clients';
import { RealtimeEvent, RealtimeHub } from '../../../src/gateway/realtime';
import { createWorld, startTestChime, TEST_CREDENTIALS, TestChime, TestWorld } from '../../support/local-chime';

async function waitFor(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Contents of the created messages a listener got, in order. */
const contents = (events: RealtimeEvent[]) => events.flatMap((e) => (e.kind === 'message' && e.type === 'CREATE_CHANNEL_MESSAGE' ? [e.message.Content] : []));

let t: TestChime;
let world: TestWorld;
let clients: ChimeClients;
let hub: RealtimeHub;

beforeAll(async () => {
  t = await startTestChime();
  world = await createWorld(t.identity);
  clients = createChimeClients({ region: 'us-east-1', endpoint: t.chime.endpoint, credentials: TEST_CREDENTIALS });
});
beforeEach(() => {
  hub = new RealtimeHub({ clients, lingerMs: 100, session: { backoff: { initialMs: 10, maxMs: 50 } } });
});
afterEach(() => hub.close());
afterAll(async () => {
  clients.destroy();
  await t.close();
});

/** A channel created by bob with the given members besides him. */
async function channelWith(name: string, members: string[]): Promise<string> {
  const { ChannelArn } = await t.messaging.send(new CreateChannelCommand({ AppInstanceArn: world.appInstanceArn, Name: name, ChimeBearer: world.users.bob }));
  for (const member of members) await t.messaging.send(new CreateChannelMembershipCommand({ ChannelArn, MemberArn: member, Type: 'DEFAULT', ChimeBearer: world.users.bob }));
  return ChannelArn!;
}

function send(channelArn: string, content: string, sender = world.users.bob) {
  return t.messaging.send(new SendChannelMessageCommand({ ChannelArn: channelArn, Content: content, Type: 'STANDARD', Persistence: 'PERSISTENT', ChimeBearer: sender }));
}

test('a viewer receives the messages of their channels in order, filtered by channel', async () => {
  const a = await channelWith('order-a', [world.users.alice]);
  const b = await channelWith('order-b', [world.users.alice]);
  const alice = { userArn: world.users.alice };
  const onA: RealtimeEvent[] = [];
  const onB: RealtimeEvent[] = [];
  const all: RealtimeEvent[] = [];
  hub.subscribe(alice, { channelArn: a }, (e) => onA.push(e));
  hub.subscribe(alice, { channelArn: b }, (e) => onB.push(e));
  hub.subscribe(alice, {}, (e) => all.push(e));
  await hub.ready(alice);

  const sent: string[] = [];
  for (let i = 0; i < 10; i++) {
    const content = `${i % 2 ? 'b' : 'a'}${i}`;
    sent.push(content);
    await send(i % 2 ? b : a, content);
  }
  await waitFor(() => contents(all).length === 10, 'ten messages');
  expect(contents(all)).toEqual(sent);
  expect(contents(onA)).toEqual(sent.filter((c) => c.startsWith('a')));
  expect(contents(onB)).toEqual(sent.filter((c) => c.startsWith('b')));
  expect(onA.every((e) => e.kind === 'message' && e.channelArn === a && !e.backfilled)).toBe(true);
});

test('edits, redactions, deletions and CONTROL messages arrive as typed message events', async () => {
  const channel = await channelWith('kinds', [world.users.alice]);
  const alice = { userArn: world.users.alice };
  const events: RealtimeEvent[] = [];
  hub.subscribe(alice, { channelArn: channel }, (e) => events.push(e));
  await hub.ready(alice);
  const { MessageId } = await send(channel, 'draft');
  await t.messaging.send(new UpdateChannelMessageCommand({ ChannelArn: channel, MessageId, Content: 'final', ChimeBearer: world.users.bob }));
  await t.messaging.send(new RedactChannelMessageCommand({ ChannelArn: channel, MessageId, ChimeBearer: world.users.bob }));
  await t.messaging.send(new DeleteChannelMessageCommand({ ChannelArn: channel, MessageId, ChimeBearer: world.admin }));
  await t.messaging.send(
    new SendChannelMessageCommand({ ChannelArn: channel, Content: 'typing', Type: 'CONTROL', Persistence: 'NON_PERSISTENT', ChimeBearer: world.users.bob }),
  );
  await waitFor(() => events.length === 5, 'five events');
  expect(events.map((e) => e.type)).toEqual(['CREATE_CHANNEL_MESSAGE', 'UPDATE_CHANNEL_MESSAGE', 'REDACT_CHANNEL_MESSAGE', 'DELETE_CHANNEL_MESSAGE', 'CREATE_CHANNEL_MESSAGE']);
  expect(events.slice(0, 4).every((e) => e.kind === 'message' && e.message.MessageId === MessageId)).toBe(true);
  expect(events[1]).toMatchObject({ message: { Content: 'final' } });
  expect(events[1].kind === 'message' && events[1].message.LastEditedTimestamp).toBeInstanceOf(Date);
  expect(events[4]).toMatchObject({ kind: 'message', messageType: 'CONTROL', persistence: 'NON_PERSISTENT', message: { Content: 'typing' } });
});

test('two viewers with many subscribers share exactly two upstream sessions, and none after the linger', async () => {
  const channel = await channelWith('shared', [world.users.alice, world.users.carol]);
  const viewers = [{ userArn: world.users.alice }, { userArn: world.users.carol }];
  const received = new Map<number, RealtimeEvent[]>();
  const unsubscribes: Array<() => void> = [];
  for (let i = 0; i < 20; i++) {
    const events: RealtimeEvent[] = [];
    received.set(i, events);
    unsubscribes.push(hub.subscribe(viewers[i % 2], i % 4 < 2 ? { channelArn: channel } : {}, (e) => events.push(e)));
  }
  await Promise.all(viewers.map((v) => hub.ready(v)));
  expect(hub.stats()).toEqual({ upstreamSessions: 2, subscribers: 20 });
  expect(t.chime.sessions.size).toBe(2);

  await send(channel, 'to everyone');
  await waitFor(() => [...received.values()].every((events) => events.length === 1), 'every subscriber to get the message');
  // Chime sent the same frame to both sessions, and the hub decoded it once: every subscriber, of either viewer, holds the very same object.
  expect(received.get(0)![0]).toBe(received.get(2)![0]);
  expect(received.get(0)![0]).toBe(received.get(1)![0]);

  unsubscribes.forEach((unsubscribe) => unsubscribe());
  unsubscribes[0]();
  expect(hub.stats()).toEqual({ upstreamSessions: 2, subscribers: 0 });
  await waitFor(() => hub.stats().upstreamSessions === 0, 'the linger to close the sessions', 2000);
  await waitFor(() => t.chime.sessions.size === 0, 'the server to see both sessions closed');
});

test('a subscriber arriving within the linger reuses the open upstream session', async () => {
  const alice = { userArn: world.users.alice };
  const unsubscribe = hub.subscribe(alice, {}, () => undefined);
  await hub.ready(alice);
  unsubscribe();
  hub.subscribe(alice, {}, () => undefined);
  await new Promise((resolve) => setTimeout(resolve, 200));
  expect(hub.stats()).toEqual({ upstreamSessions: 1, subscribers: 1 });
  expect(t.chime.sessions.size).toBe(1);
});

test('a removed member: the channel subscription ends with ACCESS_REVOKED, the viewer-wide one carries on', async () => {
  const channel = await channelWith('removal', [world.users.alice]);
  const other = await channelWith('removal-other', [world.users.alice]);
  const alice = { userArn: world.users.alice };
  const onChannel: RealtimeEvent[] = [];
  const all: RealtimeEvent[] = [];
  hub.subscribe(alice, { channelArn: channel }, (e) => onChannel.push(e));
  hub.subscribe(alice, {}, (e) => all.push(e));
  await hub.ready(alice);

  await t.messaging.send(new DeleteChannelMembershipCommand({ ChannelArn: channel, MemberArn: world.users.alice, ChimeBearer: world.users.bob }));
  await waitFor(() => onChannel.length === 2, 'the removal and ACCESS_REVOKED');
  expect(onChannel[0]).toMatchObject({ kind: 'membership', type: 'DELETE_CHANNEL_MEMBERSHIP', membership: { Member: { Arn: world.users.alice } } });
  expect(onChannel[1]).toEqual({ kind: 'accessRevoked', type: 'ACCESS_REVOKED', channelArn: channel, reason: 'MEMBERSHIP_DELETED', terminal: true });
  expect(hub.stats().subscribers).toBe(1);

  await send(other, 'still here');
  await waitFor(() => contents(all).includes('still here'), 'the viewer-wide subscriber to carry on');
  expect(all.map((e) => e.type)).toEqual(['DELETE_CHANNEL_MEMBERSHIP', 'CREATE_CHANNEL_MESSAGE']);
  expect(onChannel).toHaveLength(2);
});

test('a deleted channel ends its subscriptions with ACCESS_REVOKED', async () => {
  const channel = await channelWith('deleted', [world.users.alice]);
  const alice = { userArn: world.users.alice };
  const events: RealtimeEvent[] = [];
  hub.subscribe(alice, { channelArn: channel }, (e) => events.push(e));
  await hub.ready(alice);
  await t.messaging.send(new DeleteChannelCommand({ ChannelArn: channel, ChimeBearer: world.users.bob }));
  await waitFor(() => events.some((e) => e.type === 'ACCESS_REVOKED'), 'ACCESS_REVOKED');
  expect(events.map((e) => e.type)).toEqual(['DELETE_CHANNEL', 'ACCESS_REVOKED']);
  expect(events[1]).toMatchObject({ reason: 'CHANNEL_DELETED', terminal: true });
  expect(hub.stats().subscribers).toBe(0);
});

test('a banned member: the channel subscription ends with ACCESS_REVOKED', async () => {
  const channel = await channelWith('ban', [world.users.carol]);
  const carol = { userArn: world.users.carol };
  const events: RealtimeEvent[] = [];
  hub.subscribe(carol, { channelArn: channel }, (e) => events.push(e));
  await hub.ready(carol);
  await t.messaging.send(new CreateChannelBanCommand({ ChannelArn: channel, MemberArn: world.users.carol, ChimeBearer: world.users.bob }));
  await waitFor(() => events.some((e) => e.type === 'ACCESS_REVOKED'), 'ACCESS_REVOKED');
  expect(events[events.length - 1]).toMatchObject({ type: 'ACCESS_REVOKED', channelArn: channel, terminal: true });
  expect(hub.stats().subscribers).toBe(0);
});

test('a 4401 ends every subscriber of the viewer with one SESSION_ERROR and is not retried', async () => {
  const ghost = { userArn: `${world.appInstanceArn}/user/ghost` };
  const received: RealtimeEvent[][] = [[], [], []];
  hub.subscribe(ghost, {}, (e) => received[0].push(e));
  hub.subscribe(ghost, { channelArn: `${world.appInstanceArn}/channel/c` }, (e) => received[1].push(e));
  hub.subscribe(ghost, {}, (e) => received[2].push(e));
  await expect(hub.ready(ghost)).rejects.toMatchObject({ code: 'UPSTREAM_UNAUTHORIZED', closeCode: 4401 });
  await new Promise((resolve) => setTimeout(resolve, 200));
  for (const events of received) {
    expect(events).toEqual([{ kind: 'sessionError', type: 'SESSION_ERROR', code: 'UPSTREAM_UNAUTHORIZED', closeCode: 4401, message: expect.stringMatching(/4401/), terminal: true }]);
  }
  expect(hub.stats()).toEqual({ upstreamSessions: 0, subscribers: 0 });
  expect(t.chime.sessions.size).toBe(0);
});

test('misuse is refused with an error naming the bad value', () => {
  expect(() => hub.subscribe({ userArn: '' }, {}, () => undefined)).toThrow(/viewer.userArn must be a non-empty ARN, got ""/);
  expect(() => hub.subscribe({ userArn: world.users.alice }, { channelArn: '' }, () => undefined)).toThrow(/filter.channelArn/);
  expect(() => new RealtimeHub({ clients, lingerMs: -1 })).toThrow(/lingerMs must be a finite number >= 0, got -1/);
});

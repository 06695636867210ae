/**
 * Upstream drops: the gateway's messaging sessions go through a TCP proxy
 * that the tests cut or hold down, while messages keep flowing through the
 * REST API. The local service advertises the proxy as its session host.
 */
import { CreateChannelCommand, CreateChannelMembershipCommand, DeleteChannelCommand, SendChannelMessageCommand } from '@aws-sdk/client-chime-sdk-messaging';
import { ChimeClients, createChimeClients } from '../../../src/gateway/chime-clients';
import { RealtimeEvent, RealtimeHub, RealtimeHubOptions } from '../../../src/gateway/realtime';
import { FaultProxy, startFaultProxy } from '../../support/fault-proxy';
import { createWorld, startTestChime, TEST_CREDENTIALS, TestChime, TestWorld } from '../../support/local-chime';
import { sendWhileDropping } from '../../support/upstream-drops';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(condition: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await sleep(10);
  }
}

const contents = (events: RealtimeEvent[]) => events.flatMap((e) => (e.kind === 'message' && e.type === 'CREATE_CHANNEL_MESSAGE' ? [e.message.Content!] : []));

let t: TestChime;
let world: TestWorld;
let clients: ChimeClients;
let proxy: FaultProxy;
const hubs: RealtimeHub[] = [];

beforeAll(async () => {
  // GetMessagingSessionEndpoint answers the proxy, so every upstream websocket runs through it.
  t = await startTestChime({ sessionHost: () => proxy.host });
  world = await createWorld(t.identity);
  proxy = await startFaultProxy(t.chime.port);
  clients = createChimeClients({ region: 'us-east-1', endpoint: t.chime.endpoint, credentials: TEST_CREDENTIALS });
});
afterEach(() => hubs.splice(0).forEach((hub) => hub.close()));
afterAll(async () => {
  clients.destroy();
  await proxy.close();
  await t.close();
});

function startHub(options: Partial<RealtimeHubOptions> = {}): RealtimeHub {
  const hub = new RealtimeHub({ clients, lingerMs: 50, session: { backoff: { initialMs: 5, maxMs: 40 }, giveUpAfterMs: 10_000 }, ...options });
  hubs.push(hub);
  return hub;
}

async function channelWith(name: string, members: string[]): Promise<string> {
  const { ChannelArn } = await t.messaging.send(new CreateChannelCommand({ AppInstanceArn: world.appInstanceArn, Name: name, ChimeBearer: world.users.bob }));
  for (const member of members) await t.messaging.send(new CreateChannelMembershipCommand({ ChannelArn, MemberArn: member, Type: 'DEFAULT', ChimeBearer: world.users.bob }));
  return ChannelArn!;
}

function send(channelArn: string, content: string) {
  return t.messaging.send(new SendChannelMessageCommand({ ChannelArn: channelArn, Content: content, Type: 'STANDARD', Persistence: 'PERSISTENT', ChimeBearer: world.users.bob }));
}

/** Holds the upstream down (existing sockets cut, new ones refused) while `during` runs. */
async function outage(during: () => Promise<unknown>, minimumMs = 50): Promise<void> {
  proxy.refuse(true);
  proxy.cut();
  await sleep(20);
  await Promise.all([during(), sleep(minimumMs)]);
  proxy.refuse(false);
}

test('repeated upstream drops while messages flow: every subscriber gets every message exactly once, in order', async () => {
  const hub = startHub();
  const a = await channelWith('fault-a', [world.users.alice, world.users.carol]);
  const b = await channelWith('fault-b', [world.users.alice]);
  const subscribers: Array<{ viewer: string; channelArn?: string; events: RealtimeEvent[] }> = [];
  for (const [viewer, channelArn] of [
    [world.users.alice, a],
    [world.users.alice, a],
    [world.users.alice, b],
    [world.users.alice, undefined],
    [world.users.carol, a],
    [world.users.carol, undefined],
  ] as const) {
    const entry = { viewer, channelArn, events: [] as RealtimeEvent[] };
    subscribers.push(entry);
    hub.subscribe({ userArn: viewer }, { channelArn }, (e) => entry.events.push(e));
  }
  await hub.ready({ userArn: world.users.alice });
  await hub.ready({ userArn: world.users.carol });

  const sent: Array<{ channelArn: string; content: string }> = [];
  const cuts = await sendWhileDropping(proxy, 45, async (i) => {
    const channelArn = i % 3 === 2 ? b : a;
    const content = `m${i}`;
    await send(channelArn, content);
    sent.push({ channelArn, content });
  });

  const visible = (s: (typeof subscribers)[number]) => sent.filter((m) => (s.channelArn ? m.channelArn === s.channelArn : s.viewer === world.users.alice || m.channelArn === a));
  await waitFor(() => subscribers.every((s) => contents(s.events).length >= visible(s).length), 'every subscriber to catch up');
  await sleep(100); // a late duplicate would show up here
  for (const s of subscribers) {
    // Per channel: exactly the messages sent, once each, in the order sent (viewer-wide subscribers included).
    for (const channelArn of [a, b]) {
      const got = s.events.filter((e) => e.kind === 'message' && e.channelArn === channelArn);
      expect(contents(got)).toEqual(visible(s).filter((m) => m.channelArn === channelArn).map((m) => m.content));
    }
    expect(contents(s.events)).toHaveLength(visible(s).length);
    expect(s.events.filter((e) => e.kind !== 'message')).toEqual([]);
  }
  expect(cuts).toBeGreaterThanOrEqual(4);
  // The drops really lost live events, and the backfill recovered them.
  expect(subscribers.some((s) => s.events.some((e) => e.kind === 'message' && e.backfilled))).toBe(true);
  expect(hub.stats()).toEqual({ upstreamSessions: 2, subscribers: 6 });
}, 40_000);

test('messages sent during an outage arrive after the reconnect, marked backfilled, before newer live ones', async () => {
  const hub = startHub();
  const channel = await channelWith('gap', [world.users.alice]);
  const events: RealtimeEvent[] = [];
  hub.subscribe({ userArn: world.users.alice }, { channelArn: channel }, (e) => events.push(e));
  await hub.ready({ userArn: world.users.alice });
  await send(channel, 'before');
  await waitFor(() => events.length === 1, 'the first message');

  await outage(async () => {
    await send(channel, 'missed-1');
    await send(channel, 'missed-2');
  });
  await hub.ready({ userArn: world.users.alice });
  await send(channel, 'after');
  await waitFor(() => contents(events).length === 4, 'all four messages');
  expect(contents(events)).toEqual(['before', 'missed-1', 'missed-2', 'after']);
  expect(events.map((e) => e.kind === 'message' && e.backfilled)).toEqual([false, true, true, false]);
});

test('a viewer-wide subscriber recovers messages of a channel it had not heard from yet', async () => {
  const hub = startHub();
  const quiet = await channelWith('quiet', [world.users.carol]);
  const events: RealtimeEvent[] = [];
  hub.subscribe({ userArn: world.users.carol }, {}, (e) => events.push(e));
  await hub.ready({ userArn: world.users.carol });
  await outage(() => send(quiet, 'while away'));
  await waitFor(() => contents(events).length === 1, 'the backfilled message');
  expect(events[0]).toMatchObject({ kind: 'message', channelArn: quiet, backfilled: true, message: { Content: 'while away', ChannelArn: quiet } });
});

test('a channel deleted during the gap gets RESYNC instead of its missed messages', async () => {
  const hub = startHub();
  const doomed = await channelWith('doomed', [world.users.alice]);
  const onChannel: RealtimeEvent[] = [];
  const all: RealtimeEvent[] = [];
  hub.subscribe({ userArn: world.users.alice }, { channelArn: doomed }, (e) => onChannel.push(e));
  hub.subscribe({ userArn: world.users.alice }, {}, (e) => all.push(e));
  await hub.ready({ userArn: world.users.alice });

  await outage(async () => {
    await send(doomed, 'last words');
    await t.messaging.send(new DeleteChannelCommand({ ChannelArn: doomed, ChimeBearer: world.users.bob }));
  });
  await waitFor(() => onChannel.length === 1, 'RESYNC');
  expect(onChannel[0]).toMatchObject({ kind: 'resync', type: 'RESYNC', channelArn: doomed, reason: 'CHANNEL_NOT_FOUND' });
  expect((onChannel[0] as { since: Date }).since).toBeInstanceOf(Date);
  expect(all).toEqual(onChannel);
});

test('more missed messages than the bound: RESYNC, then live delivery resumes', async () => {
  const hub = startHub({ backfill: { maxMessagesPerChannel: 2 } });
  const busy = await channelWith('busy', [world.users.alice]);
  const events: RealtimeEvent[] = [];
  hub.subscribe({ userArn: world.users.alice }, { channelArn: busy }, (e) => events.push(e));
  await hub.ready({ userArn: world.users.alice });
  await outage(async () => {
    for (const content of ['x1', 'x2', 'x3']) await send(busy, content);
  });
  await hub.ready({ userArn: world.users.alice });
  await send(busy, 'live again');
  await waitFor(() => events.length === 2, 'RESYNC and the live message');
  expect(events[0]).toMatchObject({ type: 'RESYNC', channelArn: busy, reason: 'TOO_MANY_MISSED' });
  expect(contents(events)).toEqual(['live again']);
});

test('an outage longer than maxGapMs gets RESYNC without listing', async () => {
  const hub = startHub({ backfill: { maxGapMs: 10 } });
  const channel = await channelWith('long-gap', [world.users.alice]);
  const events: RealtimeEvent[] = [];
  hub.subscribe({ userArn: world.users.alice }, { channelArn: channel }, (e) => events.push(e));
  hub.subscribe({ userArn: world.users.alice }, {}, (e) => events.push(e));
  await hub.ready({ userArn: world.users.alice });
  await outage(() => send(channel, 'lost'), 100);
  await waitFor(() => events.length === 3, 'channel and viewer RESYNCs');
  const channelResync = { kind: 'resync', type: 'RESYNC', channelArn: channel, reason: 'GAP_TOO_LONG', since: expect.any(Date) };
  expect(events).toEqual([channelResync, channelResync, { kind: 'resync', type: 'RESYNC', reason: 'GAP_TOO_LONG', since: expect.any(Date) }]);
  expect(events[0]).toBe(events[1]);
});

import http from 'node:http';
import { AddressInfo } from 'node:net';
import {
  ChannelMessagePersistenceType,
  ChannelMessageType,
  CreateChannelBanCommand,
  CreateChannelCommand,
  CreateChannelMembershipCommand,
  DeleteChannelMembershipCommand,
  SendChannelMessageCommand,
  UpdateChannelReadMarkerCommand,
} from '@aws-sdk/client-chime-sdk-messaging';
import { CreateAppInstanceUserCommand } from '@aws-sdk/client-chime-sdk-identity';
import { SessionHub, SessionHubOptions } from '../../src/emulator/session/hub';
import { createWorld, startTestChime, TEST_CREDENTIALS, TestChime, TestWorld } from '../support/local-chime';
import { presignConnectUrl, SessionClient, SessionFrame } from '../support/session-client';

let t: TestChime;
let world: TestWorld;
const clients: SessionClient[] = [];

beforeAll(async () => {
  t = await startTestChime();
  world = await createWorld(t.identity, ['alice', 'bob', 'carol', 'dave', 'erin']);
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});
afterAll(() => t.close());

/** Opens a session for `userArn` through GetMessagingSessionEndpoint + a presigned URL, and waits for SESSION_ESTABLISHED. */
async function session(userArn: string, options: { sessionId?: string; query?: Record<string, string> } = {}): Promise<SessionClient> {
  const client = await SessionClient.established(t.messaging, { userArn, ...options });
  clients.push(client);
  return client;
}

async function createChannel(creator: string, name: string, members: string[] = []): Promise<string> {
  const { ChannelArn } = await t.messaging.send(
    new CreateChannelCommand({ AppInstanceArn: world.appInstanceArn, Name: name, Mode: 'RESTRICTED', Privacy: 'PRIVATE', ChimeBearer: creator }),
  );
  for (const member of members) {
    await t.messaging.send(new CreateChannelMembershipCommand({ ChannelArn, MemberArn: member, Type: 'DEFAULT', ChimeBearer: creator }));
  }
  return ChannelArn!;
}

async function send(
  channelArn: string,
  sender: string,
  content: string,
  type: ChannelMessageType = 'STANDARD',
  persistence: ChannelMessagePersistenceType = 'PERSISTENT',
): Promise<string> {
  const { MessageId } = await t.messaging.send(
    new SendChannelMessageCommand({ ChannelArn: channelArn, Content: content, Type: type, Persistence: persistence, ChimeBearer: sender }),
  );
  return MessageId!;
}

const messageIn = (channelArn: string, content?: string) => (f: SessionFrame) =>
  f.eventType === 'CREATE_CHANNEL_MESSAGE' && f.payload.ChannelArn === channelArn && (content === undefined || f.payload.Content === content);

describe('messaging session /connect', () => {
  test('connect sends SESSION_ESTABLISHED first, as a SYSTEM frame, then live events', async () => {
    const channel = await createChannel(world.users.alice, 'first');
    const client = await session(world.users.alice);
    expect(client.frames[0]).toEqual({
      eventType: 'SESSION_ESTABLISHED',
      messageType: 'SYSTEM',
      persistence: undefined,
      headers: { 'x-amz-chime-event-type': 'SESSION_ESTABLISHED', 'x-amz-chime-message-type': 'SYSTEM' },
      payload: {},
    });
    expect(t.chime.sessions.size).toBe(1);
    const messageId = await send(channel, world.users.alice, 'hello');
    const frame = await client.waitFor(messageIn(channel));
    expect(frame.payload).toMatchObject({ ChannelArn: channel, MessageId: messageId, Content: 'hello', Sender: { Arn: world.users.alice, Name: 'alice' } });
    expect(client.eventTypes()).toEqual(['SESSION_ESTABLISHED', 'CREATE_CHANNEL_MESSAGE']);
  });

  test('an unknown userArn is closed with 4401 after the upgrade, with no frame', async () => {
    const client = await SessionClient.connect(t.messaging, { userArn: `${world.appInstanceArn}/user/nobody` });
    expect(await client.closed).toMatchObject({ code: 4401 });
    expect(client.frames).toEqual([]);
  });

  test('an expired presigned URL is closed with 4401', async () => {
    const client = await SessionClient.connect(t.messaging, { userArn: world.users.alice, signingDate: new Date(Date.now() - 60_000), expiresIn: 10 });
    expect(await client.closed).toMatchObject({ code: 4401 });
  });

  test('a path other than /connect is refused before the upgrade with 404', async () => {
    const status = await new Promise<number | undefined>((resolve, reject) => {
      const req = http.request(`${t.chime.endpoint}/elsewhere`, {
        headers: { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' },
      });
      req.on('response', (res) => resolve(res.statusCode));
      req.on('upgrade', () => resolve(101));
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(404);
  });

  test('the same sessionId twice kicks the older connection with 4003; other sessionIds stay', async () => {
    const channel = await createChannel(world.users.bob, 'kick');
    const first = await session(world.users.bob, { sessionId: 'device-1' });
    const other = await session(world.users.bob, { sessionId: 'device-2' });
    const second = await session(world.users.bob, { sessionId: 'device-1' });
    expect(await first.closed).toMatchObject({ code: 4003 });
    await send(channel, world.users.bob, 'after kick');
    await second.waitFor(messageIn(channel, 'after kick'));
    await other.waitFor(messageIn(channel, 'after kick'));
    expect(first.frames.filter(messageIn(channel))).toEqual([]);
  });

  test('two users in different channels each get exactly their own channels\' events, in order', async () => {
    const carolChannel = await createChannel(world.users.carol, 'carol-only');
    const daveChannel = await createChannel(world.users.dave, 'dave-only');
    const carol = await session(world.users.carol);
    const dave = await session(world.users.dave);
    const expected = { carol: [] as string[], dave: [] as string[] };
    const n = 12;
    for (let i = 0; i < n; i++) {
      expected.carol.push(await send(carolChannel, world.users.carol, `c${i}`));
      expected.dave.push(await send(daveChannel, world.users.dave, `d${i}`));
    }
    await carol.waitForCount(messageIn(carolChannel), n);
    await dave.waitForCount(messageIn(daveChannel), n);
    // Each session holds exactly its own channel's messages, in send order, and nothing of the other.
    expect(carol.eventTypes()).toEqual(['SESSION_ESTABLISHED', ...Array(n).fill('CREATE_CHANNEL_MESSAGE')]);
    expect(dave.eventTypes()).toEqual(['SESSION_ESTABLISHED', ...Array(n).fill('CREATE_CHANNEL_MESSAGE')]);
    expect(carol.frames.slice(1).map((f) => [f.payload.ChannelArn, f.payload.MessageId, f.payload.Content])).toEqual(
      expected.carol.map((id, i) => [carolChannel, id, `c${i}`]),
    );
    expect(dave.frames.slice(1).map((f) => [f.payload.ChannelArn, f.payload.MessageId, f.payload.Content])).toEqual(
      expected.dave.map((id, i) => [daveChannel, id, `d${i}`]),
    );
  });

  test('STANDARD, NON_PERSISTENT and CONTROL messages carry their message-type and persistence headers', async () => {
    const channel = await createChannel(world.users.alice, 'kinds', [world.users.erin]);
    const erin = await session(world.users.erin);
    await send(channel, world.users.alice, 'standard');
    await send(channel, world.users.alice, 'typing', 'STANDARD', 'NON_PERSISTENT');
    await send(channel, world.users.alice, 'ping', 'CONTROL', 'PERSISTENT');
    await send(channel, world.users.alice, 'presence', 'CONTROL', 'NON_PERSISTENT');
    const frames = await erin.waitForCount(messageIn(channel), 4);
    expect(frames.map((f) => [f.payload.Content, f.headers])).toEqual(
      [
        ['standard', 'STANDARD', 'PERSISTENT'],
        ['typing', 'STANDARD', 'NON_PERSISTENT'],
        ['ping', 'CONTROL', 'PERSISTENT'],
        ['presence', 'CONTROL', 'NON_PERSISTENT'],
      ].map(([content, type, persistence]) => [
        content,
        { 'x-amz-chime-event-type': 'CREATE_CHANNEL_MESSAGE', 'x-amz-chime-message-type': type, 'x-amz-chime-persistence-type': persistence },
      ]),
    );
    expect(frames.map((f) => [f.payload.Type, f.payload.Persistence])).toEqual([
      ['STANDARD', 'PERSISTENT'],
      ['STANDARD', 'NON_PERSISTENT'],
      ['CONTROL', 'PERSISTENT'],
      ['CONTROL', 'NON_PERSISTENT'],
    ]);
  });

  test('prefetch-on=connect sends one CHANNEL_DETAILS per channel right after SESSION_ESTABLISHED, by last message or unread first', async () => {
    const { AppInstanceUserArn: user } = await t.identity.send(
      new CreateAppInstanceUserCommand({ AppInstanceArn: world.appInstanceArn, AppInstanceUserId: 'prefetcher', Name: 'prefetcher' }),
    );
    const quiet = await createChannel(user!, 'quiet');
    const older = await createChannel(user!, 'older');
    const newer = await createChannel(user!, 'newer');
    await send(older, user!, 'o1');
    await send(newer, user!, 'n1');
    await send(newer, user!, 'n2');

    const byLast = await session(user!, { query: { 'prefetch-on': 'connect' } });
    await byLast.waitForCount((f) => f.eventType === 'CHANNEL_DETAILS', 3);
    expect(byLast.eventTypes()).toEqual(['SESSION_ESTABLISHED', 'CHANNEL_DETAILS', 'CHANNEL_DETAILS', 'CHANNEL_DETAILS']);
    expect(byLast.frames[1].messageType).toBe('SYSTEM');
    expect(byLast.frames.slice(1).map((f) => f.payload.ChannelSummary.Name)).toEqual(['newer', 'older', 'quiet']);
    const details = byLast.frames[1].payload;
    expect(details).toMatchObject({
      ChannelSummary: { ChannelArn: newer, Name: 'newer', Mode: 'RESTRICTED', Privacy: 'PRIVATE', LastMessageTimestamp: expect.stringMatching(/Z$/) },
      AppInstanceUserMembershipSummary: { Type: 'DEFAULT' },
    });
    expect(details.ChannelMessages.map((m: { Content: string }) => m.Content)).toEqual(['n2', 'n1']);
    expect(details.ChannelMessages[0]).toMatchObject({ Type: 'STANDARD', Sender: { Arn: user, Name: 'prefetcher' }, Redacted: false });
    expect(byLast.frames[3].payload).toMatchObject({ ChannelSummary: { ChannelArn: quiet }, ChannelMessages: [] });

    // Reading "newer" leaves "older" as the only unread channel, so it comes first.
    await t.messaging.send(new UpdateChannelReadMarkerCommand({ ChannelArn: newer, ChimeBearer: user! }));
    const unread = await session(user!, { query: { 'prefetch-on': 'connect', 'prefetch-sort-by': 'unread' } });
    await unread.waitForCount((f) => f.eventType === 'CHANNEL_DETAILS', 3);
    expect(unread.frames.slice(1).map((f) => f.payload.ChannelSummary.Name)).toEqual(['older', 'newer', 'quiet']);
    expect(unread.frames[2].payload.AppInstanceUserMembershipSummary.ReadMarkerTimestamp).toMatch(/Z$/);

    // Without prefetch-on nothing but SESSION_ESTABLISHED precedes live events.
    const plain = await session(user!);
    await send(quiet, user!, 'fence');
    await plain.waitFor(messageIn(quiet, 'fence'));
    expect(plain.eventTypes()).toEqual(['SESSION_ESTABLISHED', 'CREATE_CHANNEL_MESSAGE']);
  });

  test('a banned member gets its DELETE_CHANNEL_MEMBERSHIP and then nothing more from that channel', async () => {
    const banned = await createChannel(world.users.alice, 'ban-here', [world.users.bob]);
    const fence = await createChannel(world.users.alice, 'ban-fence', [world.users.bob]);
    const bob = await session(world.users.bob);
    await send(banned, world.users.alice, 'before');
    await bob.waitFor(messageIn(banned, 'before'));

    await t.messaging.send(new CreateChannelBanCommand({ ChannelArn: banned, MemberArn: world.users.bob, ChimeBearer: world.users.alice }));
    const removal = await bob.waitFor((f) => f.eventType === 'DELETE_CHANNEL_MEMBERSHIP' && f.payload.ChannelArn === banned);
    expect(removal.messageType).toBe('SYSTEM');
    expect(removal.payload.Member).toEqual({ Arn: world.users.bob, Name: 'bob' });

    await send(banned, world.users.alice, 'after');
    await send(fence, world.users.alice, 'fence');
    await bob.waitFor(messageIn(fence, 'fence'));
    expect(bob.eventTypes(banned)).toEqual(['CREATE_CHANNEL_MESSAGE', 'DELETE_CHANNEL_MEMBERSHIP']);
  });

  test('a removed member gets its DELETE_CHANNEL_MEMBERSHIP and then nothing more from that channel', async () => {
    const left = await createChannel(world.users.alice, 'remove-here', [world.users.carol]);
    const fence = await createChannel(world.users.alice, 'remove-fence', [world.users.carol]);
    const carol = await session(world.users.carol);
    await t.messaging.send(new DeleteChannelMembershipCommand({ ChannelArn: left, MemberArn: world.users.carol, ChimeBearer: world.users.alice }));
    await carol.waitFor((f) => f.eventType === 'DELETE_CHANNEL_MEMBERSHIP' && f.payload.ChannelArn === left);
    await send(left, world.users.alice, 'after');
    await send(fence, world.users.alice, 'fence');
    await carol.waitFor(messageIn(fence, 'fence'));
    expect(carol.eventTypes(left)).toEqual(['DELETE_CHANNEL_MEMBERSHIP']);
  });

  test('a consumer that stops reading is closed with 1011 once its send buffer passes the bound; a reading one is not', async () => {
    const slow = await session(world.users.alice);
    const fast = await session(world.users.alice);
    slow.socket.pause();
    // Megabytes of events are a fault no sequence of 4 KB SDK sends causes quickly, so they are published on the bus directly.
    const payload = { ChannelArn: 'arn:aws:chime:us-east-1:123456789012:app-instance/x/channel/y', Content: 'x'.repeat(64 * 1024) };
    const publish = () =>
      t.chime.backend.events.publish({
        eventType: 'CREATE_CHANNEL_MESSAGE',
        messageType: 'STANDARD',
        persistence: 'NON_PERSISTENT',
        channelArn: payload.ChannelArn,
        payload,
        recipients: [world.users.alice],
      });
    let published = 0;
    while (t.chime.sessions.size === 2 && published < 2000) {
      publish();
      published += 1;
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(t.chime.sessions.size).toBe(1);
    const atOverflow = published;
    for (let i = 0; i < 5; i++) publish();
    await fast.waitForCount((f) => f.eventType === 'CREATE_CHANNEL_MESSAGE', atOverflow + 5, 10_000);
    slow.socket.resume();
    expect(await slow.closed).toMatchObject({ code: 1011 });
    // Everything queued before the overflow drains, then the close: nothing published afterwards.
    expect(slow.frames.length).toBe(1 + atOverflow);
  });
});

describe('messaging session lifecycle', () => {
  test('closing the service closes every session with 1001', async () => {
    const own = await startTestChime();
    const ownWorld = await createWorld(own.identity, ['zed']);
    const a = await SessionClient.established(own.messaging, { userArn: ownWorld.users.zed });
    const b = await SessionClient.established(own.messaging, { userArn: ownWorld.admin });
    await own.close();
    expect(await a.closed).toMatchObject({ code: 1001 });
    expect(await b.closed).toMatchObject({ code: 1001 });
  });

  test('a bad signature is closed with 4401 in strict mode; the right keys establish', async () => {
    const strict = await startTestChime({ credentials: { [TEST_CREDENTIALS.accessKeyId]: TEST_CREDENTIALS.secretAccessKey } });
    try {
      const strictWorld = await createWorld(strict.identity, ['yan']);
      const bad = await SessionClient.connect(strict.messaging, {
        userArn: strictWorld.users.yan,
        credentials: { accessKeyId: TEST_CREDENTIALS.accessKeyId, secretAccessKey: 'wrong-secret' },
      });
      expect(await bad.closed).toMatchObject({ code: 4401 });
      expect(bad.frames).toEqual([]);
      const good = await SessionClient.established(strict.messaging, { userArn: strictWorld.users.yan });
      expect(strict.chime.sessions.size).toBe(1);
      await good.close();
    } finally {
      await strict.close();
    }
  });

  test('a peer that stops answering pings is dropped; one that answers stays', async () => {
    const side = await startSideHub({ pingIntervalMs: 40 });
    try {
      const dead = await side.established(world.users.alice);
      const live = await side.established(world.users.alice);
      dead.socket.pause();
      const deadline = Date.now() + 3000;
      while (side.hub.size === 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(side.hub.size).toBe(1);
      dead.socket.resume();
      expect((await dead.closed).code).toBe(1006);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(side.hub.size).toBe(1);
      expect(live.socket.readyState).toBe(live.socket.OPEN);
      await live.close();
    } finally {
      await side.close();
    }
  });
});

/** A second hub on its own HTTP server over the same backend, for options the service's own hub keeps at their defaults. */
async function startSideHub(options: SessionHubOptions) {
  const hub = new SessionHub(t.chime.backend, options);
  const server = http.createServer((_req, res) => res.writeHead(404).end());
  hub.attach(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    hub,
    async established(userArn: string): Promise<SessionClient> {
      const client = await SessionClient.open(await presignConnectUrl(host, { userArn }));
      await client.waitFor('SESSION_ESTABLISHED');
      return client;
    },
    async close(): Promise<void> {
      hub.close();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

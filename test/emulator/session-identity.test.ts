import WebSocket from 'ws';
import { CreateChannelCommand, CreateChannelMembershipCommand, SendChannelMessageCommand } from '@aws-sdk/client-chime-sdk-messaging';
import {
  CreateAppInstanceBotCommand,
  CreateAppInstanceCommand,
  DeleteAppInstanceBotCommand,
  DeleteAppInstanceCommand,
  DeleteAppInstanceUserCommand,
  NotFoundException,
} from '@aws-sdk/client-chime-sdk-identity';
import { sweepExpiredUsers } from '../../src/emulator/backend/expiration-sweep';
import { createExpiringUser, createUsers, createWorld, startTestChime, TEST_BOT_CONFIGURATION, TestChime, TestWorld } from '../support/local-chime';
import { SessionClient, SessionFrame } from '../support/session-client';

let t: TestChime;
let world: TestWorld;
const clients: SessionClient[] = [];

beforeAll(async () => {
  t = await startTestChime();
  world = await createWorld(t.identity, ['alice']);
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});
afterAll(() => t.close());

/** Opens a session for `userArn` and waits for SESSION_ESTABLISHED. */
async function session(userArn: string, sessionId?: string): Promise<SessionClient> {
  const client = await SessionClient.established(t.messaging, { userArn, sessionId });
  clients.push(client);
  return client;
}

async function newUser(id: string, instance = world.appInstanceArn): Promise<string> {
  const [arn] = await createUsers(t.identity, instance, [id]);
  return arn;
}

async function newBot(name: string, instance = world.appInstanceArn): Promise<string> {
  return (await t.identity.send(new CreateAppInstanceBotCommand({ AppInstanceArn: instance, Name: name, Configuration: TEST_BOT_CONFIGURATION }))).AppInstanceBotArn!;
}

/** A channel created by alice with `members` added. */
async function channelWith(name: string, members: string[]): Promise<string> {
  const { ChannelArn } = await t.messaging.send(
    new CreateChannelCommand({ AppInstanceArn: world.appInstanceArn, Name: name, Mode: 'RESTRICTED', Privacy: 'PRIVATE', ChimeBearer: world.users.alice }),
  );
  for (const member of members) {
    await t.messaging.send(new CreateChannelMembershipCommand({ ChannelArn, MemberArn: member, Type: 'DEFAULT', ChimeBearer: world.users.alice }));
  }
  return ChannelArn!;
}

const removalOf = (member: string) => (f: SessionFrame) => f.eventType === 'DELETE_CHANNEL_MEMBERSHIP' && f.payload.Member.Arn === member;

/** Proves `client` still receives live events: alice sends into `channel` and the client must see it. */
async function stillDelivers(client: SessionClient, channel: string, content: string): Promise<void> {
  await t.messaging.send(
    new SendChannelMessageCommand({ ChannelArn: channel, Content: content, Type: 'STANDARD', Persistence: 'PERSISTENT', ChimeBearer: world.users.alice }),
  );
  await client.waitFor((f) => f.eventType === 'CREATE_CHANNEL_MESSAGE' && f.payload.Content === content);
  expect(client.socket.readyState).toBe(WebSocket.OPEN);
}

describe('messaging sessions of deleted identities', () => {
  test('DeleteAppInstanceUser delivers each of its DELETE_CHANNEL_MEMBERSHIP to every session of the user, then closes them with 4401', async () => {
    const doomed = await newUser('doomed-user');
    const first = await channelWith('user-first', [doomed]);
    const second = await channelWith('user-second', [doomed]);
    const phone = await session(doomed, 'phone');
    const laptop = await session(doomed, 'laptop');
    const alice = await session(world.users.alice);

    await t.identity.send(new DeleteAppInstanceUserCommand({ AppInstanceUserArn: doomed }));

    for (const client of [phone, laptop]) {
      expect(await client.closed).toMatchObject({ code: 4401 });
      // Frames are recorded as they arrive, so these came before the close.
      expect(client.eventTypes()).toEqual(['SESSION_ESTABLISHED', 'DELETE_CHANNEL_MEMBERSHIP', 'DELETE_CHANNEL_MEMBERSHIP']);
      expect(client.frames.filter(removalOf(doomed)).map((f) => f.payload.ChannelArn).sort()).toEqual([first, second].sort());
    }
    // The other member of those channels hears of the removal and keeps its session.
    await alice.waitForCount(removalOf(doomed), 2);
    await stillDelivers(alice, first, 'after the user left');
  });

  test('DeleteAppInstanceUser of a user in no channel closes its session with 4401 and no other frame', async () => {
    const loner = await newUser('loner');
    const client = await session(loner);
    await t.identity.send(new DeleteAppInstanceUserCommand({ AppInstanceUserArn: loner }));
    expect(await client.closed).toMatchObject({ code: 4401 });
    expect(client.eventTypes()).toEqual(['SESSION_ESTABLISHED']);
  });

  test('DeleteAppInstanceUser leaves the sessions of other users open, even one that shares its channels', async () => {
    const doomed = await newUser('doomed-neighbour');
    const survivor = await newUser('survivor');
    const shared = await channelWith('shared', [doomed, survivor]);
    const doomedSession = await session(doomed);
    const survivorSession = await session(survivor);

    await t.identity.send(new DeleteAppInstanceUserCommand({ AppInstanceUserArn: doomed }));

    expect(await doomedSession.closed).toMatchObject({ code: 4401 });
    await survivorSession.waitFor(removalOf(doomed));
    await stillDelivers(survivorSession, shared, 'survivor still here');
  });

  test('a deleted user that connects again is refused with 4401', async () => {
    const doomed = await newUser('doomed-reconnect');
    const client = await session(doomed, 'device');
    await t.identity.send(new DeleteAppInstanceUserCommand({ AppInstanceUserArn: doomed }));
    expect(await client.closed).toMatchObject({ code: 4401 });
    const again = await SessionClient.connect(t.messaging, { userArn: doomed, sessionId: 'device' });
    expect(await again.closed).toMatchObject({ code: 4401 });
    expect(again.frames).toEqual([]);
  });

  test('DeleteAppInstanceBot delivers the bot its DELETE_CHANNEL_MEMBERSHIP, then closes its session with 4401', async () => {
    const bot = await newBot('Doomed Bot');
    const channel = await channelWith('bot-channel', [bot]);
    const botSession = await session(bot);
    const alice = await session(world.users.alice);

    await t.identity.send(new DeleteAppInstanceBotCommand({ AppInstanceBotArn: bot }));

    expect(await botSession.closed).toMatchObject({ code: 4401 });
    expect(botSession.eventTypes()).toEqual(['SESSION_ESTABLISHED', 'DELETE_CHANNEL_MEMBERSHIP']);
    expect(botSession.frames[1].payload).toMatchObject({ ChannelArn: channel, Member: { Arn: bot, Name: 'Doomed Bot' } });
    await alice.waitFor(removalOf(bot));
    await stillDelivers(alice, channel, 'after the bot left');
  });

  test('a delete that fails with NotFound closes nothing', async () => {
    const kept = await newUser('kept');
    const channel = await channelWith('kept-channel', [kept]);
    const client = await session(kept);
    // The user's ARN names no bot, so DeleteAppInstanceBot deletes nothing.
    await expect(t.identity.send(new DeleteAppInstanceBotCommand({ AppInstanceBotArn: kept }))).rejects.toBeInstanceOf(NotFoundException);
    await stillDelivers(client, channel, 'kept after a failed delete');
    expect(client.eventTypes()).toEqual(['SESSION_ESTABLISHED', 'CREATE_CHANNEL_MESSAGE']);
  });

  test('DeleteAppInstance closes the sessions of its users and bots with 4401; sessions of another AppInstance stay open', async () => {
    const { AppInstanceArn } = await t.identity.send(new CreateAppInstanceCommand({ Name: 'doomed-app' }));
    const user = await newUser('member', AppInstanceArn!);
    const bot = await newBot('Member Bot', AppInstanceArn!);
    const userSession = await session(user);
    const botSession = await session(bot);
    const fence = await channelWith('other-app', []);
    const alice = await session(world.users.alice);

    await t.identity.send(new DeleteAppInstanceCommand({ AppInstanceArn: AppInstanceArn! }));

    expect(await userSession.closed).toMatchObject({ code: 4401 });
    expect(await botSession.closed).toMatchObject({ code: 4401 });
    await stillDelivers(alice, fence, 'other app unaffected');
  });

  test('a user deleted by its expiration has its sessions closed with 4401 after its DELETE_CHANNEL_MEMBERSHIP', async () => {
    let now = Date.now();
    const local = await startTestChime({ clock: () => now, expirationSweepMs: 3_600_000 });
    try {
      const expiringWorld = await createWorld(local.identity, ['alice']);
      const AppInstanceUserArn = await createExpiringUser(local.identity, expiringWorld.appInstanceArn, 'expiring');
      const { ChannelArn } = await local.messaging.send(
        new CreateChannelCommand({ AppInstanceArn: expiringWorld.appInstanceArn, Name: 'expiring', ChimeBearer: expiringWorld.users.alice, MemberArns: [AppInstanceUserArn] }),
      );
      const client = await SessionClient.established(local.messaging, { userArn: AppInstanceUserArn });
      clients.push(client);

      now += 86_400_000;
      expect(sweepExpiredUsers(local.chime.backend)).toBe(1);

      expect(await client.closed).toMatchObject({ code: 4401 });
      expect(client.frames.filter(removalOf(AppInstanceUserArn)).map((f) => f.payload.ChannelArn)).toEqual([ChannelArn]);
    } finally {
      await local.close();
    }
  });
});

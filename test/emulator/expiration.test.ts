import {
  CreateChannelBanCommand,
  CreateChannelCommand,
  CreateChannelCommandInput,
  DescribeChannelCommand,
  NotFoundException,
  PutChannelExpirationSettingsCommand,
  SendChannelMessageCommand,
} from '@aws-sdk/client-chime-sdk-messaging';
import { ChannelEvent } from '../../src/emulator/backend/events';
import { startExpirationSweep, sweepExpiredChannels, sweepExpiredUsers } from '../../src/emulator/backend/expiration-sweep';
import { DescribeAppInstanceUserCommand, NotFoundException as IdentityNotFound } from '@aws-sdk/client-chime-sdk-identity';
import { createExpiringUser, createWorld, startTestChime, TestChime, TestWorld } from '../support/local-chime';

const DAY = 86_400_000;

/** The service's clock; tests move it forward instead of waiting days. */
let now = Date.now();
let t: TestChime;
let world: TestWorld;
const events: ChannelEvent[] = [];

beforeAll(async () => {
  // A sweep interval far beyond the tests, so only the sweeps a test runs happen.
  t = await startTestChime({ clock: () => now, expirationSweepMs: 3_600_000 });
  world = await createWorld(t.identity);
  t.chime.backend.events.subscribe((e) => events.push(e));
});
afterAll(() => t.close());

async function createChannel(input: Partial<CreateChannelCommandInput> = {}): Promise<string> {
  const { ChannelArn } = await t.messaging.send(
    new CreateChannelCommand({ AppInstanceArn: world.appInstanceArn, Name: 'expiring', ChimeBearer: world.users.alice, ...input }),
  );
  return ChannelArn!;
}

const expiresAfter = (days: number, criterion: 'CREATED_TIMESTAMP' | 'LAST_MESSAGE_TIMESTAMP' = 'CREATED_TIMESTAMP') => ({
  ExpirationSettings: { ExpirationCriterion: criterion, ExpirationDays: days },
});

const exists = (arn: string) => t.chime.db.prepare('SELECT 1 FROM channels WHERE arn = ?').get(arn) !== undefined;
const count = (table: string, arn: string) => (t.chime.db.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE channel_arn = ?`).get(arn) as { n: number }).n;

/** Sends one message now (by the service clock) as `sender` (alice by default). */
async function sendMessage(ChannelArn: string, sender: string = world.users.alice): Promise<void> {
  await t.messaging.send(new SendChannelMessageCommand({ ChannelArn, Content: 'hello', Type: 'STANDARD', Persistence: 'PERSISTENT', ChimeBearer: sender }));
}

test('sweepExpiredChannels deletes a channel ExpirationDays after its creation, not before', async () => {
  const arn = await createChannel(expiresAfter(2));
  now += 2 * DAY - 1000;
  expect(sweepExpiredChannels(t.chime.backend)).toBe(0);
  expect(exists(arn)).toBe(true);
  now += 1000;
  expect(sweepExpiredChannels(t.chime.backend)).toBe(1);
  expect(exists(arn)).toBe(false);
  await expect(t.messaging.send(new DescribeChannelCommand({ ChannelArn: arn, ChimeBearer: world.users.alice }))).rejects.toBeInstanceOf(NotFoundException);
});

test('sweepExpiredChannels counts LAST_MESSAGE_TIMESTAMP from the last message', async () => {
  const arn = await createChannel(expiresAfter(1, 'LAST_MESSAGE_TIMESTAMP'));
  now += DAY / 2;
  await sendMessage(arn);
  now += DAY - 1000; // 1.5 days after creation, under a day after the message
  expect(sweepExpiredChannels(t.chime.backend)).toBe(0);
  expect(exists(arn)).toBe(true);
  now += 1000;
  expect(sweepExpiredChannels(t.chime.backend)).toBe(1);
  expect(exists(arn)).toBe(false);
});

test('sweepExpiredChannels counts LAST_MESSAGE_TIMESTAMP from creation when there is no message', async () => {
  const arn = await createChannel(expiresAfter(3, 'LAST_MESSAGE_TIMESTAMP'));
  now += 3 * DAY;
  expect(sweepExpiredChannels(t.chime.backend)).toBe(1);
  expect(exists(arn)).toBe(false);
});

test('sweepExpiredChannels keeps channels without ExpirationSettings', async () => {
  const arn = await createChannel();
  now += 5475 * DAY;
  sweepExpiredChannels(t.chime.backend);
  expect(exists(arn)).toBe(true);
});

test('sweepExpiredChannels deletes the memberships, moderators, bans and messages of the channel', async () => {
  const { bob, carol } = world.users;
  const arn = await createChannel({ ...expiresAfter(1), MemberArns: [bob], ModeratorArns: [carol] });
  await sendMessage(arn, bob);
  await t.messaging.send(new CreateChannelBanCommand({ ChannelArn: arn, MemberArn: bob, ChimeBearer: world.users.alice }));
  const tables = ['channel_memberships', 'channel_moderators', 'channel_bans', 'channel_messages'];
  expect(tables.filter((table) => count(table, arn) === 0)).toEqual([]);
  now += DAY;
  sweepExpiredChannels(t.chime.backend);
  expect(tables.map((table) => count(table, arn))).toEqual([0, 0, 0, 0]);
});

test('sweepExpiredChannels honours settings changed after a channel expired but before the sweep', async () => {
  const arn = await createChannel(expiresAfter(1));
  now += 2 * DAY;
  await t.messaging.send(
    new PutChannelExpirationSettingsCommand({ ChannelArn: arn, ChimeBearer: world.users.alice, ...expiresAfter(10) }),
  );
  expect(sweepExpiredChannels(t.chime.backend)).toBe(0);
  expect(exists(arn)).toBe(true);
  now += 8 * DAY;
  expect(sweepExpiredChannels(t.chime.backend)).toBe(1);
});

test('sweepExpiredChannels publishes DELETE_CHANNEL to the members of each deleted channel', async () => {
  const { alice, bob } = world.users;
  const arn = await createChannel({ ...expiresAfter(1), Name: 'gone', MemberArns: [bob] });
  now += DAY;
  sweepExpiredChannels(t.chime.backend);
  const deleted = events.filter((e) => e.channelArn === arn && e.eventType === 'DELETE_CHANNEL');
  expect(deleted).toHaveLength(1);
  expect(deleted[0]).toMatchObject({ messageType: 'SYSTEM', payload: { ChannelArn: arn, Name: 'gone', ExpirationSettings: { ExpirationDays: 1 } } });
  expect([...deleted[0].recipients].sort()).toEqual([alice, bob].sort());
});

test('startExpirationSweep sweeps once at start', async () => {
  const arn = await createChannel(expiresAfter(1));
  now += DAY;
  const stop = startExpirationSweep(t.chime.backend, 3_600_000);
  stop();
  expect(exists(arn)).toBe(false);
});

test('startExpirationSweep sweeps again every interval', async () => {
  const arn = await createChannel(expiresAfter(1));
  const stop = startExpirationSweep(t.chime.backend, 20);
  try {
    expect(exists(arn)).toBe(true);
    now += DAY;
    const deadline = Date.now() + 2000;
    while (exists(arn) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(exists(arn)).toBe(false);
  } finally {
    stop();
  }
});

test('the local service sweeps expired channels at its expirationSweepMs interval', async () => {
  let clock = Date.now();
  const fast = await startTestChime({ clock: () => clock, expirationSweepMs: 20 });
  try {
    const w = await createWorld(fast.identity);
    const { ChannelArn } = await fast.messaging.send(
      new CreateChannelCommand({ AppInstanceArn: w.appInstanceArn, Name: 'short', ChimeBearer: w.users.alice, ...expiresAfter(1) }),
    );
    clock += DAY;
    const gone = () => fast.chime.db.prepare('SELECT 1 FROM channels WHERE arn = ?').get(ChannelArn) === undefined;
    const deadline = Date.now() + 2000;
    while (!gone() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(gone()).toBe(true);
  } finally {
    await fast.close();
  }
});

describe('AppInstanceUser expiration', () => {
  const userExists = (arn: string) => t.chime.db.prepare('SELECT 1 FROM app_instance_users WHERE arn = ?').get(arn) !== undefined;

  test('sweepExpiredUsers deletes a user ExpirationDays after its creation, with its memberships and bans', async () => {
    const user = await createExpiringUser(t.identity, world.appInstanceArn, 'short-lived');
    const channel = await createChannel({ MemberArns: [user] });
    const other = await createChannel();
    await t.messaging.send(new CreateChannelBanCommand({ ChannelArn: other, MemberArn: user, ChimeBearer: world.users.alice }));
    events.length = 0;

    now += DAY - 1000;
    expect(sweepExpiredUsers(t.chime.backend)).toBe(0);
    expect(userExists(user)).toBe(true);
    now += 1000;
    expect(sweepExpiredUsers(t.chime.backend)).toBe(1);

    expect(userExists(user)).toBe(false);
    await expect(t.identity.send(new DescribeAppInstanceUserCommand({ AppInstanceUserArn: user }))).rejects.toBeInstanceOf(IdentityNotFound);
    expect(t.chime.db.prepare('SELECT COUNT(*) AS n FROM channel_memberships WHERE member_arn = ?').get(user)).toEqual({ n: 0 });
    expect(t.chime.db.prepare('SELECT COUNT(*) AS n FROM channel_bans WHERE member_arn = ?').get(user)).toEqual({ n: 0 });
    const removal = events.find((e) => e.eventType === 'DELETE_CHANNEL_MEMBERSHIP' && e.channelArn === channel);
    expect(removal?.recipients).toEqual(expect.arrayContaining([user, world.users.alice]));
  });

  test('sweepExpiredUsers leaves users without ExpirationSettings', async () => {
    now += 10_000 * DAY;
    sweepExpiredUsers(t.chime.backend);
    expect(userExists(world.users.bob)).toBe(true);
  });
});

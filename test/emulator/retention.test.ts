/**
 * AppInstance retention settings, enforced: channel messages older than
 * RetentionDays are deleted by the service's periodic sweep. The service's
 * clock is moved forward instead of waiting days.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { GetAppInstanceRetentionSettingsCommand, PutAppInstanceRetentionSettingsCommand } from '@aws-sdk/client-chime-sdk-identity';
import {
  AssociateChannelFlowCommand,
  CreateChannelCommand,
  CreateChannelFlowCommand,
  GetChannelMessageCommand,
  ListChannelMessagesCommand,
  NotFoundException,
  SendChannelMessageCommand,
} from '@aws-sdk/client-chime-sdk-messaging';
import { ChannelEvent } from '../../src/emulator/backend/events';
import { sweepRetainedMessages } from '../../src/emulator/backend/retention-sweep';
import { MIGRATIONS } from '../../src/emulator/store/migrations';
import { lambdaArn } from '../support/flow-processor-server';
import { createWorld, startTestChime, TestChime, TestWorld } from '../support/local-chime';

const DAY = 86_400_000;

/** The service's clock. */
let now = Date.now();
let t: TestChime;
const events: ChannelEvent[] = [];

beforeAll(async () => {
  // A sweep interval far beyond the tests, so only the sweeps a test runs happen.
  t = await startTestChime({ clock: () => now, expirationSweepMs: 3_600_000 });
  t.chime.backend.events.subscribe((e) => events.push(e));
});
afterAll(() => t.close());

/** A fresh AppInstance (so each test has its own retention settings) and a channel alice created in it. */
async function scene(chime: TestChime = t): Promise<TestWorld & { chime: TestChime; channelArn: string }> {
  const world = await createWorld(chime.identity, ['alice']);
  const { ChannelArn } = await chime.messaging.send(
    new CreateChannelCommand({ AppInstanceArn: world.appInstanceArn, Name: 'kept-for-a-while', ChimeBearer: world.users.alice }),
  );
  return { ...world, chime, channelArn: ChannelArn! };
}
type Scene = Awaited<ReturnType<typeof scene>>;

/** Sends a message now (by the service clock) as alice; returns its MessageId. */
async function send(s: Scene, content: string): Promise<string> {
  const out = await s.chime.messaging.send(
    new SendChannelMessageCommand({ ChannelArn: s.channelArn, Content: content, Type: 'STANDARD', Persistence: 'PERSISTENT', ChimeBearer: s.users.alice }),
  );
  return out.MessageId!;
}

async function listed(s: Scene): Promise<string[]> {
  const out = await s.chime.messaging.send(new ListChannelMessagesCommand({ ChannelArn: s.channelArn, ChimeBearer: s.users.alice }));
  return out.ChannelMessages!.map((m) => m.Content!);
}

const get = (s: Scene, MessageId: string) =>
  s.chime.messaging.send(new GetChannelMessageCommand({ ChannelArn: s.channelArn, MessageId, ChimeBearer: s.users.alice }));

/** Puts RetentionDays, or clears retention when `days` is undefined. */
const putRetention = (s: Scene, days?: number) =>
  s.chime.identity.send(
    new PutAppInstanceRetentionSettingsCommand({
      AppInstanceArn: s.appInstanceArn,
      AppInstanceRetentionSettings: { ChannelRetentionSettings: days === undefined ? {} : { RetentionDays: days } },
    }),
  );

const getRetention = (s: Scene) => s.chime.identity.send(new GetAppInstanceRetentionSettingsCommand({ AppInstanceArn: s.appInstanceArn }));

test('sweepRetainedMessages deletes messages once RetentionDays old and keeps newer ones', async () => {
  const s = await scene();
  const old = await send(s, 'old');
  now += DAY;
  const newer = await send(s, 'newer');
  await putRetention(s, 2);

  now += DAY - 1000; // the old message is a second short of two days old
  sweepRetainedMessages(t.chime.backend);
  expect(await listed(s)).toEqual(['newer', 'old']);

  now += 1000;
  expect(sweepRetainedMessages(t.chime.backend)).toBe(1);
  expect(await listed(s)).toEqual(['newer']);
  await expect(get(s, old)).rejects.toBeInstanceOf(NotFoundException);
  expect((await get(s, newer)).ChannelMessage?.Content).toBe('newer');
});

test('sweepRetainedMessages keeps every message of an AppInstance without retention', async () => {
  const retained = await scene();
  const kept = await scene();
  await send(retained, 'goes');
  await send(kept, 'stays');
  await putRetention(retained, 1);
  now += 5475 * DAY;
  sweepRetainedMessages(t.chime.backend);
  expect(await listed(retained)).toEqual([]);
  expect(await listed(kept)).toEqual(['stays']);
});

test('sweepRetainedMessages sends no session events', async () => {
  const s = await scene();
  await send(s, 'quietly gone');
  await putRetention(s, 1);
  now += DAY;
  events.length = 0;
  expect(sweepRetainedMessages(t.chime.backend)).toBe(1);
  expect(events).toEqual([]);
});

test('sweepRetainedMessages applies RetentionDays as they are at the sweep', async () => {
  const s = await scene();
  await send(s, 'ten days old');
  await putRetention(s, 30);
  now += 10 * DAY;
  sweepRetainedMessages(t.chime.backend);
  expect(await listed(s)).toEqual(['ten days old']);
  await putRetention(s, 7);
  sweepRetainedMessages(t.chime.backend);
  expect(await listed(s)).toEqual([]);
});

test('sweepRetainedMessages deletes the channel-flow invocations that copy a deleted message', async () => {
  const s = await scene();
  // This service has no processor endpoints: the processor cannot be invoked and CONTINUE passes the message on.
  const { ChannelFlowArn } = await t.messaging.send(
    new CreateChannelFlowCommand({
      AppInstanceArn: s.appInstanceArn,
      Name: 'checks',
      Processors: [
        { Name: 'unset', ExecutionOrder: 1, FallbackAction: 'CONTINUE', Configuration: { Lambda: { ResourceArn: lambdaArn('unset'), InvocationType: 'ASYNC' } } },
      ],
    }),
  );
  await t.messaging.send(new AssociateChannelFlowCommand({ ChannelArn: s.channelArn, ChannelFlowArn, ChimeBearer: s.users.alice }));
  const id = await send(s, 'processed');
  const invocations = () =>
    t.chime.db.prepare('SELECT state FROM channel_flow_invocations WHERE channel_arn = ? AND message_id = ?').pluck().all(s.channelArn, id);
  const deadline = Date.now() + 5000;
  while (invocations()[0] === 'WAITING' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  expect(invocations()).toEqual(['ERRORED']);
  expect(await listed(s)).toEqual(['processed']);

  await putRetention(s, 1);
  now += DAY;
  expect(sweepRetainedMessages(t.chime.backend)).toBe(1);
  expect(invocations()).toEqual([]);
  await expect(get(s, id)).rejects.toBeInstanceOf(NotFoundException);
});

test('GetAppInstanceRetentionSettings answers the InitiateDeletionTimestamp of the last Put', async () => {
  const s = await scene();
  expect((await getRetention(s)).InitiateDeletionTimestamp).toBeUndefined();

  const first = await putRetention(s, 30);
  expect(first.InitiateDeletionTimestamp).toEqual(new Date(now));
  const got = await getRetention(s);
  expect(got.AppInstanceRetentionSettings).toEqual({ ChannelRetentionSettings: { RetentionDays: 30 } });
  expect(got.InitiateDeletionTimestamp).toEqual(first.InitiateDeletionTimestamp);

  now += DAY;
  const second = await putRetention(s, 7);
  expect(second.InitiateDeletionTimestamp!.getTime() - first.InitiateDeletionTimestamp!.getTime()).toBe(DAY);
  expect((await getRetention(s)).InitiateDeletionTimestamp).toEqual(second.InitiateDeletionTimestamp);
});

test('PutAppInstanceRetentionSettings without RetentionDays clears retention and stops deletion', async () => {
  const s = await scene();
  await send(s, 'kept after all');
  await putRetention(s, 1);

  const cleared = await putRetention(s);
  expect(cleared.AppInstanceRetentionSettings).toEqual({});
  expect(cleared.InitiateDeletionTimestamp).toBeUndefined();
  const got = await getRetention(s);
  expect(got.AppInstanceRetentionSettings).toEqual({});
  expect(got.InitiateDeletionTimestamp).toBeUndefined();

  now += 10 * DAY;
  expect(sweepRetainedMessages(t.chime.backend)).toBe(0);
  expect(await listed(s)).toEqual(['kept after all']);
});

test('the local service enforces retention at its expirationSweepMs interval', async () => {
  let clock = Date.now();
  const fast = await startTestChime({ clock: () => clock, expirationSweepMs: 20 });
  try {
    const s = await scene(fast);
    await send(s, 'short-lived');
    await putRetention(s, 1);
    clock += DAY;
    const deadline = Date.now() + 2000;
    while ((await listed(s)).length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(await listed(s)).toEqual([]);
  } finally {
    await fast.close();
  }
});

test('an AppInstance given retention before migration 6 keeps its RetentionDays, with no InitiateDeletionTimestamp', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chime-retention-'));
  const file = path.join(dir, 'chime.sqlite');
  const arn = 'arn:aws:chime:us-east-1:123456789012:app-instance/older';
  const older = new Database(file);
  for (const migration of MIGRATIONS.slice(0, 5)) older.exec(migration);
  older.pragma('user_version = 5');
  older.prepare('INSERT INTO app_instances (arn, name, created_at, updated_at, retention_days) VALUES (?, ?, 0, 0, 3)').run(arn, 'older');
  older.close();

  const upgraded = await startTestChime({ database: file });
  try {
    const got = await upgraded.identity.send(new GetAppInstanceRetentionSettingsCommand({ AppInstanceArn: arn }));
    expect(got.AppInstanceRetentionSettings).toEqual({ ChannelRetentionSettings: { RetentionDays: 3 } });
    expect(got.InitiateDeletionTimestamp).toBeUndefined();
  } finally {
    await upgraded.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

/**
 * Crash durability: every write the service acknowledged survives `kill -9`
 * in the middle of concurrent load, and the SQLite file stays intact.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import {
  ChimeSDKIdentityClient,
  CreateAppInstanceCommand,
  CreateAppInstanceUserCommand,
  DescribeAppInstanceUserCommand,
} from '@aws-sdk/client-chime-sdk-identity';
import {
  ChimeSDKMessagingClient,
  CreateChannelCommand,
  DescribeChannelCommand,
  GetChannelMessageCommand,
  SendChannelMessageCommand,
} from '@aws-sdk/client-chime-sdk-messaging';
import { ServiceProcess, startCli } from '../support/child-process';
import { clientConfig } from '../support/local-chime';

const WORKERS = 8;
/** Acknowledged writes after which the process is killed; the deadline kills it sooner on a slow machine. */
const KILL_AFTER_ACKS = 200;
const KILL_DEADLINE_MS = 2000;

/** One acknowledged write and how to read it back. */
type Ack = { kind: 'user'; arn: string } | { kind: 'channel'; arn: string } | { kind: 'message'; channelArn: string; messageId: string };

let dir: string;
let service: ServiceProcess | undefined;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chime-durability-'));
});
afterEach(async () => {
  await service?.stop('SIGKILL');
  fs.rmSync(dir, { recursive: true, force: true });
});

function clients(endpoint: string) {
  const config = clientConfig(endpoint);
  return { identity: new ChimeSDKIdentityClient(config), messaging: new ChimeSDKMessagingClient(config) };
}

test('every acknowledged write survives kill -9 under concurrent load, and the file passes integrity_check', async () => {
  const db = path.join(dir, 'chime.sqlite');
  service = await startCli(['--port', '0', '--db', db]);
  const first = clients(service.endpoint);

  const { AppInstanceArn } = await first.identity.send(new CreateAppInstanceCommand({ Name: 'durable' }));
  const { AppInstanceUserArn: sender } = await first.identity.send(
    new CreateAppInstanceUserCommand({ AppInstanceArn, AppInstanceUserId: 'sender', Name: 'Sender' }),
  );
  const { ChannelArn: room } = await first.messaging.send(new CreateChannelCommand({ AppInstanceArn, Name: 'room', ChimeBearer: sender }));

  const acks: Ack[] = [];
  const errorsBeforeKill: unknown[] = [];
  let inFlightAtKill = 0;
  let inFlight = 0;
  let killed = false;
  const kill = () => {
    if (killed) return;
    killed = true;
    inFlightAtKill = inFlight;
    service!.child.kill('SIGKILL');
  };
  const deadline = setTimeout(kill, KILL_DEADLINE_MS);

  // Each worker rotates through three kinds of write until one fails (the kill).
  const write = async (worker: number, n: number): Promise<Ack> => {
    const id = `w${worker}-${n}`;
    switch (n % 3) {
      case 0: {
        const out = await first.identity.send(new CreateAppInstanceUserCommand({ AppInstanceArn, AppInstanceUserId: id, Name: id }));
        return { kind: 'user', arn: out.AppInstanceUserArn! };
      }
      case 1: {
        const out = await first.messaging.send(new CreateChannelCommand({ AppInstanceArn, Name: id, ChimeBearer: sender }));
        return { kind: 'channel', arn: out.ChannelArn! };
      }
      default: {
        const out = await first.messaging.send(
          new SendChannelMessageCommand({ ChannelArn: room, Content: id, Type: 'STANDARD', Persistence: 'PERSISTENT', ChimeBearer: sender }),
        );
        return { kind: 'message', channelArn: room!, messageId: out.MessageId! };
      }
    }
  };
  const worker = async (w: number) => {
    for (let n = 0; ; n++) {
      inFlight++;
      try {
        const ack = await write(w, n);
        acks.push(ack);
        if (acks.length >= KILL_AFTER_ACKS) kill();
      } catch (err) {
        if (!killed) errorsBeforeKill.push(err);
        return;
      } finally {
        inFlight--;
      }
    }
  };
  await Promise.all(Array.from({ length: WORKERS }, (_, w) => worker(w)));
  clearTimeout(deadline);
  first.identity.destroy();
  first.messaging.destroy();
  expect(await service.exited).toEqual({ code: null, signal: 'SIGKILL' });

  expect(errorsBeforeKill).toEqual([]);
  // The kill must have landed mid-load, with requests on the wire.
  expect(inFlightAtKill).toBeGreaterThan(0);
  expect(acks.length).toBeGreaterThanOrEqual(30);
  expect(new Set(acks.map((a) => a.kind))).toEqual(new Set(['user', 'channel', 'message']));

  service = await startCli(['--port', '0', '--db', db]);
  const second = clients(service.endpoint);
  const missing: Ack[] = [];
  const readBack = async (ack: Ack) => {
    try {
      if (ack.kind === 'user') await second.identity.send(new DescribeAppInstanceUserCommand({ AppInstanceUserArn: ack.arn }));
      else if (ack.kind === 'channel') await second.messaging.send(new DescribeChannelCommand({ ChannelArn: ack.arn, ChimeBearer: sender }));
      else await second.messaging.send(new GetChannelMessageCommand({ ChannelArn: ack.channelArn, MessageId: ack.messageId, ChimeBearer: sender }));
    } catch {
      missing.push(ack);
    }
  };
  const queue = [...acks];
  await Promise.all(
    Array.from({ length: WORKERS }, async () => {
      for (let ack = queue.shift(); ack; ack = queue.shift()) await readBack(ack);
    }),
  );
  second.identity.destroy();
  second.messaging.destroy();
  expect(missing).toEqual([]);

  expect(await service.stop('SIGTERM')).toEqual({ code: 0, signal: null });
  const file = new Database(db);
  try {
    expect(file.pragma('integrity_check', { simple: true })).toBe('ok');
  } finally {
    file.close();
  }
});

/**
 * Schema upgrades: a database file written by an older build opens under this
 * one, is migrated in place and keeps what it held.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { ChimeSDKIdentityClient } from '@aws-sdk/client-chime-sdk-identity';
import {
  ChimeSDKMessagingClient,
  CreateChannelCommand,
  ListChannelMessagesCommand,
  SendChannelMessageCommand,
  SendChannelMessageCommandInput,
} from '@aws-sdk/client-chime-sdk-messaging';
import { LocalChime, startLocalChime } from '../../src/emulator/server';
import { MIGRATIONS } from '../../src/emulator/store/migrations';
import { clientConfig, createWorld } from '../support/local-chime';

const MIGRATIONS_MODULE = '../../src/emulator/store/migrations';
/** Migrations 001 to 004: the schema before the idempotency table was rebuilt WITHOUT ROWID. */
const BEFORE_IDEMPOTENCY_REBUILD = 4;

let dir: string;
let service: LocalChime | undefined;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chime-migrations-'));
});
afterEach(async () => {
  await service?.close();
  service = undefined;
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Starts the service as a build that knew only the first `known` migrations would. */
async function startOlderBuild(known: number, database: string): Promise<LocalChime> {
  let start: typeof startLocalChime | undefined;
  jest.isolateModules(() => {
    jest.doMock(MIGRATIONS_MODULE, () => ({ MIGRATIONS: MIGRATIONS.slice(0, known) }));
    start = (require('../../src/emulator/server') as typeof import('../../src/emulator/server')).startLocalChime;
  });
  jest.dontMock(MIGRATIONS_MODULE);
  return start!({ database });
}

function clients(endpoint: string) {
  const config = clientConfig(endpoint);
  return { identity: new ChimeSDKIdentityClient(config), messaging: new ChimeSDKMessagingClient(config) };
}

/** The schema version of the file and the SQL its idempotency table was created with. */
function schemaOf(file: string): { version: number; idempotency: string } {
  const db = new Database(file, { readonly: true });
  try {
    return {
      version: db.pragma('user_version', { simple: true }) as number,
      idempotency: (db.prepare("SELECT sql FROM sqlite_schema WHERE name = 'idempotency'").pluck().get() as string).replace(/\s+/g, ' '),
    };
  } finally {
    db.close();
  }
}

test('SendChannelMessage retried after the upgrade to the WITHOUT ROWID idempotency table returns the first MessageId', async () => {
  const file = path.join(dir, 'chime.sqlite');

  service = await startOlderBuild(BEFORE_IDEMPOTENCY_REBUILD, file);
  const before = clients(service.endpoint);
  const world = await createWorld(before.identity, ['alice']);
  const alice = world.users.alice;
  const { ChannelArn } = await before.messaging.send(new CreateChannelCommand({ AppInstanceArn: world.appInstanceArn, Name: 'room', ChimeBearer: alice }));
  const send: SendChannelMessageCommandInput = {
    ChannelArn,
    Content: 'hello',
    Type: 'STANDARD',
    Persistence: 'PERSISTENT',
    ClientRequestToken: 'send-before-upgrade',
    ChimeBearer: alice,
  };
  const first = await before.messaging.send(new SendChannelMessageCommand(send));
  before.identity.destroy();
  before.messaging.destroy();
  await service.close();
  service = undefined;
  // The file really is in the older shape, so what follows exercises the upgrade.
  expect(schemaOf(file)).toEqual({ version: BEFORE_IDEMPOTENCY_REBUILD, idempotency: expect.not.stringMatching(/WITHOUT ROWID/i) });

  service = await startLocalChime({ database: file });
  const after = clients(service.endpoint);
  try {
    expect(schemaOf(file)).toEqual({ version: MIGRATIONS.length, idempotency: expect.stringMatching(/\) WITHOUT ROWID$/i) });

    const retried = await after.messaging.send(new SendChannelMessageCommand(send));
    expect(retried.MessageId).toBe(first.MessageId);
    // The stored fingerprint came across too: the same token with other parameters is still refused.
    await expect(after.messaging.send(new SendChannelMessageCommand({ ...send, Content: 'other' }))).rejects.toMatchObject({
      name: 'ConflictException',
    });
    const listed = await after.messaging.send(new ListChannelMessagesCommand({ ChannelArn, ChimeBearer: alice }));
    expect(listed.ChannelMessages?.map((m) => m.MessageId)).toEqual([first.MessageId]);
  } finally {
    after.identity.destroy();
    after.messaging.destroy();
  }
});

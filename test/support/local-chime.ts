/**
 * Starts a local Chime service in-process (in-memory SQLite) and gives real
 * AWS SDK v3 clients pointed at it over HTTP.
 */
import { ChimeSDKMessagingClient } from '@aws-sdk/client-chime-sdk-messaging';
import { ChimeSDKIdentityClient, Configuration, CreateAppInstanceAdminCommand, CreateAppInstanceCommand, CreateAppInstanceUserCommand } from '@aws-sdk/client-chime-sdk-identity';
import { ChimeClient } from '@aws-sdk/client-chime';
import { LocalChime, LocalChimeOptions, startLocalChime } from '../../src/emulator/server';

/** Fake credentials the tests sign with (strict-mode tests configure the same pair). */
export const TEST_CREDENTIALS = { accessKeyId: 'AKIDLOCALTEST', secretAccessKey: 'local-test-secret' };

/** A valid AppInstanceBot configuration (a Lex bot answering mentions), for tests that create bots. */
export const TEST_BOT_CONFIGURATION: Configuration = {
  Lex: {
    LexBotAliasArn: 'arn:aws:lex:us-east-1:123456789012:bot-alias/ABCDEFGHIJ/KLMNOPQRST',
    LocaleId: 'en_US',
    InvokedBy: { StandardMessages: 'MENTIONS', TargetedMessages: 'ALL' },
  },
};

/** A running service and SDK clients for it. */
export interface TestChime {
  chime: LocalChime;
  messaging: ChimeSDKMessagingClient;
  identity: ChimeSDKIdentityClient;
  rooms: ChimeClient;
  close(): Promise<void>;
}

/** Client settings for the local service at `endpoint`: no retries, so a test sees the first answer. */
export function clientConfig(endpoint: string, credentials = TEST_CREDENTIALS) {
  return { endpoint, region: 'us-east-1', credentials, maxAttempts: 1 };
}

/** Starts a service and its clients. */
export async function startTestChime(options: LocalChimeOptions = {}): Promise<TestChime> {
  const chime = await startLocalChime({ database: ':memory:', ...options });
  const config = clientConfig(chime.endpoint);
  const messaging = new ChimeSDKMessagingClient(config);
  const identity = new ChimeSDKIdentityClient(config);
  const rooms = new ChimeClient(config);
  return {
    chime,
    messaging,
    identity,
    rooms,
    async close() {
      messaging.destroy();
      identity.destroy();
      rooms.destroy();
      await chime.close();
    },
  };
}

/** An AppInstance with an admin and named users, created through the identity API. */
export interface TestWorld {
  appInstanceArn: string;
  /** ARN of the AppInstanceAdmin user. */
  admin: string;
  /** User ARNs by the names given. */
  users: Record<string, string>;
}

/** Creates one AppInstanceUser per id (named as its id), in order; returns their ARNs. */
export async function createUsers(identity: ChimeSDKIdentityClient, appInstanceArn: string, ids: readonly string[]): Promise<string[]> {
  const arns: string[] = [];
  for (const id of ids) {
    arns.push((await identity.send(new CreateAppInstanceUserCommand({ AppInstanceArn: appInstanceArn, AppInstanceUserId: id, Name: id }))).AppInstanceUserArn!);
  }
  return arns;
}

/** Creates a user that expires `days` after its creation (CREATED_TIMESTAMP); returns its ARN. */
export async function createExpiringUser(identity: ChimeSDKIdentityClient, appInstanceArn: string, id: string, days = 1): Promise<string> {
  const { AppInstanceUserArn } = await identity.send(
    new CreateAppInstanceUserCommand({
      AppInstanceArn: appInstanceArn,
      AppInstanceUserId: id,
      Name: id,
      ExpirationSettings: { ExpirationCriterion: 'CREATED_TIMESTAMP', ExpirationDays: days },
    }),
  );
  return AppInstanceUserArn!;
}

/** Creates an AppInstance, an `admin` user made AppInstanceAdmin, and one user per name. */
export async function createWorld(identity: ChimeSDKIdentityClient, names: string[] = ['alice', 'bob', 'carol']): Promise<TestWorld> {
  const { AppInstanceArn } = await identity.send(new CreateAppInstanceCommand({ Name: 'test-app' }));
  const appInstanceArn = AppInstanceArn!;
  const [admin, ...arns] = await createUsers(identity, appInstanceArn, ['admin', ...names]);
  await identity.send(new CreateAppInstanceAdminCommand({ AppInstanceArn: appInstanceArn, AppInstanceAdminArn: admin }));
  const users: Record<string, string> = {};
  names.forEach((name, i) => (users[name] = arns[i]));
  return { appInstanceArn, admin, users };
}

/** The items of every page of a listing: `fetch` is called with each NextToken until none comes back. */
export async function allPages<Page extends { NextToken?: string }, Item>(
  fetch: (nextToken: string | undefined) => Promise<Page>,
  items: (page: Page) => Item[],
): Promise<Item[]> {
  const all: Item[] = [];
  let next: string | undefined;
  do {
    const page = await fetch(next);
    all.push(...items(page));
    next = page.NextToken;
  } while (next);
  return all;
}

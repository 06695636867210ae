/**
 * Demo data for `npm start`, created once through the real SDK clients: an
 * AppInstance, an AppInstanceAdmin, alice, bob and carol, a PUBLIC channel
 * `general` (all three) and a PRIVATE channel `design` (alice and bob), each
 * with a few messages. A record file in the data directory names what was
 * made; it is trusted only while DescribeAppInstance still finds the
 * AppInstance, so a deleted database is seeded again and an intact one never.
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  ConflictException as IdentityConflict,
  CreateAppInstanceAdminCommand,
  CreateAppInstanceCommand,
  CreateAppInstanceUserCommand,
  DescribeAppInstanceCommand,
  NotFoundException,
} from '@aws-sdk/client-chime-sdk-identity';
import {
  BatchCreateChannelMembershipCommand,
  ChannelMode,
  ChannelPrivacy,
  CreateChannelCommand,
  SendChannelMessageCommand,
  UpdateChannelReadMarkerCommand,
} from '@aws-sdk/client-chime-sdk-messaging';
import { ChimeClients } from './chime-clients';
import { Logger } from './logger';

/** Names of the demo users, in the order they are printed. */
export const DEMO_USERS = ['alice', 'bob', 'carol', 'admin'] as const;
export type DemoUser = (typeof DEMO_USERS)[number];

/** What the seed made (the content of the record file). */
export interface DemoData {
  appInstanceArn: string;
  /** User ARNs; `admin` is the AppInstanceAdmin. */
  users: Record<DemoUser, string>;
  /** Channel ARNs by name. */
  channels: { general: string; design: string };
  /** ISO time of the seed. */
  seededAt: string;
}

/** File name of the seed record inside the data directory. */
export const DEMO_RECORD_FILE = 'demo-seed.json';

/** Returns the demo data, seeding it first unless the record names an AppInstance that still exists. */
export async function ensureDemoData(clients: ChimeClients, dataDir: string, logger: Logger): Promise<{ demo: DemoData; seeded: boolean }> {
  const file = path.join(dataDir, DEMO_RECORD_FILE);
  const recorded = readRecord(file);
  if (recorded) {
    try {
      await clients.identity.send(new DescribeAppInstanceCommand({ AppInstanceArn: recorded.appInstanceArn }));
      return { demo: recorded, seeded: false };
    } catch (err) {
      if (!(err instanceof NotFoundException)) throw err;
      logger.warn({ appInstanceArn: recorded.appInstanceArn }, 'the recorded demo AppInstance is gone; seeding again');
    }
  }
  const demo = await seed(clients);
  // Write-then-rename, so a crash never leaves a half-written record.
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  fs.writeFileSync(`${file}.tmp`, `${JSON.stringify(demo, null, 2)}\n`);
  fs.renameSync(`${file}.tmp`, file);
  logger.info({ appInstanceArn: demo.appInstanceArn }, 'demo data seeded');
  return { demo, seeded: true };
}

function readRecord(file: string): DemoData | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const record = JSON.parse(text) as DemoData;
  if (typeof record?.appInstanceArn !== 'string') throw new Error(`${file} is not a demo seed record; delete it to seed again.`);
  return record;
}

/**
 * Every create carries a fixed ClientRequestToken, so a seed interrupted
 * half-way replays what it already made instead of making it twice.
 */
async function seed({ identity, messaging }: ChimeClients): Promise<DemoData> {
  const { AppInstanceArn } = await identity.send(
    new CreateAppInstanceCommand({ Name: 'demo', Metadata: 'Demo data of chime-graphql-gateway', ClientRequestToken: 'demo-seed-app-instance' }),
  );
  const appInstanceArn = AppInstanceArn!;
  const names: Record<DemoUser, string> = { alice: 'Alice', bob: 'Bob', carol: 'Carol', admin: 'Demo Admin' };
  const users = {} as Record<DemoUser, string>;
  for (const id of DEMO_USERS) {
    const created = await identity.send(
      new CreateAppInstanceUserCommand({ AppInstanceArn: appInstanceArn, AppInstanceUserId: id, Name: names[id], ClientRequestToken: `demo-seed-user-${id}` }),
    );
    users[id] = created.AppInstanceUserArn!;
  }
  try {
    await identity.send(new CreateAppInstanceAdminCommand({ AppInstanceArn: appInstanceArn, AppInstanceAdminArn: users.admin }));
  } catch (err) {
    if (!(err instanceof IdentityConflict)) throw err;
  }

  const channel = async (name: string, privacy: ChannelPrivacy, mode: ChannelMode, members: string[]): Promise<string> => {
    const { ChannelArn } = await messaging.send(
      new CreateChannelCommand({ AppInstanceArn: appInstanceArn, Name: name, Privacy: privacy, Mode: mode, ChimeBearer: users.alice, ClientRequestToken: `demo-seed-channel-${name}` }),
    );
    await messaging.send(new BatchCreateChannelMembershipCommand({ ChannelArn: ChannelArn!, MemberArns: members, Type: 'DEFAULT', ChimeBearer: users.alice }));
    return ChannelArn!;
  };
  const general = await channel('general', 'PUBLIC', 'UNRESTRICTED', [users.bob, users.carol]);
  const design = await channel('design', 'PRIVATE', 'RESTRICTED', [users.bob]);

  const conversation: Array<[string, DemoUser, string]> = [
    [general, 'alice', 'Welcome to #general! This channel is public: anyone in the AppInstance can find and read it.'],
    [general, 'bob', 'Hi all, glad to be here.'],
    [general, 'carol', 'Hello! Is the design review still on for Thursday?'],
    [general, 'alice', 'Yes, 2pm. Notes will go to #design.'],
    [design, 'alice', 'First mockups of the channel list are up.'],
    [design, 'bob', 'Nice. Can we show the unread count next to each channel?'],
    [design, 'alice', 'Good idea, adding it.'],
  ];
  for (const [index, [channelArn, sender, content]] of conversation.entries()) {
    await messaging.send(
      new SendChannelMessageCommand({
        ChannelArn: channelArn,
        Content: content,
        Type: 'STANDARD',
        Persistence: 'PERSISTENT',
        ChimeBearer: users[sender],
        ClientRequestToken: `demo-seed-message-${index}`,
      }),
    );
  }
  // Carol has read #general up to now, so she starts with nothing unread there; bob has unread messages.
  await messaging.send(new UpdateChannelReadMarkerCommand({ ChannelArn: general, ChimeBearer: users.carol }));

  return { appInstanceArn, users, channels: { general, design }, seededAt: new Date().toISOString() };
}

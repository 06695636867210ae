import {
  BadRequestException,
  ConflictException,
  CreateAppInstanceAdminCommand,
  CreateAppInstanceBotCommand,
  CreateAppInstanceCommand,
  CreateAppInstanceUserCommand,
  DeleteAppInstanceAdminCommand,
  DeleteAppInstanceBotCommand,
  DeleteAppInstanceCommand,
  DeleteAppInstanceUserCommand,
  DescribeAppInstanceAdminCommand,
  DescribeAppInstanceBotCommand,
  DescribeAppInstanceCommand,
  DescribeAppInstanceUserCommand,
  GetAppInstanceRetentionSettingsCommand,
  ListAppInstanceAdminsCommand,
  ListAppInstanceBotsCommand,
  ListAppInstancesCommand,
  ListAppInstanceUsersCommand,
  NotFoundException,
  PutAppInstanceRetentionSettingsCommand,
  PutAppInstanceUserExpirationSettingsCommand,
  UpdateAppInstanceBotCommand,
  UpdateAppInstanceCommand,
  UpdateAppInstanceUserCommand,
  type Configuration,
} from '@aws-sdk/client-chime-sdk-identity';
import {
  CreateChannelCommand,
  CreateChannelMembershipCommand,
  CreateChannelModeratorCommand,
  ListChannelMembershipsCommand,
  ListChannelModeratorsCommand,
} from '@aws-sdk/client-chime-sdk-messaging';
import { startTestChime, TEST_BOT_CONFIGURATION, TestChime } from '../support/local-chime';

let t: TestChime;
beforeAll(async () => {
  t = await startTestChime();
});
afterAll(() => t.close());

const LEX = TEST_BOT_CONFIGURATION;

async function newInstance(name = 'app'): Promise<string> {
  return (await t.identity.send(new CreateAppInstanceCommand({ Name: name }))).AppInstanceArn!;
}

async function newUser(instance: string, id: string, name = id): Promise<string> {
  return (await t.identity.send(new CreateAppInstanceUserCommand({ AppInstanceArn: instance, AppInstanceUserId: id, Name: name }))).AppInstanceUserArn!;
}

async function newBot(instance: string, name = 'bot'): Promise<string> {
  return (await t.identity.send(new CreateAppInstanceBotCommand({ AppInstanceArn: instance, Name: name, Configuration: LEX }))).AppInstanceBotArn!;
}

/** Follows NextToken to the end, returning every item and the number of pages. */
async function allPages<T>(fetch: (token: string | undefined) => Promise<{ items: T[]; next?: string }>): Promise<{ items: T[]; pages: number }> {
  const items: T[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const page = await fetch(token);
    items.push(...page.items);
    token = page.next;
    pages++;
  } while (token);
  return { items, pages };
}

describe('AppInstance', () => {
  test('CreateAppInstance then DescribeAppInstance returns name, metadata and timestamps', async () => {
    const before = Date.now();
    const { AppInstanceArn } = await t.identity.send(new CreateAppInstanceCommand({ Name: 'described', Metadata: 'meta' }));
    const { AppInstance } = await t.identity.send(new DescribeAppInstanceCommand({ AppInstanceArn }));
    expect(AppInstance).toMatchObject({ AppInstanceArn, Name: 'described', Metadata: 'meta' });
    expect(AppInstance!.CreatedTimestamp!.getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(AppInstance!.LastUpdatedTimestamp).toEqual(AppInstance!.CreatedTimestamp);
  });

  test('CreateAppInstance with a repeated ClientRequestToken returns the first AppInstance', async () => {
    const first = await t.identity.send(new CreateAppInstanceCommand({ Name: 'idem', ClientRequestToken: 'token-app-1' }));
    const again = await t.identity.send(new CreateAppInstanceCommand({ Name: 'idem', ClientRequestToken: 'token-app-1' }));
    expect(again.AppInstanceArn).toBe(first.AppInstanceArn);
    await expect(t.identity.send(new CreateAppInstanceCommand({ Name: 'other', ClientRequestToken: 'token-app-1' }))).rejects.toBeInstanceOf(
      ConflictException,
    );
  });

  test('CreateAppInstance rejects a Name over 256 characters and Metadata over 1024', async () => {
    await expect(t.identity.send(new CreateAppInstanceCommand({ Name: 'n'.repeat(257) }))).rejects.toThrow(/Name must be 1\.\.256 characters long, got 257/);
    await expect(t.identity.send(new CreateAppInstanceCommand({ Name: 'ok', Metadata: 'm'.repeat(1025) }))).rejects.toBeInstanceOf(BadRequestException);
  });

  test('DescribeAppInstance of an unknown ARN is NotFound and of a malformed ARN is BadRequest', async () => {
    const unknown = 'arn:aws:chime:us-east-1:123456789012:app-instance/00000000-0000-0000-0000-000000000000';
    await expect(t.identity.send(new DescribeAppInstanceCommand({ AppInstanceArn: unknown }))).rejects.toBeInstanceOf(NotFoundException);
    await expect(t.identity.send(new DescribeAppInstanceCommand({ AppInstanceArn: 'not-an-arn' }))).rejects.toBeInstanceOf(BadRequestException);
  });

  test('UpdateAppInstance changes Name, Metadata and LastUpdatedTimestamp', async () => {
    const arn = await newInstance('before');
    const { AppInstance: was } = await t.identity.send(new DescribeAppInstanceCommand({ AppInstanceArn: arn }));
    await new Promise((r) => setTimeout(r, 5));
    const { AppInstanceArn } = await t.identity.send(new UpdateAppInstanceCommand({ AppInstanceArn: arn, Name: 'after', Metadata: 'new' }));
    expect(AppInstanceArn).toBe(arn);
    const { AppInstance } = await t.identity.send(new DescribeAppInstanceCommand({ AppInstanceArn: arn }));
    expect(AppInstance).toMatchObject({ Name: 'after', Metadata: 'new', CreatedTimestamp: was!.CreatedTimestamp });
    expect(AppInstance!.LastUpdatedTimestamp!.getTime()).toBeGreaterThan(was!.LastUpdatedTimestamp!.getTime());
  });

  test('UpdateAppInstance of an unknown AppInstance is NotFound', async () => {
    const arn = await newInstance();
    await t.identity.send(new DeleteAppInstanceCommand({ AppInstanceArn: arn }));
    await expect(t.identity.send(new UpdateAppInstanceCommand({ AppInstanceArn: arn, Name: 'x', Metadata: 'y' }))).rejects.toBeInstanceOf(NotFoundException);
  });

  test('DeleteAppInstance removes the AppInstance with its users, bots and admins', async () => {
    const arn = await newInstance('doomed');
    const user = await newUser(arn, 'u');
    const bot = await newBot(arn);
    await t.identity.send(new CreateAppInstanceAdminCommand({ AppInstanceArn: arn, AppInstanceAdminArn: user }));
    await t.identity.send(new DeleteAppInstanceCommand({ AppInstanceArn: arn }));
    await expect(t.identity.send(new DescribeAppInstanceCommand({ AppInstanceArn: arn }))).rejects.toBeInstanceOf(NotFoundException);
    await expect(t.identity.send(new DescribeAppInstanceUserCommand({ AppInstanceUserArn: user }))).rejects.toBeInstanceOf(NotFoundException);
    await expect(t.identity.send(new DescribeAppInstanceBotCommand({ AppInstanceBotArn: bot }))).rejects.toBeInstanceOf(NotFoundException);
    expect(t.chime.db.prepare('SELECT count(*) AS n FROM app_instance_admins WHERE app_instance_arn = ?').get(arn)).toEqual({ n: 0 });
    await expect(t.identity.send(new DeleteAppInstanceCommand({ AppInstanceArn: arn }))).rejects.toBeInstanceOf(NotFoundException);
  });

  test('ListAppInstances pages through every AppInstance once', async () => {
    const created = new Set<string>();
    for (let i = 0; i < 5; i++) created.add(await newInstance(`listed-${i}`));
    const { items, pages } = await allPages(async (NextToken) => {
      const out = await t.identity.send(new ListAppInstancesCommand({ MaxResults: 2, NextToken }));
      expect(out.AppInstances!.length).toBeLessThanOrEqual(2);
      return { items: out.AppInstances!.map((a) => a.AppInstanceArn!), next: out.NextToken };
    });
    expect(new Set(items).size).toBe(items.length);
    for (const arn of created) expect(items).toContain(arn);
    expect(pages).toBe(Math.ceil(items.length / 2));
  });

  test('ListAppInstances rejects MaxResults outside 1..50', async () => {
    await expect(t.identity.send(new ListAppInstancesCommand({ MaxResults: 0 }))).rejects.toThrow(/MaxResults must be an integer in 1\.\.50, got 0/);
    await expect(t.identity.send(new ListAppInstancesCommand({ MaxResults: 51 }))).rejects.toBeInstanceOf(BadRequestException);
  });

  test('ListAppInstances refuses a forged NextToken and one from another listing', async () => {
    await newInstance();
    await newInstance();
    const { NextToken } = await t.identity.send(new ListAppInstancesCommand({ MaxResults: 1 }));
    expect(NextToken).toBeDefined();
    const [body, signature] = NextToken!.split('.');
    const forgedBody = Buffer.from(JSON.stringify({ s: 'ListAppInstances', p: '' })).toString('base64url');
    await expect(t.identity.send(new ListAppInstancesCommand({ NextToken: `${forgedBody}.${signature}` }))).rejects.toBeInstanceOf(BadRequestException);
    await expect(t.identity.send(new ListAppInstancesCommand({ NextToken: `${body}.x${signature.slice(1)}` }))).rejects.toBeInstanceOf(BadRequestException);
    await expect(t.identity.send(new ListAppInstancesCommand({ NextToken: 'garbage' }))).rejects.toThrow(/NextToken is not valid/);
    const instance = await newInstance();
    await expect(t.identity.send(new ListAppInstanceUsersCommand({ AppInstanceArn: instance, NextToken }))).rejects.toBeInstanceOf(BadRequestException);
  });
});

describe('AppInstanceUser', () => {
  test('CreateAppInstanceUser with Metadata and ExpirationSettings is returned by DescribeAppInstanceUser', async () => {
    const instance = await newInstance();
    const { AppInstanceUserArn } = await t.identity.send(
      new CreateAppInstanceUserCommand({
        AppInstanceArn: instance,
        AppInstanceUserId: 'user.one@example',
        Name: 'User One',
        Metadata: '{"role":"x"}',
        ExpirationSettings: { ExpirationDays: 30, ExpirationCriterion: 'CREATED_TIMESTAMP' },
      }),
    );
    expect(AppInstanceUserArn).toBe(`${instance}/user/user.one@example`);
    const { AppInstanceUser } = await t.identity.send(new DescribeAppInstanceUserCommand({ AppInstanceUserArn }));
    expect(AppInstanceUser).toMatchObject({
      AppInstanceUserArn,
      Name: 'User One',
      Metadata: '{"role":"x"}',
      ExpirationSettings: { ExpirationDays: 30, ExpirationCriterion: 'CREATED_TIMESTAMP' },
    });
  });

  test('CreateAppInstanceUser with a user id that exists is Conflict', async () => {
    const instance = await newInstance();
    await newUser(instance, 'dup');
    await expect(newUser(instance, 'dup')).rejects.toThrow(ConflictException);
  });

  test('CreateAppInstanceUser with a repeated ClientRequestToken returns the first user', async () => {
    const instance = await newInstance();
    const input = { AppInstanceArn: instance, AppInstanceUserId: 'idem', Name: 'Idem', ClientRequestToken: 'token-user-1' };
    const first = await t.identity.send(new CreateAppInstanceUserCommand(input));
    const again = await t.identity.send(new CreateAppInstanceUserCommand(input));
    expect(again.AppInstanceUserArn).toBe(first.AppInstanceUserArn);
  });

  test('CreateAppInstanceUser rejects ids, names and settings outside the model', async () => {
    const instance = await newInstance();
    const create = (over: Record<string, unknown>) =>
      t.identity.send(new CreateAppInstanceUserCommand({ AppInstanceArn: instance, AppInstanceUserId: 'valid', Name: 'Valid', ...over }));
    await expect(create({ AppInstanceUserId: 'has space' })).rejects.toThrow(/AppInstanceUserId does not match/);
    await expect(create({ AppInstanceUserId: '-leading' })).rejects.toBeInstanceOf(BadRequestException);
    await expect(create({ AppInstanceUserId: 'u'.repeat(65) })).rejects.toThrow(/AppInstanceUserId must be 1\.\.64 characters long, got 65/);
    await expect(create({ Name: 'n'.repeat(101) })).rejects.toThrow(/Name must be 1\.\.100/);
    await expect(create({ Name: '   ' })).rejects.toBeInstanceOf(BadRequestException);
    await expect(create({ Metadata: 'm'.repeat(1025) })).rejects.toBeInstanceOf(BadRequestException);
    await expect(create({ ExpirationSettings: { ExpirationDays: 0, ExpirationCriterion: 'CREATED_TIMESTAMP' } })).rejects.toThrow(/ExpirationDays/);
    await expect(create({ ExpirationSettings: { ExpirationDays: 1, ExpirationCriterion: 'LAST_SEEN' } })).rejects.toThrow(/ExpirationCriterion/);
  });

  test('CreateAppInstanceUser in an unknown AppInstance is NotFound', async () => {
    const instance = await newInstance();
    await t.identity.send(new DeleteAppInstanceCommand({ AppInstanceArn: instance }));
    await expect(newUser(instance, 'orphan')).rejects.toBeInstanceOf(NotFoundException);
  });

  test('UpdateAppInstanceUser changes Name and Metadata', async () => {
    const instance = await newInstance();
    const arn = await newUser(instance, 'renamed', 'Old');
    const out = await t.identity.send(new UpdateAppInstanceUserCommand({ AppInstanceUserArn: arn, Name: 'New', Metadata: 'm2' }));
    expect(out.AppInstanceUserArn).toBe(arn);
    const { AppInstanceUser } = await t.identity.send(new DescribeAppInstanceUserCommand({ AppInstanceUserArn: arn }));
    expect(AppInstanceUser).toMatchObject({ Name: 'New', Metadata: 'm2' });
    await expect(
      t.identity.send(new UpdateAppInstanceUserCommand({ AppInstanceUserArn: `${instance}/user/nobody`, Name: 'x', Metadata: 'y' })),
    ).rejects.toBeInstanceOf(NotFoundException);
  });

  test('ListAppInstanceUsers pages by key: no gaps or repeats while users come and go', async () => {
    const instance = await newInstance();
    for (const id of ['u1', 'u2', 'u3', 'u4', 'u5', 'u6', 'u7']) await newUser(instance, id);
    const page = (NextToken?: string) => t.identity.send(new ListAppInstanceUsersCommand({ AppInstanceArn: instance, MaxResults: 3, NextToken }));
    const first = await page();
    expect(first.AppInstanceArn).toBe(instance);
    const firstIds = first.AppInstanceUsers!.map((u) => u.AppInstanceUserArn!.split('/').pop());
    expect(firstIds).toEqual(['u1', 'u2', 'u3']);
    // An offset-based token would now skip u4; a keyset token resumes after u3.
    await t.identity.send(new DeleteAppInstanceUserCommand({ AppInstanceUserArn: `${instance}/user/u1` }));
    await newUser(instance, 'u8');
    const second = await page(first.NextToken);
    const third = await page(second.NextToken);
    const rest = [...second.AppInstanceUsers!, ...third.AppInstanceUsers!].map((u) => u.AppInstanceUserArn!.split('/').pop());
    expect(rest).toEqual(['u4', 'u5', 'u6', 'u7', 'u8']);
    expect(third.NextToken).toBeUndefined();
    expect(third.AppInstanceUsers![0]).toEqual({ AppInstanceUserArn: `${instance}/user/u7`, Name: 'u7' });
  });

  test('ListAppInstanceUsers of an exact page leaves no NextToken', async () => {
    const instance = await newInstance();
    await newUser(instance, 'a');
    await newUser(instance, 'b');
    const out = await t.identity.send(new ListAppInstanceUsersCommand({ AppInstanceArn: instance, MaxResults: 2 }));
    expect(out.AppInstanceUsers).toHaveLength(2);
    expect(out.NextToken).toBeUndefined();
  });

  test('DeleteAppInstanceUser removes the user, its admin seat, memberships and moderator seats', async () => {
    const instance = await newInstance();
    const user = await newUser(instance, 'leaving');
    const stays = await newUser(instance, 'staying');
    await t.identity.send(new CreateAppInstanceAdminCommand({ AppInstanceArn: instance, AppInstanceAdminArn: user }));
    const { ChannelArn } = await t.messaging.send(new CreateChannelCommand({ AppInstanceArn: instance, Name: 'c', ChimeBearer: stays }));
    await t.messaging.send(new CreateChannelMembershipCommand({ ChannelArn, MemberArn: user, Type: 'DEFAULT', ChimeBearer: stays }));
    await t.messaging.send(new CreateChannelModeratorCommand({ ChannelArn, ChannelModeratorArn: user, ChimeBearer: stays }));

    await t.identity.send(new DeleteAppInstanceUserCommand({ AppInstanceUserArn: user }));
    await expect(t.identity.send(new DescribeAppInstanceUserCommand({ AppInstanceUserArn: user }))).rejects.toBeInstanceOf(NotFoundException);
    const admins = await t.identity.send(new ListAppInstanceAdminsCommand({ AppInstanceArn: instance }));
    expect(admins.AppInstanceAdmins).toEqual([]);
    const members = await t.messaging.send(new ListChannelMembershipsCommand({ ChannelArn, ChimeBearer: stays }));
    expect(members.ChannelMemberships!.map((m) => m.Member!.Arn)).toEqual([stays]);
    const moderators = await t.messaging.send(new ListChannelModeratorsCommand({ ChannelArn, ChimeBearer: stays }));
    expect(moderators.ChannelModerators!.map((m) => m.Moderator!.Arn)).toEqual([stays]);
    await expect(t.identity.send(new DeleteAppInstanceUserCommand({ AppInstanceUserArn: user }))).rejects.toBeInstanceOf(NotFoundException);
  });

  test('PutAppInstanceUserExpirationSettings stores the settings and clears them when omitted', async () => {
    const instance = await newInstance();
    const arn = await newUser(instance, 'expiring');
    const settings = { ExpirationDays: 7, ExpirationCriterion: 'CREATED_TIMESTAMP' as const };
    const put = await t.identity.send(new PutAppInstanceUserExpirationSettingsCommand({ AppInstanceUserArn: arn, ExpirationSettings: settings }));
    expect(put).toMatchObject({ AppInstanceUserArn: arn, ExpirationSettings: settings });
    expect((await t.identity.send(new DescribeAppInstanceUserCommand({ AppInstanceUserArn: arn }))).AppInstanceUser!.ExpirationSettings).toEqual(settings);
    const cleared = await t.identity.send(new PutAppInstanceUserExpirationSettingsCommand({ AppInstanceUserArn: arn }));
    expect(cleared.ExpirationSettings).toBeUndefined();
    expect((await t.identity.send(new DescribeAppInstanceUserCommand({ AppInstanceUserArn: arn }))).AppInstanceUser!.ExpirationSettings).toBeUndefined();
    await expect(
      t.identity.send(new PutAppInstanceUserExpirationSettingsCommand({ AppInstanceUserArn: `${instance}/user/nobody`, ExpirationSettings: settings })),
    ).rejects.toBeInstanceOf(NotFoundException);
  });
});

describe('AppInstanceAdmin', () => {
  test('CreateAppInstanceAdmin promotes a user that Describe and List then return', async () => {
    const instance = await newInstance();
    const user = await newUser(instance, 'boss', 'The Boss');
    const created = await t.identity.send(new CreateAppInstanceAdminCommand({ AppInstanceArn: instance, AppInstanceAdminArn: user }));
    expect(created).toMatchObject({ AppInstanceArn: instance, AppInstanceAdmin: { Arn: user, Name: 'The Boss' } });
    const { AppInstanceAdmin } = await t.identity.send(new DescribeAppInstanceAdminCommand({ AppInstanceArn: instance, AppInstanceAdminArn: user }));
    expect(AppInstanceAdmin).toMatchObject({ Admin: { Arn: user, Name: 'The Boss' }, AppInstanceArn: instance });
    expect(AppInstanceAdmin!.CreatedTimestamp).toBeInstanceOf(Date);
    // Promoting again is accepted and leaves one admin row.
    await t.identity.send(new CreateAppInstanceAdminCommand({ AppInstanceArn: instance, AppInstanceAdminArn: user }));
    const list = await t.identity.send(new ListAppInstanceAdminsCommand({ AppInstanceArn: instance }));
    expect(list).toMatchObject({ AppInstanceArn: instance, AppInstanceAdmins: [{ Admin: { Arn: user, Name: 'The Boss' } }] });
  });

  test('CreateAppInstanceAdmin accepts a bot of the AppInstance', async () => {
    const instance = await newInstance();
    const bot = await newBot(instance, 'Helper Bot');
    const created = await t.identity.send(new CreateAppInstanceAdminCommand({ AppInstanceArn: instance, AppInstanceAdminArn: bot }));
    expect(created.AppInstanceAdmin).toEqual({ Arn: bot, Name: 'Helper Bot' });
  });

  test('CreateAppInstanceAdmin of an unknown ARN is NotFound and of another AppInstance user is BadRequest', async () => {
    const instance = await newInstance();
    const other = await newInstance();
    const stranger = await newUser(other, 'stranger');
    await expect(
      t.identity.send(new CreateAppInstanceAdminCommand({ AppInstanceArn: instance, AppInstanceAdminArn: `${instance}/user/ghost` })),
    ).rejects.toBeInstanceOf(NotFoundException);
    await expect(t.identity.send(new CreateAppInstanceAdminCommand({ AppInstanceArn: instance, AppInstanceAdminArn: stranger }))).rejects.toThrow(
      /does not belong to AppInstance/,
    );
  });

  test('DeleteAppInstanceAdmin demotes; Describe and Delete of a non-admin are NotFound', async () => {
    const instance = await newInstance();
    const user = await newUser(instance, 'temp');
    await t.identity.send(new CreateAppInstanceAdminCommand({ AppInstanceArn: instance, AppInstanceAdminArn: user }));
    await t.identity.send(new DeleteAppInstanceAdminCommand({ AppInstanceArn: instance, AppInstanceAdminArn: user }));
    await expect(t.identity.send(new DescribeAppInstanceAdminCommand({ AppInstanceArn: instance, AppInstanceAdminArn: user }))).rejects.toBeInstanceOf(
      NotFoundException,
    );
    await expect(t.identity.send(new DeleteAppInstanceAdminCommand({ AppInstanceArn: instance, AppInstanceAdminArn: user }))).rejects.toBeInstanceOf(
      NotFoundException,
    );
    await t.identity.send(new DescribeAppInstanceUserCommand({ AppInstanceUserArn: user }));
  });

  test('ListAppInstanceAdmins pages through every admin once', async () => {
    const instance = await newInstance();
    const admins: string[] = [];
    for (let i = 0; i < 5; i++) {
      const user = await newUser(instance, `admin${i}`);
      await t.identity.send(new CreateAppInstanceAdminCommand({ AppInstanceArn: instance, AppInstanceAdminArn: user }));
      admins.push(user);
    }
    const { items, pages } = await allPages(async (NextToken) => {
      const out = await t.identity.send(new ListAppInstanceAdminsCommand({ AppInstanceArn: instance, MaxResults: 2, NextToken }));
      return { items: out.AppInstanceAdmins!.map((a) => a.Admin!.Arn!), next: out.NextToken };
    });
    expect(items).toEqual(admins);
    expect(pages).toBe(3);
  });
});

describe('AppInstanceBot', () => {
  test('CreateAppInstanceBot mints <instance>/bot/<uuid> and DescribeAppInstanceBot returns its Configuration', async () => {
    const instance = await newInstance();
    const { AppInstanceBotArn } = await t.identity.send(
      new CreateAppInstanceBotCommand({ AppInstanceArn: instance, Name: 'Lex', Metadata: 'bm', Configuration: LEX }),
    );
    expect(AppInstanceBotArn).toMatch(new RegExp(`^${instance.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}/bot/[0-9a-f-]{36}$`));
    const { AppInstanceBot } = await t.identity.send(new DescribeAppInstanceBotCommand({ AppInstanceBotArn }));
    expect(AppInstanceBot).toMatchObject({ AppInstanceBotArn, Name: 'Lex', Metadata: 'bm', Configuration: LEX });
    expect(AppInstanceBot!.CreatedTimestamp).toBeInstanceOf(Date);
  });

  test('CreateAppInstanceBot with a repeated ClientRequestToken returns the first bot', async () => {
    const instance = await newInstance();
    const input = { AppInstanceArn: instance, Name: 'b', Configuration: LEX, ClientRequestToken: 'token-bot-1' };
    const first = await t.identity.send(new CreateAppInstanceBotCommand(input));
    const again = await t.identity.send(new CreateAppInstanceBotCommand(input));
    expect(again.AppInstanceBotArn).toBe(first.AppInstanceBotArn);
    const list = await t.identity.send(new ListAppInstanceBotsCommand({ AppInstanceArn: instance }));
    expect(list.AppInstanceBots).toHaveLength(1);
  });

  test('CreateAppInstanceBot rejects a missing or malformed Lex configuration', async () => {
    const instance = await newInstance();
    const create = (Configuration: unknown) =>
      t.identity.send(new CreateAppInstanceBotCommand({ AppInstanceArn: instance, Configuration: Configuration as Configuration }));
    await expect(create({})).rejects.toThrow(/Configuration\.Lex/);
    await expect(create({ Lex: { ...LEX.Lex, LexBotAliasArn: 'arn:aws:lex:us-east-1:123456789012:bot-alias/short/x' } })).rejects.toThrow(
      /LexBotAliasArn does not match/,
    );
    await expect(create({ Lex: { ...LEX.Lex, WelcomeIntent: 'Has Space' } })).rejects.toBeInstanceOf(BadRequestException);
    await expect(create({ Lex: { ...LEX.Lex, InvokedBy: { StandardMessages: 'SOME', TargetedMessages: 'ALL' } } })).rejects.toThrow(/StandardMessages/);
  });

  test('UpdateAppInstanceBot changes Name, Metadata and Configuration', async () => {
    const instance = await newInstance();
    const arn = await newBot(instance, 'old');
    const configuration: Configuration = {
      Lex: { LexBotAliasArn: LEX.Lex!.LexBotAliasArn, LocaleId: 'de_DE', WelcomeIntent: 'Greet_User', RespondsTo: 'STANDARD_MESSAGES' },
    };
    const out = await t.identity.send(new UpdateAppInstanceBotCommand({ AppInstanceBotArn: arn, Name: 'new', Metadata: 'nm', Configuration: configuration }));
    expect(out.AppInstanceBotArn).toBe(arn);
    const { AppInstanceBot } = await t.identity.send(new DescribeAppInstanceBotCommand({ AppInstanceBotArn: arn }));
    expect(AppInstanceBot).toMatchObject({ Name: 'new', Metadata: 'nm', Configuration: configuration });
    await t.identity.send(new UpdateAppInstanceBotCommand({ AppInstanceBotArn: arn, Name: 'newer', Metadata: 'nm' }));
    const kept = await t.identity.send(new DescribeAppInstanceBotCommand({ AppInstanceBotArn: arn }));
    expect(kept.AppInstanceBot).toMatchObject({ Name: 'newer', Configuration: configuration });
  });

  test('ListAppInstanceBots pages and DeleteAppInstanceBot removes the bot', async () => {
    const instance = await newInstance();
    const bots = [await newBot(instance, 'b1'), await newBot(instance, 'b2'), await newBot(instance, 'b3')];
    const { items } = await allPages(async (NextToken) => {
      const out = await t.identity.send(new ListAppInstanceBotsCommand({ AppInstanceArn: instance, MaxResults: 2, NextToken }));
      return { items: out.AppInstanceBots!.map((b) => b.AppInstanceBotArn!), next: out.NextToken };
    });
    expect(items).toEqual([...bots].sort());
    await t.identity.send(new DeleteAppInstanceBotCommand({ AppInstanceBotArn: bots[0] }));
    await expect(t.identity.send(new DescribeAppInstanceBotCommand({ AppInstanceBotArn: bots[0] }))).rejects.toBeInstanceOf(NotFoundException);
    await expect(t.identity.send(new DeleteAppInstanceBotCommand({ AppInstanceBotArn: bots[0] }))).rejects.toBeInstanceOf(NotFoundException);
    const after = await t.identity.send(new ListAppInstanceBotsCommand({ AppInstanceArn: instance }));
    expect(after.AppInstanceBots!.map((b) => b.AppInstanceBotArn)).toEqual(bots.slice(1).sort());
  });
});

describe('AppInstance settings', () => {
  test('PutAppInstanceRetentionSettings is returned by GetAppInstanceRetentionSettings', async () => {
    const instance = await newInstance();
    const empty = await t.identity.send(new GetAppInstanceRetentionSettingsCommand({ AppInstanceArn: instance }));
    expect(empty.AppInstanceRetentionSettings).toEqual({});
    const settings = { ChannelRetentionSettings: { RetentionDays: 90 } };
    const put = await t.identity.send(new PutAppInstanceRetentionSettingsCommand({ AppInstanceArn: instance, AppInstanceRetentionSettings: settings }));
    expect(put.AppInstanceRetentionSettings).toEqual(settings);
    expect(put.InitiateDeletionTimestamp).toBeInstanceOf(Date);
    const got = await t.identity.send(new GetAppInstanceRetentionSettingsCommand({ AppInstanceArn: instance }));
    expect(got.AppInstanceRetentionSettings).toEqual(settings);
  });

  test('PutAppInstanceRetentionSettings rejects RetentionDays outside 1..5475 and unknown AppInstances', async () => {
    const instance = await newInstance();
    const put = (RetentionDays: number) =>
      t.identity.send(new PutAppInstanceRetentionSettingsCommand({ AppInstanceArn: instance, AppInstanceRetentionSettings: { ChannelRetentionSettings: { RetentionDays } } }));
    await expect(put(5476)).rejects.toThrow(/RetentionDays must be an integer in 1\.\.5475, got 5476/);
    await t.identity.send(new DeleteAppInstanceCommand({ AppInstanceArn: instance }));
    await expect(put(1)).rejects.toBeInstanceOf(NotFoundException);
    await expect(t.identity.send(new GetAppInstanceRetentionSettingsCommand({ AppInstanceArn: instance }))).rejects.toBeInstanceOf(NotFoundException);
  });
});

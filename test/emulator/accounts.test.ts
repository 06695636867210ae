import {
  BadRequestException,
  ChimeClient,
  ConflictException,
  CreateAccountCommand,
  CreateRoomCommand,
  CreateUserCommand,
  DeleteAccountCommand,
  GetAccountCommand,
  GetRoomCommand,
  GetUserCommand,
  InviteUsersCommand,
  ListAccountsCommand,
  ListUsersCommand,
  NotFoundException,
} from '@aws-sdk/client-chime';
import { clientConfig, startTestChime, TestChime } from '../support/local-chime';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let t: TestChime;
// Every backend.now() moves the clock 1 ms on, so creation order is strict and timestamps differ.
let clock = Date.now();
beforeAll(async () => {
  t = await startTestChime({ clock: () => clock++ });
});
afterAll(() => t.close());

let seq = 0;
/** A fresh account with a unique name, so tests do not see each other's data. */
async function account(name = `acct-${++seq}`): Promise<string> {
  return (await t.rooms.send(new CreateAccountCommand({ Name: name }))).Account!.AccountId!;
}

const unknownId = '00000000-0000-4000-8000-000000000000';

describe('accounts', () => {
  test('CreateAccount returns an active Team account with a UUID AccountId', async () => {
    const before = clock;
    const { Account } = await t.rooms.send(new CreateAccountCommand({ Name: 'Example Corp' }));
    expect(Account).toMatchObject({
      AwsAccountId: '123456789012',
      Name: 'Example Corp',
      AccountType: 'Team',
      AccountStatus: 'Active',
      DefaultLicense: 'Pro',
      SupportedLicenses: ['Basic', 'Pro'],
    });
    expect(Account!.AccountId).toMatch(UUID);
    expect(Account!.CreatedTimestamp).toBeInstanceOf(Date);
    expect(Account!.CreatedTimestamp!.getTime()).toBeGreaterThanOrEqual(before);
  });

  test('CreateAccount rejects a blank Name', async () => {
    await expect(t.rooms.send(new CreateAccountCommand({ Name: '   ' }))).rejects.toBeInstanceOf(BadRequestException);
  });

  test('CreateAccount rejects a Name over 100 characters', async () => {
    await expect(t.rooms.send(new CreateAccountCommand({ Name: 'n'.repeat(101) }))).rejects.toMatchObject({
      name: 'BadRequestException',
      message: 'Name must be 1..100 characters long, got 101.',
    });
    await expect(t.rooms.send(new CreateAccountCommand({ Name: 'n'.repeat(100) }))).resolves.toBeDefined();
  });

  test('GetAccount returns the account', async () => {
    const accountId = await account('get-me');
    const { Account } = await t.rooms.send(new GetAccountCommand({ AccountId: accountId }));
    expect(Account).toMatchObject({ AccountId: accountId, Name: 'get-me', AccountType: 'Team' });
  });

  test('GetAccount of an unknown account is NotFound', async () => {
    await expect(t.rooms.send(new GetAccountCommand({ AccountId: unknownId }))).rejects.toMatchObject({
      name: 'NotFoundException',
      Code: 'NotFound',
      $metadata: { httpStatusCode: 404 },
    });
  });

  test('ListAccounts filters by Name as a prefix', async () => {
    const a = await account('prefix-alpha');
    const b = await account('prefix-beta');
    const c = await account('prefix-alpha');
    await account('other-prefix-alpha');
    await account('Prefix-alpha');
    const list = async (Name: string) => (await t.rooms.send(new ListAccountsCommand({ Name }))).Accounts!.map((x) => x.AccountId);
    expect(await list('prefix-')).toEqual([a, b, c]);
    expect(await list('prefix-alpha')).toEqual([a, c]);
    expect(await list('prefix_%')).toEqual([]);
  });

  test('ListAccounts filters by UserEmail', async () => {
    const withUser = await account();
    await account();
    await t.rooms.send(new InviteUsersCommand({ AccountId: withUser, UserEmailList: ['Only.Here@example.com'] }));
    const { Accounts } = await t.rooms.send(new ListAccountsCommand({ UserEmail: 'only.here@example.com' }));
    expect(Accounts!.map((x) => x.AccountId)).toEqual([withUser]);
  });

  test('ListAccounts pages with MaxResults and NextToken without gap or duplicate', async () => {
    const ids = [await account('paged'), await account('paged'), await account('paged')];
    const first = await t.rooms.send(new ListAccountsCommand({ Name: 'paged', MaxResults: 2 }));
    expect(first.Accounts!.map((x) => x.AccountId)).toEqual(ids.slice(0, 2));
    expect(first.NextToken).toBeDefined();
    const second = await t.rooms.send(new ListAccountsCommand({ Name: 'paged', MaxResults: 2, NextToken: first.NextToken }));
    expect(second.Accounts!.map((x) => x.AccountId)).toEqual(ids.slice(2));
    expect(second.NextToken).toBeUndefined();
  });

  test('ListAccounts rejects MaxResults outside 1..200', async () => {
    await expect(t.rooms.send(new ListAccountsCommand({ MaxResults: 201 }))).rejects.toMatchObject({
      name: 'BadRequestException',
      message: 'MaxResults must be an integer in 1..200, got 201.',
    });
    await expect(t.rooms.send(new ListAccountsCommand({ MaxResults: 0 }))).rejects.toBeInstanceOf(BadRequestException);
    await expect(t.rooms.send(new ListAccountsCommand({ MaxResults: 200 }))).resolves.toBeDefined();
  });

  test('DeleteAccount deletes the account with its users and rooms', async () => {
    const accountId = await account();
    const { User } = await t.rooms.send(new CreateUserCommand({ AccountId: accountId, Username: 'gone', Email: 'gone@example.com' }));
    const { Room } = await t.rooms.send(new CreateRoomCommand({ AccountId: accountId, Name: 'gone' }));
    const res = await t.rooms.send(new DeleteAccountCommand({ AccountId: accountId }));
    expect(res.$metadata.httpStatusCode).toBe(204);
    await expect(t.rooms.send(new GetAccountCommand({ AccountId: accountId }))).rejects.toBeInstanceOf(NotFoundException);
    await expect(t.rooms.send(new GetUserCommand({ AccountId: accountId, UserId: User!.UserId }))).rejects.toBeInstanceOf(NotFoundException);
    await expect(t.rooms.send(new GetRoomCommand({ AccountId: accountId, RoomId: Room!.RoomId }))).rejects.toBeInstanceOf(NotFoundException);
    const rooms = t.chime.db.prepare('SELECT COUNT(*) AS n FROM rooms WHERE account_id = ?').get(accountId) as { n: number };
    expect(rooms.n).toBe(0);
  });

  test('DeleteAccount of an unknown account is NotFound', async () => {
    await expect(t.rooms.send(new DeleteAccountCommand({ AccountId: unknownId }))).rejects.toBeInstanceOf(NotFoundException);
  });
});

describe('users', () => {
  test('InviteUsers creates a Pending, Unregistered user per address and answers one invite each', async () => {
    const accountId = await account();
    const { Invites } = await t.rooms.send(new InviteUsersCommand({ AccountId: accountId, UserEmailList: ['ana@example.com', 'ben@example.com'] }));
    expect(Invites).toHaveLength(2);
    expect(Invites![0]).toMatchObject({ Status: 'Pending', EmailAddress: 'ana@example.com', EmailStatus: 'NotSent' });
    expect(Invites![0].InviteId).toMatch(UUID);
    const { Users } = await t.rooms.send(new ListUsersCommand({ AccountId: accountId }));
    expect(Users!.map((u) => u.PrimaryEmail)).toEqual(['ana@example.com', 'ben@example.com']);
    expect(Users![0]).toMatchObject({
      AccountId: accountId,
      UserType: 'PrivateUser',
      LicenseType: 'Pro',
      UserInvitationStatus: 'Pending',
      UserRegistrationStatus: 'Unregistered',
    });
    expect(Users![0].UserId).toMatch(UUID);
    expect(Users![0].InvitedOn).toBeInstanceOf(Date);
    expect(Users![0].RegisteredOn).toBeUndefined();
  });

  test('InviteUsers again for a known address makes no second user', async () => {
    const accountId = await account();
    await t.rooms.send(new InviteUsersCommand({ AccountId: accountId, UserEmailList: ['again@example.com'] }));
    const second = await t.rooms.send(new InviteUsersCommand({ AccountId: accountId, UserEmailList: ['AGAIN@example.com'] }));
    expect(second.Invites![0]).toMatchObject({ Status: 'Pending', EmailAddress: 'AGAIN@example.com' });
    const { Users } = await t.rooms.send(new ListUsersCommand({ AccountId: accountId }));
    expect(Users).toHaveLength(1);
  });

  test('InviteUsers rejects more than 50 addresses', async () => {
    const accountId = await account();
    const emails = (n: number) => Array.from({ length: n }, (_, i) => `user${i}@example.com`);
    await expect(t.rooms.send(new InviteUsersCommand({ AccountId: accountId, UserEmailList: emails(51) }))).rejects.toMatchObject({
      name: 'BadRequestException',
      message: 'UserEmailList must hold 1..50 email addresses, got 51.',
    });
    const { Invites } = await t.rooms.send(new InviteUsersCommand({ AccountId: accountId, UserEmailList: emails(50) }));
    expect(Invites).toHaveLength(50);
  });

  test('InviteUsers rejects a malformed address', async () => {
    const accountId = await account();
    await expect(t.rooms.send(new InviteUsersCommand({ AccountId: accountId, UserEmailList: ['ok@example.com', 'not-an-address'] }))).rejects.toMatchObject({
      name: 'BadRequestException',
      message: expect.stringContaining('UserEmailList[1]'),
    });
    const { Users } = await t.rooms.send(new ListUsersCommand({ AccountId: accountId }));
    expect(Users).toEqual([]);
  });

  test('InviteUsers in an unknown account is NotFound', async () => {
    await expect(t.rooms.send(new InviteUsersCommand({ AccountId: unknownId, UserEmailList: ['x@example.com'] }))).rejects.toBeInstanceOf(NotFoundException);
  });

  test('CreateUser makes a registered user with its name', async () => {
    const accountId = await account();
    const { User } = await t.rooms.send(new CreateUserCommand({ AccountId: accountId, Username: 'Jane Doe', Email: 'jane@example.com', UserType: 'SharedDevice' }));
    expect(User).toMatchObject({
      AccountId: accountId,
      PrimaryEmail: 'jane@example.com',
      DisplayName: 'Jane Doe',
      UserType: 'SharedDevice',
      UserRegistrationStatus: 'Registered',
    });
    expect(User!.UserId).toMatch(UUID);
    expect(User!.RegisteredOn).toBeInstanceOf(Date);
    expect(User!.UserInvitationStatus).toBeUndefined();
  });

  test('CreateUser with an email already in the account is Conflict', async () => {
    const accountId = await account();
    await t.rooms.send(new InviteUsersCommand({ AccountId: accountId, UserEmailList: ['taken@example.com'] }));
    await expect(t.rooms.send(new CreateUserCommand({ AccountId: accountId, Username: 'Dup', Email: 'Taken@example.com' }))).rejects.toBeInstanceOf(ConflictException);
  });

  test('CreateUser rejects an invalid UserType', async () => {
    const accountId = await account();
    await expect(t.rooms.send(new CreateUserCommand({ AccountId: accountId, Username: 'x', UserType: 'Robot' as never }))).rejects.toMatchObject({
      name: 'BadRequestException',
      message: 'UserType must be one of PrivateUser, SharedDevice, got "Robot".',
    });
  });

  test('GetUser returns the user', async () => {
    const accountId = await account();
    const { User } = await t.rooms.send(new CreateUserCommand({ AccountId: accountId, Username: 'Get Me', Email: 'getme@example.com' }));
    const got = await t.rooms.send(new GetUserCommand({ AccountId: accountId, UserId: User!.UserId }));
    expect(got.User).toEqual(User);
  });

  test('GetUser of an unknown user or of a user of another account is NotFound', async () => {
    const accountId = await account();
    const other = await account();
    const { User } = await t.rooms.send(new CreateUserCommand({ AccountId: other, Username: 'elsewhere' }));
    await expect(t.rooms.send(new GetUserCommand({ AccountId: accountId, UserId: unknownId }))).rejects.toBeInstanceOf(NotFoundException);
    await expect(t.rooms.send(new GetUserCommand({ AccountId: accountId, UserId: User!.UserId }))).rejects.toMatchObject({
      name: 'NotFoundException',
      message: `User ${User!.UserId} not found in account ${accountId}.`,
    });
  });

  test('ListUsers filters by UserEmail (any case) and by UserType', async () => {
    const accountId = await account();
    await t.rooms.send(new CreateUserCommand({ AccountId: accountId, Username: 'Desk', Email: 'desk@example.com', UserType: 'SharedDevice' }));
    await t.rooms.send(new InviteUsersCommand({ AccountId: accountId, UserEmailList: ['Person@example.com'] }));
    const byEmail = await t.rooms.send(new ListUsersCommand({ AccountId: accountId, UserEmail: 'person@EXAMPLE.com' }));
    expect(byEmail.Users!.map((u) => u.PrimaryEmail)).toEqual(['Person@example.com']);
    const byType = await t.rooms.send(new ListUsersCommand({ AccountId: accountId, UserType: 'SharedDevice' }));
    expect(byType.Users!.map((u) => u.PrimaryEmail)).toEqual(['desk@example.com']);
  });

  test('ListUsers pages without gap or duplicate while users are added', async () => {
    const accountId = await account();
    await t.rooms.send(new InviteUsersCommand({ AccountId: accountId, UserEmailList: ['p1@example.com', 'p2@example.com', 'p3@example.com'] }));
    const first = await t.rooms.send(new ListUsersCommand({ AccountId: accountId, MaxResults: 2 }));
    await t.rooms.send(new InviteUsersCommand({ AccountId: accountId, UserEmailList: ['p4@example.com'] }));
    const second = await t.rooms.send(new ListUsersCommand({ AccountId: accountId, MaxResults: 2, NextToken: first.NextToken }));
    expect([...first.Users!, ...second.Users!].map((u) => u.PrimaryEmail)).toEqual(['p1@example.com', 'p2@example.com', 'p3@example.com', 'p4@example.com']);
    expect(second.NextToken).toBeUndefined();
  });

  test('ListUsers with a forged NextToken is BadRequest', async () => {
    const accountId = await account();
    await expect(t.rooms.send(new ListUsersCommand({ AccountId: accountId, NextToken: 'eyJzIjoiTGlzdFVzZXJzIn0.forged' }))).rejects.toMatchObject({
      name: 'BadRequestException',
      message: 'The NextToken is not valid for this request.',
    });
  });

  test('ListUsers in an unknown account is NotFound', async () => {
    await expect(t.rooms.send(new ListUsersCommand({ AccountId: unknownId }))).rejects.toBeInstanceOf(NotFoundException);
  });
});

describe('wire', () => {
  test('the Chime client reaches the endpoint it is given in any region, signed with SigV4 and no bearer header', async () => {
    const seen: Record<string, string>[] = [];
    const client = new ChimeClient({ ...clientConfig(t.chime.endpoint), region: 'eu-west-1' });
    client.middlewareStack.add(
      (next) => async (args) => {
        seen.push({ ...(args.request as { headers: Record<string, string> }).headers });
        return next(args);
      },
      { step: 'finalizeRequest', priority: 'low' },
    );
    try {
      const { Account } = await client.send(new CreateAccountCommand({ Name: 'regional' }));
      const { Account: stored } = await t.rooms.send(new GetAccountCommand({ AccountId: Account!.AccountId }));
      expect(stored!.Name).toBe('regional');
    } finally {
      client.destroy();
    }
    expect(seen).toHaveLength(1);
    expect(seen[0].authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDLOCALTEST\/\d{8}\/eu-west-1\/chime\/aws4_request/);
    expect(seen[0]).not.toHaveProperty('x-amz-chime-bearer');
  });
});

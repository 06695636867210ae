import {
  BadRequestException,
  BatchCreateRoomMembershipCommand,
  ConflictException,
  CreateAccountCommand,
  CreateRoomCommand,
  CreateRoomMembershipCommand,
  CreateUserCommand,
  DeleteRoomCommand,
  DeleteRoomMembershipCommand,
  GetRoomCommand,
  InviteUsersCommand,
  ListRoomMembershipsCommand,
  ListRoomsCommand,
  ListUsersCommand,
  NotFoundException,
  RedactRoomMessageCommand,
  UpdateRoomCommand,
  UpdateRoomMembershipCommand,
} from '@aws-sdk/client-chime';
import { postRoomMessage, readRoomMessage } from '../../src/emulator/backend/room-messages';
import { allPages, startTestChime, TestChime } from '../support/local-chime';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const unknownId = '00000000-0000-4000-8000-000000000000';

let t: TestChime;
// Every backend.now() moves the clock 1 ms on, so creation order is strict and timestamps differ.
let clock = Date.now();
/** Shared by the tests that only need fresh rooms; tests that list a whole account make their own. */
let shared: Org;
let other: Org;
beforeAll(async () => {
  t = await startTestChime({ clock: () => clock++ });
  shared = await org();
  other = await org();
});
afterAll(() => t.close());

/** An account with registered users alice, bob and carol (by UserId). */
interface Org {
  accountId: string;
  alice: string;
  bob: string;
  carol: string;
}

/** A fresh account without users. */
async function account(): Promise<string> {
  return (await t.rooms.send(new CreateAccountCommand({ Name: 'org' }))).Account!.AccountId!;
}

async function org(): Promise<Org> {
  const accountId = await account();
  const user = async (name: string) =>
    (await t.rooms.send(new CreateUserCommand({ AccountId: accountId, Username: name, Email: `${name}@${accountId}.example.com` }))).User!.UserId!;
  return { accountId, alice: await user('alice'), bob: await user('bob'), carol: await user('carol') };
}

async function room(accountId: string, name = 'room'): Promise<string> {
  return (await t.rooms.send(new CreateRoomCommand({ AccountId: accountId, Name: name }))).Room!.RoomId!;
}

const join = (accountId: string, roomId: string, memberId: string, role?: 'Administrator' | 'Member') =>
  t.rooms.send(new CreateRoomMembershipCommand({ AccountId: accountId, RoomId: roomId, MemberId: memberId, Role: role }));

/** Every room id of a listing, following NextToken page by page. */
const allRoomIds = (accountId: string, memberId?: string, pageSize?: number): Promise<string[]> =>
  allPages(
    (NextToken) => t.rooms.send(new ListRoomsCommand({ AccountId: accountId, MemberId: memberId, MaxResults: pageSize, NextToken })),
    (page) => page.Rooms!.map((r) => r.RoomId!),
  );

describe('rooms', () => {
  test('CreateRoom returns the room with its creator and timestamps', async () => {
    const { accountId } = shared;
    const before = clock;
    const { Room } = await t.rooms.send(new CreateRoomCommand({ AccountId: accountId, Name: 'teamRoom' }));
    expect(Room).toMatchObject({ Name: 'teamRoom', AccountId: accountId, CreatedBy: 'arn:aws:iam::123456789012:root' });
    expect(Room!.RoomId).toMatch(UUID);
    expect(Room!.CreatedTimestamp!.getTime()).toBeGreaterThanOrEqual(before);
    expect(Room!.UpdatedTimestamp).toEqual(Room!.CreatedTimestamp);
  });

  test('CreateRoom makes nobody a member', async () => {
    const { accountId } = shared;
    const roomId = await room(accountId);
    const { RoomMemberships } = await t.rooms.send(new ListRoomMembershipsCommand({ AccountId: accountId, RoomId: roomId }));
    expect(RoomMemberships).toEqual([]);
  });

  test('CreateRoom in an unknown account is NotFound', async () => {
    await expect(t.rooms.send(new CreateRoomCommand({ AccountId: unknownId, Name: 'nowhere' }))).rejects.toMatchObject({
      name: 'NotFoundException',
      Code: 'NotFound',
      message: `Account ${unknownId} not found.`,
    });
  });

  test('CreateRoom with a ClientRequestToken seen before returns the first room', async () => {
    const accountId = await account();
    const first = await t.rooms.send(new CreateRoomCommand({ AccountId: accountId, Name: 'once', ClientRequestToken: 'create-once' }));
    const again = await t.rooms.send(new CreateRoomCommand({ AccountId: accountId, Name: 'once', ClientRequestToken: 'create-once' }));
    expect(again.Room).toEqual(first.Room);
    expect(await allRoomIds(accountId)).toEqual([first.Room!.RoomId]);
  });

  test('CreateRoom with a ClientRequestToken seen before and another Name is Conflict', async () => {
    const { accountId } = shared;
    await t.rooms.send(new CreateRoomCommand({ AccountId: accountId, Name: 'one', ClientRequestToken: 'token-reused' }));
    await expect(t.rooms.send(new CreateRoomCommand({ AccountId: accountId, Name: 'two', ClientRequestToken: 'token-reused' }))).rejects.toBeInstanceOf(
      ConflictException,
    );
  });

  test('GetRoom returns the room', async () => {
    const { accountId } = shared;
    const created = (await t.rooms.send(new CreateRoomCommand({ AccountId: accountId, Name: 'look' }))).Room!;
    const { Room } = await t.rooms.send(new GetRoomCommand({ AccountId: accountId, RoomId: created.RoomId }));
    expect(Room).toEqual(created);
  });

  test('GetRoom of an unknown room, or through another account, is NotFound', async () => {
    const { accountId } = shared;
    const roomId = await room(other.accountId);
    await expect(t.rooms.send(new GetRoomCommand({ AccountId: accountId, RoomId: unknownId }))).rejects.toBeInstanceOf(NotFoundException);
    await expect(t.rooms.send(new GetRoomCommand({ AccountId: accountId, RoomId: roomId }))).rejects.toMatchObject({
      name: 'NotFoundException',
      message: `Room ${roomId} not found in account ${accountId}.`,
    });
  });

  test('ListRooms lists the account’s rooms in creation order', async () => {
    const accountId = await account();
    const ids = [await room(accountId, 'a'), await room(accountId, 'b'), await room(accountId, 'c')];
    await room(other.accountId);
    const { Rooms, NextToken } = await t.rooms.send(new ListRoomsCommand({ AccountId: accountId }));
    expect(Rooms!.map((r) => r.RoomId)).toEqual(ids);
    expect(Rooms![0]).toMatchObject({ Name: 'a', AccountId: accountId });
    expect(NextToken).toBeUndefined();
  });

  test('ListRooms by MemberId lists only that member’s rooms', async () => {
    const { accountId, alice, bob, carol } = await org();
    const [r1, r2, r3] = [await room(accountId), await room(accountId), await room(accountId)];
    await join(accountId, r1, alice);
    await join(accountId, r3, alice);
    await join(accountId, r2, bob);
    expect(await allRoomIds(accountId, alice)).toEqual([r1, r3]);
    expect(await allRoomIds(accountId, bob)).toEqual([r2]);
    expect(await allRoomIds(accountId, carol)).toEqual([]);
    expect(await allRoomIds(accountId, unknownId)).toEqual([]);
  });

  test('ListRooms pages without gap or duplicate while rooms come and go', async () => {
    const accountId = await account();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await room(accountId, `r${i}`));
    const first = await t.rooms.send(new ListRoomsCommand({ AccountId: accountId, MaxResults: 2 }));
    expect(first.Rooms!.map((r) => r.RoomId)).toEqual(ids.slice(0, 2));
    // Between pages: a served room goes, an unserved one goes, a new one arrives.
    await t.rooms.send(new DeleteRoomCommand({ AccountId: accountId, RoomId: ids[0] }));
    await t.rooms.send(new DeleteRoomCommand({ AccountId: accountId, RoomId: ids[3] }));
    const added = await room(accountId, 'late');
    const rest: string[] = [];
    let next = first.NextToken;
    while (next) {
      const page = await t.rooms.send(new ListRoomsCommand({ AccountId: accountId, MaxResults: 2, NextToken: next }));
      rest.push(...page.Rooms!.map((r) => r.RoomId!));
      next = page.NextToken;
    }
    expect(rest).toEqual([ids[2], ids[4], added]);
  });

  test('ListRooms rejects MaxResults outside 1..99', async () => {
    const { accountId } = shared;
    await expect(t.rooms.send(new ListRoomsCommand({ AccountId: accountId, MaxResults: 100 }))).rejects.toMatchObject({
      name: 'BadRequestException',
      message: 'MaxResults must be an integer in 1..99, got 100.',
    });
    await expect(t.rooms.send(new ListRoomsCommand({ AccountId: accountId, MaxResults: 0 }))).rejects.toBeInstanceOf(BadRequestException);
    await expect(t.rooms.send(new ListRoomsCommand({ AccountId: accountId, MaxResults: 99 }))).resolves.toBeDefined();
  });

  test('ListRooms with a forged NextToken is BadRequest', async () => {
    const { accountId } = shared;
    await room(accountId);
    await room(accountId);
    const { NextToken } = await t.rooms.send(new ListRoomsCommand({ AccountId: accountId, MaxResults: 1 }));
    const [body, signature] = NextToken!.split('.');
    const forged = `${Buffer.from(JSON.stringify({ s: `ListRooms|${accountId}|`, p: [0, ''] })).toString('base64url')}.${signature}`;
    expect(body).not.toBe(forged.split('.')[0]);
    await expect(t.rooms.send(new ListRoomsCommand({ AccountId: accountId, NextToken: forged }))).rejects.toMatchObject({
      name: 'BadRequestException',
      message: 'The NextToken is not valid for this request.',
    });
  });

  test('ListRooms with the NextToken of another listing is BadRequest', async () => {
    const { accountId, alice } = shared;
    await join(accountId, await room(accountId), alice);
    await join(accountId, await room(accountId), alice);
    const { NextToken } = await t.rooms.send(new ListRoomsCommand({ AccountId: accountId, MemberId: alice, MaxResults: 1 }));
    expect(NextToken).toBeDefined();
    await expect(t.rooms.send(new ListRoomsCommand({ AccountId: accountId, MaxResults: 1, NextToken }))).rejects.toBeInstanceOf(BadRequestException);
  });

  test('ListRooms in an unknown account is NotFound', async () => {
    await expect(t.rooms.send(new ListRoomsCommand({ AccountId: unknownId }))).rejects.toBeInstanceOf(NotFoundException);
  });

  test('UpdateRoom renames the room and moves UpdatedTimestamp', async () => {
    const { accountId } = shared;
    const created = (await t.rooms.send(new CreateRoomCommand({ AccountId: accountId, Name: 'old' }))).Room!;
    const { Room } = await t.rooms.send(new UpdateRoomCommand({ AccountId: accountId, RoomId: created.RoomId, Name: 'new' }));
    expect(Room).toMatchObject({ RoomId: created.RoomId, Name: 'new', CreatedTimestamp: created.CreatedTimestamp });
    expect(Room!.UpdatedTimestamp!.getTime()).toBeGreaterThan(created.UpdatedTimestamp!.getTime());
    expect((await t.rooms.send(new GetRoomCommand({ AccountId: accountId, RoomId: created.RoomId }))).Room!.Name).toBe('new');
  });

  test('UpdateRoom without a Name changes nothing', async () => {
    const { accountId } = shared;
    const created = (await t.rooms.send(new CreateRoomCommand({ AccountId: accountId, Name: 'same' }))).Room!;
    const { Room } = await t.rooms.send(new UpdateRoomCommand({ AccountId: accountId, RoomId: created.RoomId }));
    expect(Room).toEqual(created);
  });

  test('UpdateRoom of an unknown room is NotFound', async () => {
    const { accountId } = shared;
    await expect(t.rooms.send(new UpdateRoomCommand({ AccountId: accountId, RoomId: unknownId, Name: 'x' }))).rejects.toBeInstanceOf(NotFoundException);
  });

  test('DeleteRoom deletes the room with its memberships and messages', async () => {
    const { accountId, alice } = shared;
    const roomId = await room(accountId);
    await join(accountId, roomId, alice);
    const message = postRoomMessage(t.chime.backend, accountId, roomId, alice, 'bye');
    const res = await t.rooms.send(new DeleteRoomCommand({ AccountId: accountId, RoomId: roomId }));
    expect(res.$metadata.httpStatusCode).toBe(204);
    await expect(t.rooms.send(new GetRoomCommand({ AccountId: accountId, RoomId: roomId }))).rejects.toBeInstanceOf(NotFoundException);
    expect(await allRoomIds(accountId, alice)).not.toContain(roomId);
    expect(() => readRoomMessage(t.chime.backend, accountId, roomId, message.MessageId)).toThrow(`Room ${roomId} not found in account ${accountId}.`);
  });

  test('DeleteRoom of an unknown room is NotFound', async () => {
    const { accountId } = shared;
    await expect(t.rooms.send(new DeleteRoomCommand({ AccountId: accountId, RoomId: unknownId }))).rejects.toBeInstanceOf(NotFoundException);
  });
});

describe('room memberships', () => {
  test('CreateRoomMembership adds a user of the account as Member by default', async () => {
    const { accountId, alice } = shared;
    const roomId = await room(accountId);
    const { RoomMembership } = await join(accountId, roomId, alice);
    expect(RoomMembership).toEqual({
      RoomId: roomId,
      Member: { MemberId: alice, MemberType: 'User', Email: `alice@${accountId}.example.com`, FullName: 'alice', AccountId: accountId },
      Role: 'Member',
      InvitedBy: 'arn:aws:iam::123456789012:root',
      UpdatedTimestamp: expect.any(Date),
    });
  });

  test('CreateRoomMembership adds an Administrator', async () => {
    const { accountId, bob } = shared;
    const roomId = await room(accountId);
    const { RoomMembership } = await join(accountId, roomId, bob, 'Administrator');
    expect(RoomMembership!.Role).toBe('Administrator');
  });

  test('CreateRoomMembership accepts an invited user who has not registered', async () => {
    const { accountId } = shared;
    await t.rooms.send(new InviteUsersCommand({ AccountId: accountId, UserEmailList: ['new@example.com'] }));
    const { Users } = await t.rooms.send(new ListUsersCommand({ AccountId: accountId, UserEmail: 'new@example.com' }));
    const roomId = await room(accountId);
    const { RoomMembership } = await join(accountId, roomId, Users![0].UserId!);
    expect(RoomMembership!.Member).toEqual({ MemberId: Users![0].UserId, MemberType: 'User', Email: 'new@example.com', AccountId: accountId });
  });

  test('CreateRoomMembership of a user of another account is NotFound', async () => {
    const { accountId } = shared;
    const roomId = await room(accountId);
    await expect(join(accountId, roomId, other.alice)).rejects.toMatchObject({
      name: 'NotFoundException',
      message: `Member ${other.alice} is not a user of account ${accountId}.`,
    });
  });

  test('CreateRoomMembership in an unknown room is NotFound', async () => {
    const { accountId, alice } = shared;
    await expect(join(accountId, unknownId, alice)).rejects.toBeInstanceOf(NotFoundException);
  });

  test('CreateRoomMembership of a member already in the room is Conflict', async () => {
    const { accountId, alice } = shared;
    const roomId = await room(accountId);
    await join(accountId, roomId, alice);
    await expect(join(accountId, roomId, alice, 'Administrator')).rejects.toMatchObject({ name: 'ConflictException', Code: 'Conflict' });
  });

  test('CreateRoomMembership with an unknown Role is BadRequest', async () => {
    const { accountId, alice } = shared;
    const roomId = await room(accountId);
    await expect(join(accountId, roomId, alice, 'Owner' as never)).rejects.toMatchObject({
      name: 'BadRequestException',
      message: 'Role must be one of Administrator, Member, got "Owner".',
    });
  });

  test('UpdateRoomMembership changes the role', async () => {
    const { accountId, alice } = shared;
    const roomId = await room(accountId);
    const joined = (await join(accountId, roomId, alice)).RoomMembership!;
    const { RoomMembership } = await t.rooms.send(new UpdateRoomMembershipCommand({ AccountId: accountId, RoomId: roomId, MemberId: alice, Role: 'Administrator' }));
    expect(RoomMembership).toMatchObject({ Role: 'Administrator', Member: { MemberId: alice } });
    expect(RoomMembership!.UpdatedTimestamp!.getTime()).toBeGreaterThan(joined.UpdatedTimestamp!.getTime());
    const { RoomMemberships } = await t.rooms.send(new ListRoomMembershipsCommand({ AccountId: accountId, RoomId: roomId }));
    expect(RoomMemberships![0].Role).toBe('Administrator');
  });

  test('UpdateRoomMembership of a user who is not a member is NotFound', async () => {
    const { accountId, bob } = shared;
    const roomId = await room(accountId);
    await expect(t.rooms.send(new UpdateRoomMembershipCommand({ AccountId: accountId, RoomId: roomId, MemberId: bob, Role: 'Member' }))).rejects.toMatchObject({
      name: 'NotFoundException',
      message: `Member ${bob} is not a member of room ${roomId}.`,
    });
  });

  test('DeleteRoomMembership removes the member, and a second time is NotFound', async () => {
    const { accountId, alice, bob } = shared;
    const roomId = await room(accountId);
    await join(accountId, roomId, alice);
    await join(accountId, roomId, bob);
    const res = await t.rooms.send(new DeleteRoomMembershipCommand({ AccountId: accountId, RoomId: roomId, MemberId: alice }));
    expect(res.$metadata.httpStatusCode).toBe(204);
    const { RoomMemberships } = await t.rooms.send(new ListRoomMembershipsCommand({ AccountId: accountId, RoomId: roomId }));
    expect(RoomMemberships!.map((m) => m.Member!.MemberId)).toEqual([bob]);
    await expect(t.rooms.send(new DeleteRoomMembershipCommand({ AccountId: accountId, RoomId: roomId, MemberId: alice }))).rejects.toBeInstanceOf(
      NotFoundException,
    );
  });

  test('ListRoomMemberships lists members in the order they joined, with their details', async () => {
    const { accountId, alice, bob, carol } = shared;
    const roomId = await room(accountId);
    await join(accountId, roomId, carol);
    await join(accountId, roomId, alice, 'Administrator');
    await join(accountId, roomId, bob);
    const { RoomMemberships, NextToken } = await t.rooms.send(new ListRoomMembershipsCommand({ AccountId: accountId, RoomId: roomId }));
    expect(RoomMemberships!.map((m) => [m.Member!.FullName, m.Role])).toEqual([
      ['carol', 'Member'],
      ['alice', 'Administrator'],
      ['bob', 'Member'],
    ]);
    expect(RoomMemberships![0]).toMatchObject({ RoomId: roomId, Member: { MemberType: 'User', AccountId: accountId } });
    expect(NextToken).toBeUndefined();
  });

  test('ListRoomMemberships pages without gap or duplicate while members come and go', async () => {
    const { accountId, alice, bob, carol } = shared;
    const roomId = await room(accountId);
    await join(accountId, roomId, alice);
    await join(accountId, roomId, bob);
    const first = await t.rooms.send(new ListRoomMembershipsCommand({ AccountId: accountId, RoomId: roomId, MaxResults: 1 }));
    expect(first.RoomMemberships!.map((m) => m.Member!.MemberId)).toEqual([alice]);
    await t.rooms.send(new DeleteRoomMembershipCommand({ AccountId: accountId, RoomId: roomId, MemberId: alice }));
    await join(accountId, roomId, carol);
    const second = await t.rooms.send(new ListRoomMembershipsCommand({ AccountId: accountId, RoomId: roomId, MaxResults: 1, NextToken: first.NextToken }));
    const third = await t.rooms.send(new ListRoomMembershipsCommand({ AccountId: accountId, RoomId: roomId, MaxResults: 1, NextToken: second.NextToken }));
    expect([...second.RoomMemberships!, ...third.RoomMemberships!].map((m) => m.Member!.MemberId)).toEqual([bob, carol]);
    expect(third.NextToken).toBeUndefined();
  });

  test('ListRoomMemberships rejects MaxResults outside 1..99', async () => {
    const { accountId } = shared;
    const roomId = await room(accountId);
    await expect(t.rooms.send(new ListRoomMembershipsCommand({ AccountId: accountId, RoomId: roomId, MaxResults: 100 }))).rejects.toBeInstanceOf(
      BadRequestException,
    );
  });

  test('ListRoomMemberships of an unknown room is NotFound', async () => {
    const { accountId } = shared;
    await expect(t.rooms.send(new ListRoomMembershipsCommand({ AccountId: accountId, RoomId: unknownId }))).rejects.toBeInstanceOf(NotFoundException);
  });
});

describe('BatchCreateRoomMembership', () => {
  /** An account with `n` invited users; returns their UserIds. */
  async function crowd(accountId: string, n: number): Promise<string[]> {
    const emails = Array.from({ length: n }, (_, i) => `member${i}@example.com`);
    await t.rooms.send(new InviteUsersCommand({ AccountId: accountId, UserEmailList: emails }));
    const { Users } = await t.rooms.send(new ListUsersCommand({ AccountId: accountId }));
    return Users!.filter((u) => u.PrimaryEmail!.startsWith('member')).map((u) => u.UserId!);
  }

  test('BatchCreateRoomMembership adds every member with its role', async () => {
    const { accountId, alice, bob } = shared;
    const roomId = await room(accountId);
    const res = await t.rooms.send(
      new BatchCreateRoomMembershipCommand({
        AccountId: accountId,
        RoomId: roomId,
        MembershipItemList: [{ MemberId: alice, Role: 'Administrator' }, { MemberId: bob }],
      }),
    );
    expect(res.$metadata.httpStatusCode).toBe(201);
    expect(res.Errors).toEqual([]);
    const { RoomMemberships } = await t.rooms.send(new ListRoomMembershipsCommand({ AccountId: accountId, RoomId: roomId }));
    expect(RoomMemberships!.map((m) => [m.Member!.MemberId, m.Role])).toEqual([
      [alice, 'Administrator'],
      [bob, 'Member'],
    ]);
  });

  test('BatchCreateRoomMembership accepts 50 members', async () => {
    const { accountId } = shared;
    const roomId = await room(accountId);
    const ids = await crowd(accountId, 50);
    const res = await t.rooms.send(new BatchCreateRoomMembershipCommand({ AccountId: accountId, RoomId: roomId, MembershipItemList: ids.map((MemberId) => ({ MemberId })) }));
    expect(res.Errors).toEqual([]);
    const { RoomMemberships } = await t.rooms.send(new ListRoomMembershipsCommand({ AccountId: accountId, RoomId: roomId }));
    expect(RoomMemberships).toHaveLength(50);
  });

  test('BatchCreateRoomMembership rejects more than 50 members', async () => {
    const { accountId } = shared;
    const roomId = await room(accountId);
    const ids = await crowd(accountId, 50);
    const items = [...ids, unknownId].map((MemberId) => ({ MemberId }));
    await expect(t.rooms.send(new BatchCreateRoomMembershipCommand({ AccountId: accountId, RoomId: roomId, MembershipItemList: items }))).rejects.toMatchObject({
      name: 'BadRequestException',
      message: 'MembershipItemList must hold 1..50 members, got 51.',
    });
    const { RoomMemberships } = await t.rooms.send(new ListRoomMembershipsCommand({ AccountId: accountId, RoomId: roomId }));
    expect(RoomMemberships).toEqual([]);
  });

  test('BatchCreateRoomMembership rejects an empty list', async () => {
    const { accountId } = shared;
    const roomId = await room(accountId);
    await expect(t.rooms.send(new BatchCreateRoomMembershipCommand({ AccountId: accountId, RoomId: roomId, MembershipItemList: [] }))).rejects.toBeInstanceOf(
      BadRequestException,
    );
  });

  test('BatchCreateRoomMembership reports an unknown member in Errors and adds the others', async () => {
    const { accountId, alice } = shared;
    const roomId = await room(accountId);
    const { Errors } = await t.rooms.send(
      new BatchCreateRoomMembershipCommand({
        AccountId: accountId,
        RoomId: roomId,
        MembershipItemList: [{ MemberId: unknownId }, { MemberId: alice }, { MemberId: other.bob }],
      }),
    );
    expect(Errors).toEqual([
      { MemberId: unknownId, ErrorCode: 'NotFound', ErrorMessage: `Member ${unknownId} is not a user of account ${accountId}.` },
      { MemberId: other.bob, ErrorCode: 'NotFound', ErrorMessage: `Member ${other.bob} is not a user of account ${accountId}.` },
    ]);
    expect(await allRoomIds(accountId, alice)).toContain(roomId);
  });

  test('BatchCreateRoomMembership reports a member already in the room, or listed twice, as Conflict', async () => {
    const { accountId, alice, bob } = shared;
    const roomId = await room(accountId);
    await join(accountId, roomId, alice);
    const { Errors } = await t.rooms.send(
      new BatchCreateRoomMembershipCommand({
        AccountId: accountId,
        RoomId: roomId,
        MembershipItemList: [{ MemberId: alice }, { MemberId: bob }, { MemberId: bob, Role: 'Administrator' }],
      }),
    );
    expect(Errors!.map((e) => [e.MemberId, e.ErrorCode])).toEqual([
      [alice, 'Conflict'],
      [bob, 'Conflict'],
    ]);
    const { RoomMemberships } = await t.rooms.send(new ListRoomMembershipsCommand({ AccountId: accountId, RoomId: roomId }));
    expect(RoomMemberships!.map((m) => [m.Member!.MemberId, m.Role])).toEqual([
      [alice, 'Member'],
      [bob, 'Member'],
    ]);
  });

  test('BatchCreateRoomMembership reports an unknown Role as BadRequest in Errors', async () => {
    const { accountId, alice } = shared;
    const roomId = await room(accountId);
    const { Errors } = await t.rooms.send(
      new BatchCreateRoomMembershipCommand({ AccountId: accountId, RoomId: roomId, MembershipItemList: [{ MemberId: alice, Role: 'Owner' as never }] }),
    );
    expect(Errors).toEqual([{ MemberId: alice, ErrorCode: 'BadRequest', ErrorMessage: 'Role must be one of Administrator, Member, got "Owner".' }]);
  });

  test('BatchCreateRoomMembership in an unknown room is NotFound', async () => {
    const { accountId, alice } = shared;
    await expect(
      t.rooms.send(new BatchCreateRoomMembershipCommand({ AccountId: accountId, RoomId: unknownId, MembershipItemList: [{ MemberId: alice }] })),
    ).rejects.toBeInstanceOf(NotFoundException);
  });
});

describe('room messages', () => {
  test('RedactRoomMessage erases the message content', async () => {
    const { accountId, alice } = shared;
    const roomId = await room(accountId);
    await join(accountId, roomId, alice);
    const secret = postRoomMessage(t.chime.backend, accountId, roomId, alice, 'the password is hunter2');
    const kept = postRoomMessage(t.chime.backend, accountId, roomId, alice, 'hello');
    expect(secret).toMatchObject({ RoomId: roomId, Sender: alice, Content: 'the password is hunter2', Redacted: false });
    const res = await t.rooms.send(new RedactRoomMessageCommand({ AccountId: accountId, RoomId: roomId, MessageId: secret.MessageId }));
    expect(res.$metadata.httpStatusCode).toBe(200);
    const redacted = readRoomMessage(t.chime.backend, accountId, roomId, secret.MessageId);
    expect(redacted).toMatchObject({ MessageId: secret.MessageId, Sender: alice, Redacted: true });
    expect(redacted.Content).toBeUndefined();
    const stored = t.chime.db.prepare('SELECT content FROM room_messages WHERE message_id = ?').get(secret.MessageId) as { content: string | null };
    expect(stored.content).toBeNull();
    expect(readRoomMessage(t.chime.backend, accountId, roomId, kept.MessageId)).toMatchObject({ Content: 'hello', Redacted: false });
  });

  test('RedactRoomMessage of a message already redacted succeeds', async () => {
    const { accountId, alice } = shared;
    const roomId = await room(accountId);
    await join(accountId, roomId, alice);
    const { MessageId } = postRoomMessage(t.chime.backend, accountId, roomId, alice, 'twice');
    await t.rooms.send(new RedactRoomMessageCommand({ AccountId: accountId, RoomId: roomId, MessageId }));
    await expect(t.rooms.send(new RedactRoomMessageCommand({ AccountId: accountId, RoomId: roomId, MessageId }))).resolves.toBeDefined();
    expect(readRoomMessage(t.chime.backend, accountId, roomId, MessageId).Redacted).toBe(true);
  });

  test('RedactRoomMessage of an unknown message is NotFound', async () => {
    const { accountId } = shared;
    const roomId = await room(accountId);
    await expect(t.rooms.send(new RedactRoomMessageCommand({ AccountId: accountId, RoomId: roomId, MessageId: 'no-such-message' }))).rejects.toMatchObject({
      name: 'NotFoundException',
      message: `Message no-such-message not found in room ${roomId}.`,
    });
  });

  test('RedactRoomMessage of a message of another room is NotFound and leaves it intact', async () => {
    const { accountId, alice } = shared;
    const [here, there] = [await room(accountId), await room(accountId)];
    await join(accountId, there, alice);
    const { MessageId } = postRoomMessage(t.chime.backend, accountId, there, alice, 'elsewhere');
    await expect(t.rooms.send(new RedactRoomMessageCommand({ AccountId: accountId, RoomId: here, MessageId }))).rejects.toBeInstanceOf(NotFoundException);
    expect(readRoomMessage(t.chime.backend, accountId, there, MessageId).Content).toBe('elsewhere');
  });

  test('postRoomMessage refuses a sender who is not a member of the room', async () => {
    const { accountId, bob } = shared;
    const roomId = await room(accountId);
    expect(() => postRoomMessage(t.chime.backend, accountId, roomId, bob, 'let me in')).toThrow(
      expect.objectContaining({ name: 'ForbiddenException', message: `Member ${bob} is not a member of room ${roomId}.` }),
    );
  });
});

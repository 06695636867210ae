/**
 * Amazon Chime accounts, users and chat rooms in the graph, over HTTP against
 * the gateway and the local Chime service: every field and mutation, who may
 * use them (AppInstanceAdmins only: the rooms API is authorized by the
 * gateway's AWS credentials, not by the viewer), and the documented failures.
 */
import { postRoomMessage, readRoomMessage } from '../../src/emulator/backend/room-messages';
import { startTestGateway, TestGateway } from '../support/gateway';

let t: TestGateway;
let admin: string;
let alice: string;
/** An account made through the graph, with users ann and ben. */
const org = { id: '', accountId: '', ann: '', annId: '', ben: '', benId: '' };

beforeAll(async () => {
  t = await startTestGateway({ debug: true });
  [admin, alice] = await Promise.all([t.tokenFor(t.world.admin), t.tokenFor(t.world.users.alice)]);
  const account = await mutate('createChimeAccount', 'CreateChimeAccountInput', '{ account { id accountId } }', { name: 'org' });
  Object.assign(org, { id: account.account.id, accountId: account.account.accountId });
  const user = async (username: string) =>
    (await mutate('createChimeUser', 'CreateChimeUserInput', '{ user { id userId } }', { accountId: org.id, username, email: `${username}@example.com` })).user;
  const [ann, ben] = [await user('ann'), await user('ben')];
  Object.assign(org, { ann: ann.userId, annId: ann.id, ben: ben.userId, benId: ben.id });
});

afterAll(async () => {
  await t?.close();
});

/** Runs an operation as `token` (the admin by default) expecting no errors. */
async function data<T = any>(query: string, variables: object = {}, token = admin): Promise<T> {
  const { body } = await t.gql<T>(query, variables, token);
  expect(body.errors).toBeUndefined();
  return body.data as T;
}

/** Runs one mutation as `token` (the admin by default) and returns its payload. */
async function mutate(name: string, inputType: string, selection: string, input: object, token = admin): Promise<any> {
  const { body } = await t.gql(`mutation($input: ${inputType}!) { ${name}(input: $input) ${selection} }`, { input }, token);
  expect(body.errors).toBeUndefined();
  return body.data[name];
}

/** Runs an operation expecting one error; returns it and the upstream calls the request made. An empty token sends none. */
async function failure(query: string, variables: object = {}, token = admin) {
  const before = t.upstreamCalls().length;
  const { body } = await t.gql(query, variables, token);
  expect(body.errors).toHaveLength(1);
  return { error: body.errors![0], calls: t.upstreamCalls().slice(before) };
}

async function createRoom(name = 'room'): Promise<{ id: string; roomId: string }> {
  return (await mutate('createRoom', 'CreateRoomInput', '{ room { id roomId } }', { accountId: org.id, name })).room;
}

describe('who may use the rooms API', () => {
  // Variables are built lazily: the account exists only once beforeAll has run.
  test.each([
    ['chimeAccounts', `{ chimeAccounts { edges { node { id } } } }`, () => ({})],
    ['chimeAccount', `query($a: String!) { chimeAccount(accountId: $a) { name } }`, () => ({ a: org.accountId })],
    ['createRoom', `mutation($a: ID!) { createRoom(input: { accountId: $a, name: "x" }) { room { id } } }`, () => ({ a: org.id })],
    ['createChimeAccount', `mutation { createChimeAccount(input: { name: "mine" }) { account { id } } }`, () => ({})],
  ])('%s answers FORBIDDEN to a user who is no AppInstanceAdmin, without any rooms call', async (_name, query, variables) => {
    const { error, calls } = await failure(query, variables(), alice);
    expect(error.extensions.code).toBe('FORBIDDEN');
    expect(error.message).toContain('AppInstanceAdmins only');
    expect(calls).toEqual(['DescribeAppInstanceAdmin']);
  });

  test('without a token the rooms fields answer UNAUTHENTICATED with no upstream call', async () => {
    const { error, calls } = await failure(`{ chimeAccounts { edges { node { id } } } }`, {}, '');
    expect(error.extensions.code).toBe('UNAUTHENTICATED');
    expect(calls).toEqual([]);
  });

  test('appInstance.viewerIsAdmin tells the admin from everyone else', async () => {
    expect((await data(`{ appInstance { viewerIsAdmin } }`)).appInstance.viewerIsAdmin).toBe(true);
    expect((await data(`{ appInstance { viewerIsAdmin } }`, {}, alice)).appInstance.viewerIsAdmin).toBe(false);
  });

  test('the admin check is made once per request however many rooms fields ask', async () => {
    const { body } = await t.gql(
      `query($a: String!) { a: chimeAccount(accountId: $a) { name } b: chimeAccount(accountId: $a) { rooms { edges { node { id } } } users { edges { node { id } } } } }`,
      { a: org.accountId },
      admin,
    );
    expect(body.errors).toBeUndefined();
    expect(body.extensions.chime.byOperation.DescribeAppInstanceAdmin).toBe(1);
  });
});

describe('accounts and users', () => {
  test('createChimeAccount creates a Team account that chimeAccount and chimeAccounts return', async () => {
    const payload = await mutate(
      'createChimeAccount',
      'CreateChimeAccountInput',
      '{ clientMutationId account { id accountId name accountType status defaultLicense awsAccountId createdAt } }',
      { name: 'acme', clientMutationId: 'a-1' },
    );
    expect(payload).toMatchObject({ clientMutationId: 'a-1', account: { name: 'acme', accountType: 'Team', status: 'Active', defaultLicense: 'Pro' } });
    expect(payload.account.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    const read = await data(`query($a: String!) { chimeAccount(accountId: $a) { id name } }`, { a: payload.account.accountId });
    expect(read.chimeAccount).toEqual({ id: payload.account.id, name: 'acme' });
    const listed = await data(`{ chimeAccounts(name: "acme") { edges { node { id name } } } }`);
    expect(listed.chimeAccounts.edges.map((e: any) => e.node)).toEqual([{ id: payload.account.id, name: 'acme' }]);
    const byNode = await data(`query($id: ID!) { node(id: $id) { ... on ChimeAccount { accountId } } }`, { id: payload.account.id });
    expect(byNode.node.accountId).toBe(payload.account.accountId);
  });

  test('chimeAccounts(userEmail:) finds the accounts that have a user of that address', async () => {
    const listed = await data(`{ chimeAccounts(userEmail: "ANN@example.com") { edges { node { id } } } }`);
    expect(listed.chimeAccounts.edges.map((e: any) => e.node.id)).toEqual([org.id]);
  });

  test('deleteChimeAccount deletes the account; reading it then is NOT_FOUND', async () => {
    const { account } = await mutate('createChimeAccount', 'CreateChimeAccountInput', '{ account { id accountId } }', { name: 'doomed' });
    const payload = await mutate('deleteChimeAccount', 'DeleteChimeAccountInput', '{ clientMutationId deletedAccountId }', { accountId: account.id, clientMutationId: 'd' });
    expect(payload).toEqual({ clientMutationId: 'd', deletedAccountId: account.id });
    const { error } = await failure(`query($a: String!) { chimeAccount(accountId: $a) { name } }`, { a: account.accountId });
    expect(error.extensions.code).toBe('NOT_FOUND');
  });

  test('createChimeUser makes a registered user, readable through the account, by id and as a node', async () => {
    const payload = await mutate(
      'createChimeUser',
      'CreateChimeUserInput',
      '{ user { id userId email displayName userType licenseType registrationStatus invitationStatus registeredAt account { id } } }',
      { accountId: org.id, username: 'cat', email: 'cat@example.com', userType: 'SharedDevice' },
    );
    expect(payload.user).toMatchObject({
      email: 'cat@example.com',
      displayName: 'cat',
      userType: 'SharedDevice',
      licenseType: 'Pro',
      registrationStatus: 'Registered',
      invitationStatus: null,
      account: { id: org.id },
    });
    const read = await data(`query($a: String!, $u: String!) { chimeAccount(accountId: $a) { user(userId: $u) { id displayName } } }`, {
      a: org.accountId,
      u: payload.user.userId,
    });
    expect(read.chimeAccount.user).toEqual({ id: payload.user.id, displayName: 'cat' });
    const node = await data(`query($id: ID!) { node(id: $id) { ... on ChimeUser { email } } }`, { id: payload.user.id });
    expect(node.node.email).toBe('cat@example.com');
  });

  test('an email already used in the account is a CONFLICT', async () => {
    const { error } = await failure(`mutation($a: ID!) { createChimeUser(input: { accountId: $a, username: "again", email: "ann@example.com" }) { user { id } } }`, {
      a: org.id,
    });
    expect(error.extensions.code).toBe('CONFLICT');
  });

  test('inviteChimeUsers answers one invite per address; new addresses become pending users', async () => {
    const payload = await mutate(
      'inviteChimeUsers',
      'InviteChimeUsersInput',
      '{ clientMutationId account { id } invites { inviteId status emailAddress emailStatus } }',
      { accountId: org.id, emails: ['dot@example.com', 'ann@example.com'], clientMutationId: 'i' },
    );
    expect(payload.account.id).toBe(org.id);
    expect(payload.invites).toEqual([
      { inviteId: expect.any(String), status: 'Pending', emailAddress: 'dot@example.com', emailStatus: 'NotSent' },
      { inviteId: expect.any(String), status: 'Accepted', emailAddress: 'ann@example.com', emailStatus: 'NotSent' },
    ]);
    const users = await data(`query($a: String!) { chimeAccount(accountId: $a) { users(userEmail: "dot@example.com") { edges { node { registrationStatus invitationStatus invitedAt } } } } }`, {
      a: org.accountId,
    });
    expect(users.chimeAccount.users.edges).toEqual([{ node: { registrationStatus: 'Unregistered', invitationStatus: 'Pending', invitedAt: expect.any(String) } }]);
  });

  test('account.users pages with first/after and filters by type', async () => {
    const first = await data(`query($a: String!) { chimeAccount(accountId: $a) { users(first: 1, userType: PrivateUser) { edges { cursor node { displayName } } pageInfo { hasNextPage endCursor } } } }`, {
      a: org.accountId,
    });
    expect(first.chimeAccount.users.edges.map((e: any) => e.node.displayName)).toEqual(['ann']);
    expect(first.chimeAccount.users.pageInfo.hasNextPage).toBe(true);
    const next = await data(`query($a: String!, $c: String) { chimeAccount(accountId: $a) { users(first: 1, after: $c, userType: PrivateUser) { edges { node { displayName } } } } }`, {
      a: org.accountId,
      c: first.chimeAccount.users.pageInfo.endCursor,
    });
    expect(next.chimeAccount.users.edges.map((e: any) => e.node.displayName)).toEqual(['ben']);
  });

  test('an unknown account is NOT_FOUND; an unknown user of an existing account is null', async () => {
    const { error } = await failure(`{ chimeAccount(accountId: "00000000-0000-4000-8000-000000000000") { name } }`);
    expect(error.extensions.code).toBe('NOT_FOUND');
    const read = await data(`query($a: String!) { chimeAccount(accountId: $a) { user(userId: "00000000-0000-4000-8000-000000000000") { id } } }`, { a: org.accountId });
    expect(read.chimeAccount.user).toBeNull();
  });
});

describe('rooms', () => {
  test('createRoom creates a room and its edge of account.rooms; nobody is a member yet', async () => {
    const payload = await mutate(
      'createRoom',
      'CreateRoomInput',
      '{ clientMutationId room { id roomId name createdBy createdAt updatedAt account { id } memberships { edges { node { id } } } } roomEdge { cursor node { id } } }',
      { accountId: org.id, name: 'lobby', clientMutationId: 'r' },
    );
    expect(payload).toMatchObject({ clientMutationId: 'r', room: { name: 'lobby', account: { id: org.id }, memberships: { edges: [] } } });
    expect(payload.room.createdBy).toMatch(/^arn:aws:iam::\d{12}:root$/);
    expect(payload.roomEdge.node.id).toBe(payload.room.id);
    const listed = await data(`query($a: String!) { chimeAccount(accountId: $a) { rooms { edges { node { id name } } } } }`, { a: org.accountId });
    expect(listed.chimeAccount.rooms.edges.map((e: any) => e.node)).toContainEqual({ id: payload.room.id, name: 'lobby' });
    // The edge's cursor belongs to account.rooms: continuing after it skips the new room.
    const after = await data(`query($a: String!, $c: String) { chimeAccount(accountId: $a) { rooms(after: $c) { edges { node { id } } } } }`, {
      a: org.accountId,
      c: payload.roomEdge.cursor,
    });
    expect(after.chimeAccount.rooms.edges.map((e: any) => e.node.id)).not.toContain(payload.room.id);
  });

  test('the same clientRequestToken creates one room', async () => {
    const once = async () => (await mutate('createRoom', 'CreateRoomInput', '{ room { id } }', { accountId: org.id, name: 'same', clientRequestToken: 'room-token-1' })).room.id;
    expect(await once()).toBe(await once());
  });

  test('a room is readable by account.room and as a node (GetRoom)', async () => {
    const room = await createRoom('readable');
    const read = await data(`query($a: String!, $r: String!) { chimeAccount(accountId: $a) { room(roomId: $r) { id name } } }`, { a: org.accountId, r: room.roomId });
    expect(read.chimeAccount.room).toEqual({ id: room.id, name: 'readable' });
    const { body } = await t.gql(`query($id: ID!) { node(id: $id) { ... on Room { name } } }`, { id: room.id }, admin);
    expect(body.data.node.name).toBe('readable');
    expect(body.extensions.chime.byOperation.GetRoom).toBe(1);
  });

  test('updateRoom renames a room', async () => {
    const room = await createRoom('old');
    const payload = await mutate('updateRoom', 'UpdateRoomInput', '{ clientMutationId room { id name } }', { roomId: room.id, name: 'new', clientMutationId: 'u' });
    expect(payload).toEqual({ clientMutationId: 'u', room: { id: room.id, name: 'new' } });
  });

  test('deleteRoom deletes it; account.room then is null and node NOT_FOUND', async () => {
    const room = await createRoom('gone');
    const payload = await mutate('deleteRoom', 'DeleteRoomInput', '{ deletedRoomId account { id } }', { roomId: room.id });
    expect(payload).toEqual({ deletedRoomId: room.id, account: { id: org.id } });
    const read = await data(`query($a: String!, $r: String!) { chimeAccount(accountId: $a) { room(roomId: $r) { id } } }`, { a: org.accountId, r: room.roomId });
    expect(read.chimeAccount.room).toBeNull();
    const { error } = await failure(`query($id: ID!) { node(id: $id) { id } }`, { id: room.id });
    expect(error.extensions.code).toBe('NOT_FOUND');
  });

  test('updateRoom of a room that does not exist is NOT_FOUND', async () => {
    const room = await createRoom('soon-gone');
    await mutate('deleteRoom', 'DeleteRoomInput', '{ deletedRoomId }', { roomId: room.id });
    const { error } = await failure(`mutation($r: ID!) { updateRoom(input: { roomId: $r, name: "x" }) { room { id } } }`, { r: room.id });
    expect(error.extensions.code).toBe('NOT_FOUND');
  });
});

describe('room members', () => {
  test('addRoomMember adds a user; the membership is listed, readable as a node and from the user', async () => {
    const room = await createRoom('team');
    const payload = await mutate(
      'addRoomMember',
      'AddRoomMemberInput',
      `{ clientMutationId membership { id role invitedBy updatedAt room { id } member { memberId memberType email fullName user { id displayName } } }
         membershipEdge { cursor node { id } } room { id } }`,
      { roomId: room.id, memberId: org.annId, role: 'Administrator', clientMutationId: 'm' },
    );
    expect(payload).toMatchObject({
      clientMutationId: 'm',
      membership: {
        role: 'Administrator',
        room: { id: room.id },
        member: { memberId: org.ann, memberType: 'User', email: 'ann@example.com', fullName: 'ann', user: { id: org.annId, displayName: 'ann' } },
      },
      room: { id: room.id },
    });
    expect(payload.membership.invitedBy).toMatch(/^arn:aws:iam::/);
    const listed = await data(`query($id: ID!) { node(id: $id) { ... on Room { memberships { edges { node { id role } } } } } }`, { id: room.id });
    expect(listed.node.memberships.edges.map((e: any) => e.node)).toEqual([{ id: payload.membership.id, role: 'Administrator' }]);
    const { body } = await t.gql(`query($id: ID!) { node(id: $id) { ... on RoomMembership { role member { memberId } } } }`, { id: payload.membership.id }, admin);
    expect(body.data.node).toEqual({ role: 'Administrator', member: { memberId: org.ann } });
    expect(body.extensions.chime.byOperation.ListRoomMemberships).toBe(1);
    const rooms = await data(`query($id: ID!) { node(id: $id) { ... on ChimeUser { rooms { edges { node { id } } } } } }`, { id: org.annId });
    expect(rooms.node.rooms.edges.map((e: any) => e.node.id)).toContain(room.id);
  });

  test('adding a member twice is a CONFLICT', async () => {
    const room = await createRoom();
    await mutate('addRoomMember', 'AddRoomMemberInput', '{ membership { id } }', { roomId: room.id, memberId: org.benId });
    const { error } = await failure(`mutation($r: ID!, $m: ID!) { addRoomMember(input: { roomId: $r, memberId: $m }) { membership { id } } }`, { r: room.id, m: org.benId });
    expect(error.extensions.code).toBe('CONFLICT');
  });

  test('updateRoomMember changes the role; removeRoomMember removes the member', async () => {
    const room = await createRoom();
    await mutate('addRoomMember', 'AddRoomMemberInput', '{ membership { id } }', { roomId: room.id, memberId: org.annId });
    const updated = await mutate('updateRoomMember', 'UpdateRoomMemberInput', '{ clientMutationId membership { role member { memberId } } }', {
      roomId: room.id,
      memberId: org.annId,
      role: 'Administrator',
      clientMutationId: 'u',
    });
    expect(updated).toEqual({ clientMutationId: 'u', membership: { role: 'Administrator', member: { memberId: org.ann } } });
    const removed = await mutate('removeRoomMember', 'RemoveRoomMemberInput', '{ removedMembershipId room { memberships { edges { node { id } } } } }', {
      roomId: room.id,
      memberId: org.annId,
    });
    expect(removed.room.memberships.edges).toEqual([]);
    const { error } = await failure(`query($id: ID!) { node(id: $id) { id } }`, { id: removed.removedMembershipId });
    expect(error.extensions.code).toBe('NOT_FOUND');
  });

  test('removing someone who is not a member is NOT_FOUND', async () => {
    const room = await createRoom();
    const { error } = await failure(`mutation($r: ID!, $m: ID!) { removeRoomMember(input: { roomId: $r, memberId: $m }) { removedMembershipId } }`, { r: room.id, m: org.benId });
    expect(error.extensions.code).toBe('NOT_FOUND');
  });

  test('addRoomMembers adds the members it can and reports the others one by one', async () => {
    const room = await createRoom();
    await mutate('addRoomMember', 'AddRoomMemberInput', '{ membership { id } }', { roomId: room.id, memberId: org.benId });
    const stranger = Buffer.from(`ChimeUser\n${org.accountId}\n00000000-0000-4000-8000-000000000000`).toString('base64url');
    const payload = await mutate(
      'addRoomMembers',
      'AddRoomMembersInput',
      '{ clientMutationId room { id } membershipEdges { cursor node { role member { memberId } } } errors { memberId code message } }',
      { roomId: room.id, members: [{ memberId: org.annId, role: 'Administrator' }, { memberId: org.benId }, { memberId: stranger }], clientMutationId: 'b' },
    );
    expect(payload.clientMutationId).toBe('b');
    expect(payload.membershipEdges.map((e: any) => e.node)).toEqual([{ role: 'Administrator', member: { memberId: org.ann } }]);
    expect(payload.errors).toEqual([
      { memberId: org.benId, code: 'CONFLICT', message: expect.stringContaining('already a member') },
      { memberId: stranger, code: 'NOT_FOUND', message: expect.stringContaining('not a user') },
    ]);
  });

  test('redactRoomMessage erases a room message for good', async () => {
    const room = await createRoom();
    await mutate('addRoomMember', 'AddRoomMemberInput', '{ membership { id } }', { roomId: room.id, memberId: org.annId });
    const backend = t.chime.chime.backend;
    const message = postRoomMessage(backend, org.accountId, room.roomId, org.ann, 'oops');
    const payload = await mutate('redactRoomMessage', 'RedactRoomMessageInput', '{ clientMutationId messageId room { id } }', {
      roomId: room.id,
      messageId: message.MessageId,
      clientMutationId: 'x',
    });
    expect(payload).toEqual({ clientMutationId: 'x', messageId: message.MessageId, room: { id: room.id } });
    expect(readRoomMessage(backend, org.accountId, room.roomId, message.MessageId)).toMatchObject({ Redacted: true, Content: undefined });
  });

  test('redacting a message the room does not have is NOT_FOUND', async () => {
    const room = await createRoom();
    const { error } = await failure(`mutation($r: ID!) { redactRoomMessage(input: { roomId: $r, messageId: "no-such-message" }) { messageId } }`, { r: room.id });
    expect(error.extensions.code).toBe('NOT_FOUND');
  });
});

describe('input limits, checked before any upstream call', () => {
  const tooMany = (n: number) => Array.from({ length: n }, () => ({ memberId: org.annId }));
  test.each([
    ['addRoomMembers with 51 members', () => [`mutation($i: AddRoomMembersInput!) { addRoomMembers(input: $i) { room { id } } }`, { i: { roomId: roomIdOf('r'), members: tooMany(51) } }], 'input.members'],
    ['addRoomMembers with none', () => [`mutation($i: AddRoomMembersInput!) { addRoomMembers(input: $i) { room { id } } }`, { i: { roomId: roomIdOf('r'), members: [] } }], 'input.members'],
    [
      'inviteChimeUsers with 51 addresses',
      () => [`mutation($i: InviteChimeUsersInput!) { inviteChimeUsers(input: $i) { invites { inviteId } } }`, { i: { accountId: org.id, emails: Array.from({ length: 51 }, (_, n) => `u${n}@example.com`) } }],
      'input.emails',
    ],
    ['inviteChimeUsers with a bad address', () => [`mutation($i: InviteChimeUsersInput!) { inviteChimeUsers(input: $i) { invites { inviteId } } }`, { i: { accountId: org.id, emails: ['not-an-address'] } }], 'input.emails[0]'],
    ['createChimeAccount with a blank name', () => [`mutation { createChimeAccount(input: { name: "   " }) { account { id } } }`, {}], 'input.name'],
    ['createChimeAccount with a 101-character name', () => [`mutation($n: String!) { createChimeAccount(input: { name: $n }) { account { id } } }`, { n: 'x'.repeat(101) }], 'input.name'],
    ['createRoom with an empty name', () => [`mutation($a: ID!) { createRoom(input: { accountId: $a, name: "" }) { room { id } } }`, { a: org.id }], 'input.name'],
    ['createRoom with a bad clientRequestToken', () => [`mutation($a: ID!) { createRoom(input: { accountId: $a, name: "n", clientRequestToken: "!" }) { room { id } } }`, { a: org.id }], 'input.clientRequestToken'],
    ['createRoom with the id of another type', () => [`mutation($a: ID!) { createRoom(input: { accountId: $a, name: "n" }) { room { id } } }`, { a: org.annId }], 'input.accountId'],
    [
      'addRoomMember with a user of another account',
      () => [`mutation($r: ID!, $m: ID!) { addRoomMember(input: { roomId: $r, memberId: $m }) { membership { id } } }`, { r: roomIdOf('r'), m: Buffer.from('ChimeUser\nother-account\nu').toString('base64url') }],
      'input.memberId',
    ],
    ['chimeAccount with whitespace in the id', () => [`{ chimeAccount(accountId: "a b") { name } }`, {}], 'accountId'],
    ['chimeAccounts with a bad userEmail', () => [`{ chimeAccounts(userEmail: "nobody") { edges { cursor } } }`, {}], 'userEmail'],
  ])('%s is BAD_USER_INPUT naming the field', async (_name, build, field) => {
    const [query, variables] = build() as [string, object];
    const { error, calls } = await failure(query, variables);
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    expect(calls).toEqual([]);
  });
});

/** A Room global id of the test account (for limits checked before the room is looked at). */
function roomIdOf(roomId: string): string {
  return Buffer.from(`Room\n${org.accountId}\n${roomId}`).toString('base64url');
}

import {
  BadRequestException,
  ConflictException,
  CreateChannelBanCommand,
  CreateChannelCommand,
  CreateChannelMembershipCommand,
  CreateChannelModeratorCommand,
  DeleteChannelModeratorCommand,
  DescribeChannelModeratorCommand,
  ForbiddenException,
  ListChannelMembershipsCommand,
  ListChannelModeratorsCommand,
  NotFoundException,
  type CreateChannelRequest,
} from '@aws-sdk/client-chime-sdk-messaging';
import { CreateAppInstanceUserCommand } from '@aws-sdk/client-chime-sdk-identity';
import type { ChannelEvent } from '../../src/emulator/backend/events';
import { createWorld, startTestChime, TestChime, TestWorld } from '../support/local-chime';

let t: TestChime;
let world: TestWorld;
let alice: string, bob: string, carol: string, admin: string;
beforeAll(async () => {
  t = await startTestChime();
  world = await createWorld(t.identity);
  ({ alice, bob, carol } = world.users);
  admin = world.admin;
});
afterAll(() => t.close());

/** A channel created by `creator` (who becomes its member and moderator). */
async function channel(creator: string, settings: Partial<CreateChannelRequest> = {}): Promise<string> {
  const { ChannelArn } = await t.messaging.send(
    new CreateChannelCommand({ AppInstanceArn: world.appInstanceArn, Name: 'room', ChimeBearer: creator, ClientRequestToken: `c-${Math.random().toString(36).slice(2)}`, ...settings }),
  );
  return ChannelArn!;
}

const addModerator = (channelArn: string, moderatorArn: string, bearer: string) =>
  t.messaging.send(new CreateChannelModeratorCommand({ ChannelArn: channelArn, ChannelModeratorArn: moderatorArn, ChimeBearer: bearer }));
const removeModerator = (channelArn: string, moderatorArn: string, bearer: string) =>
  t.messaging.send(new DeleteChannelModeratorCommand({ ChannelArn: channelArn, ChannelModeratorArn: moderatorArn, ChimeBearer: bearer }));
const addMember = (channelArn: string, memberArn: string, bearer: string) =>
  t.messaging.send(new CreateChannelMembershipCommand({ ChannelArn: channelArn, MemberArn: memberArn, Type: 'DEFAULT', ChimeBearer: bearer }));

async function moderatorArns(channelArn: string, bearer: string): Promise<string[]> {
  const arns: string[] = [];
  let next: string | undefined;
  do {
    const page = await t.messaging.send(new ListChannelModeratorsCommand({ ChannelArn: channelArn, ChimeBearer: bearer, NextToken: next }));
    arns.push(...page.ChannelModerators!.map((m) => m.Moderator!.Arn!));
    next = page.NextToken;
  } while (next);
  return arns;
}

test('CreateChannelModerator returns the moderator and grants moderation of a RESTRICTED channel', async () => {
  const ch = await channel(alice, { Mode: 'RESTRICTED', MemberArns: [bob] });
  await expect(addMember(ch, carol, bob)).rejects.toBeInstanceOf(ForbiddenException);
  const out = await addModerator(ch, bob, alice);
  expect(out).toMatchObject({ ChannelArn: ch, ChannelModerator: { Arn: bob, Name: 'bob' } });
  expect(out.$metadata.httpStatusCode).toBe(201);
  await addMember(ch, carol, bob);
  await t.messaging.send(new CreateChannelMembershipCommand({ ChannelArn: ch, MemberArn: carol, Type: 'HIDDEN', ChimeBearer: bob }));
  const { ChannelMemberships } = await t.messaging.send(new ListChannelMembershipsCommand({ ChannelArn: ch, ChimeBearer: bob, Type: 'HIDDEN' }));
  expect(ChannelMemberships!.map((m) => m.Member!.Arn)).toContain(carol);
});

test('CreateChannelModerator makes a moderator without making a member, and publishes no event', async () => {
  const ch = await channel(alice);
  const events: ChannelEvent[] = [];
  const stop = t.chime.backend.events.subscribe((e) => events.push(e));
  try {
    await addModerator(ch, carol, admin);
  } finally {
    stop();
  }
  expect(events).toEqual([]);
  const { ChannelMemberships } = await t.messaging.send(new ListChannelMembershipsCommand({ ChannelArn: ch, ChimeBearer: alice, Type: 'HIDDEN' }));
  expect(ChannelMemberships!.map((m) => m.Member!.Arn)).toEqual([alice]);
});

test('CreateChannelModerator by a member who is not a moderator is forbidden', async () => {
  const ch = await channel(alice, { MemberArns: [bob] });
  await expect(addModerator(ch, carol, bob)).rejects.toBeInstanceOf(ForbiddenException);
  await expect(addModerator(ch, bob, bob)).rejects.toBeInstanceOf(ForbiddenException);
  expect(await moderatorArns(ch, alice)).toEqual([alice]);
});

test('CreateChannelModerator of an existing moderator is a Conflict', async () => {
  const ch = await channel(alice);
  await expect(addModerator(ch, alice, admin)).rejects.toBeInstanceOf(ConflictException);
});

test('CreateChannelModerator of a banned user is forbidden', async () => {
  const ch = await channel(alice);
  await t.messaging.send(new CreateChannelBanCommand({ ChannelArn: ch, MemberArn: carol, ChimeBearer: alice }));
  await expect(addModerator(ch, carol, alice)).rejects.toMatchObject({ name: 'ForbiddenException', message: expect.stringContaining('banned') });
});

test('CreateChannelModerator of an identity outside the AppInstance is a BadRequest', async () => {
  const ch = await channel(alice);
  const other = await createWorld(t.identity, ['dave']);
  await expect(addModerator(ch, other.users.dave, alice)).rejects.toMatchObject({
    name: 'BadRequestException',
    message: expect.stringContaining('ChannelModeratorArn'),
  });
  await expect(addModerator(ch, 'arn:bad', alice)).rejects.toBeInstanceOf(BadRequestException);
});

test('DescribeChannelModerator returns Moderator, ChannelArn, CreatedTimestamp and CreatedBy', async () => {
  const ch = await channel(alice);
  await addModerator(ch, bob, admin);
  const { ChannelModerator } = await t.messaging.send(new DescribeChannelModeratorCommand({ ChannelArn: ch, ChannelModeratorArn: bob, ChimeBearer: carol }));
  expect(ChannelModerator).toMatchObject({ ChannelArn: ch, Moderator: { Arn: bob, Name: 'bob' }, CreatedBy: { Arn: admin, Name: 'admin' } });
  expect(ChannelModerator!.CreatedTimestamp).toBeInstanceOf(Date);
});

test('DescribeChannelModerator of a user who is not a moderator is NotFound', async () => {
  const ch = await channel(alice, { MemberArns: [bob] });
  await expect(t.messaging.send(new DescribeChannelModeratorCommand({ ChannelArn: ch, ChannelModeratorArn: bob, ChimeBearer: alice }))).rejects.toBeInstanceOf(
    NotFoundException,
  );
});

test('DeleteChannelModerator takes the moderator rights away', async () => {
  const ch = await channel(alice, { Mode: 'RESTRICTED', MemberArns: [bob] });
  await addModerator(ch, bob, alice);
  const out = await removeModerator(ch, bob, alice);
  expect(out.$metadata.httpStatusCode).toBe(204);
  expect(await moderatorArns(ch, alice)).toEqual([alice]);
  await expect(addMember(ch, carol, bob)).rejects.toBeInstanceOf(ForbiddenException);
  // Removing someone who is no moderator changes nothing.
  await expect(removeModerator(ch, bob, alice)).resolves.toBeDefined();
});

test('DeleteChannelModerator by a user who is not a moderator is forbidden', async () => {
  const ch = await channel(alice, { MemberArns: [bob] });
  await expect(removeModerator(ch, alice, bob)).rejects.toBeInstanceOf(ForbiddenException);
  await removeModerator(ch, alice, admin);
  expect(await moderatorArns(ch, admin)).toEqual([]);
});

test('ListChannelModerators pages with no gap or duplicate', async () => {
  const ch = await channel(alice);
  const users: string[] = [];
  for (let i = 0; i < 6; i++) {
    const { AppInstanceUserArn } = await t.identity.send(
      new CreateAppInstanceUserCommand({ AppInstanceArn: world.appInstanceArn, AppInstanceUserId: `mod${i}`, Name: `mod${i}` }),
    );
    users.push(AppInstanceUserArn!);
    await addModerator(ch, AppInstanceUserArn!, alice);
  }
  const first = await t.messaging.send(new ListChannelModeratorsCommand({ ChannelArn: ch, ChimeBearer: alice, MaxResults: 3 }));
  expect(first.ChannelModerators!.map((m) => m.Moderator!.Arn)).toEqual([alice, ...users.slice(0, 2)]);
  await removeModerator(ch, users[0], alice);
  const rest: string[] = [];
  let next = first.NextToken;
  while (next) {
    const page = await t.messaging.send(new ListChannelModeratorsCommand({ ChannelArn: ch, ChimeBearer: alice, MaxResults: 3, NextToken: next }));
    rest.push(...page.ChannelModerators!.map((m) => m.Moderator!.Arn!));
    next = page.NextToken;
  }
  expect(rest).toEqual(users.slice(2));
});

test('ListChannelModerators of a PRIVATE channel is only for members, moderators and admins', async () => {
  const ch = await channel(alice, { Privacy: 'PRIVATE', MemberArns: [bob] });
  await expect(moderatorArns(ch, carol)).rejects.toBeInstanceOf(ForbiddenException);
  await expect(t.messaging.send(new DescribeChannelModeratorCommand({ ChannelArn: ch, ChannelModeratorArn: alice, ChimeBearer: carol }))).rejects.toBeInstanceOf(
    ForbiddenException,
  );
  expect(await moderatorArns(ch, bob)).toEqual([alice]);
  expect(await moderatorArns(ch, admin)).toEqual([alice]);
});

test('ListChannelModerators rejects a forged NextToken and MaxResults outside 1..50', async () => {
  const ch = await channel(alice);
  const list = (extra: { NextToken?: string; MaxResults?: number }) => t.messaging.send(new ListChannelModeratorsCommand({ ChannelArn: ch, ChimeBearer: alice, ...extra }));
  await expect(list({ NextToken: 'eyJzIjoiIiwicCI6WzAsIiJdfQ.c2lnbmF0dXJlLWZvcmdlZA' })).rejects.toBeInstanceOf(BadRequestException);
  await expect(list({ MaxResults: 0 })).rejects.toBeInstanceOf(BadRequestException);
  await expect(list({ MaxResults: 51 })).rejects.toBeInstanceOf(BadRequestException);
});

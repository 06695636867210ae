import {
  BadRequestException,
  BatchCreateChannelMembershipCommand,
  ConflictException,
  CreateChannelBanCommand,
  CreateChannelCommand,
  CreateChannelMembershipCommand,
  CreateChannelModeratorCommand,
  DeleteChannelBanCommand,
  DescribeChannelBanCommand,
  ForbiddenException,
  ListChannelBansCommand,
  ListChannelMembershipsCommand,
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

const ban = (channelArn: string, memberArn: string, bearer: string) =>
  t.messaging.send(new CreateChannelBanCommand({ ChannelArn: channelArn, MemberArn: memberArn, ChimeBearer: bearer }));
const unban = (channelArn: string, memberArn: string, bearer: string) =>
  t.messaging.send(new DeleteChannelBanCommand({ ChannelArn: channelArn, MemberArn: memberArn, ChimeBearer: bearer }));
const addMember = (channelArn: string, memberArn: string, bearer: string) =>
  t.messaging.send(new CreateChannelMembershipCommand({ ChannelArn: channelArn, MemberArn: memberArn, Type: 'DEFAULT', ChimeBearer: bearer }));

async function memberArns(channelArn: string): Promise<string[]> {
  const { ChannelMemberships } = await t.messaging.send(new ListChannelMembershipsCommand({ ChannelArn: channelArn, ChimeBearer: admin, Type: 'HIDDEN' }));
  return ChannelMemberships!.map((m) => m.Member!.Arn!);
}

async function eventsDuring(fn: () => Promise<unknown>): Promise<ChannelEvent[]> {
  const events: ChannelEvent[] = [];
  const stop = t.chime.backend.events.subscribe((e) => events.push(e));
  try {
    await fn();
  } finally {
    stop();
  }
  return events;
}

test('CreateChannelBan removes the member and blocks re-adding until DeleteChannelBan', async () => {
  const ch = await channel(alice, { MemberArns: [bob, carol] });
  const out = await ban(ch, bob, alice);
  expect(out).toMatchObject({ ChannelArn: ch, Member: { Arn: bob, Name: 'bob' } });
  expect(out.$metadata.httpStatusCode).toBe(201);
  expect(await memberArns(ch)).toEqual([alice, carol]);
  await expect(addMember(ch, bob, alice)).rejects.toBeInstanceOf(ForbiddenException);
  const batch = await t.messaging.send(new BatchCreateChannelMembershipCommand({ ChannelArn: ch, MemberArns: [bob], ChimeBearer: alice }));
  expect(batch.Errors).toEqual([{ MemberArn: bob, ErrorCode: 'Forbidden', ErrorMessage: expect.stringContaining('banned') }]);

  const lifted = await unban(ch, bob, alice);
  expect(lifted.$metadata.httpStatusCode).toBe(204);
  // Lifting a ban does not re-add: CreateChannelMembership must follow.
  expect(await memberArns(ch)).toEqual([alice, carol]);
  await addMember(ch, bob, alice);
  expect(await memberArns(ch)).toEqual([alice, carol, bob]);
});

test('CreateChannelBan sends DELETE_CHANNEL_MEMBERSHIP to the banned member and the remaining members', async () => {
  const ch = await channel(alice, { MemberArns: [bob, carol] });
  const events = await eventsDuring(() => ban(ch, bob, alice));
  expect(events).toHaveLength(1);
  expect(events[0]).toMatchObject({
    eventType: 'DELETE_CHANNEL_MEMBERSHIP',
    messageType: 'SYSTEM',
    channelArn: ch,
    payload: { ChannelArn: ch, Member: { Arn: bob, Name: 'bob' } },
  });
  expect([...events[0].recipients].sort()).toEqual([alice, bob, carol].sort());
});

test('CreateChannelBan of a user who is not a member bans without an event', async () => {
  const ch = await channel(alice);
  const events = await eventsDuring(() => ban(ch, carol, alice));
  expect(events).toEqual([]);
  const { ChannelBan } = await t.messaging.send(new DescribeChannelBanCommand({ ChannelArn: ch, MemberArn: carol, ChimeBearer: alice }));
  expect(ChannelBan!.Member!.Arn).toBe(carol);
});

test('CreateChannelBan keeps a banned user from joining a PUBLIC UNRESTRICTED channel', async () => {
  const ch = await channel(alice);
  await ban(ch, carol, alice);
  await expect(addMember(ch, carol, carol)).rejects.toBeInstanceOf(ForbiddenException);
});

test('CreateChannelBan by a member who is not a moderator is forbidden', async () => {
  const ch = await channel(alice, { MemberArns: [bob, carol] });
  await expect(ban(ch, carol, bob)).rejects.toBeInstanceOf(ForbiddenException);
  expect(await memberArns(ch)).toEqual([alice, bob, carol]);
  await ban(ch, carol, admin);
  expect(await memberArns(ch)).toEqual([alice, bob]);
});

test('CreateChannelBan of a moderator is forbidden until DeleteChannelModerator', async () => {
  const ch = await channel(alice, { MemberArns: [bob] });
  await t.messaging.send(new CreateChannelModeratorCommand({ ChannelArn: ch, ChannelModeratorArn: bob, ChimeBearer: alice }));
  await expect(ban(ch, bob, alice)).rejects.toMatchObject({ name: 'ForbiddenException', message: expect.stringContaining('moderator') });
  await expect(ban(ch, alice, admin)).rejects.toBeInstanceOf(ForbiddenException);
  expect(await memberArns(ch)).toEqual([alice, bob]);
});

test('CreateChannelBan of an AppInstanceAdmin is forbidden', async () => {
  const ch = await channel(alice);
  await expect(ban(ch, admin, alice)).rejects.toMatchObject({ name: 'ForbiddenException', message: expect.stringContaining('AppInstanceAdmin') });
});

test('CreateChannelBan of a user who is already banned is a Conflict', async () => {
  const ch = await channel(alice);
  await ban(ch, carol, alice);
  await expect(ban(ch, carol, alice)).rejects.toBeInstanceOf(ConflictException);
});

test('CreateChannelBan of an identity outside the AppInstance is a BadRequest', async () => {
  const ch = await channel(alice);
  await expect(ban(ch, `${world.appInstanceArn}/user/nobody`, alice)).rejects.toMatchObject({
    name: 'BadRequestException',
    message: expect.stringContaining('MemberArn'),
  });
  await expect(ban(ch, 'nonsense', alice)).rejects.toBeInstanceOf(BadRequestException);
});

test('DescribeChannelBan returns Member, ChannelArn, CreatedTimestamp and CreatedBy', async () => {
  const ch = await channel(alice);
  await ban(ch, carol, admin);
  const { ChannelBan } = await t.messaging.send(new DescribeChannelBanCommand({ ChannelArn: ch, MemberArn: carol, ChimeBearer: alice }));
  expect(ChannelBan).toMatchObject({ ChannelArn: ch, Member: { Arn: carol, Name: 'carol' }, CreatedBy: { Arn: admin, Name: 'admin' } });
  expect(ChannelBan!.CreatedTimestamp).toBeInstanceOf(Date);
});

test('DescribeChannelBan of a user who is not banned is NotFound', async () => {
  const ch = await channel(alice);
  await expect(t.messaging.send(new DescribeChannelBanCommand({ ChannelArn: ch, MemberArn: bob, ChimeBearer: alice }))).rejects.toBeInstanceOf(NotFoundException);
});

test('DescribeChannelBan and ListChannelBans are only for moderators and admins', async () => {
  const ch = await channel(alice, { MemberArns: [bob] });
  await ban(ch, carol, alice);
  await expect(t.messaging.send(new DescribeChannelBanCommand({ ChannelArn: ch, MemberArn: carol, ChimeBearer: bob }))).rejects.toBeInstanceOf(
    ForbiddenException,
  );
  await expect(t.messaging.send(new ListChannelBansCommand({ ChannelArn: ch, ChimeBearer: bob }))).rejects.toBeInstanceOf(ForbiddenException);
  const { ChannelBans } = await t.messaging.send(new ListChannelBansCommand({ ChannelArn: ch, ChimeBearer: admin }));
  expect(ChannelBans).toEqual([{ Member: { Arn: carol, Name: 'carol' } }]);
});

test('DeleteChannelBan by a user who is not a moderator is forbidden', async () => {
  const ch = await channel(alice, { MemberArns: [bob] });
  await ban(ch, carol, alice);
  await expect(unban(ch, carol, bob)).rejects.toBeInstanceOf(ForbiddenException);
  await expect(unban(ch, carol, carol)).rejects.toBeInstanceOf(ForbiddenException);
  // Lifting a ban that does not exist changes nothing.
  await expect(unban(ch, bob, alice)).resolves.toBeDefined();
});

test('ListChannelBans pages with no gap or duplicate', async () => {
  const ch = await channel(alice);
  const banned: string[] = [];
  for (let i = 0; i < 7; i++) {
    const { AppInstanceUserArn } = await t.identity.send(
      new CreateAppInstanceUserCommand({ AppInstanceArn: world.appInstanceArn, AppInstanceUserId: `banned${i}`, Name: `banned${i}` }),
    );
    banned.push(AppInstanceUserArn!);
    await ban(ch, AppInstanceUserArn!, alice);
  }
  const seen: string[] = [];
  let next: string | undefined;
  let pages = 0;
  do {
    const page = await t.messaging.send(new ListChannelBansCommand({ ChannelArn: ch, ChimeBearer: alice, MaxResults: 3, NextToken: next }));
    expect(page.ChannelArn).toBe(ch);
    seen.push(...page.ChannelBans!.map((b) => b.Member!.Arn!));
    next = page.NextToken;
    // Lifting an already-listed ban must not shift the pages that follow.
    if (pages++ === 0) await unban(ch, banned[0], alice);
  } while (next);
  expect(pages).toBe(3);
  expect(seen).toEqual(banned);
});

test('ListChannelBans rejects a forged NextToken', async () => {
  const ch = await channel(alice);
  const other = await channel(alice);
  for (const arn of [bob, carol]) {
    await ban(ch, arn, alice);
    await ban(other, arn, alice);
  }
  const { NextToken } = await t.messaging.send(new ListChannelBansCommand({ ChannelArn: other, ChimeBearer: alice, MaxResults: 1 }));
  await expect(t.messaging.send(new ListChannelBansCommand({ ChannelArn: ch, ChimeBearer: alice, NextToken }))).rejects.toBeInstanceOf(BadRequestException);
  await expect(t.messaging.send(new ListChannelBansCommand({ ChannelArn: ch, ChimeBearer: alice, NextToken: `${NextToken}x` }))).rejects.toBeInstanceOf(
    BadRequestException,
  );
});

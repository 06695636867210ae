import {
  BadRequestException,
  BatchCreateChannelMembershipCommand,
  ConflictException,
  CreateChannelBanCommand,
  CreateChannelModeratorCommand,
  DeleteChannelBanCommand,
  DescribeChannelBanCommand,
  DescribeChannelMembershipCommand,
  ForbiddenException,
  ListChannelBansCommand,
  ListChannelMembershipsCommand,
  NotFoundException,
} from '@aws-sdk/client-chime-sdk-messaging';
import { ChannelScene, createNamedUsers, createUnevenElasticChannel, eventsDuring, listSubChannels, sorted, useChannelScene } from '../support/channels';
import { TestChime, TestWorld } from '../support/local-chime';

let t: TestChime, world: TestWorld, alice: string, bob: string, carol: string, admin: string;
let channel: ChannelScene['channel'], addMember: ChannelScene['addMember'];
useChannelScene((scene) => ({ t, world, alice, bob, carol, admin, channel, addMember } = scene));

const ban = (channelArn: string, memberArn: string, bearer: string) =>
  t.messaging.send(new CreateChannelBanCommand({ ChannelArn: channelArn, MemberArn: memberArn, ChimeBearer: bearer }));
const unban = (channelArn: string, memberArn: string, bearer: string) =>
  t.messaging.send(new DeleteChannelBanCommand({ ChannelArn: channelArn, MemberArn: memberArn, ChimeBearer: bearer }));

async function memberArns(channelArn: string): Promise<string[]> {
  const { ChannelMemberships } = await t.messaging.send(new ListChannelMembershipsCommand({ ChannelArn: channelArn, ChimeBearer: admin, Type: 'HIDDEN' }));
  return ChannelMemberships!.map((m) => m.Member!.Arn!);
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
  const events = await eventsDuring(t, () => ban(ch, bob, alice));
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
  const events = await eventsDuring(t, () => ban(ch, carol, alice));
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
  const banned = await createNamedUsers(t, world, 'banned', 7);
  for (const arn of banned) await ban(ch, arn, alice);
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

test('CreateChannelBan of an elastic member rebalances its sub-channel, with UPDATE_CHANNEL_MEMBERSHIP to each moved member only', async () => {
  const { ch, u, a, b } = await createUnevenElasticChannel(t, world, alice, 'rebalanced');
  // a: 3, b: 2 (the minimum). Banning u04 leaves b with 1 member, and a has room for it.
  expect(await listSubChannels(t, ch, alice)).toEqual([
    [a, 3],
    [b, 2],
  ]);
  const events = await eventsDuring(t, () => ban(ch, u[4], alice));
  expect(events.map((e) => e.eventType)).toEqual(['DELETE_CHANNEL_MEMBERSHIP', 'UPDATE_CHANNEL_MEMBERSHIP']);
  const [deleted, moved] = events;
  expect(deleted.payload).toMatchObject({ Member: { Arn: u[4] }, SubChannelId: b });
  expect(sorted(deleted.recipients)).toEqual(sorted([u[4], u[5]]));
  expect(moved.payload).toMatchObject({ ChannelArn: ch, Member: { Arn: u[5] }, SubChannelId: a });
  expect(moved.recipients).toEqual([u[5]]);
  expect(await listSubChannels(t, ch, alice)).toEqual([[a, 4]]);
  const { ChannelMembership } = await t.messaging.send(new DescribeChannelMembershipCommand({ ChannelArn: ch, MemberArn: u[5], ChimeBearer: alice }));
  expect(ChannelMembership!.SubChannelId).toBe(a);
  await expect(addMember(ch, u[4], alice)).rejects.toBeInstanceOf(ForbiddenException);
});

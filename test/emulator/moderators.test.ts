import {
  BadRequestException,
  ConflictException,
  CreateChannelBanCommand,
  CreateChannelMembershipCommand,
  CreateChannelModeratorCommand,
  DeleteChannelModeratorCommand,
  DescribeChannelMembershipCommand,
  DescribeChannelModeratorCommand,
  ForbiddenException,
  ListChannelMembershipsCommand,
  ListChannelModeratorsCommand,
  NotFoundException,
} from '@aws-sdk/client-chime-sdk-messaging';
import { addMember as add, ChannelScene, createNamedUsers, createUnevenElasticChannel, eventsDuring, listSubChannels, sorted, useChannelScene } from '../support/channels';
import { allPages, createWorld, TestChime, TestWorld } from '../support/local-chime';

let t: TestChime, world: TestWorld, alice: string, bob: string, carol: string, admin: string;
let channel: ChannelScene['channel'], addMember: ChannelScene['addMember'];
useChannelScene((scene) => ({ t, world, alice, bob, carol, admin, channel, addMember } = scene));

const addModerator = (channelArn: string, moderatorArn: string, bearer: string) =>
  t.messaging.send(new CreateChannelModeratorCommand({ ChannelArn: channelArn, ChannelModeratorArn: moderatorArn, ChimeBearer: bearer }));
const removeModerator = (channelArn: string, moderatorArn: string, bearer: string) =>
  t.messaging.send(new DeleteChannelModeratorCommand({ ChannelArn: channelArn, ChannelModeratorArn: moderatorArn, ChimeBearer: bearer }));

const moderatorArns = (channelArn: string, bearer: string): Promise<string[]> =>
  allPages(
    (NextToken) => t.messaging.send(new ListChannelModeratorsCommand({ ChannelArn: channelArn, ChimeBearer: bearer, NextToken })),
    (page) => page.ChannelModerators!.map((m) => m.Moderator!.Arn!),
  );

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
  // In a standard channel the promoted member stays a member.
  expect(ChannelMemberships!.map((m) => m.Member!.Arn)).toContain(bob);
});

test('CreateChannelModerator makes a moderator without making a member, and publishes no event', async () => {
  const ch = await channel(alice);
  const events = await eventsDuring(t, () => addModerator(ch, carol, admin));
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
  // In a standard channel the former moderator stays a member.
  const { ChannelMembership } = await t.messaging.send(new DescribeChannelMembershipCommand({ ChannelArn: ch, MemberArn: bob, ChimeBearer: alice }));
  expect(ChannelMembership!.Member!.Arn).toBe(bob);
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
  const users = await createNamedUsers(t, world, 'mod', 6);
  for (const arn of users) await addModerator(ch, arn, alice);
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

describe('moderators of elastic channels', () => {
  /** An elastic channel of alice's whose six fresh members fill sub-channels a (3, after one left) and b (2, the minimum). */
  const elasticWithMembers = (prefix: string) => createUnevenElasticChannel(t, world, alice, prefix);

  const describeMembership = (ch: string, member: string) =>
    t.messaging.send(new DescribeChannelMembershipCommand({ ChannelArn: ch, MemberArn: member, ChimeBearer: alice }));

  test('CreateChannelModerator of a member of an elastic channel ends its membership and rebalances its sub-channel', async () => {
    const { ch, u, a, b } = await elasticWithMembers('promoted');
    const events = await eventsDuring(t, () => addModerator(ch, u[4], alice));
    // b falls to 1 member and a has room: u05 moves to a, b closes.
    expect(events.map((e) => e.eventType)).toEqual(['DELETE_CHANNEL_MEMBERSHIP', 'UPDATE_CHANNEL_MEMBERSHIP']);
    const [deleted, moved] = events;
    expect(deleted.payload).toMatchObject({ Member: { Arn: u[4] }, SubChannelId: b });
    expect(sorted(deleted.recipients)).toEqual(sorted([u[4], u[5]]));
    expect(moved.payload).toMatchObject({ Member: { Arn: u[5] }, SubChannelId: a });
    expect(moved.recipients).toEqual([u[5]]);
    await expect(describeMembership(ch, u[4])).rejects.toBeInstanceOf(NotFoundException);
    expect(await listSubChannels(t, ch, alice)).toEqual([[a, 4]]);
    expect(await moderatorArns(ch, alice)).toEqual([alice, u[4]]);
    // As a moderator it now joins the sub-channels it names.
    expect((await add(t, ch, u[4], alice, 'DEFAULT', a)).SubChannelId).toBe(a);
    expect(await listSubChannels(t, ch, alice)).toEqual([[a, 5]]);
  });

  test('DeleteChannelModerator of an elastic channel ends the former moderator\'s membership in every sub-channel', async () => {
    const { ch, u, a, b } = await elasticWithMembers('demoted');
    await addModerator(ch, bob, alice);
    await add(t, ch, bob, alice, 'DEFAULT', a);
    await add(t, ch, bob, alice, 'DEFAULT', b);
    expect(await listSubChannels(t, ch, alice)).toEqual([
      [a, 4],
      [b, 3],
    ]);
    const events = await eventsDuring(t, () => removeModerator(ch, bob, alice));
    expect(events.map((e) => [e.eventType, (e.payload.Member as { Arn: string }).Arn, e.payload.SubChannelId])).toEqual([
      ['DELETE_CHANNEL_MEMBERSHIP', bob, a],
      ['DELETE_CHANNEL_MEMBERSHIP', bob, b],
    ]);
    expect(sorted(events[1].recipients)).toEqual(sorted([u[4], u[5], bob]));
    await expect(describeMembership(ch, bob)).rejects.toBeInstanceOf(NotFoundException);
    expect(await listSubChannels(t, ch, alice)).toEqual([
      [a, 3],
      [b, 2],
    ]);
    // As a regular member it is placed by the service again: in the least-full sub-channel.
    expect((await add(t, ch, bob, alice)).SubChannelId).toBe(b);
  });

  test('DeleteChannelModerator of someone who is no moderator of an elastic channel leaves its membership alone', async () => {
    const { ch, u, a } = await elasticWithMembers('kept');
    const events = await eventsDuring(t, () => removeModerator(ch, u[1], alice));
    expect(events).toEqual([]);
    expect((await describeMembership(ch, u[1])).ChannelMembership!.SubChannelId).toBe(a);
  });
});

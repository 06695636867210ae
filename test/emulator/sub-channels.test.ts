import {
  BadRequestException,
  BatchCreateChannelMembershipCommand,
  CreateChannelBanCommand,
  CreateChannelModeratorCommand,
  DescribeChannelMembershipCommand,
  ForbiddenException,
  ListChannelMembershipsCommand,
  ListSubChannelsCommand,
  NotFoundException,
  ResourceLimitExceededException,
  type BatchCreateChannelMembershipCommandOutput,
  type ElasticChannelConfiguration,
} from '@aws-sdk/client-chime-sdk-messaging';
import {
  addMember,
  createChannel,
  createElasticChannel,
  createNamedUsers,
  eventsDuring,
  fillElasticChannel,
  listSubChannels,
  removeMember,
  sorted,
  useChannelScene,
} from '../support/channels';
import { allPages, TestChime, TestWorld } from '../support/local-chime';

let t: TestChime, world: TestWorld, alice: string, bob: string, admin: string;
useChannelScene((scene) => ({ t, world, alice, bob, admin } = scene));
/** Users with no role anywhere, u00..u13, to fill elastic channels with. */
let u: string[];
beforeAll(async () => {
  u = await createNamedUsers(t, world, 'u', 14);
});

/** An elastic channel created by alice, who becomes its moderator (and no member); SMALL_ELASTIC unless `config` is given. */
const elastic = (config?: ElasticChannelConfiguration) => createElasticChannel(t, world, alice, config);
const join = (ChannelArn: string, MemberArn: string, SubChannelId?: string) => addMember(t, ChannelArn, MemberArn, alice, 'DEFAULT', SubChannelId);
const leave = (ChannelArn: string, MemberArn: string, SubChannelId?: string) => removeMember(t, ChannelArn, MemberArn, alice, SubChannelId);
/** Adds members one by one and returns the SubChannelId each got. */
const fill = (channelArn: string, members: string[]) => fillElasticChannel(t, channelArn, alice, members);
/** Every sub-channel as `id -> MembershipCount`, in ListSubChannels order, following NextToken. */
const subChannels = (channelArn: string, bearer = alice, maxResults?: number) => listSubChannels(t, channelArn, bearer, maxResults);

/** The sub-channel a member is in, as DescribeChannelMembership says. */
async function subChannelOf(channelArn: string, member: string): Promise<string | undefined> {
  const out = await t.messaging.send(new DescribeChannelMembershipCommand({ ChannelArn: channelArn, MemberArn: member, ChimeBearer: alice }));
  return out.ChannelMembership!.SubChannelId;
}

/** Member ARNs of one sub-channel (both membership types), following NextToken. */
async function membersOf(channelArn: string, subChannelId: string): Promise<string[]> {
  const arns = await allPages(
    (NextToken) =>
      t.messaging.send(
        new ListChannelMembershipsCommand({ ChannelArn: channelArn, ChimeBearer: alice, SubChannelId: subChannelId, Type: 'HIDDEN', NextToken }),
      ),
    (page) => page.ChannelMemberships!.map((m) => m.Member!.Arn!),
  );
  return sorted(arns);
}

describe('elastic membership placement', () => {
  test('CreateChannelMembership places a member of an elastic channel in a new sub-channel and returns its SubChannelId', async () => {
    const ch = await elastic();
    expect(await subChannels(ch)).toEqual([]);
    const out = await join(ch, u[0]);
    expect(out.SubChannelId).toMatch(/^[-_a-zA-Z0-9]{1,128}$/);
    expect(await subChannelOf(ch, u[0])).toBe(out.SubChannelId);
    expect(await subChannels(ch)).toEqual([[out.SubChannelId, 1]]);
  });

  test('CreateChannelMembership fills a sub-channel to TargetMembershipsPerSubChannel, then opens the next', async () => {
    const ch = await elastic();
    const ids = await fill(ch, u.slice(0, 9));
    const [a, b, c] = [ids[0], ids[4], ids[8]];
    expect(new Set([a, b, c]).size).toBe(3);
    expect(ids).toEqual([a, a, a, a, b, b, b, b, c]);
    expect(await subChannels(ch)).toEqual([
      [a, 4],
      [b, 4],
      [c, 1],
    ]);
  });

  test('CreateChannelMembership into a full elastic channel is ResourceLimitExceeded', async () => {
    const ch = await elastic({ MaximumSubChannels: 2, TargetMembershipsPerSubChannel: 2, MinimumMembershipPercentage: 1 });
    await fill(ch, u.slice(0, 4));
    await expect(join(ch, u[4])).rejects.toMatchObject({
      name: 'ResourceLimitExceededException',
      message: expect.stringContaining('MaximumSubChannels 2'),
    });
    await expect(join(ch, u[4])).rejects.toBeInstanceOf(ResourceLimitExceededException);
    expect(await subChannels(ch)).toHaveLength(2);
  });

  test('CreateChannelMembership puts a new member in the least-full sub-channel, the oldest on a tie', async () => {
    const ch = await elastic();
    const ids = await fill(ch, u.slice(0, 9));
    const [a, c] = [ids[0], ids[8]];
    await leave(ch, u[0]);
    await leave(ch, u[1]);
    // a: 2, b: 4, c: 1
    expect((await join(ch, u[9])).SubChannelId).toBe(c);
    // a: 2, b: 4, c: 2
    expect((await join(ch, u[10])).SubChannelId).toBe(a);
  });

  test('CreateChannelMembership of an existing member changes nothing and returns its sub-channel', async () => {
    const ch = await elastic();
    const [first] = await fill(ch, [u[0]]);
    const events = await eventsDuring(t, () => join(ch, u[0]));
    expect(events).toEqual([]);
    expect((await join(ch, u[0])).SubChannelId).toBe(first);
    expect(await subChannels(ch)).toEqual([[first, 1]]);
  });

  test('CreateChannelMembership with a SubChannelId for a regular member is a BadRequest', async () => {
    const ch = await elastic();
    const [a] = await fill(ch, [u[0]]);
    await expect(join(ch, u[1], a)).rejects.toMatchObject({ name: 'BadRequestException', message: expect.stringContaining('service chooses') });
  });

  test('CreateChannelMembership publishes CREATE_CHANNEL_MEMBERSHIP with SubChannelId to the new member sub-channel only', async () => {
    const ch = await elastic();
    const ids = await fill(ch, u.slice(0, 4));
    const events = await eventsDuring(t, () => join(ch, u[4]));
    expect(events).toHaveLength(1);
    const [event] = events;
    const b = (await subChannelOf(ch, u[4]))!;
    expect(b).not.toBe(ids[0]);
    expect(event).toMatchObject({ eventType: 'CREATE_CHANNEL_MEMBERSHIP', messageType: 'SYSTEM', channelArn: ch });
    expect(event.payload).toMatchObject({ ChannelArn: ch, Member: { Arn: u[4], Name: 'u04' }, InvitedBy: { Arn: alice }, SubChannelId: b });
    expect(event.recipients).toEqual([u[4]]);

    const next = await eventsDuring(t, () => join(ch, u[5]));
    expect(sorted(next[0].recipients)).toEqual(sorted([u[4], u[5]]));
  });
});

describe('BatchCreateChannelMembership in elastic channels', () => {
  test('BatchCreateChannelMembership publishes one CREATE_CHANNEL_MEMBERSHIP per member and no batch event', async () => {
    const ch = await elastic();
    let out: BatchCreateChannelMembershipCommandOutput | undefined;
    const events = await eventsDuring(t, async () => {
      out = await t.messaging.send(new BatchCreateChannelMembershipCommand({ ChannelArn: ch, MemberArns: u.slice(0, 3), ChimeBearer: alice }));
    });
    expect(events.map((e) => e.eventType)).toEqual(['CREATE_CHANNEL_MEMBERSHIP', 'CREATE_CHANNEL_MEMBERSHIP', 'CREATE_CHANNEL_MEMBERSHIP']);
    expect(events.map((e) => (e.payload.Member as { Arn: string }).Arn)).toEqual(u.slice(0, 3));
    const [[a, count]] = await subChannels(ch);
    expect(count).toBe(3);
    expect(events.every((e) => e.payload.SubChannelId === a)).toBe(true);
    expect(out!.BatchChannelMemberships).toMatchObject({ ChannelArn: ch, SubChannelId: a, Type: 'DEFAULT' });
    expect(out!.BatchChannelMemberships!.Members!.map((m) => m.Arn)).toEqual(u.slice(0, 3));
    expect(out!.Errors).toEqual([]);
  });

  test('BatchCreateChannelMembership spreads members over sub-channels and reports those beyond capacity as ResourceLimitExceeded', async () => {
    const ch = await elastic({ MaximumSubChannels: 2, TargetMembershipsPerSubChannel: 2, MinimumMembershipPercentage: 1 });
    const out = await t.messaging.send(new BatchCreateChannelMembershipCommand({ ChannelArn: ch, MemberArns: u.slice(0, 6), ChimeBearer: alice }));
    expect(out.BatchChannelMemberships!.Members!.map((m) => m.Arn)).toEqual(u.slice(0, 4));
    // Members landed in two sub-channels, so the single SubChannelId of the output is left out.
    expect(out.BatchChannelMemberships!.SubChannelId).toBeUndefined();
    expect(out.Errors).toEqual([
      { MemberArn: u[4], ErrorCode: 'ResourceLimitExceeded', ErrorMessage: expect.stringContaining('is full') },
      { MemberArn: u[5], ErrorCode: 'ResourceLimitExceeded', ErrorMessage: expect.stringContaining('is full') },
    ]);
    expect((await subChannels(ch)).map(([, n]) => n)).toEqual([2, 2]);
  });
});

describe('elastic membership balancing on leave', () => {
  test('DeleteChannelMembership merges a sub-channel below the minimum into the others, with UPDATE_CHANNEL_MEMBERSHIP to each moved member only', async () => {
    const ch = await elastic();
    const ids = await fill(ch, u.slice(0, 9));
    const [a, b, c] = [ids[0], ids[4], ids[8]];
    await leave(ch, u[4]);
    await leave(ch, u[5]);
    // a: 4, b: 2 (the minimum, so it stays), c: 1
    expect(await subChannels(ch)).toEqual([
      [a, 4],
      [b, 2],
      [c, 1],
    ]);
    const events = await eventsDuring(t, () => leave(ch, u[6]));
    // b fell to 1 < 2 and c has room for it: u07 moves to c and b closes.
    expect(events.map((e) => e.eventType)).toEqual(['DELETE_CHANNEL_MEMBERSHIP', 'UPDATE_CHANNEL_MEMBERSHIP']);
    const [deleted, moved] = events;
    expect(deleted.payload).toMatchObject({ Member: { Arn: u[6] }, SubChannelId: b });
    expect(sorted(deleted.recipients)).toEqual(sorted([u[6], u[7]]));
    expect(moved.payload).toMatchObject({ ChannelArn: ch, Member: { Arn: u[7], Name: 'u07' }, SubChannelId: c, Type: 'DEFAULT' });
    expect(moved.recipients).toEqual([u[7]]);
    expect(await subChannelOf(ch, u[7])).toBe(c);
    expect(await subChannels(ch)).toEqual([
      [a, 4],
      [c, 2],
    ]);
    expect(await membersOf(ch, c)).toEqual(sorted([u[7], u[8]]));
  });

  test('DeleteChannelMembership spreads the members of a merged sub-channel over the least-full others', async () => {
    const ch = await elastic({ MaximumSubChannels: 3, TargetMembershipsPerSubChannel: 5, MinimumMembershipPercentage: 40 });
    // min = 2. a: 5, b: 5, c: 3; then a and b lose 2 each: a: 3, b: 3.
    await fill(ch, u.slice(0, 13));
    const [a, b, c] = (await subChannels(ch)).map(([id]) => id);
    for (const m of [u[0], u[1], u[5], u[6]]) await leave(ch, m);
    await leave(ch, u[10]);
    // c: 2, still at the minimum.
    expect(await subChannels(ch)).toEqual([
      [a, 3],
      [b, 3],
      [c, 2],
    ]);
    const events = await eventsDuring(t, () => leave(ch, u[11]));
    // c fell to 1: u12 goes to the least-full other (a and b tie at 3: the oldest, a).
    expect(events.filter((e) => e.eventType === 'UPDATE_CHANNEL_MEMBERSHIP').map((e) => e.payload.SubChannelId)).toEqual([a]);
    expect(await subChannels(ch)).toEqual([
      [a, 4],
      [b, 3],
    ]);
  });

  test('DeleteChannelMembership keeps a sub-channel below the minimum while the others have no room', async () => {
    const ch = await elastic();
    const ids = await fill(ch, u.slice(0, 10));
    const [a, b, c] = [ids[0], ids[4], ids[8]];
    // a: 4, b: 4, c: 2 -> c: 1, and a and b are full.
    const events = await eventsDuring(t, () => leave(ch, u[8]));
    expect(events.map((e) => e.eventType)).toEqual(['DELETE_CHANNEL_MEMBERSHIP']);
    expect(await subChannels(ch)).toEqual([
      [a, 4],
      [b, 4],
      [c, 1],
    ]);
  });

  test('DeleteChannelMembership of the last member of a sub-channel closes it', async () => {
    const ch = await elastic();
    const [a] = await fill(ch, [u[0]]);
    await leave(ch, u[0]);
    expect(await subChannels(ch)).toEqual([]);
    const [next] = await fill(ch, [u[1]]);
    expect(next).not.toBe(a);
  });

  test('DeleteChannelMembership with a SubChannelId for a regular member is a BadRequest', async () => {
    const ch = await elastic();
    const [a] = await fill(ch, [u[0]]);
    await expect(leave(ch, u[0], a)).rejects.toMatchObject({ name: 'BadRequestException', message: expect.stringContaining('regular member') });
    expect(await subChannelOf(ch, u[0])).toBe(a);
  });

  test('DeleteChannelMembership by the member itself publishes DELETE_CHANNEL_MEMBERSHIP to its sub-channel only', async () => {
    const ch = await elastic();
    await fill(ch, u.slice(0, 6));
    const events = await eventsDuring(t, () => removeMember(t, ch, u[0], u[0]));
    expect(events).toHaveLength(1);
    expect(sorted(events[0].recipients)).toEqual(sorted(u.slice(0, 4)));
  });

  test('CreateChannelBan of an elastic member tells its sub-channel only and closes an emptied sub-channel', async () => {
    const ch = await elastic();
    await fill(ch, u.slice(0, 5));
    const events = await eventsDuring(t, () => t.messaging.send(new CreateChannelBanCommand({ ChannelArn: ch, MemberArn: u[4], ChimeBearer: alice })));
    expect(events.map((e) => e.eventType)).toEqual(['DELETE_CHANNEL_MEMBERSHIP']);
    expect(events[0].recipients).toEqual([u[4]]);
    expect((await subChannels(ch)).map(([, n]) => n)).toEqual([4]);
  });
});

describe('moderators in elastic channels', () => {
  /** An elastic channel with members u00..u05 in sub-channels a (4) and b (2), and bob as a channel moderator. */
  async function moderated(): Promise<{ ch: string; a: string; b: string }> {
    const ch = await elastic();
    const ids = await fill(ch, u.slice(0, 6));
    await t.messaging.send(new CreateChannelModeratorCommand({ ChannelArn: ch, ChannelModeratorArn: bob, ChimeBearer: alice }));
    return { ch, a: ids[0], b: ids[4] };
  }

  test('CreateChannelMembership of a moderator without a SubChannelId is a BadRequest', async () => {
    const { ch } = await moderated();
    await expect(join(ch, bob)).rejects.toMatchObject({ name: 'BadRequestException', message: expect.stringContaining('SubChannelId is required') });
  });

  test('CreateChannelMembership of a moderator into an unknown sub-channel is NotFound', async () => {
    const { ch } = await moderated();
    await expect(join(ch, bob, 'no-such-sub-channel')).rejects.toBeInstanceOf(NotFoundException);
  });

  test('CreateChannelMembership adds a moderator to several sub-channels, each with its own event', async () => {
    const { ch, a, b } = await moderated();
    const events = await eventsDuring(t, async () => {
      expect((await join(ch, bob, a)).SubChannelId).toBe(a);
      expect((await join(ch, bob, b)).SubChannelId).toBe(b);
    });
    expect(events.map((e) => [e.eventType, e.payload.SubChannelId])).toEqual([
      ['CREATE_CHANNEL_MEMBERSHIP', a],
      ['CREATE_CHANNEL_MEMBERSHIP', b],
    ]);
    expect(sorted(events[1].recipients)).toEqual(sorted([u[4], u[5], bob]));
    expect(await membersOf(ch, a)).toEqual(sorted([...u.slice(0, 4), bob]));
    expect(await membersOf(ch, b)).toEqual(sorted([u[4], u[5], bob]));
    expect(await subChannels(ch)).toEqual([
      [a, 5],
      [b, 3],
    ]);
    const described = await t.messaging.send(new DescribeChannelMembershipCommand({ ChannelArn: ch, MemberArn: bob, ChimeBearer: alice, SubChannelId: b }));
    expect(described.ChannelMembership).toMatchObject({ Member: { Arn: bob }, SubChannelId: b });
  });

  test('moderators do not count towards TargetMembershipsPerSubChannel', async () => {
    const { ch, a, b } = await moderated();
    await join(ch, bob, b);
    await fill(ch, [u[6], u[7]]);
    expect(await subChannels(ch)).toEqual([
      [a, 4],
      [b, 5],
    ]);
  });

  test('CreateChannelMembership of a regular member made moderator joins the sub-channel it names, and no longer its old one', async () => {
    const { ch, a, b } = await moderated();
    // Promotion ends the regular membership in a (moderators.ts), so u00 is in no sub-channel until it names one.
    await t.messaging.send(new CreateChannelModeratorCommand({ ChannelArn: ch, ChannelModeratorArn: u[0], ChimeBearer: alice }));
    await expect(join(ch, u[0])).rejects.toMatchObject({ name: 'BadRequestException', message: expect.stringContaining('SubChannelId is required') });
    expect((await join(ch, u[0], b)).SubChannelId).toBe(b);
    expect(await membersOf(ch, a)).toEqual(sorted(u.slice(1, 4)));
    expect(await membersOf(ch, b)).toEqual(sorted([u[0], u[4], u[5]]));
  });

  test('DescribeChannelMembership with a SubChannelId the member is not in is NotFound', async () => {
    const { ch, a, b } = await moderated();
    await join(ch, bob, a);
    await expect(
      t.messaging.send(new DescribeChannelMembershipCommand({ ChannelArn: ch, MemberArn: bob, ChimeBearer: alice, SubChannelId: b })),
    ).rejects.toBeInstanceOf(NotFoundException);
    await expect(
      t.messaging.send(new DescribeChannelMembershipCommand({ ChannelArn: ch, MemberArn: u[0], ChimeBearer: alice, SubChannelId: b })),
    ).rejects.toBeInstanceOf(NotFoundException);
  });

  test('DeleteChannelMembership of a moderator with a SubChannelId leaves that sub-channel only, and without one leaves all', async () => {
    const { ch, a, b } = await moderated();
    await join(ch, bob, a);
    await join(ch, bob, b);
    const one = await eventsDuring(t, () => leave(ch, bob, a));
    expect(one.map((e) => [e.eventType, e.payload.SubChannelId])).toEqual([['DELETE_CHANNEL_MEMBERSHIP', a]]);
    expect(await membersOf(ch, a)).not.toContain(bob);
    expect(await subChannelOf(ch, bob)).toBeUndefined();
    await join(ch, bob, a);
    const all = await eventsDuring(t, () => leave(ch, bob));
    expect(all.map((e) => e.payload.SubChannelId).sort()).toEqual([a, b].sort());
    await expect(t.messaging.send(new DescribeChannelMembershipCommand({ ChannelArn: ch, MemberArn: bob, ChimeBearer: alice }))).rejects.toBeInstanceOf(
      NotFoundException,
    );
    expect(await subChannels(ch)).toEqual([
      [a, 4],
      [b, 2],
    ]);
  });

  test('a sub-channel merged away ends the memberships of the moderators in it', async () => {
    const { ch, a, b } = await moderated();
    await leave(ch, u[0]);
    await join(ch, bob, b);
    // a: 3, b: 2 + bob. b falls to 1 and a has room: u05 moves to a, b closes, bob is out of it.
    const events = await eventsDuring(t, () => leave(ch, u[4]));
    expect(events.map((e) => [e.eventType, (e.payload.Member as { Arn: string }).Arn, e.payload.SubChannelId])).toEqual([
      ['DELETE_CHANNEL_MEMBERSHIP', u[4], b],
      ['UPDATE_CHANNEL_MEMBERSHIP', u[5], a],
      ['DELETE_CHANNEL_MEMBERSHIP', bob, b],
    ]);
    expect(events[2].recipients).toEqual([bob]);
    expect(await subChannels(ch)).toEqual([[a, 4]]);
  });
});

describe('ListSubChannels', () => {
  test('ListSubChannels pages with MaxResults and NextToken without gap or repeat', async () => {
    const ch = await elastic({ MaximumSubChannels: 10, TargetMembershipsPerSubChannel: 2, MinimumMembershipPercentage: 1 });
    await fill(ch, u.slice(0, 9));
    const first = await t.messaging.send(new ListSubChannelsCommand({ ChannelArn: ch, ChimeBearer: alice, MaxResults: 2 }));
    expect(first.SubChannels).toHaveLength(2);
    expect(first.NextToken).toBeDefined();
    const paged = await subChannels(ch, alice, 2);
    expect(paged.map(([, n]) => n)).toEqual([2, 2, 2, 2, 1]);
    expect(new Set(paged.map(([id]) => id)).size).toBe(5);
    expect(paged).toEqual(await subChannels(ch, alice, 50));
  });

  test('ListSubChannels is for AppInstanceAdmins and moderators only', async () => {
    const ch = await elastic();
    await fill(ch, [u[0]]);
    expect(await subChannels(ch, admin)).toHaveLength(1);
    await expect(t.messaging.send(new ListSubChannelsCommand({ ChannelArn: ch, ChimeBearer: u[0] }))).rejects.toBeInstanceOf(ForbiddenException);
  });

  test('ListSubChannels of a standard channel is a BadRequest', async () => {
    const ChannelArn = await createChannel(t, world, alice, { Name: 'plain' });
    await expect(t.messaging.send(new ListSubChannelsCommand({ ChannelArn, ChimeBearer: alice }))).rejects.toMatchObject({
      name: 'BadRequestException',
      message: expect.stringContaining('elastic'),
    });
  });

  test('ListSubChannels refuses MaxResults above 50 and a foreign NextToken', async () => {
    const ch = await elastic({ MaximumSubChannels: 5, TargetMembershipsPerSubChannel: 2, MinimumMembershipPercentage: 1 });
    const other = await elastic({ MaximumSubChannels: 5, TargetMembershipsPerSubChannel: 2, MinimumMembershipPercentage: 1 });
    await fill(ch, u.slice(0, 3));
    await expect(t.messaging.send(new ListSubChannelsCommand({ ChannelArn: ch, ChimeBearer: alice, MaxResults: 51 }))).rejects.toBeInstanceOf(
      BadRequestException,
    );
    const { NextToken } = await t.messaging.send(new ListSubChannelsCommand({ ChannelArn: ch, ChimeBearer: alice, MaxResults: 1 }));
    await expect(t.messaging.send(new ListSubChannelsCommand({ ChannelArn: other, ChimeBearer: alice, NextToken }))).rejects.toBeInstanceOf(
      BadRequestException,
    );
  });
});

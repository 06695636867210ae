import {
  BadRequestException,
  BatchCreateChannelMembershipCommand,
  ChannelMembershipType,
  CreateChannelBanCommand,
  CreateChannelMembershipCommand,
  DeleteChannelMembershipCommand,
  DescribeChannelMembershipCommand,
  DescribeChannelMembershipForAppInstanceUserCommand,
  ForbiddenException,
  ListChannelMembershipsCommand,
  ListChannelMembershipsForAppInstanceUserCommand,
  NotFoundException,
  SendChannelMessageCommand,
  UpdateChannelReadMarkerCommand,
  type CreateChannelRequest,
} from '@aws-sdk/client-chime-sdk-messaging';
import { CreateAppInstanceBotCommand } from '@aws-sdk/client-chime-sdk-identity';
import { addMember, createChannel, createNamedUsers, eventsDuring, useChannelScene } from '../support/channels';
import { allPages, createWorld, TestChime, TestWorld } from '../support/local-chime';

let t: TestChime, world: TestWorld, alice: string, bob: string, carol: string, admin: string;
useChannelScene((scene) => ({ t, world, alice, bob, carol, admin } = scene));

const channel = (creator: string, settings?: Partial<CreateChannelRequest>) => createChannel(t, world, creator, settings);
const join = (channelArn: string, memberArn: string, bearer: string, type: ChannelMembershipType = 'DEFAULT') =>
  addMember(t, channelArn, memberArn, bearer, type);
const newUsers = (prefix: string, n: number) => createNamedUsers(t, world, prefix, n);

/** Every member ARN a bearer sees, following NextToken. */
const memberArns = (channelArn: string, bearer: string, type?: ChannelMembershipType): Promise<string[]> =>
  allPages(
    (NextToken) => t.messaging.send(new ListChannelMembershipsCommand({ ChannelArn: channelArn, ChimeBearer: bearer, Type: type, NextToken })),
    (page) => page.ChannelMemberships!.map((m) => m.Member!.Arn!),
  );

describe('CreateChannelMembership', () => {
  test('CreateChannelMembership adds a member and returns ChannelArn and Member', async () => {
    const ch = await channel(alice);
    const out = await join(ch, bob, alice);
    expect(out.ChannelArn).toBe(ch);
    expect(out.Member).toEqual({ Arn: bob, Name: 'bob' });
    expect(out.$metadata.httpStatusCode).toBe(201);
    expect(await memberArns(ch, alice)).toEqual([alice, bob]);
  });

  test('CreateChannelMembership publishes CREATE_CHANNEL_MEMBERSHIP to every member including the new one', async () => {
    const ch = await channel(alice, { MemberArns: [bob] });
    const events = await eventsDuring(t, () => join(ch, carol, alice));
    expect(events).toHaveLength(1);
    const [event] = events;
    expect(event).toMatchObject({ eventType: 'CREATE_CHANNEL_MEMBERSHIP', messageType: 'SYSTEM', channelArn: ch });
    expect([...event.recipients].sort()).toEqual([alice, bob, carol].sort());
    expect(event.payload).toMatchObject({
      ChannelArn: ch,
      Member: { Arn: carol, Name: 'carol' },
      InvitedBy: { Arn: alice, Name: 'alice' },
      Type: 'DEFAULT',
    });
    expect(event.payload.CreatedTimestamp).toMatch(/^\d{4}-\d{2}-\d{2}T/);
  });

  test('CreateChannelMembership of an existing member changes nothing and publishes nothing', async () => {
    const ch = await channel(alice, { MemberArns: [bob] });
    const before = await t.messaging.send(new DescribeChannelMembershipCommand({ ChannelArn: ch, MemberArn: bob, ChimeBearer: alice }));
    const events = await eventsDuring(t, () => join(ch, bob, admin));
    expect(events).toEqual([]);
    const after = await t.messaging.send(new DescribeChannelMembershipCommand({ ChannelArn: ch, MemberArn: bob, ChimeBearer: alice }));
    expect(after.ChannelMembership).toEqual(before.ChannelMembership);
  });

  test('CreateChannelMembership HIDDEN by a non-moderator is forbidden', async () => {
    const ch = await channel(alice, { MemberArns: [bob] });
    await expect(join(ch, carol, bob, 'HIDDEN')).rejects.toBeInstanceOf(ForbiddenException);
    await expect(join(ch, bob, bob, 'HIDDEN')).rejects.toBeInstanceOf(ForbiddenException);
    await join(ch, carol, alice, 'HIDDEN');
    const { ChannelMembership } = await t.messaging.send(new DescribeChannelMembershipCommand({ ChannelArn: ch, MemberArn: carol, ChimeBearer: bob }));
    expect(ChannelMembership!.Type).toBe('HIDDEN');
  });

  test('CreateChannelMembership to a RESTRICTED channel is only for moderators and admins', async () => {
    const ch = await channel(alice, { Mode: 'RESTRICTED', MemberArns: [bob] });
    await expect(join(ch, carol, bob)).rejects.toBeInstanceOf(ForbiddenException);
    await expect(join(ch, carol, carol)).rejects.toMatchObject({ name: 'ForbiddenException', message: expect.stringContaining('RESTRICTED') });
    await join(ch, carol, admin);
    expect(await memberArns(ch, alice)).toContain(carol);
  });

  test('CreateChannelMembership lets a member of an UNRESTRICTED channel add others', async () => {
    const ch = await channel(alice, { MemberArns: [bob] });
    const out = await join(ch, carol, bob);
    expect(out.Member!.Arn).toBe(carol);
    const { ChannelMembership } = await t.messaging.send(new DescribeChannelMembershipCommand({ ChannelArn: ch, MemberArn: carol, ChimeBearer: alice }));
    expect(ChannelMembership!.InvitedBy).toEqual({ Arn: bob, Name: 'bob' });
  });

  test('CreateChannelMembership lets a user join a PUBLIC UNRESTRICTED channel but not add others before joining', async () => {
    const ch = await channel(alice);
    await expect(join(ch, carol, bob)).rejects.toBeInstanceOf(ForbiddenException);
    await join(ch, bob, bob);
    await join(ch, carol, bob);
    expect(await memberArns(ch, alice)).toEqual([alice, bob, carol]);
  });

  test('CreateChannelMembership to a PRIVATE channel is only for moderators and admins', async () => {
    const ch = await channel(alice, { Privacy: 'PRIVATE', MemberArns: [bob] });
    await expect(join(ch, carol, carol)).rejects.toBeInstanceOf(ForbiddenException);
    await expect(join(ch, carol, bob)).rejects.toMatchObject({ name: 'ForbiddenException', message: expect.stringContaining('PRIVATE') });
    await join(ch, carol, alice);
    expect(await memberArns(ch, alice)).toContain(carol);
  });

  test('CreateChannelMembership of a banned user is forbidden, even to admins and to the user itself', async () => {
    const ch = await channel(alice);
    await t.messaging.send(new CreateChannelBanCommand({ ChannelArn: ch, MemberArn: carol, ChimeBearer: alice }));
    await expect(join(ch, carol, alice)).rejects.toMatchObject({ name: 'ForbiddenException', message: expect.stringContaining('banned') });
    await expect(join(ch, carol, admin)).rejects.toBeInstanceOf(ForbiddenException);
    await expect(join(ch, carol, carol)).rejects.toBeInstanceOf(ForbiddenException);
  });

  test('CreateChannelMembership of an identity outside the AppInstance is a BadRequest', async () => {
    const ch = await channel(alice);
    const other = await createWorld(t.identity, ['dave']);
    await expect(join(ch, other.users.dave, alice)).rejects.toBeInstanceOf(BadRequestException);
    await expect(join(ch, `${world.appInstanceArn}/user/nobody`, alice)).rejects.toMatchObject({
      name: 'BadRequestException',
      message: expect.stringContaining('MemberArn'),
    });
    // A bearer from another AppInstance is refused before anything else.
    await expect(join(ch, other.users.dave, other.users.dave)).rejects.toBeInstanceOf(ForbiddenException);
  });

  test('CreateChannelMembership adds an AppInstanceBot of the AppInstance', async () => {
    const ch = await channel(alice);
    const { AppInstanceBotArn } = await t.identity.send(
      new CreateAppInstanceBotCommand({
        AppInstanceArn: world.appInstanceArn,
        Name: 'helpbot',
        ClientRequestToken: 'bot-token-1',
        Configuration: { Lex: { LexBotAliasArn: 'arn:aws:lex:us-east-1:123456789012:bot-alias/ABCDEFGHIJ/KLMNOPQRST', LocaleId: 'en_US', RespondsTo: 'STANDARD_MESSAGES' } },
      }),
    );
    const out = await join(ch, AppInstanceBotArn!, alice);
    expect(out.Member).toEqual({ Arn: AppInstanceBotArn, Name: 'helpbot' });
  });

  test('CreateChannelMembership rejects a malformed MemberArn, an unknown Type and a SubChannelId on a standard channel', async () => {
    const ch = await channel(alice);
    await expect(join(ch, 'not-an-arn', alice)).rejects.toBeInstanceOf(BadRequestException);
    await expect(join(ch, bob, alice, 'SECRET' as ChannelMembershipType)).rejects.toMatchObject({
      name: 'BadRequestException',
      message: expect.stringContaining('Type'),
    });
    await expect(
      t.messaging.send(new CreateChannelMembershipCommand({ ChannelArn: ch, MemberArn: bob, Type: 'DEFAULT', SubChannelId: 'sub-1', ChimeBearer: alice })),
    ).rejects.toMatchObject({ name: 'BadRequestException', message: expect.stringContaining('elastic') });
  });

  test('CreateChannelMembership on a channel that does not exist is NotFound', async () => {
    await expect(join(`${world.appInstanceArn}/channel/missing`, bob, alice)).rejects.toBeInstanceOf(NotFoundException);
  });
});

describe('BatchCreateChannelMembership', () => {
  const batch = (channelArn: string, memberArns: string[], bearer: string, type?: ChannelMembershipType) =>
    t.messaging.send(new BatchCreateChannelMembershipCommand({ ChannelArn: channelArn, MemberArns: memberArns, Type: type, ChimeBearer: bearer }));

  test('BatchCreateChannelMembership adds members and publishes one BATCH_CREATE_CHANNEL_MEMBERSHIP event', async () => {
    const ch = await channel(alice);
    const events = await eventsDuring(t, async () => {
      const out = await batch(ch, [bob, carol], alice);
      expect(out.BatchChannelMemberships).toEqual({
        ChannelArn: ch,
        InvitedBy: { Arn: alice, Name: 'alice' },
        Type: 'DEFAULT',
        Members: [
          { Arn: bob, Name: 'bob' },
          { Arn: carol, Name: 'carol' },
        ],
      });
      expect(out.Errors ?? []).toEqual([]);
    });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      eventType: 'BATCH_CREATE_CHANNEL_MEMBERSHIP',
      channelArn: ch,
      payload: { ChannelArn: ch, InvitedBy: { Arn: alice, Name: 'alice' }, Type: 'DEFAULT', Members: [{ Arn: bob }, { Arn: carol }] },
    });
    expect([...events[0].recipients].sort()).toEqual([alice, bob, carol].sort());
    expect(await memberArns(ch, alice)).toEqual([alice, bob, carol]);
  });

  test('BatchCreateChannelMembership reports each failing member in Errors and adds the rest', async () => {
    const ch = await channel(alice);
    await t.messaging.send(new CreateChannelBanCommand({ ChannelArn: ch, MemberArn: carol, ChimeBearer: alice }));
    const unknown = `${world.appInstanceArn}/user/nobody`;
    const out = await batch(ch, [bob, carol, unknown], alice);
    expect(out.BatchChannelMemberships!.Members).toEqual([{ Arn: bob, Name: 'bob' }]);
    expect(out.Errors).toEqual([
      { MemberArn: carol, ErrorCode: 'Forbidden', ErrorMessage: expect.stringContaining('banned') },
      { MemberArn: unknown, ErrorCode: 'BadRequest', ErrorMessage: expect.stringContaining('not an AppInstanceUser') },
    ]);
    expect(await memberArns(ch, alice)).toEqual([alice, bob]);
  });

  test('BatchCreateChannelMembership by a non-member of a PUBLIC UNRESTRICTED channel adds only itself', async () => {
    const ch = await channel(alice);
    const out = await batch(ch, [bob, carol], bob);
    expect(out.BatchChannelMemberships!.Members).toEqual([{ Arn: bob, Name: 'bob' }]);
    expect(out.Errors).toEqual([{ MemberArn: carol, ErrorCode: 'Forbidden', ErrorMessage: expect.any(String) }]);
  });

  test('BatchCreateChannelMembership rejects more than 100 members', async () => {
    const ch = await channel(alice);
    const arns = Array.from({ length: 101 }, (_, i) => `${world.appInstanceArn}/user/u${i}`);
    await expect(batch(ch, arns, alice)).rejects.toMatchObject({ name: 'BadRequestException', message: expect.stringContaining('1..100') });
    await expect(batch(ch, [], alice)).rejects.toBeInstanceOf(BadRequestException);
  });

  test('BatchCreateChannelMembership HIDDEN by a non-moderator is forbidden', async () => {
    const ch = await channel(alice, { MemberArns: [bob] });
    await expect(batch(ch, [carol], bob, 'HIDDEN')).rejects.toBeInstanceOf(ForbiddenException);
    expect(await memberArns(ch, alice, 'HIDDEN')).toEqual([alice, bob]);
  });

  test('BatchCreateChannelMembership to a RESTRICTED channel is only for moderators and admins', async () => {
    const ch = await channel(alice, { Mode: 'RESTRICTED', MemberArns: [bob] });
    await expect(batch(ch, [carol], bob)).rejects.toBeInstanceOf(ForbiddenException);
    const out = await batch(ch, [carol], admin);
    expect(out.BatchChannelMemberships!.Members).toEqual([{ Arn: carol, Name: 'carol' }]);
  });
});

describe('DescribeChannelMembership', () => {
  test('DescribeChannelMembership returns Member, InvitedBy, Type and timestamps', async () => {
    const before = Date.now();
    const ch = await channel(alice);
    await join(ch, bob, alice);
    const { ChannelMembership } = await t.messaging.send(new DescribeChannelMembershipCommand({ ChannelArn: ch, MemberArn: bob, ChimeBearer: carol }));
    expect(ChannelMembership).toMatchObject({
      ChannelArn: ch,
      Member: { Arn: bob, Name: 'bob' },
      InvitedBy: { Arn: alice, Name: 'alice' },
      Type: 'DEFAULT',
    });
    expect(ChannelMembership!.CreatedTimestamp!.getTime()).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    expect(ChannelMembership!.LastUpdatedTimestamp).toBeInstanceOf(Date);
  });

  test('DescribeChannelMembership of a non-member is NotFound', async () => {
    const ch = await channel(alice);
    await expect(t.messaging.send(new DescribeChannelMembershipCommand({ ChannelArn: ch, MemberArn: bob, ChimeBearer: alice }))).rejects.toBeInstanceOf(
      NotFoundException,
    );
  });

  test('DescribeChannelMembership of a PRIVATE channel is only for members, moderators and admins', async () => {
    const ch = await channel(alice, { Privacy: 'PRIVATE', MemberArns: [bob] });
    const describe = (bearer: string) => t.messaging.send(new DescribeChannelMembershipCommand({ ChannelArn: ch, MemberArn: bob, ChimeBearer: bearer }));
    await expect(describe(carol)).rejects.toBeInstanceOf(ForbiddenException);
    await expect(describe(bob)).resolves.toBeDefined();
    await expect(describe(admin)).resolves.toBeDefined();
  });
});

describe('DeleteChannelMembership', () => {
  const leave = (channelArn: string, memberArn: string, bearer: string) =>
    t.messaging.send(new DeleteChannelMembershipCommand({ ChannelArn: channelArn, MemberArn: memberArn, ChimeBearer: bearer }));

  test('DeleteChannelMembership lets a member leave and the member sees its own removal', async () => {
    const ch = await channel(alice, { MemberArns: [bob, carol] });
    const events = await eventsDuring(t, async () => {
      const out = await leave(ch, bob, bob);
      expect(out.$metadata.httpStatusCode).toBe(204);
    });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ eventType: 'DELETE_CHANNEL_MEMBERSHIP', channelArn: ch, payload: { ChannelArn: ch, Member: { Arn: bob, Name: 'bob' } } });
    expect([...events[0].recipients].sort()).toEqual([alice, bob, carol].sort());
    expect(await memberArns(ch, alice)).toEqual([alice, carol]);
  });

  test('DeleteChannelMembership of another member is only for moderators and admins', async () => {
    const ch = await channel(alice, { MemberArns: [bob, carol] });
    await expect(leave(ch, carol, bob)).rejects.toBeInstanceOf(ForbiddenException);
    await leave(ch, carol, alice);
    await leave(ch, bob, admin);
    expect(await memberArns(ch, alice)).toEqual([alice]);
  });

  test('DeleteChannelMembership of a non-member succeeds and publishes nothing', async () => {
    const ch = await channel(alice);
    const events = await eventsDuring(t, () => leave(ch, bob, alice));
    expect(events).toEqual([]);
  });
});

describe('ListChannelMemberships', () => {
  test('ListChannelMemberships lists HIDDEN members only with the type filter', async () => {
    const ch = await channel(alice, { MemberArns: [bob] });
    await join(ch, carol, alice, 'HIDDEN');
    expect(await memberArns(ch, bob)).toEqual([alice, bob]);
    expect(await memberArns(ch, bob, 'DEFAULT')).toEqual([alice, bob]);
    // "Default members are always returned": the HIDDEN filter adds hidden members to them.
    expect(await memberArns(ch, bob, 'HIDDEN')).toEqual([alice, bob, carol]);
  });

  test('ListChannelMemberships of a PRIVATE channel is only for members, moderators and admins', async () => {
    const ch = await channel(alice, { Privacy: 'PRIVATE', MemberArns: [bob] });
    await expect(memberArns(ch, carol)).rejects.toBeInstanceOf(ForbiddenException);
    expect(await memberArns(ch, bob)).toEqual([alice, bob]);
    expect(await memberArns(ch, admin)).toEqual([alice, bob]);
    const publicChannel = await channel(alice);
    expect(await memberArns(publicChannel, carol)).toEqual([alice]);
  });

  test('ListChannelMemberships pages with no gap or duplicate while members come and go', async () => {
    const ch = await channel(alice);
    const users = await newUsers('pager', 11);
    await t.messaging.send(new BatchCreateChannelMembershipCommand({ ChannelArn: ch, MemberArns: users, ChimeBearer: alice }));
    const all = [alice, ...users];
    const first = await t.messaging.send(new ListChannelMembershipsCommand({ ChannelArn: ch, ChimeBearer: alice, MaxResults: 5 }));
    expect(first.ChannelMemberships!.map((m) => m.Member!.Arn)).toEqual(all.slice(0, 5));
    expect(first.NextToken).toEqual(expect.any(String));
    // Removing an already-served member must not shift the next page (an offset would skip one).
    await t.messaging.send(new DeleteChannelMembershipCommand({ ChannelArn: ch, MemberArn: users[0], ChimeBearer: alice }));
    const second = await t.messaging.send(new ListChannelMembershipsCommand({ ChannelArn: ch, ChimeBearer: alice, MaxResults: 5, NextToken: first.NextToken }));
    expect(second.ChannelMemberships!.map((m) => m.Member!.Arn)).toEqual(all.slice(5, 10));
    // A member who joins meanwhile sorts last, so the last page picks it up.
    await join(ch, bob, alice);
    const third = await t.messaging.send(new ListChannelMembershipsCommand({ ChannelArn: ch, ChimeBearer: alice, MaxResults: 5, NextToken: second.NextToken }));
    expect(third.ChannelMemberships!.map((m) => m.Member!.Arn)).toEqual([...all.slice(10), bob]);
    expect(third.NextToken).toBeUndefined();
  });

  test('ListChannelMemberships rejects a forged NextToken and a token of another listing', async () => {
    const ch = await channel(alice, { MemberArns: [bob, carol] });
    const { NextToken } = await t.messaging.send(new ListChannelMembershipsCommand({ ChannelArn: ch, ChimeBearer: alice, MaxResults: 1 }));
    expect(NextToken).toBeDefined();
    const [body, signature] = NextToken!.split('.');
    const forged = `${Buffer.from(JSON.stringify({ s: `ListChannelMemberships|${ch}|DEFAULT|`, p: [0, ''] })).toString('base64url')}.${signature}`;
    expect(forged.split('.')[0]).not.toBe(body);
    const list = (token: string, type?: ChannelMembershipType, channelArn = ch) =>
      t.messaging.send(new ListChannelMembershipsCommand({ ChannelArn: channelArn, ChimeBearer: alice, NextToken: token, Type: type }));
    await expect(list(forged)).rejects.toBeInstanceOf(BadRequestException);
    await expect(list('garbage')).rejects.toBeInstanceOf(BadRequestException);
    await expect(list(NextToken!, 'HIDDEN')).rejects.toBeInstanceOf(BadRequestException);
    await expect(list(NextToken!, undefined, await channel(alice))).rejects.toBeInstanceOf(BadRequestException);
    await expect(list(NextToken!)).resolves.toBeDefined();
  });

  test('ListChannelMemberships rejects MaxResults outside 1..50', async () => {
    const ch = await channel(alice);
    for (const MaxResults of [0, 51]) {
      await expect(t.messaging.send(new ListChannelMembershipsCommand({ ChannelArn: ch, ChimeBearer: alice, MaxResults }))).rejects.toMatchObject({
        name: 'BadRequestException',
        message: expect.stringContaining('MaxResults'),
      });
    }
  });
});

describe('memberships of an AppInstanceUser', () => {
  test('DescribeChannelMembershipForAppInstanceUser returns the channel summary, type and read marker', async () => {
    const ch = await channel(alice, { Name: 'general', Metadata: 'meta' });
    await join(ch, bob, alice, 'HIDDEN');
    await t.messaging.send(new SendChannelMessageCommand({ ChannelArn: ch, Content: 'hi', Type: 'STANDARD', Persistence: 'PERSISTENT', ChimeBearer: alice, ClientRequestToken: 'msg-1' }));
    await t.messaging.send(new UpdateChannelReadMarkerCommand({ ChannelArn: ch, ChimeBearer: bob }));
    const { ChannelMembership } = await t.messaging.send(
      new DescribeChannelMembershipForAppInstanceUserCommand({ ChannelArn: ch, AppInstanceUserArn: bob, ChimeBearer: bob }),
    );
    expect(ChannelMembership!.ChannelSummary).toMatchObject({ ChannelArn: ch, Name: 'general', Mode: 'UNRESTRICTED', Privacy: 'PUBLIC', Metadata: 'meta' });
    expect(ChannelMembership!.ChannelSummary!.LastMessageTimestamp).toBeInstanceOf(Date);
    expect(ChannelMembership!.AppInstanceUserMembershipSummary!.Type).toBe('HIDDEN');
    expect(ChannelMembership!.AppInstanceUserMembershipSummary!.ReadMarkerTimestamp).toBeInstanceOf(Date);
  });

  test('DescribeChannelMembershipForAppInstanceUser of another user is only for admins', async () => {
    const ch = await channel(alice, { MemberArns: [bob] });
    const describe = (bearer: string) =>
      t.messaging.send(new DescribeChannelMembershipForAppInstanceUserCommand({ ChannelArn: ch, AppInstanceUserArn: bob, ChimeBearer: bearer }));
    await expect(describe(alice)).rejects.toBeInstanceOf(ForbiddenException);
    const { ChannelMembership } = await describe(admin);
    expect(ChannelMembership!.AppInstanceUserMembershipSummary!.Type).toBe('DEFAULT');
    expect(ChannelMembership!.AppInstanceUserMembershipSummary!.ReadMarkerTimestamp).toBeUndefined();
  });

  test('DescribeChannelMembershipForAppInstanceUser of a channel the user does not belong to is NotFound', async () => {
    const ch = await channel(alice);
    await expect(
      t.messaging.send(new DescribeChannelMembershipForAppInstanceUserCommand({ ChannelArn: ch, AppInstanceUserArn: carol, ChimeBearer: carol })),
    ).rejects.toBeInstanceOf(NotFoundException);
  });

  test('ListChannelMembershipsForAppInstanceUser lists the bearer\'s channels, HIDDEN ones included, page by page', async () => {
    const [user] = await newUsers('member', 1);
    const channels: string[] = [];
    for (let i = 0; i < 3; i++) {
      const ch = await channel(alice, { Name: `room-${i}` });
      await join(ch, user, alice, i === 1 ? 'HIDDEN' : 'DEFAULT');
      channels.push(ch);
    }
    const seen: string[] = [];
    const types: string[] = [];
    let next: string | undefined;
    do {
      const page = await t.messaging.send(new ListChannelMembershipsForAppInstanceUserCommand({ ChimeBearer: user, MaxResults: 2, NextToken: next }));
      expect(page.ChannelMemberships!.length).toBeLessThanOrEqual(2);
      for (const m of page.ChannelMemberships!) {
        seen.push(m.ChannelSummary!.ChannelArn!);
        types.push(m.AppInstanceUserMembershipSummary!.Type!);
      }
      next = page.NextToken;
    } while (next);
    expect(seen).toEqual(channels);
    expect(types).toEqual(['DEFAULT', 'HIDDEN', 'DEFAULT']);
  });

  test('ListChannelMembershipsForAppInstanceUser of another user is only for admins', async () => {
    const ch = await channel(carol);
    const list = (bearer: string) => t.messaging.send(new ListChannelMembershipsForAppInstanceUserCommand({ AppInstanceUserArn: carol, ChimeBearer: bearer }));
    await expect(list(bob)).rejects.toBeInstanceOf(ForbiddenException);
    const { ChannelMemberships } = await list(admin);
    expect(ChannelMemberships!.map((m) => m.ChannelSummary!.ChannelArn)).toContain(ch);
    const other = await createWorld(t.identity, ['erin']);
    // An admin of another AppInstance has no say over this one.
    await expect(list(other.admin)).rejects.toBeInstanceOf(ForbiddenException);
  });

  test('ListChannelMembershipsForAppInstanceUser rejects a forged NextToken', async () => {
    await expect(
      t.messaging.send(new ListChannelMembershipsForAppInstanceUserCommand({ ChimeBearer: alice, NextToken: 'eyJzIjoiIn0.AAAAAAAAAAAAAAAAAAAAAA' })),
    ).rejects.toBeInstanceOf(BadRequestException);
  });
});

import {
  BadRequestException,
  ChannelMode,
  ChannelPrivacy,
  ConflictException,
  CreateChannelCommandInput,
  DeleteChannelCommand,
  DescribeChannelCommand,
  DescribeChannelModeratedByAppInstanceUserCommand,
  ForbiddenException,
  ListChannelsCommand,
  ListChannelsModeratedByAppInstanceUserCommand,
  NotFoundException,
  PutChannelExpirationSettingsCommand,
  SendChannelMessageCommand,
  UpdateChannelCommand,
} from '@aws-sdk/client-chime-sdk-messaging';
import { ChannelEvent } from '../../src/emulator/backend/events';
import { createChannel as newChannel } from '../support/channels';
import { allPages, createWorld, startTestChime, TestChime, TestWorld } from '../support/local-chime';

let t: TestChime;
let world: TestWorld;
let alice: string;
let bob: string;
let carol: string;
const events: ChannelEvent[] = [];

beforeAll(async () => {
  t = await startTestChime();
  world = await createWorld(t.identity);
  ({ alice, bob, carol } = world.users);
  t.chime.backend.events.subscribe((e) => events.push(e));
});
afterAll(() => t.close());

type ErrorClass = abstract new (...args: never[]) => Error;

/** Awaits a call that must fail with `type`, and a message matching `message` when given. */
async function expectError(call: Promise<unknown>, type: ErrorClass, message?: RegExp): Promise<void> {
  const err = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(type);
  if (message) expect((err as Error).message).toMatch(message);
}

/** Creates a channel named `general` in `w` as its alice (unless `input` names another ChimeBearer) and returns its ARN. */
const createChannel = (input: Partial<CreateChannelCommandInput> = {}, w: TestWorld = world): Promise<string> =>
  newChannel(t, w, w.users.alice, { Name: 'general', ...input });

const describe_ = (ChannelArn: string, ChimeBearer: string) => t.messaging.send(new DescribeChannelCommand({ ChannelArn, ChimeBearer }));

function membersOf(channelArn: string): string[] {
  return (t.chime.db.prepare('SELECT member_arn FROM channel_memberships WHERE channel_arn = ? ORDER BY member_arn').all(channelArn) as { member_arn: string }[]).map(
    (r) => r.member_arn,
  );
}

function moderatorsOf(channelArn: string): string[] {
  return (
    t.chime.db.prepare('SELECT moderator_arn FROM channel_moderators WHERE channel_arn = ? ORDER BY moderator_arn').all(channelArn) as { moderator_arn: string }[]
  ).map((r) => r.moderator_arn);
}

/** Sends one message as `sender` (alice by default). */
async function sendMessage(ChannelArn: string, sender: string = alice): Promise<void> {
  await t.messaging.send(new SendChannelMessageCommand({ ChannelArn, Content: 'hello', Type: 'STANDARD', Persistence: 'PERSISTENT', ChimeBearer: sender }));
}

/** The time SendChannelMessage recorded as the channel's last message, in ms. */
function lastMessageAt(channelArn: string): number {
  const { last_message_at } = t.chime.db.prepare('SELECT last_message_at FROM channels WHERE arn = ?').get(channelArn) as { last_message_at: number | null };
  expect(last_message_at).not.toBeNull();
  return last_message_at!;
}

const eventsOf = (channelArn: string, eventType: string) => events.filter((e) => e.channelArn === channelArn && e.eventType === eventType);

describe('CreateChannel', () => {
  test('CreateChannel returns an ARN under the AppInstance, UNRESTRICTED and PUBLIC by default', async () => {
    const before = Date.now();
    const arn = await createChannel({ Name: 'defaults', Metadata: 'm' });
    expect(arn).toMatch(new RegExp(`^${world.appInstanceArn}/channel/[0-9a-f-]{36}$`));
    const { Channel } = await describe_(arn, alice);
    expect(Channel).toMatchObject({
      ChannelArn: arn,
      Name: 'defaults',
      Mode: 'UNRESTRICTED',
      Privacy: 'PUBLIC',
      Metadata: 'm',
      CreatedBy: { Arn: alice, Name: 'alice' },
    });
    expect(Channel!.CreatedTimestamp!.getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(Channel!.LastUpdatedTimestamp).toEqual(Channel!.CreatedTimestamp);
    expect(Channel!.LastMessageTimestamp).toBeUndefined();
    expect(Channel!.ExpirationSettings).toBeUndefined();
  });

  test('CreateChannel makes the creator a member and a moderator', async () => {
    const arn = await createChannel();
    expect(membersOf(arn)).toEqual([alice]);
    expect(moderatorsOf(arn)).toEqual([alice]);
  });

  test('CreateChannel adds MemberArns as members and ModeratorArns as moderators only', async () => {
    const arn = await createChannel({ MemberArns: [bob], ModeratorArns: [carol] });
    expect(membersOf(arn)).toEqual([alice, bob].sort());
    expect(moderatorsOf(arn)).toEqual([alice, carol].sort());
  });

  test('CreateChannel with a ChannelId uses it in the ARN', async () => {
    const arn = await createChannel({ ChannelId: 'team.room-1' });
    expect(arn).toBe(`${world.appInstanceArn}/channel/team.room-1`);
  });

  test('CreateChannel with a ChannelId already used is a ConflictException', async () => {
    await createChannel({ ChannelId: 'taken' });
    await expectError(createChannel({ ChannelId: 'taken' }), ConflictException, /taken/);
  });

  test('CreateChannel with a ChannelId that breaks the pattern is a BadRequestException', async () => {
    await expectError(createChannel({ ChannelId: '-starts-with-dash' }), BadRequestException, /ChannelId/);
    await expectError(createChannel({ ChannelId: 'x'.repeat(65) }), BadRequestException, /ChannelId/);
  });

  test('CreateChannel with a repeated ClientRequestToken returns the first channel', async () => {
    const first = await createChannel({ Name: 'once', ClientRequestToken: 'token-once-1' });
    const count = () => (t.chime.db.prepare(`SELECT COUNT(*) AS n FROM channels WHERE name = 'once'`).get() as { n: number }).n;
    const created = eventsOf(first, 'CREATE_CHANNEL').length;
    const again = await createChannel({ Name: 'once', ClientRequestToken: 'token-once-1' });
    expect(again).toBe(first);
    expect(count()).toBe(1);
    expect(eventsOf(first, 'CREATE_CHANNEL')).toHaveLength(created);
  });

  test('CreateChannel with a repeated ClientRequestToken and other parameters is a ConflictException', async () => {
    await createChannel({ Name: 'one', ClientRequestToken: 'token-two-uses' });
    await expectError(createChannel({ Name: 'another', ClientRequestToken: 'token-two-uses' }), ConflictException, /ClientRequestToken/);
  });

  test('CreateChannel stores Tags', async () => {
    const arn = await createChannel({ Tags: [{ Key: 'team', Value: 'blue' }] });
    expect(t.chime.db.prepare('SELECT key, value FROM tags WHERE resource_arn = ?').all(arn)).toEqual([{ key: 'team', value: 'blue' }]);
  });

  test('CreateChannel stores ExpirationSettings, which DescribeChannel returns', async () => {
    const arn = await createChannel({ ExpirationSettings: { ExpirationCriterion: 'LAST_MESSAGE_TIMESTAMP', ExpirationDays: 7 } });
    const { Channel } = await describe_(arn, alice);
    expect(Channel!.ExpirationSettings).toEqual({ ExpirationCriterion: 'LAST_MESSAGE_TIMESTAMP', ExpirationDays: 7 });
  });

  test('CreateChannel with a Name of 0 or 257 characters is a BadRequestException naming Name', async () => {
    await expectError(createChannel({ Name: 'n'.repeat(257) }), BadRequestException, /Name must be 1\.\.256 characters long, got 257/);
    await expectError(createChannel({ Name: '' }), BadRequestException, /Name/);
  });

  test('CreateChannel with Metadata over 1024 bytes is a BadRequestException naming Metadata', async () => {
    await createChannel({ Metadata: 'm'.repeat(1024) });
    await expectError(createChannel({ Metadata: 'é'.repeat(513) }), BadRequestException, /Metadata must be at most 1024 bytes, got 1026/);
  });

  test('CreateChannel with an unknown Mode or Privacy is a BadRequestException naming it', async () => {
    await expectError(createChannel({ Mode: 'OPEN' as ChannelMode }), BadRequestException, /Mode must be one of UNRESTRICTED, RESTRICTED, got "OPEN"/);
    await expectError(createChannel({ Privacy: 'SECRET' as ChannelPrivacy }), BadRequestException, /Privacy/);
  });

  test('CreateChannel with 11 MemberArns or 11 ModeratorArns is a BadRequestException', async () => {
    const eleven = Array.from({ length: 11 }, () => bob);
    await expectError(createChannel({ MemberArns: eleven }), BadRequestException, /MemberArns must hold 1\.\.10 ARNs, got 11/);
    await expectError(createChannel({ ModeratorArns: eleven }), BadRequestException, /ModeratorArns/);
  });

  test('CreateChannel with a member who is not a user of the AppInstance is a BadRequestException', async () => {
    const stranger = `${world.appInstanceArn}/user/nobody`;
    await expectError(createChannel({ MemberArns: [stranger] }), BadRequestException, /MemberArns\[0\]/);
    await expectError(createChannel({ ModeratorArns: [stranger], ChannelId: 'rolled-back' }), BadRequestException, /ModeratorArns\[0\]/);
    expect(t.chime.db.prepare('SELECT 1 FROM channels WHERE arn = ?').get(`${world.appInstanceArn}/channel/rolled-back`)).toBeUndefined();
  });

  test('CreateChannel with ExpirationDays outside 1..5475 or an unknown criterion is a BadRequestException', async () => {
    await expectError(
      createChannel({ ExpirationSettings: { ExpirationCriterion: 'CREATED_TIMESTAMP', ExpirationDays: 5476 } }),
      BadRequestException,
      /ExpirationSettings\.ExpirationDays must be an integer in 1\.\.5475, got 5476/,
    );
    await expectError(createChannel({ ExpirationSettings: { ExpirationCriterion: 'CREATED_TIMESTAMP', ExpirationDays: 0 } }), BadRequestException, /ExpirationDays/);
    await expectError(
      createChannel({ ExpirationSettings: { ExpirationCriterion: 'NEVER' as 'CREATED_TIMESTAMP', ExpirationDays: 1 } }),
      BadRequestException,
      /ExpirationCriterion/,
    );
  });

  test('CreateChannel by an unknown bearer is a ForbiddenException', async () => {
    await expectError(createChannel({ ChimeBearer: `${world.appInstanceArn}/user/ghost` }), ForbiddenException);
  });

  test('CreateChannel in another AppInstance is a ForbiddenException', async () => {
    const other = await createWorld(t.identity);
    await expectError(createChannel({ AppInstanceArn: other.appInstanceArn }), ForbiddenException, /AppInstance/);
  });

  test('CreateChannel of an elastic channel makes the creator a moderator only', async () => {
    const ElasticChannelConfiguration = { MaximumSubChannels: 10, TargetMembershipsPerSubChannel: 100, MinimumMembershipPercentage: 20 };
    const arn = await createChannel({ Mode: 'RESTRICTED', ElasticChannelConfiguration, ModeratorArns: [carol] });
    expect(membersOf(arn)).toEqual([]);
    expect(moderatorsOf(arn)).toEqual([alice, carol].sort());
    expect((await describe_(arn, alice)).Channel!.ElasticChannelConfiguration).toEqual(ElasticChannelConfiguration);
  });

  test('CreateChannel of an elastic channel refuses MemberArns, UNRESTRICTED and bad sizes', async () => {
    const elastic = { MaximumSubChannels: 10, TargetMembershipsPerSubChannel: 100, MinimumMembershipPercentage: 20 };
    await expectError(createChannel({ Mode: 'RESTRICTED', ElasticChannelConfiguration: elastic, MemberArns: [bob] }), BadRequestException, /MemberArns/);
    await expectError(createChannel({ ElasticChannelConfiguration: elastic }), BadRequestException, /Mode must be RESTRICTED/);
    await expectError(
      createChannel({ Mode: 'RESTRICTED', ElasticChannelConfiguration: { ...elastic, MinimumMembershipPercentage: 41 } }),
      BadRequestException,
      /MinimumMembershipPercentage/,
    );
    await expectError(
      createChannel({ Mode: 'RESTRICTED', ElasticChannelConfiguration: { ...elastic, MaximumSubChannels: 1 } }),
      BadRequestException,
      /MaximumSubChannels/,
    );
  });

  test('CreateChannel publishes CREATE_CHANNEL to the initial members', async () => {
    const arn = await createChannel({ Name: 'announced', MemberArns: [bob], ModeratorArns: [carol] });
    const [event] = eventsOf(arn, 'CREATE_CHANNEL');
    expect(event).toBeDefined();
    expect(event.messageType).toBe('SYSTEM');
    expect([...event.recipients].sort()).toEqual([alice, bob].sort());
    expect(event.payload).toMatchObject({ ChannelArn: arn, Name: 'announced', Mode: 'UNRESTRICTED', Privacy: 'PUBLIC', CreatedBy: { Arn: alice, Name: 'alice' } });
    expect(event.payload.CreatedTimestamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  });
});

describe('DescribeChannel', () => {
  test('DescribeChannel of a PUBLIC channel works for any user of the AppInstance', async () => {
    const arn = await createChannel({ Name: 'open' });
    expect((await describe_(arn, carol)).Channel!.Name).toBe('open');
  });

  test('DescribeChannel of a PRIVATE channel is forbidden to a non-member', async () => {
    const arn = await createChannel({ Privacy: 'PRIVATE' });
    await expectError(describe_(arn, carol), ForbiddenException, /PRIVATE/);
  });

  test('DescribeChannel of a PRIVATE channel is allowed to members, moderators and AppInstanceAdmins', async () => {
    const arn = await createChannel({ Privacy: 'PRIVATE', MemberArns: [bob], ModeratorArns: [carol] });
    for (const bearer of [alice, bob, carol, world.admin]) {
      expect((await describe_(arn, bearer)).Channel!.Privacy).toBe('PRIVATE');
    }
  });

  test('DescribeChannel returns LastMessageTimestamp from the last message', async () => {
    const arn = await createChannel();
    await sendMessage(arn);
    const { LastMessageTimestamp } = (await describe_(arn, alice)).Channel!;
    expect(LastMessageTimestamp).toEqual(new Date(lastMessageAt(arn)));
  });

  test('DescribeChannel of a missing channel is a NotFoundException', async () => {
    await expectError(describe_(`${world.appInstanceArn}/channel/missing`, alice), NotFoundException);
  });

  test('DescribeChannel by an unknown bearer is a ForbiddenException', async () => {
    const arn = await createChannel();
    await expectError(describe_(arn, `${world.appInstanceArn}/user/ghost`), ForbiddenException);
  });

  test('DescribeChannel by a bearer of another AppInstance is a ForbiddenException', async () => {
    const arn = await createChannel();
    const other = await createWorld(t.identity);
    await expectError(describe_(arn, other.users.alice), ForbiddenException);
  });
});

describe('UpdateChannel', () => {
  test('UpdateChannel changes Name, Mode and Metadata and LastUpdatedTimestamp', async () => {
    const arn = await createChannel({ Name: 'before', Metadata: 'old' });
    const created = (await describe_(arn, alice)).Channel!;
    await new Promise((r) => setTimeout(r, 5));
    const out = await t.messaging.send(new UpdateChannelCommand({ ChannelArn: arn, Name: 'after', Mode: 'RESTRICTED', Metadata: 'new', ChimeBearer: alice }));
    expect(out.ChannelArn).toBe(arn);
    const { Channel } = await describe_(arn, alice);
    expect(Channel).toMatchObject({ Name: 'after', Mode: 'RESTRICTED', Metadata: 'new', Privacy: 'PUBLIC' });
    expect(Channel!.LastUpdatedTimestamp!.getTime()).toBeGreaterThan(created.LastUpdatedTimestamp!.getTime());
    expect(Channel!.CreatedTimestamp).toEqual(created.CreatedTimestamp);
  });

  test('UpdateChannel keeps the members it is not given', async () => {
    const arn = await createChannel({ Name: 'keep', Mode: 'RESTRICTED', Metadata: 'kept' });
    await t.messaging.send(new UpdateChannelCommand({ ChannelArn: arn, Name: 'renamed', ChimeBearer: alice }));
    expect((await describe_(arn, alice)).Channel).toMatchObject({ Name: 'renamed', Mode: 'RESTRICTED', Metadata: 'kept' });
  });

  test('UpdateChannel by a member who is not a moderator is a ForbiddenException', async () => {
    const arn = await createChannel({ MemberArns: [bob] });
    await expectError(t.messaging.send(new UpdateChannelCommand({ ChannelArn: arn, Name: 'x', ChimeBearer: bob })), ForbiddenException, /moderator/);
  });

  test('UpdateChannel by an AppInstanceAdmin succeeds', async () => {
    const arn = await createChannel();
    await t.messaging.send(new UpdateChannelCommand({ ChannelArn: arn, Name: 'by admin', ChimeBearer: world.admin }));
    expect((await describe_(arn, alice)).Channel!.Name).toBe('by admin');
  });

  test('UpdateChannel with an empty Name or an unknown Mode is a BadRequestException', async () => {
    const arn = await createChannel();
    await expectError(t.messaging.send(new UpdateChannelCommand({ ChannelArn: arn, Name: '', ChimeBearer: alice })), BadRequestException, /Name/);
    await expectError(
      t.messaging.send(new UpdateChannelCommand({ ChannelArn: arn, Mode: 'CLOSED' as ChannelMode, ChimeBearer: alice })),
      BadRequestException,
      /Mode/,
    );
  });

  test('UpdateChannel of a missing channel is a NotFoundException', async () => {
    await expectError(
      t.messaging.send(new UpdateChannelCommand({ ChannelArn: `${world.appInstanceArn}/channel/missing`, Name: 'x', ChimeBearer: alice })),
      NotFoundException,
    );
  });

  test('UpdateChannel publishes UPDATE_CHANNEL to the current members', async () => {
    const arn = await createChannel({ MemberArns: [bob], ModeratorArns: [carol] });
    await t.messaging.send(new UpdateChannelCommand({ ChannelArn: arn, Name: 'updated', ChimeBearer: carol }));
    const [event] = eventsOf(arn, 'UPDATE_CHANNEL');
    expect(event).toMatchObject({ messageType: 'SYSTEM', payload: { ChannelArn: arn, Name: 'updated' } });
    expect([...event.recipients].sort()).toEqual([alice, bob].sort());
  });
});

describe('DeleteChannel', () => {
  test('DeleteChannel removes the channel with its memberships, moderators and tags', async () => {
    const arn = await createChannel({ MemberArns: [bob], ModeratorArns: [carol], Tags: [{ Key: 'k', Value: 'v' }] });
    await t.messaging.send(new DeleteChannelCommand({ ChannelArn: arn, ChimeBearer: alice }));
    await expectError(describe_(arn, alice), NotFoundException);
    expect(membersOf(arn)).toEqual([]);
    expect(moderatorsOf(arn)).toEqual([]);
    expect(t.chime.db.prepare('SELECT * FROM tags WHERE resource_arn = ?').all(arn)).toEqual([]);
  });

  test('DeleteChannel by a member who is not a moderator is a ForbiddenException', async () => {
    const arn = await createChannel({ MemberArns: [bob] });
    await expectError(t.messaging.send(new DeleteChannelCommand({ ChannelArn: arn, ChimeBearer: bob })), ForbiddenException);
    expect((await describe_(arn, alice)).Channel).toBeDefined();
  });

  test('DeleteChannel by an AppInstanceAdmin succeeds', async () => {
    const arn = await createChannel();
    await t.messaging.send(new DeleteChannelCommand({ ChannelArn: arn, ChimeBearer: world.admin }));
    await expectError(describe_(arn, alice), NotFoundException);
  });

  test('DeleteChannel of a missing channel is a NotFoundException', async () => {
    await expectError(t.messaging.send(new DeleteChannelCommand({ ChannelArn: `${world.appInstanceArn}/channel/missing`, ChimeBearer: alice })), NotFoundException);
  });

  test('DeleteChannel publishes DELETE_CHANNEL to the members it had', async () => {
    const arn = await createChannel({ Name: 'doomed', MemberArns: [bob] });
    await t.messaging.send(new DeleteChannelCommand({ ChannelArn: arn, ChimeBearer: alice }));
    const [event] = eventsOf(arn, 'DELETE_CHANNEL');
    expect(event).toMatchObject({ messageType: 'SYSTEM', payload: { ChannelArn: arn, Name: 'doomed' } });
    expect([...event.recipients].sort()).toEqual([alice, bob].sort());
  });
});

describe('ListChannels', () => {
  const list = (w: TestWorld, bearer: string, extra: { Privacy?: ChannelPrivacy; MaxResults?: number; NextToken?: string } = {}) =>
    t.messaging.send(new ListChannelsCommand({ AppInstanceArn: w.appInstanceArn, ChimeBearer: bearer, ...extra }));

  test('ListChannels lists the PUBLIC channels by default, by name, as ChannelSummary', async () => {
    const w = await createWorld(t.identity);
    const b = await createChannel({ Name: 'b-room', Metadata: 'meta' }, w);
    const a = await createChannel({ Name: 'a-room', Mode: 'RESTRICTED' }, w);
    await createChannel({ Name: 'hidden', Privacy: 'PRIVATE' }, w);
    const { Channels, NextToken } = await list(w, w.users.bob);
    expect(NextToken).toBeUndefined();
    expect(Channels).toEqual([
      { ChannelArn: a, Name: 'a-room', Mode: 'RESTRICTED', Privacy: 'PUBLIC' },
      { ChannelArn: b, Name: 'b-room', Mode: 'UNRESTRICTED', Privacy: 'PUBLIC', Metadata: 'meta' },
    ]);
  });

  test('ListChannels returns LastMessageTimestamp in each summary', async () => {
    const w = await createWorld(t.identity);
    const arn = await createChannel({}, w);
    await sendMessage(arn, w.users.alice);
    expect((await list(w, w.users.alice)).Channels![0].LastMessageTimestamp).toEqual(new Date(lastMessageAt(arn)));
  });

  test('ListChannels PRIVATE is refused for a non-admin', async () => {
    await expectError(list(world, alice, { Privacy: 'PRIVATE' }), ForbiddenException, /AppInstanceAdmin/);
  });

  test('ListChannels PRIVATE lists the private channels for an AppInstanceAdmin', async () => {
    const w = await createWorld(t.identity);
    await createChannel({ Name: 'public' }, w);
    const secret = await createChannel({ Name: 'secret', Privacy: 'PRIVATE' }, w);
    const { Channels } = await list(w, w.admin, { Privacy: 'PRIVATE' });
    expect(Channels!.map((c) => c.ChannelArn)).toEqual([secret]);
  });

  test('ListChannels of another AppInstance is a ForbiddenException', async () => {
    const other = await createWorld(t.identity);
    await expectError(list(other, alice), ForbiddenException);
  });

  test('ListChannels with an unknown Privacy or MaxResults outside 1..50 is a BadRequestException', async () => {
    await expectError(list(world, alice, { Privacy: 'HIDDEN' as ChannelPrivacy }), BadRequestException, /Privacy/);
    await expectError(list(world, alice, { MaxResults: 0 }), BadRequestException, /MaxResults/);
    await expectError(list(world, alice, { MaxResults: 51 }), BadRequestException, /MaxResults must be an integer in 1\.\.50, got 51/);
  });

  test('ListChannels pages over 120 channels by 50 with no gap or duplicate while channels are added', async () => {
    const w = await createWorld(t.identity);
    const original: string[] = [];
    for (let batch = 0; batch < 120; batch += 20) {
      const arns = await Promise.all(
        Array.from({ length: 20 }, (_, i) => createChannel({ Name: `room-${String(batch + i).padStart(3, '0')}` }, w)),
      );
      original.push(...arns);
    }
    const seen: string[] = [];
    const addedAfterCursor: string[] = [];
    let NextToken: string | undefined;
    let pages = 0;
    do {
      const out = await list(w, w.users.bob, { MaxResults: 50, NextToken });
      expect(out.Channels!.length).toBeLessThanOrEqual(50);
      seen.push(...out.Channels!.map((c) => c.ChannelArn!));
      NextToken = out.NextToken;
      pages++;
      if (NextToken) {
        // One channel sorts before the cursor (already passed), one after it (still ahead).
        await createChannel({ Name: `room-000-late-${pages}` }, w);
        addedAfterCursor.push(await createChannel({ Name: `zz-late-${pages}` }, w));
      }
    } while (NextToken);
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(seen.length);
    expect(original.filter((arn) => !seen.includes(arn))).toEqual([]);
    expect(addedAfterCursor.every((arn) => seen.includes(arn))).toBe(true);
    expect(seen).toHaveLength(120 + addedAfterCursor.length);
  });

  test('ListChannels with a forged NextToken is a BadRequestException', async () => {
    const w = await createWorld(t.identity);
    await createChannel({ Name: 'one' }, w);
    await createChannel({ Name: 'two' }, w);
    const { NextToken } = await list(w, w.users.alice, { MaxResults: 1 });
    expect(NextToken).toBeDefined();
    const [body, signature] = NextToken!.split('.');
    const forgedBody = Buffer.from(JSON.stringify({ s: `ListChannels|${w.appInstanceArn}|PRIVATE`, p: ['', ''] })).toString('base64url');
    await expectError(list(w, w.users.alice, { NextToken: `${forgedBody}.${signature}` }), BadRequestException, /NextToken/);
    await expectError(list(w, w.users.alice, { NextToken: `${body}.${signature.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'))}` }), BadRequestException);
    await expectError(list(w, w.users.alice, { NextToken: 'garbage' }), BadRequestException);
  });

  test('ListChannels refuses a NextToken issued for another privacy', async () => {
    const w = await createWorld(t.identity);
    await createChannel({ Name: 'p1' }, w);
    await createChannel({ Name: 'p2' }, w);
    const { NextToken } = await list(w, w.admin, { MaxResults: 1 });
    await expectError(list(w, w.admin, { Privacy: 'PRIVATE', NextToken }), BadRequestException, /NextToken/);
  });
});

describe('ListChannelsModeratedByAppInstanceUser', () => {
  const listModerated = (bearer: string, extra: { AppInstanceUserArn?: string; MaxResults?: number; NextToken?: string } = {}) =>
    t.messaging.send(new ListChannelsModeratedByAppInstanceUserCommand({ ChimeBearer: bearer, ...extra }));

  test("ListChannelsModeratedByAppInstanceUser lists the bearer's moderated channels, PUBLIC and PRIVATE", async () => {
    const w = await createWorld(t.identity);
    const pub = await createChannel({ Name: 'pub' }, w);
    const priv = await createChannel({ Name: 'priv', Privacy: 'PRIVATE' }, w);
    await createChannel({ Name: 'not mine', ChimeBearer: w.users.bob }, w);
    const { Channels } = await listModerated(w.users.alice);
    expect(Channels!.map((c) => c.ChannelSummary!.ChannelArn).sort()).toEqual([pub, priv].sort());
    expect(Channels!.find((c) => c.ChannelSummary!.ChannelArn === priv)!.ChannelSummary).toMatchObject({ Name: 'priv', Privacy: 'PRIVATE' });
  });

  test("ListChannelsModeratedByAppInstanceUser of another user's channels is forbidden to a non-admin", async () => {
    await expectError(listModerated(bob, { AppInstanceUserArn: alice }), ForbiddenException);
  });

  test("ListChannelsModeratedByAppInstanceUser of another user's channels is allowed to an AppInstanceAdmin", async () => {
    const w = await createWorld(t.identity);
    const arn = await createChannel({ ModeratorArns: [w.users.carol] }, w);
    const { Channels } = await listModerated(w.admin, { AppInstanceUserArn: w.users.carol });
    expect(Channels!.map((c) => c.ChannelSummary!.ChannelArn)).toEqual([arn]);
  });

  test('ListChannelsModeratedByAppInstanceUser pages with NextToken', async () => {
    const w = await createWorld(t.identity);
    const arns = await Promise.all(Array.from({ length: 5 }, (_, i) => createChannel({ Name: `m${i}` }, w)));
    const seen = await allPages(
      (NextToken) => listModerated(w.users.alice, { MaxResults: 2, NextToken }),
      (out) => out.Channels!.map((c) => c.ChannelSummary!.ChannelArn!),
    );
    expect(seen).toEqual([...arns].sort());
  });
});

describe('DescribeChannelModeratedByAppInstanceUser', () => {
  const describeModerated = (ChannelArn: string, AppInstanceUserArn: string, ChimeBearer: string) =>
    t.messaging.send(new DescribeChannelModeratedByAppInstanceUserCommand({ ChannelArn, AppInstanceUserArn, ChimeBearer }));

  test('DescribeChannelModeratedByAppInstanceUser returns the summary of a channel the user moderates', async () => {
    const arn = await createChannel({ Name: 'moderated', ModeratorArns: [carol] });
    const { Channel } = await describeModerated(arn, carol, carol);
    expect(Channel!.ChannelSummary).toEqual({ ChannelArn: arn, Name: 'moderated', Mode: 'UNRESTRICTED', Privacy: 'PUBLIC' });
    expect((await describeModerated(arn, carol, world.admin)).Channel!.ChannelSummary!.ChannelArn).toBe(arn);
  });

  test('DescribeChannelModeratedByAppInstanceUser of a channel the user does not moderate is a NotFoundException', async () => {
    const arn = await createChannel({ MemberArns: [bob] });
    await expectError(describeModerated(arn, bob, bob), NotFoundException, /not a moderator/);
  });

  test('DescribeChannelModeratedByAppInstanceUser for another user is forbidden to a non-admin', async () => {
    const arn = await createChannel();
    await expectError(describeModerated(arn, alice, bob), ForbiddenException);
  });
});

describe('PutChannelExpirationSettings', () => {
  const put = (ChannelArn: string, ChimeBearer: string, ExpirationSettings?: { ExpirationCriterion: 'CREATED_TIMESTAMP' | 'LAST_MESSAGE_TIMESTAMP'; ExpirationDays: number }) =>
    t.messaging.send(new PutChannelExpirationSettingsCommand({ ChannelArn, ChimeBearer, ExpirationSettings }));

  test('PutChannelExpirationSettings sets the settings DescribeChannel returns', async () => {
    const arn = await createChannel();
    const out = await put(arn, alice, { ExpirationCriterion: 'CREATED_TIMESTAMP', ExpirationDays: 30 });
    expect(out).toMatchObject({ ChannelArn: arn, ExpirationSettings: { ExpirationCriterion: 'CREATED_TIMESTAMP', ExpirationDays: 30 } });
    expect((await describe_(arn, alice)).Channel!.ExpirationSettings).toEqual({ ExpirationCriterion: 'CREATED_TIMESTAMP', ExpirationDays: 30 });
  });

  test('PutChannelExpirationSettings without ExpirationSettings removes them', async () => {
    const arn = await createChannel({ ExpirationSettings: { ExpirationCriterion: 'CREATED_TIMESTAMP', ExpirationDays: 3 } });
    await put(arn, world.admin);
    expect((await describe_(arn, alice)).Channel!.ExpirationSettings).toBeUndefined();
  });

  test('PutChannelExpirationSettings by a member who is not a moderator is a ForbiddenException', async () => {
    const arn = await createChannel({ MemberArns: [bob] });
    await expectError(put(arn, bob, { ExpirationCriterion: 'CREATED_TIMESTAMP', ExpirationDays: 1 }), ForbiddenException);
  });

  test('PutChannelExpirationSettings with ExpirationDays 5476 is a BadRequestException', async () => {
    const arn = await createChannel();
    await expectError(put(arn, alice, { ExpirationCriterion: 'CREATED_TIMESTAMP', ExpirationDays: 5476 }), BadRequestException, /ExpirationDays/);
  });

  test('PutChannelExpirationSettings of a missing channel is a NotFoundException', async () => {
    await expectError(put(`${world.appInstanceArn}/channel/missing`, alice, { ExpirationCriterion: 'CREATED_TIMESTAMP', ExpirationDays: 1 }), NotFoundException);
  });
});

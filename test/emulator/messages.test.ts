import {
  BadRequestException,
  ChannelMessagePersistenceType,
  ChannelMessageType,
  ConflictException,
  CreateChannelBanCommand,
  CreateChannelModeratorCommand,
  DeleteChannelMessageCommand,
  DescribeChannelCommand,
  ForbiddenException,
  GetChannelMessageCommand,
  ListChannelMessagesCommand,
  ListChannelMessagesCommandInput,
  NotFoundException,
  RedactChannelMessageCommand,
  SendChannelMessageCommand,
  SendChannelMessageCommandInput,
  UpdateChannelMessageCommand,
} from '@aws-sdk/client-chime-sdk-messaging';
import { ChannelEvent } from '../../src/emulator/backend/events';
import { createChannel, eventsDuring as allEventsDuring, useChannelScene } from '../support/channels';
import { TestChime, TestWorld } from '../support/local-chime';

/** The service clock, moved by hand so timestamps and bounds are exact. */
let clockMs = Date.parse('2024-05-01T12:00:00Z');
const tick = (ms = 1000) => (clockMs += ms);

let t: TestChime, world: TestWorld;
useChannelScene((scene) => ({ t, world } = scene), { chime: { clock: () => clockMs }, moreUsers: ['dave'] });

/** The world (admin, alice, bob, carol, dave) and a new channel alice created with bob and carol as members; dave stays outside. */
interface Scene extends TestWorld {
  channelArn: string;
  alice: string;
  bob: string;
  carol: string;
  dave: string;
}

async function scene(privacy: 'PUBLIC' | 'PRIVATE' = 'PUBLIC'): Promise<Scene> {
  const { alice, bob, carol, dave } = world.users;
  const channelArn = await createChannel(t, world, alice, { Name: 'general', Privacy: privacy, MemberArns: [bob, carol] });
  return { ...world, channelArn, alice, bob, carol, dave };
}

type SendExtras = Partial<Omit<SendChannelMessageCommandInput, 'ChannelArn' | 'ChimeBearer' | 'Content'>>;

async function send(s: Scene, bearer: string, content: string, extras: SendExtras = {}): Promise<string> {
  const out = await t.messaging.send(
    new SendChannelMessageCommand({ ChannelArn: s.channelArn, Content: content, Type: 'STANDARD', Persistence: 'PERSISTENT', ChimeBearer: bearer, ...extras }),
  );
  return out.MessageId!;
}

const get = (s: Scene, bearer: string, messageId: string) =>
  t.messaging.send(new GetChannelMessageCommand({ ChannelArn: s.channelArn, MessageId: messageId, ChimeBearer: bearer })).then((o) => o.ChannelMessage!);

const list = (s: Scene, bearer: string, extras: Partial<ListChannelMessagesCommandInput> = {}) =>
  t.messaging.send(new ListChannelMessagesCommand({ ChannelArn: s.channelArn, ChimeBearer: bearer, ...extras }));

const contents = async (s: Scene, bearer: string, extras: Partial<ListChannelMessagesCommandInput> = {}) =>
  (await list(s, bearer, extras)).ChannelMessages!.map((m) => m.Content);

/** The message events (`*_CHANNEL_MESSAGE`) published while `fn` runs. */
async function eventsDuring(fn: () => Promise<unknown>): Promise<ChannelEvent[]> {
  return (await allEventsDuring(t, fn)).filter((e) => e.eventType.endsWith('_CHANNEL_MESSAGE'));
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe('SendChannelMessage', () => {
  test('SendChannelMessage by a member returns the MessageId and Status SENT', async () => {
    const s = await scene();
    const out = await t.messaging.send(
      new SendChannelMessageCommand({ ChannelArn: s.channelArn, Content: 'hello', Type: 'STANDARD', Persistence: 'PERSISTENT', ChimeBearer: s.bob }),
    );
    expect(out.ChannelArn).toBe(s.channelArn);
    expect(out.MessageId).toMatch(/^[-_a-zA-Z0-9]{1,128}$/);
    expect(out.Status).toEqual({ Value: 'SENT' });
    expect(await contents(s, s.alice)).toEqual(['hello']);
  });

  test('SendChannelMessage by a non-member is forbidden', async () => {
    const s = await scene();
    await expect(send(s, s.dave, 'let me in')).rejects.toBeInstanceOf(ForbiddenException);
    await expect(send(s, s.dave, 'let me in')).rejects.toThrow(/Only members/);
  });

  test('SendChannelMessage by an AppInstanceAdmin who is not a member is forbidden', async () => {
    const s = await scene();
    await expect(send(s, s.admin, 'announcement')).rejects.toBeInstanceOf(ForbiddenException);
  });

  test('SendChannelMessage by a banned user is forbidden', async () => {
    const s = await scene();
    await t.messaging.send(new CreateChannelBanCommand({ ChannelArn: s.channelArn, MemberArn: s.bob, ChimeBearer: s.alice }));
    await expect(send(s, s.bob, 'still here?')).rejects.toThrow(/banned/);
    await expect(send(s, s.bob, 'still here?')).rejects.toBeInstanceOf(ForbiddenException);
  });

  test('SendChannelMessage rejects STANDARD content over 4 KB', async () => {
    const s = await scene();
    await expect(send(s, s.bob, 'x'.repeat(4096))).resolves.toBeDefined();
    await expect(send(s, s.bob, 'x'.repeat(4097))).rejects.toBeInstanceOf(BadRequestException);
    // Measured in UTF-8 bytes: 2,049 two-byte characters are 4,098 bytes.
    await expect(send(s, s.bob, 'é'.repeat(2049))).rejects.toThrow(/at most 4096 bytes, got 4098/);
  });

  test('SendChannelMessage rejects STANDARD metadata over 1 KB', async () => {
    const s = await scene();
    await expect(send(s, s.bob, 'm', { Metadata: 'x'.repeat(1024) })).resolves.toBeDefined();
    await expect(send(s, s.bob, 'm', { Metadata: 'x'.repeat(1025) })).rejects.toThrow(/Metadata must be at most 1024 bytes/);
  });

  test('SendChannelMessage CONTROL over 30 bytes is a BadRequest', async () => {
    const s = await scene();
    await expect(send(s, s.bob, 'x'.repeat(30), { Type: 'CONTROL' })).resolves.toBeDefined();
    const over = send(s, s.bob, 'x'.repeat(31), { Type: 'CONTROL' });
    await expect(over).rejects.toBeInstanceOf(BadRequestException);
    await expect(over).rejects.toThrow(/CONTROL message must be at most 30 bytes, got 31/);
  });

  test('SendChannelMessage CONTROL with metadata is a BadRequest', async () => {
    const s = await scene();
    await expect(send(s, s.bob, 'typing', { Type: 'CONTROL', Metadata: 'm' })).rejects.toThrow(/Metadata is not allowed on CONTROL/);
  });

  test('SendChannelMessage with empty Content is a BadRequest', async () => {
    const s = await scene();
    await expect(send(s, s.bob, '')).rejects.toBeInstanceOf(BadRequestException);
  });

  test('SendChannelMessage rejects an unknown Type or Persistence', async () => {
    const s = await scene();
    await expect(send(s, s.bob, 'x', { Type: 'LOUD' as ChannelMessageType })).rejects.toThrow(/Type must be one of STANDARD, CONTROL/);
    await expect(send(s, s.bob, 'x', { Persistence: 'FOREVER' as ChannelMessagePersistenceType })).rejects.toThrow(
      /Persistence must be one of PERSISTENT, NON_PERSISTENT/,
    );
  });

  test('SendChannelMessage rejects ContentType over 45 characters', async () => {
    const s = await scene();
    await expect(send(s, s.bob, 'x', { ContentType: 'a'.repeat(45) })).resolves.toBeDefined();
    await expect(send(s, s.bob, 'x', { ContentType: 'a'.repeat(46) })).rejects.toThrow(/ContentType must be 0..45 characters long, got 46/);
  });

  test('SendChannelMessage rejects MessageAttributes outside their limits', async () => {
    const s = await scene();
    await expect(send(s, s.bob, 'x', { MessageAttributes: { ['k'.repeat(65)]: { StringValues: ['v'] } } })).rejects.toBeInstanceOf(BadRequestException);
    await expect(send(s, s.bob, 'x', { MessageAttributes: { k: { StringValues: ['v'.repeat(513)] } } })).rejects.toThrow(/512/);
    await expect(send(s, s.bob, 'x', { MessageAttributes: { k: { StringValues: [''] } } })).rejects.toBeInstanceOf(BadRequestException);
  });

  test('SendChannelMessage stores the PushNotification and checks its limits', async () => {
    const s = await scene();
    const push = { Title: 'New message', Body: 'bob wrote', Type: 'DEFAULT' as const };
    const id = await send(s, s.bob, 'x', { PushNotification: push });
    const row = t.chime.db.prepare('SELECT push_json FROM channel_messages WHERE message_id = ?').get(id) as { push_json: string };
    expect(JSON.parse(row.push_json)).toEqual(push);
    await expect(send(s, s.bob, 'x', { PushNotification: { ...push, Title: 't'.repeat(51) } })).rejects.toThrow(/PushNotification.Title/);
    await expect(send(s, s.bob, 'x', { PushNotification: { ...push, Body: 'b'.repeat(151) } })).rejects.toThrow(/PushNotification.Body/);
  });

  test('SendChannelMessage with a repeated ClientRequestToken returns the first MessageId and creates nothing', async () => {
    const s = await scene();
    const first = await send(s, s.bob, 'once', { ClientRequestToken: 'retry-token-1' });
    const events = await eventsDuring(async () => {
      expect(await send(s, s.bob, 'once', { ClientRequestToken: 'retry-token-1' })).toBe(first);
    });
    expect(events).toHaveLength(0);
    expect(await contents(s, s.bob)).toEqual(['once']);
  });

  test('SendChannelMessage reusing a ClientRequestToken with other content is a Conflict', async () => {
    const s = await scene();
    await send(s, s.bob, 'first', { ClientRequestToken: 'retry-token-2' });
    await expect(send(s, s.bob, 'second', { ClientRequestToken: 'retry-token-2' })).rejects.toBeInstanceOf(ConflictException);
  });

  test('SendChannelMessage NON_PERSISTENT is never listed', async () => {
    const s = await scene();
    let id = '';
    const events = await eventsDuring(async () => {
      id = await send(s, s.bob, 'typing...', { Type: 'CONTROL', Persistence: 'NON_PERSISTENT' });
    });
    expect(id).toMatch(/^[-_a-zA-Z0-9]+$/);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ eventType: 'CREATE_CHANNEL_MESSAGE', messageType: 'CONTROL', persistence: 'NON_PERSISTENT' });
    expect(events[0].payload).toMatchObject({ MessageId: id, Content: 'typing...', Persistence: 'NON_PERSISTENT' });
    expect((await list(s, s.bob)).ChannelMessages).toEqual([]);
    await expect(get(s, s.bob, id)).rejects.toBeInstanceOf(NotFoundException);
  });

  test('SendChannelMessage PERSISTENT moves the channel LastMessageTimestamp and NON_PERSISTENT does not', async () => {
    const s = await scene();
    const describe = async () =>
      (await t.messaging.send(new DescribeChannelCommand({ ChannelArn: s.channelArn, ChimeBearer: s.alice }))).Channel!.LastMessageTimestamp;
    expect(await describe()).toBeUndefined();
    tick();
    const sentAt = clockMs;
    await send(s, s.bob, 'kept');
    expect((await describe())?.getTime()).toBe(sentAt);
    tick();
    await send(s, s.bob, 'fleeting', { Persistence: 'NON_PERSISTENT' });
    expect((await describe())?.getTime()).toBe(sentAt);
  });

  test('SendChannelMessage publishes CREATE_CHANNEL_MESSAGE to the channel members', async () => {
    const s = await scene();
    let id = '';
    const events = await eventsDuring(async () => {
      id = await send(s, s.bob, 'hi all', { Metadata: 'meta', ContentType: 'text/plain', MessageAttributes: { topic: { StringValues: ['news'] } } });
    });
    expect(events).toHaveLength(1);
    const [event] = events;
    expect(event).toMatchObject({ eventType: 'CREATE_CHANNEL_MESSAGE', messageType: 'STANDARD', persistence: 'PERSISTENT', channelArn: s.channelArn });
    expect([...event.recipients].sort()).toEqual([s.alice, s.bob, s.carol].sort());
    expect(event.payload).toMatchObject({
      ChannelArn: s.channelArn,
      MessageId: id,
      Content: 'hi all',
      Metadata: 'meta',
      ContentType: 'text/plain',
      Type: 'STANDARD',
      Persistence: 'PERSISTENT',
      Sender: { Arn: s.bob, Name: 'bob' },
      Redacted: false,
      Status: { Value: 'SENT' },
      MessageAttributes: { topic: { StringValues: ['news'] } },
    });
    expect(event.payload.CreatedTimestamp).toMatch(ISO);
    expect(event.payload.LastUpdatedTimestamp).toMatch(ISO);
    expect(event.payload).not.toHaveProperty('LastEditedTimestamp');
  });

  test('SendChannelMessage with a Target is seen only by the sender and the target', async () => {
    const s = await scene();
    let id = '';
    const events = await eventsDuring(async () => {
      id = await send(s, s.alice, 'psst, bob', { Target: [{ MemberArn: s.bob }] });
    });
    expect([...events[0].recipients].sort()).toEqual([s.alice, s.bob].sort());
    expect(events[0].payload.Target).toEqual([{ MemberArn: s.bob }]);
    expect((await get(s, s.bob, id)).Target).toEqual([{ MemberArn: s.bob }]);
    expect(await contents(s, s.bob)).toEqual(['psst, bob']);
    expect(await contents(s, s.alice)).toEqual(['psst, bob']);
    expect(await contents(s, s.carol)).toEqual([]);
    await expect(get(s, s.carol, id)).rejects.toBeInstanceOf(NotFoundException);
    // Admins cannot see it either, yet may delete it (SDK docs).
    await expect(get(s, s.admin, id)).rejects.toBeInstanceOf(NotFoundException);
    await t.messaging.send(new DeleteChannelMessageCommand({ ChannelArn: s.channelArn, MessageId: id, ChimeBearer: s.admin }));
    await expect(get(s, s.bob, id)).rejects.toBeInstanceOf(NotFoundException);
  });

  test('SendChannelMessage Target must be exactly one member of the channel', async () => {
    const s = await scene();
    await expect(send(s, s.alice, 'x', { Target: [{ MemberArn: s.dave }] })).rejects.toThrow(/not a member/);
    await expect(send(s, s.alice, 'x', { Target: [{ MemberArn: s.bob }, { MemberArn: s.carol }] })).rejects.toThrow(/exactly 1 entry, got 2/);
    await expect(send(s, s.alice, 'x', { Target: [] })).rejects.toBeInstanceOf(BadRequestException);
  });

  test('SendChannelMessage CONTROL PERSISTENT messages are listed', async () => {
    const s = await scene();
    await send(s, s.bob, 'ctl', { Type: 'CONTROL' });
    const { ChannelMessages } = await list(s, s.bob);
    expect(ChannelMessages!.map((m) => [m.Content, m.Type])).toEqual([['ctl', 'CONTROL']]);
  });
});

describe('GetChannelMessage', () => {
  test('GetChannelMessage returns every field of the message', async () => {
    const s = await scene();
    const sentAt = tick();
    const id = await send(s, s.bob, 'full', {
      Metadata: 'meta',
      ContentType: 'application/json',
      MessageAttributes: { tag: { StringValues: ['a', 'b'] } },
    });
    const message = await get(s, s.carol, id);
    expect(message).toEqual({
      ChannelArn: s.channelArn,
      MessageId: id,
      Content: 'full',
      Metadata: 'meta',
      ContentType: 'application/json',
      Type: 'STANDARD',
      Persistence: 'PERSISTENT',
      Sender: { Arn: s.bob, Name: 'bob' },
      Redacted: false,
      Status: { Value: 'SENT' },
      MessageAttributes: { tag: { StringValues: ['a', 'b'] } },
      CreatedTimestamp: new Date(sentAt),
      LastUpdatedTimestamp: new Date(sentAt),
    });
  });

  test('GetChannelMessage on a PUBLIC channel is allowed for a user who is not a member', async () => {
    const s = await scene('PUBLIC');
    const id = await send(s, s.bob, 'open to all');
    expect((await get(s, s.dave, id)).Content).toBe('open to all');
  });

  test('GetChannelMessage on a PRIVATE channel by a non-member is forbidden', async () => {
    const s = await scene('PRIVATE');
    const id = await send(s, s.bob, 'secret');
    await expect(get(s, s.dave, id)).rejects.toBeInstanceOf(ForbiddenException);
    expect((await get(s, s.admin, id)).Content).toBe('secret');
  });

  test('GetChannelMessage of an unknown message is NotFound', async () => {
    const s = await scene();
    await expect(get(s, s.bob, 'no-such-message')).rejects.toBeInstanceOf(NotFoundException);
  });
});

describe('ListChannelMessages', () => {
  test('ListChannelMessages pages newest first with no gaps while messages arrive', async () => {
    const s = await scene();
    const sent: string[] = [];
    // Seven in the same millisecond (ties broken by arrival order), then five a millisecond apart.
    for (let i = 0; i < 12; i++) {
      if (i >= 7) tick(1);
      sent.push(await send(s, s.bob, `m${i}`));
    }
    const seen: string[] = [];
    let token: string | undefined;
    let late = 0;
    do {
      const page = await list(s, s.alice, { MaxResults: 5, NextToken: token });
      seen.push(...page.ChannelMessages!.map((m) => m.MessageId!));
      token = page.NextToken;
      // Newer messages land above the pages already read and must not disturb the walk down.
      await send(s, s.carol, `late${late++}`);
      if (late % 2) tick(1);
    } while (token);
    expect(seen).toEqual([...sent].reverse());
    expect((await list(s, s.alice)).ChannelMessages).toHaveLength(12 + late);
  });

  test('ListChannelMessages ASCENDING returns oldest first across pages', async () => {
    const s = await scene();
    for (let i = 0; i < 5; i++) {
      tick(1);
      await send(s, s.bob, `m${i}`);
    }
    const first = await list(s, s.bob, { SortOrder: 'ASCENDING', MaxResults: 3 });
    expect(first.ChannelMessages!.map((m) => m.Content)).toEqual(['m0', 'm1', 'm2']);
    const second = await list(s, s.bob, { SortOrder: 'ASCENDING', MaxResults: 3, NextToken: first.NextToken });
    expect(second.ChannelMessages!.map((m) => m.Content)).toEqual(['m3', 'm4']);
    expect(second.NextToken).toBeUndefined();
  });

  test('ListChannelMessages NotBefore and NotAfter bound the page', async () => {
    const s = await scene();
    const times: number[] = [];
    for (let i = 0; i < 4; i++) {
      times.push(tick(1000));
      await send(s, s.bob, `m${i}`);
    }
    const bounds = { NotBefore: new Date(times[1]), NotAfter: new Date(times[2]) };
    expect(await contents(s, s.bob, bounds)).toEqual(['m2', 'm1']);
    expect(await contents(s, s.bob, { ...bounds, SortOrder: 'ASCENDING' })).toEqual(['m1', 'm2']);
    expect(await contents(s, s.bob, { NotBefore: new Date(times[2]) })).toEqual(['m3', 'm2']);
    expect(await contents(s, s.bob, { NotAfter: new Date(times[1]) })).toEqual(['m1', 'm0']);
    // Paging stays inside the bounds.
    const first = await list(s, s.bob, { ...bounds, MaxResults: 1 });
    expect(first.ChannelMessages!.map((m) => m.Content)).toEqual(['m2']);
    const second = await list(s, s.bob, { ...bounds, MaxResults: 1, NextToken: first.NextToken });
    expect(second.ChannelMessages!.map((m) => m.Content)).toEqual(['m1']);
    expect(second.NextToken).toBeUndefined();
    // Bounds that cross select nothing.
    expect(await contents(s, s.bob, { NotBefore: new Date(times[2]), NotAfter: new Date(times[1]) })).toEqual([]);
  });

  test('ListChannelMessages rejects a forged NextToken with BadRequestException', async () => {
    const s = await scene();
    for (let i = 0; i < 3; i++) await send(s, s.bob, `m${i}`);
    const { NextToken } = await list(s, s.bob, { MaxResults: 1 });
    expect(NextToken).toBeDefined();
    const [body, signature] = NextToken!.split('.');
    const flipped = `${body}.${signature[0] === 'A' ? 'B' : 'A'}${signature.slice(1)}`;
    await expect(list(s, s.bob, { MaxResults: 1, NextToken: flipped })).rejects.toBeInstanceOf(BadRequestException);
    await expect(list(s, s.bob, { NextToken: 'not-a-token' })).rejects.toBeInstanceOf(BadRequestException);
    // A genuine token is valid only for the listing it came from.
    await expect(list(s, s.bob, { SortOrder: 'ASCENDING', NextToken })).rejects.toBeInstanceOf(BadRequestException);
    await expect(list(s, s.bob, { NotBefore: new Date(0), NextToken })).rejects.toBeInstanceOf(BadRequestException);
    const other = await scene();
    await expect(list(other, other.alice, { NextToken })).rejects.toBeInstanceOf(BadRequestException);
  });

  test('ListChannelMessages rejects MaxResults outside 1..50', async () => {
    const s = await scene();
    await expect(list(s, s.bob, { MaxResults: 0 })).rejects.toThrow(/MaxResults must be an integer in 1..50, got 0/);
    await expect(list(s, s.bob, { MaxResults: 51 })).rejects.toBeInstanceOf(BadRequestException);
  });

  test('ListChannelMessages returns at most 50 messages by default', async () => {
    const s = await scene();
    for (let i = 0; i < 51; i++) await send(s, s.bob, `m${i}`, { Type: 'CONTROL', ClientRequestToken: `bulk-${i}` });
    const page = await list(s, s.bob);
    expect(page.ChannelMessages).toHaveLength(50);
    expect(page.ChannelMessages![0].Content).toBe('m50');
    expect(page.NextToken).toBeDefined();
  });

  test('ListChannelMessages on a PRIVATE channel by a non-member is forbidden', async () => {
    const s = await scene('PRIVATE');
    await send(s, s.bob, 'secret');
    await expect(list(s, s.dave)).rejects.toBeInstanceOf(ForbiddenException);
    expect(await contents(s, s.admin)).toEqual(['secret']);
  });

  test('ListChannelMessages on a PUBLIC channel is allowed for a non-member but not for a banned user', async () => {
    const s = await scene('PUBLIC');
    await send(s, s.bob, 'public');
    expect(await contents(s, s.dave)).toEqual(['public']);
    await t.messaging.send(new CreateChannelBanCommand({ ChannelArn: s.channelArn, MemberArn: s.dave, ChimeBearer: s.alice }));
    await expect(list(s, s.dave)).rejects.toBeInstanceOf(ForbiddenException);
  });

  test('ListChannelMessages shows redacted messages empty and leaves deleted ones out', async () => {
    const s = await scene();
    const kept = await send(s, s.bob, 'kept');
    const redacted = await send(s, s.bob, 'oops', { Metadata: 'meta' });
    const deleted = await send(s, s.bob, 'gone');
    await t.messaging.send(new RedactChannelMessageCommand({ ChannelArn: s.channelArn, MessageId: redacted, ChimeBearer: s.alice }));
    await t.messaging.send(new DeleteChannelMessageCommand({ ChannelArn: s.channelArn, MessageId: deleted, ChimeBearer: s.admin }));
    const { ChannelMessages } = await list(s, s.bob);
    expect(ChannelMessages!.map((m) => m.MessageId)).toEqual([redacted, kept]);
    expect(ChannelMessages![0]).toMatchObject({ Content: '', Redacted: true });
    expect(ChannelMessages![0].Metadata).toBeUndefined();
    expect(ChannelMessages![1]).toMatchObject({ Content: 'kept', Redacted: false });
  });
});

describe('UpdateChannelMessage', () => {
  const update = (s: Scene, bearer: string, messageId: string, content: string, metadata?: string) =>
    t.messaging.send(new UpdateChannelMessageCommand({ ChannelArn: s.channelArn, MessageId: messageId, Content: content, Metadata: metadata, ChimeBearer: bearer }));

  test('UpdateChannelMessage by the sender changes the content and sets LastEditedTimestamp', async () => {
    const s = await scene();
    const sentAt = tick();
    const id = await send(s, s.bob, 'draft', { Metadata: 'keep me' });
    const editedAt = tick();
    let out: Awaited<ReturnType<typeof update>> | undefined;
    const events = await eventsDuring(async () => {
      out = await update(s, s.bob, id, 'final');
    });
    expect(out).toMatchObject({ ChannelArn: s.channelArn, MessageId: id, Status: { Value: 'SENT' } });
    const message = await get(s, s.carol, id);
    expect(message).toMatchObject({ Content: 'final', Metadata: 'keep me' });
    expect(message.CreatedTimestamp).toEqual(new Date(sentAt));
    expect(message.LastEditedTimestamp).toEqual(new Date(editedAt));
    expect(message.LastUpdatedTimestamp).toEqual(new Date(editedAt));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ eventType: 'UPDATE_CHANNEL_MESSAGE', messageType: 'STANDARD', persistence: 'PERSISTENT' });
    expect(events[0].payload).toMatchObject({ MessageId: id, Content: 'final', LastEditedTimestamp: new Date(editedAt).toISOString() });
    expect([...events[0].recipients].sort()).toEqual([s.alice, s.bob, s.carol].sort());
  });

  test('UpdateChannelMessage by another member is forbidden', async () => {
    const s = await scene();
    const id = await send(s, s.bob, 'mine');
    await expect(update(s, s.carol, id, 'yours now')).rejects.toBeInstanceOf(ForbiddenException);
    // Moderators and admins cannot put words in someone's mouth either.
    await expect(update(s, s.alice, id, 'moderated')).rejects.toBeInstanceOf(ForbiddenException);
    await expect(update(s, s.admin, id, 'administered')).rejects.toBeInstanceOf(ForbiddenException);
    expect((await get(s, s.bob, id)).Content).toBe('mine');
  });

  test('UpdateChannelMessage of a redacted message is a Conflict', async () => {
    const s = await scene();
    const id = await send(s, s.bob, 'regret');
    await t.messaging.send(new RedactChannelMessageCommand({ ChannelArn: s.channelArn, MessageId: id, ChimeBearer: s.bob }));
    await expect(update(s, s.bob, id, 'undo')).rejects.toBeInstanceOf(ConflictException);
  });

  test('UpdateChannelMessage rejects STANDARD content over 4 KB', async () => {
    const s = await scene();
    const id = await send(s, s.bob, 'short');
    await expect(update(s, s.bob, id, 'x'.repeat(4097))).rejects.toThrow(/Content must be at most 4096 bytes/);
    await expect(update(s, s.bob, id, 'x', 'm'.repeat(1025))).rejects.toThrow(/Metadata must be at most 1024 bytes/);
  });

  test('UpdateChannelMessage keeps the CONTROL limit of the message', async () => {
    const s = await scene();
    const id = await send(s, s.bob, 'ctl', { Type: 'CONTROL' });
    await expect(update(s, s.bob, id, 'x'.repeat(31))).rejects.toBeInstanceOf(BadRequestException);
    await expect(update(s, s.bob, id, 'ok')).resolves.toBeDefined();
  });

  test('UpdateChannelMessage of an unknown message is NotFound', async () => {
    const s = await scene();
    await expect(update(s, s.bob, 'missing', 'x')).rejects.toBeInstanceOf(NotFoundException);
  });
});

describe('RedactChannelMessage', () => {
  const redact = (s: Scene, bearer: string, messageId: string) =>
    t.messaging.send(new RedactChannelMessageCommand({ ChannelArn: s.channelArn, MessageId: messageId, ChimeBearer: bearer }));

  test('RedactChannelMessage by a moderator erases content and metadata', async () => {
    const s = await scene();
    const id = await send(s, s.bob, 'rude', { Metadata: 'rude too' });
    const redactedAt = tick();
    let out: Awaited<ReturnType<typeof redact>> | undefined;
    const events = await eventsDuring(async () => {
      out = await redact(s, s.alice, id);
    });
    expect(out).toMatchObject({ ChannelArn: s.channelArn, MessageId: id });
    const message = await get(s, s.bob, id);
    expect(message).toMatchObject({ Content: '', Redacted: true });
    expect(message.Metadata).toBeUndefined();
    expect(message.LastUpdatedTimestamp).toEqual(new Date(redactedAt));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ eventType: 'REDACT_CHANNEL_MESSAGE', payload: { MessageId: id, Content: '', Redacted: true } });
    expect(events[0].payload).not.toHaveProperty('Metadata');
  });

  test('RedactChannelMessage by the sender is allowed', async () => {
    const s = await scene();
    const id = await send(s, s.bob, 'typo');
    await redact(s, s.bob, id);
    expect((await get(s, s.bob, id)).Redacted).toBe(true);
  });

  test('RedactChannelMessage by an AppInstanceAdmin is allowed', async () => {
    const s = await scene();
    const id = await send(s, s.bob, 'spam');
    await redact(s, s.admin, id);
    expect((await get(s, s.bob, id)).Redacted).toBe(true);
  });

  test('RedactChannelMessage by another member is forbidden', async () => {
    const s = await scene();
    const id = await send(s, s.bob, 'mine');
    await expect(redact(s, s.carol, id)).rejects.toBeInstanceOf(ForbiddenException);
    expect((await get(s, s.bob, id)).Content).toBe('mine');
  });
});

describe('DeleteChannelMessage', () => {
  const remove = (s: Scene, bearer: string, messageId: string) =>
    t.messaging.send(new DeleteChannelMessageCommand({ ChannelArn: s.channelArn, MessageId: messageId, ChimeBearer: bearer }));

  test('DeleteChannelMessage by an AppInstanceAdmin removes the message', async () => {
    const s = await scene();
    const id = await send(s, s.bob, 'doomed');
    const events = await eventsDuring(() => remove(s, s.admin, id));
    await expect(get(s, s.bob, id)).rejects.toBeInstanceOf(NotFoundException);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ eventType: 'DELETE_CHANNEL_MESSAGE', messageType: 'STANDARD', payload: { MessageId: id, ChannelArn: s.channelArn } });
    expect([...events[0].recipients].sort()).toEqual([s.alice, s.bob, s.carol].sort());
  });

  test('DeleteChannelMessage by a moderator who is not an admin is forbidden', async () => {
    const s = await scene();
    await t.messaging.send(new CreateChannelModeratorCommand({ ChannelArn: s.channelArn, ChannelModeratorArn: s.carol, ChimeBearer: s.alice }));
    const id = await send(s, s.bob, 'stays');
    await expect(remove(s, s.carol, id)).rejects.toBeInstanceOf(ForbiddenException);
    await expect(remove(s, s.alice, id)).rejects.toThrow(/Only an AppInstanceAdmin/);
    expect((await get(s, s.bob, id)).Content).toBe('stays');
  });

  test('DeleteChannelMessage by the sender is forbidden', async () => {
    const s = await scene();
    const id = await send(s, s.bob, 'mine');
    await expect(remove(s, s.bob, id)).rejects.toBeInstanceOf(ForbiddenException);
  });

  test('DeleteChannelMessage of an unknown message is NotFound', async () => {
    const s = await scene();
    await expect(remove(s, s.admin, 'missing')).rejects.toBeInstanceOf(NotFoundException);
  });
});

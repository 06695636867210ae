/**
 * Messages in elastic channels: each belongs to one sub-channel and reaches
 * only its members; reading a sub-channel is for its members, the channel's
 * moderators and AppInstanceAdmins. Through the real SDK and real sessions.
 */
import {
  BadRequestException,
  CreateChannelCommand,
  CreateChannelMembershipCommand,
  DeleteChannelMessageCommand,
  ForbiddenException,
  GetChannelMessageCommand,
  ListChannelMessagesCommand,
  NotFoundException,
  RedactChannelMessageCommand,
  SendChannelMessageCommand,
  SendChannelMessageCommandInput,
  UpdateChannelMessageCommand,
} from '@aws-sdk/client-chime-sdk-messaging';
import { CreateAppInstanceUserCommand } from '@aws-sdk/client-chime-sdk-identity';
import { createWorld, startTestChime, TestChime } from '../support/local-chime';
import { SessionClient } from '../support/session-client';

let t: TestChime;
beforeAll(async () => {
  t = await startTestChime();
});
afterAll(() => t.close());

const sessions: SessionClient[] = [];
afterEach(async () => {
  await Promise.all(sessions.splice(0).map((c) => c.close()));
});

async function session(userArn: string): Promise<SessionClient> {
  const client = await SessionClient.established(t.messaging, { userArn });
  sessions.push(client);
  return client;
}

/**
 * An elastic channel of sub-channels of 2: u0 and u1 in sub-channel `a`, u2
 * and u3 in `b`. alice created it (so she moderates it) and joined `a`; carol
 * is in the AppInstance only; `admin` is its AppInstanceAdmin.
 */
async function scene() {
  const world = await createWorld(t.identity, ['alice', 'carol']);
  const { alice, carol } = world.users;
  const u: string[] = [];
  for (let i = 0; i < 4; i++) {
    u.push((await t.identity.send(new CreateAppInstanceUserCommand({ AppInstanceArn: world.appInstanceArn, AppInstanceUserId: `u${i}`, Name: `u${i}` }))).AppInstanceUserArn!);
  }
  const { ChannelArn } = await t.messaging.send(
    new CreateChannelCommand({
      AppInstanceArn: world.appInstanceArn,
      Name: 'live',
      Mode: 'RESTRICTED',
      ChimeBearer: alice,
      ElasticChannelConfiguration: { MaximumSubChannels: 3, TargetMembershipsPerSubChannel: 2, MinimumMembershipPercentage: 1 },
    }),
  );
  const channelArn = ChannelArn!;
  const placed: string[] = [];
  for (const member of u) {
    placed.push((await t.messaging.send(new CreateChannelMembershipCommand({ ChannelArn: channelArn, MemberArn: member, Type: 'DEFAULT', ChimeBearer: alice }))).SubChannelId!);
  }
  const [a, , b] = placed;
  expect(placed).toEqual([a, a, b, b]);
  expect(a).not.toBe(b);
  await t.messaging.send(new CreateChannelMembershipCommand({ ChannelArn: channelArn, MemberArn: alice, Type: 'DEFAULT', ChimeBearer: alice, SubChannelId: a }));
  return { ...world, channelArn, alice, carol, u, a, b };
}
type Scene = Awaited<ReturnType<typeof scene>>;

const send = (s: Scene, bearer: string, content: string, extras: Partial<SendChannelMessageCommandInput> = {}) =>
  t.messaging.send(
    new SendChannelMessageCommand({ ChannelArn: s.channelArn, Content: content, Type: 'STANDARD', Persistence: 'PERSISTENT', ChimeBearer: bearer, ...extras }),
  );

const list = (s: Scene, bearer: string, SubChannelId?: string) =>
  t.messaging.send(new ListChannelMessagesCommand({ ChannelArn: s.channelArn, ChimeBearer: bearer, SubChannelId })).then((o) => ({
    subChannelId: o.SubChannelId,
    contents: o.ChannelMessages!.map((m) => m.Content),
  }));

const get = (s: Scene, bearer: string, MessageId: string, SubChannelId?: string) =>
  t.messaging.send(new GetChannelMessageCommand({ ChannelArn: s.channelArn, MessageId, ChimeBearer: bearer, SubChannelId })).then((o) => o.ChannelMessage!);

/** Messages frames one session received, as [event type, content]. */
const messagesOf = (client: SessionClient) => client.frames.filter((f) => f.eventType.endsWith('_CHANNEL_MESSAGE')).map((f) => [f.eventType, f.payload.Content]);

test('SendChannelMessage in an elastic channel goes to the sender\'s own sub-channel and reaches only its members', async () => {
  const s = await scene();
  const [u0, u1, u2, u3] = s.u;
  const inA = await session(u1);
  const inB = await session(u2);
  const out = await send(s, u0, 'hello a');
  expect(out.SubChannelId).toBe(s.a);
  const frame = await inA.waitFor((f) => f.payload?.MessageId === out.MessageId);
  expect(frame.payload).toMatchObject({ Content: 'hello a', SubChannelId: s.a });
  // u3 writes to b after u0 wrote to a: once u2 has u3's message, u0's would have arrived before it.
  const fromB = await send(s, u3, 'hello b');
  await inB.waitFor((f) => f.payload?.MessageId === fromB.MessageId);
  expect(messagesOf(inB)).toEqual([['CREATE_CHANNEL_MESSAGE', 'hello b']]);
  expect(await get(s, u1, out.MessageId!)).toMatchObject({ SubChannelId: s.a });
});

test('SendChannelMessage naming a sub-channel the sender is not in is forbidden; naming their own is allowed', async () => {
  const s = await scene();
  const [u0] = s.u;
  await expect(send(s, u0, 'sneaking in', { SubChannelId: s.b })).rejects.toThrow(/is not in sub-channel/);
  await expect(send(s, u0, 'sneaking in', { SubChannelId: s.b })).rejects.toBeInstanceOf(ForbiddenException);
  await expect(send(s, u0, 'at home', { SubChannelId: s.a })).resolves.toMatchObject({ SubChannelId: s.a });
});

test('SendChannelMessage by a moderator needs the SubChannelId of a sub-channel it joined', async () => {
  const s = await scene();
  const inA = await session(s.u[0]);
  await expect(send(s, s.alice, 'to whom?')).rejects.toThrow(/SubChannelId is required/);
  await expect(send(s, s.alice, 'to whom?')).rejects.toBeInstanceOf(BadRequestException);
  await expect(send(s, s.alice, 'to b', { SubChannelId: s.b })).rejects.toBeInstanceOf(ForbiddenException);
  const out = await send(s, s.alice, 'welcome, a', { SubChannelId: s.a });
  expect((await inA.waitFor((f) => f.payload?.MessageId === out.MessageId)).payload.SubChannelId).toBe(s.a);
});

test('SendChannelMessage with a Target outside the sender\'s sub-channel is a BadRequest', async () => {
  const s = await scene();
  const [u0, u1, u2] = s.u;
  await expect(send(s, u0, 'psst', { Target: [{ MemberArn: u2 }] })).rejects.toThrow(/not in sub-channel/);
  await expect(send(s, u0, 'psst', { Target: [{ MemberArn: u1 }] })).resolves.toBeDefined();
});

test('ListChannelMessages and GetChannelMessage: a regular member reads their own sub-channel and no other', async () => {
  const s = await scene();
  const [u0, , u2] = s.u;
  await send(s, u0, 'in a');
  const inB = (await send(s, u2, 'in b')).MessageId!;
  expect(await list(s, u0)).toEqual({ subChannelId: s.a, contents: ['in a'] });
  expect(await list(s, u0, s.a)).toEqual({ subChannelId: s.a, contents: ['in a'] });
  await expect(list(s, u0, s.b)).rejects.toBeInstanceOf(ForbiddenException);
  await expect(get(s, u0, inB)).rejects.toBeInstanceOf(NotFoundException);
  await expect(get(s, u0, inB, s.b)).rejects.toBeInstanceOf(ForbiddenException);
  expect((await get(s, u2, inB)).Content).toBe('in b');
});

test('ListChannelMessages and GetChannelMessage: moderators and AppInstanceAdmins read every sub-channel, outsiders none', async () => {
  const s = await scene();
  const [u0, , u2] = s.u;
  const inA = (await send(s, u0, 'in a')).MessageId!;
  const inB = (await send(s, u2, 'in b')).MessageId!;
  // alice moderates the channel and joined only `a`: "Moderators can view all messages in all sub-channels".
  expect(await list(s, s.alice, s.b)).toEqual({ subChannelId: s.b, contents: ['in b'] });
  expect(await list(s, s.admin, s.a)).toEqual({ subChannelId: s.a, contents: ['in a'] });
  await expect(list(s, s.admin)).rejects.toThrow(/SubChannelId is required/);
  expect((await get(s, s.admin, inB)).Content).toBe('in b');
  expect((await get(s, s.alice, inB, s.b)).Content).toBe('in b');
  await expect(get(s, s.admin, inB, s.a)).rejects.toBeInstanceOf(NotFoundException);
  // carol belongs to no sub-channel, although the channel is PUBLIC.
  await expect(list(s, s.carol, s.a)).rejects.toBeInstanceOf(ForbiddenException);
  await expect(list(s, s.carol)).rejects.toBeInstanceOf(ForbiddenException);
  await expect(get(s, s.carol, inA)).rejects.toBeInstanceOf(ForbiddenException);
});

test('UpdateChannelMessage, RedactChannelMessage and DeleteChannelMessage reach the message\'s sub-channel only; another SubChannelId is NotFound', async () => {
  const s = await scene();
  const [u0, u1, u2] = s.u;
  const inA = await session(u1);
  const inB = await session(u2);
  const id = (await send(s, u0, 'draft')).MessageId!;
  const wrong = { ChannelArn: s.channelArn, MessageId: id, SubChannelId: s.b };
  await expect(t.messaging.send(new UpdateChannelMessageCommand({ ...wrong, Content: 'x', ChimeBearer: u0 }))).rejects.toBeInstanceOf(NotFoundException);
  await expect(t.messaging.send(new RedactChannelMessageCommand({ ...wrong, ChimeBearer: s.alice }))).rejects.toBeInstanceOf(NotFoundException);
  await expect(t.messaging.send(new DeleteChannelMessageCommand({ ...wrong, ChimeBearer: s.admin }))).rejects.toBeInstanceOf(NotFoundException);

  const right = { ChannelArn: s.channelArn, MessageId: id, SubChannelId: s.a };
  await t.messaging.send(new UpdateChannelMessageCommand({ ...right, Content: 'final', ChimeBearer: u0 }));
  await t.messaging.send(new RedactChannelMessageCommand({ ...right, ChimeBearer: s.alice }));
  await t.messaging.send(new DeleteChannelMessageCommand({ ...right, ChimeBearer: s.admin }));
  await inA.waitFor('DELETE_CHANNEL_MESSAGE');
  expect(messagesOf(inA).map(([type]) => type)).toEqual(['CREATE_CHANNEL_MESSAGE', 'UPDATE_CHANNEL_MESSAGE', 'REDACT_CHANNEL_MESSAGE', 'DELETE_CHANNEL_MESSAGE']);
  const marker = (await send(s, u2, 'marker')).MessageId!;
  await inB.waitFor((f) => f.payload?.MessageId === marker);
  expect(messagesOf(inB)).toEqual([['CREATE_CHANNEL_MESSAGE', 'marker']]);
});

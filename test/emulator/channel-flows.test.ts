/**
 * Channel flows through the real SDK clients and real messaging sessions,
 * with processors served by a real HTTP server (test/support/flow-processor-server.ts)
 * that call back through the SDK as processor Lambdas do.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { AddressInfo } from 'node:net';
import {
  AssociateChannelFlowCommand,
  BadRequestException,
  ChannelFlowCallbackCommand,
  ChannelFlowCallbackCommandInput,
  ConflictException,
  CreateChannelCommand,
  CreateChannelFlowCommand,
  CreateChannelFlowCommandInput,
  DeleteChannelFlowCommand,
  DescribeChannelCommand,
  DescribeChannelFlowCommand,
  DisassociateChannelFlowCommand,
  ForbiddenException,
  GetChannelMessageCommand,
  GetChannelMessageStatusCommand,
  ListChannelFlowsCommand,
  ListChannelMessagesCommand,
  ListChannelsAssociatedWithChannelFlowCommand,
  NotFoundException,
  Processor,
  SendChannelMessageCommand,
  SendChannelMessageCommandInput,
  UpdateChannelFlowCommand,
  UpdateChannelMessageCommand,
} from '@aws-sdk/client-chime-sdk-messaging';
import { denying, FlowProcessorServer, lambdaArn, refusing, rewriting, silent } from '../support/flow-processor-server';
import { createWorld, startTestChime, TestChime, TestWorld } from '../support/local-chime';
import { SessionClient, SessionFrame } from '../support/session-client';

/** The processor deadline of the `fast` service. */
const FAST_TIMEOUT_MS = 500;
/** Frames may take a moment on a loaded machine. */
const WAIT_MS = 5000;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

let t: TestChime;
let processors: FlowProcessorServer;
/** A second service whose processors have FAST_TIMEOUT_MS to call back, configured by ARN map. */
let fast: TestChime;
let fastProcessors: FlowProcessorServer;
/** A URL nothing listens on. */
let refusedUrl: string;

beforeAll(async () => {
  processors = await FlowProcessorServer.start(
    {
      censor: rewriting((content) => content.replace(/darn/g, '****')),
      'append-a': rewriting((content) => `${content}+a`),
      'append-b': rewriting((content) => `${content}+b`),
      tag: { kind: 'answer', answer: () => ({ ChannelMessage: { Metadata: 'checked', MessageAttributes: { checked: { StringValues: ['yes'] } } } }) },
      deny: denying(),
      'deny-edits': { kind: 'answer', answer: (event) => (event.ChannelMessage.LastEditedTimestamp ? { DeleteResource: true } : {}) },
      hold: silent(),
      broken: refusing(500),
    },
    () => t.messaging,
  );
  t = await startTestChime({ channelFlows: { processors: processors.template } });
  const closed = http.createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  refusedUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/gone`;
  await new Promise<void>((resolve) => closed.close(() => resolve()));
  fastProcessors = await FlowProcessorServer.start({ hold: silent() }, () => fast.messaging);
  fast = await startTestChime({
    channelFlows: { processors: { [lambdaArn('hold')]: fastProcessors.url('hold'), [lambdaArn('nowhere')]: refusedUrl }, callbackTimeoutMs: FAST_TIMEOUT_MS },
  });
});

afterAll(async () => {
  await Promise.all(sessions.splice(0).map((c) => c.close()));
  await processors.close();
  await fastProcessors.close();
  await t.close();
  await fast.close();
  expect(processors.callbackErrors).toEqual([]);
});

const sessions: SessionClient[] = [];
afterEach(async () => {
  await Promise.all(sessions.splice(0).map((c) => c.close()));
});

async function session(chime: TestChime, userArn: string): Promise<SessionClient> {
  const client = await SessionClient.established(chime.messaging, { userArn });
  sessions.push(client);
  return client;
}

/** A processor entry of a flow, served at `/<name>`. */
const processor = (name: string, order: number, fallback: 'CONTINUE' | 'ABORT' = 'ABORT'): Processor => ({
  Name: name,
  Configuration: { Lambda: { ResourceArn: lambdaArn(name), InvocationType: 'ASYNC' } },
  ExecutionOrder: order,
  FallbackAction: fallback,
});

/** A world, a flow, and a channel alice created (she moderates it) with bob and carol as members and the flow associated. */
interface Scene extends TestWorld {
  chime: TestChime;
  channelArn: string;
  flowArn: string;
  alice: string;
  bob: string;
  carol: string;
}

async function scene(chime: TestChime, steps: Processor[]): Promise<Scene> {
  const world = await createWorld(chime.identity);
  const { alice, bob, carol } = world.users;
  const { ChannelArn } = await chime.messaging.send(
    new CreateChannelCommand({ AppInstanceArn: world.appInstanceArn, Name: 'moderated', MemberArns: [bob, carol], ChimeBearer: alice }),
  );
  const { ChannelFlowArn } = await chime.messaging.send(new CreateChannelFlowCommand({ AppInstanceArn: world.appInstanceArn, Name: 'checks', Processors: steps }));
  await chime.messaging.send(new AssociateChannelFlowCommand({ ChannelArn, ChannelFlowArn, ChimeBearer: alice }));
  return { ...world, chime, channelArn: ChannelArn!, flowArn: ChannelFlowArn!, alice, bob, carol };
}

type SendExtras = Partial<Omit<SendChannelMessageCommandInput, 'ChannelArn' | 'ChimeBearer' | 'Content'>>;

const send = (s: Scene, bearer: string, content: string, extras: SendExtras = {}) =>
  s.chime.messaging.send(
    new SendChannelMessageCommand({ ChannelArn: s.channelArn, Content: content, Type: 'STANDARD', Persistence: 'PERSISTENT', ChimeBearer: bearer, ...extras }),
  );

const edit = (s: Scene, bearer: string, messageId: string, content: string) =>
  s.chime.messaging.send(new UpdateChannelMessageCommand({ ChannelArn: s.channelArn, MessageId: messageId, Content: content, ChimeBearer: bearer }));

const get = (s: Scene, bearer: string, messageId: string) =>
  s.chime.messaging.send(new GetChannelMessageCommand({ ChannelArn: s.channelArn, MessageId: messageId, ChimeBearer: bearer })).then((o) => o.ChannelMessage!);

const listed = async (s: Scene, bearer: string) =>
  (await s.chime.messaging.send(new ListChannelMessagesCommand({ ChannelArn: s.channelArn, ChimeBearer: bearer }))).ChannelMessages!.map((m) => [
    m.Content,
    m.Status?.Value,
  ]);

const statusOf = (s: Scene, bearer: string, messageId: string) =>
  s.chime.messaging
    .send(new GetChannelMessageStatusCommand({ ChannelArn: s.channelArn, MessageId: messageId, ChimeBearer: bearer }))
    .then((o) => o.Status);

const callback = (s: Scene, input: Omit<ChannelFlowCallbackCommandInput, 'ChannelArn'>) =>
  s.chime.messaging.send(new ChannelFlowCallbackCommand({ ChannelArn: s.channelArn, ...input }));

/** The event types a session received for one message, in order. */
const typesOf = (client: SessionClient, messageId: string) => client.frames.filter((f) => f.payload?.MessageId === messageId).map((f) => f.eventType);

const frameOf = (client: SessionClient, eventType: string, messageId: string, timeoutMs = WAIT_MS): Promise<SessionFrame> =>
  client.waitFor((f) => f.eventType === eventType && f.payload?.MessageId === messageId, timeoutMs);

/**
 * Resolves once `client` has received every event published before the call:
 * carol's NON_PERSISTENT CONTROL message skips the flow and reaches every
 * member, after everything published earlier.
 */
async function barrier(s: Scene, client: SessionClient): Promise<void> {
  const { MessageId } = await send(s, s.carol, 'sync', { Type: 'CONTROL', Persistence: 'NON_PERSISTENT' });
  await frameOf(client, 'CREATE_CHANNEL_MESSAGE', MessageId!);
}

// ---------------------------------------------------------------------------
// Flows

describe('CreateChannelFlow', () => {
  test('CreateChannelFlow returns an ARN under the AppInstance and DescribeChannelFlow shows the processors in ExecutionOrder', async () => {
    const world = await createWorld(t.identity, []);
    const { ChannelFlowArn } = await t.messaging.send(
      new CreateChannelFlowCommand({
        AppInstanceArn: world.appInstanceArn,
        Name: 'moderation',
        Processors: [processor('second', 2, 'CONTINUE'), processor('first', 1)],
        ClientRequestToken: 'flow-token-1',
      }),
    );
    expect(ChannelFlowArn).toMatch(new RegExp(`^${world.appInstanceArn}/channel-flow/[0-9a-f-]{36}$`));
    const { ChannelFlow } = await t.messaging.send(new DescribeChannelFlowCommand({ ChannelFlowArn }));
    expect(ChannelFlow).toMatchObject({ ChannelFlowArn, Name: 'moderation', Processors: [processor('first', 1), processor('second', 2, 'CONTINUE')] });
    expect(ChannelFlow!.CreatedTimestamp).toBeInstanceOf(Date);
    expect(ChannelFlow!.LastUpdatedTimestamp!.getTime()).toBe(ChannelFlow!.CreatedTimestamp!.getTime());
  });

  test('CreateChannelFlow with a repeated ClientRequestToken returns the first flow; other parameters with it are a Conflict', async () => {
    const world = await createWorld(t.identity, []);
    const input: CreateChannelFlowCommandInput = { AppInstanceArn: world.appInstanceArn, Name: 'once', Processors: [processor('censor', 1)], ClientRequestToken: 'flow-once' };
    const first = await t.messaging.send(new CreateChannelFlowCommand(input));
    expect((await t.messaging.send(new CreateChannelFlowCommand(input))).ChannelFlowArn).toBe(first.ChannelFlowArn);
    expect((await t.messaging.send(new ListChannelFlowsCommand({ AppInstanceArn: world.appInstanceArn }))).ChannelFlows).toHaveLength(1);
    await expect(t.messaging.send(new CreateChannelFlowCommand({ ...input, Name: 'twice' }))).rejects.toBeInstanceOf(ConflictException);
  });

  test('CreateChannelFlow rejects processor lists that break the model', async () => {
    const world = await createWorld(t.identity, []);
    const create = (Processors: Processor[]) => t.messaging.send(new CreateChannelFlowCommand({ AppInstanceArn: world.appInstanceArn, Name: 'bad', Processors }));
    const ok = processor('censor', 1);
    await expect(create([])).rejects.toThrow(/Processors must hold 1..3 processors, got 0/);
    await expect(create([ok, processor('a', 2), processor('b', 3), processor('c', 3)])).rejects.toThrow(/got 4/);
    await expect(create([ok, processor('again', 1)])).rejects.toThrow(/own ExecutionOrder; 1 is given twice/);
    await expect(create([{ ...ok, ExecutionOrder: 4 }])).rejects.toThrow(/Processors\[0\].ExecutionOrder must be an integer in 1..3, got 4/);
    await expect(create([{ ...ok, FallbackAction: 'RETRY' as 'ABORT' }])).rejects.toThrow(/FallbackAction must be one of CONTINUE, ABORT/);
    await expect(create([{ ...ok, Configuration: { Lambda: { ResourceArn: lambdaArn('x'), InvocationType: 'SYNC' as 'ASYNC' } } }])).rejects.toThrow(
      /InvocationType must be one of ASYNC/,
    );
    await expect(create([{ ...ok, Configuration: { Lambda: { ResourceArn: 'arn:aws:sqs:us-east-1:123456789012:queue', InvocationType: 'ASYNC' } } }])).rejects.toThrow(
      /ResourceArn does not match/,
    );
    await expect(create([{ ...ok, Name: '' }])).rejects.toThrow(/Processors\[0\].Name must be 1..256 characters/);
    await expect(create([ok]).then(() => 'created')).resolves.toBe('created');
  });

  test('CreateChannelFlow stores its Tags and checks them', async () => {
    const world = await createWorld(t.identity, []);
    const base = { AppInstanceArn: world.appInstanceArn, Name: 'tagged', Processors: [processor('censor', 1)] };
    const { ChannelFlowArn } = await t.messaging.send(new CreateChannelFlowCommand({ ...base, Tags: [{ Key: 'team', Value: 'trust' }] }));
    expect(t.chime.db.prepare('SELECT key, value FROM tags WHERE resource_arn = ?').all(ChannelFlowArn)).toEqual([{ key: 'team', value: 'trust' }]);
    await expect(t.messaging.send(new CreateChannelFlowCommand({ ...base, Tags: [{ Key: '', Value: 'v' }] }))).rejects.toBeInstanceOf(BadRequestException);
  });

  test('CreateChannelFlow in an unknown AppInstance is NotFound', async () => {
    const world = await createWorld(t.identity, []);
    const create = new CreateChannelFlowCommand({ AppInstanceArn: `${world.appInstanceArn}x`, Name: 'orphan', Processors: [processor('censor', 1)] });
    await expect(t.messaging.send(create)).rejects.toBeInstanceOf(NotFoundException);
  });
});

describe('DescribeChannelFlow, UpdateChannelFlow, DeleteChannelFlow', () => {
  test('DescribeChannelFlow of an unknown flow is NotFound and of a malformed ARN a BadRequest', async () => {
    const s = await scene(t, [processor('censor', 1)]);
    await expect(t.messaging.send(new DescribeChannelFlowCommand({ ChannelFlowArn: `${s.flowArn}0` }))).rejects.toBeInstanceOf(NotFoundException);
    await expect(t.messaging.send(new DescribeChannelFlowCommand({ ChannelFlowArn: 'not-an-arn' }))).rejects.toBeInstanceOf(BadRequestException);
  });

  test('UpdateChannelFlow replaces the name and processors and moves LastUpdatedTimestamp', async () => {
    const s = await scene(t, [processor('censor', 1)]);
    const before = (await t.messaging.send(new DescribeChannelFlowCommand({ ChannelFlowArn: s.flowArn }))).ChannelFlow!;
    await new Promise((resolve) => setTimeout(resolve, 5));
    const out = await t.messaging.send(
      new UpdateChannelFlowCommand({ ChannelFlowArn: s.flowArn, Name: 'renamed', Processors: [processor('append-b', 2), processor('append-a', 1)] }),
    );
    expect(out.ChannelFlowArn).toBe(s.flowArn);
    const after = (await t.messaging.send(new DescribeChannelFlowCommand({ ChannelFlowArn: s.flowArn }))).ChannelFlow!;
    expect(after).toMatchObject({ Name: 'renamed', Processors: [processor('append-a', 1), processor('append-b', 2)], CreatedTimestamp: before.CreatedTimestamp });
    expect(after.LastUpdatedTimestamp!.getTime()).toBeGreaterThan(before.LastUpdatedTimestamp!.getTime());
    // The channel's messages now go through the new processors.
    const sent = await send(s, s.alice, 'x');
    await processors.invocationOf('append-a', sent.MessageId!);
    await expect(
      t.messaging.send(new UpdateChannelFlowCommand({ ChannelFlowArn: `${s.flowArn}0`, Name: 'n', Processors: [processor('censor', 1)] })),
    ).rejects.toBeInstanceOf(NotFoundException);
    await expect(t.messaging.send(new UpdateChannelFlowCommand({ ChannelFlowArn: s.flowArn, Name: 'n', Processors: [] }))).rejects.toBeInstanceOf(
      BadRequestException,
    );
  });

  test('DeleteChannelFlow is a Conflict while a channel is associated, and works once none is', async () => {
    const s = await scene(t, [processor('censor', 1)]);
    await expect(t.messaging.send(new DeleteChannelFlowCommand({ ChannelFlowArn: s.flowArn }))).rejects.toThrow(/associated with channel/);
    await expect(t.messaging.send(new DeleteChannelFlowCommand({ ChannelFlowArn: s.flowArn }))).rejects.toBeInstanceOf(ConflictException);
    await t.messaging.send(new DisassociateChannelFlowCommand({ ChannelArn: s.channelArn, ChannelFlowArn: s.flowArn, ChimeBearer: s.alice }));
    await t.messaging.send(new DeleteChannelFlowCommand({ ChannelFlowArn: s.flowArn }));
    await expect(t.messaging.send(new DescribeChannelFlowCommand({ ChannelFlowArn: s.flowArn }))).rejects.toBeInstanceOf(NotFoundException);
    await expect(t.messaging.send(new DeleteChannelFlowCommand({ ChannelFlowArn: s.flowArn }))).rejects.toBeInstanceOf(NotFoundException);
  });
});

describe('ListChannelFlows', () => {
  test('ListChannelFlows pages through the flows of one AppInstance in creation order', async () => {
    const world = await createWorld(t.identity, []);
    const other = await createWorld(t.identity, []);
    const arns: string[] = [];
    for (const name of ['f1', 'f2', 'f3', 'f4', 'f5']) {
      arns.push(
        (await t.messaging.send(new CreateChannelFlowCommand({ AppInstanceArn: world.appInstanceArn, Name: name, Processors: [processor('censor', 1)] })))
          .ChannelFlowArn!,
      );
    }
    await t.messaging.send(new CreateChannelFlowCommand({ AppInstanceArn: other.appInstanceArn, Name: 'elsewhere', Processors: [processor('censor', 1)] }));
    const seen: string[] = [];
    let next: string | undefined;
    let pages = 0;
    do {
      const page = await t.messaging.send(new ListChannelFlowsCommand({ AppInstanceArn: world.appInstanceArn, MaxResults: 2, NextToken: next }));
      expect(page.ChannelFlows!.length).toBeLessThanOrEqual(2);
      for (const flow of page.ChannelFlows!) {
        expect(flow.Processors).toEqual([processor('censor', 1)]);
        seen.push(flow.ChannelFlowArn!);
      }
      next = page.NextToken;
      pages += 1;
    } while (next);
    expect(seen).toEqual(arns);
    expect(pages).toBe(3);
  });

  test('ListChannelFlows rejects a forged NextToken, one from another AppInstance, and MaxResults outside 1..50', async () => {
    const world = await createWorld(t.identity, []);
    const other = await createWorld(t.identity, []);
    for (const w of [world, other]) {
      for (const name of ['a', 'b']) await t.messaging.send(new CreateChannelFlowCommand({ AppInstanceArn: w.appInstanceArn, Name: name, Processors: [processor('censor', 1)] }));
    }
    const { NextToken } = await t.messaging.send(new ListChannelFlowsCommand({ AppInstanceArn: world.appInstanceArn, MaxResults: 1 }));
    expect(NextToken).toBeDefined();
    const list = (AppInstanceArn: string, token?: string, MaxResults?: number) =>
      t.messaging.send(new ListChannelFlowsCommand({ AppInstanceArn, NextToken: token, MaxResults }));
    await expect(list(world.appInstanceArn, `${NextToken}x`)).rejects.toThrow(/NextToken is not valid/);
    await expect(list(world.appInstanceArn, 'garbage')).rejects.toBeInstanceOf(BadRequestException);
    await expect(list(other.appInstanceArn, NextToken)).rejects.toBeInstanceOf(BadRequestException);
    await expect(list(world.appInstanceArn, undefined, 51)).rejects.toBeInstanceOf(BadRequestException);
    await expect(list(`${world.appInstanceArn}x`)).rejects.toBeInstanceOf(NotFoundException);
  });
});

describe('AssociateChannelFlow, DisassociateChannelFlow, ListChannelsAssociatedWithChannelFlow', () => {
  test('AssociateChannelFlow by a moderator shows in DescribeChannel and DisassociateChannelFlow removes it', async () => {
    const s = await scene(t, [processor('censor', 1)]);
    const describe = async () => (await t.messaging.send(new DescribeChannelCommand({ ChannelArn: s.channelArn, ChimeBearer: s.bob }))).Channel!.ChannelFlowArn;
    expect(await describe()).toBe(s.flowArn);
    // The same flow again changes nothing.
    await t.messaging.send(new AssociateChannelFlowCommand({ ChannelArn: s.channelArn, ChannelFlowArn: s.flowArn, ChimeBearer: s.alice }));
    await t.messaging.send(new DisassociateChannelFlowCommand({ ChannelArn: s.channelArn, ChannelFlowArn: s.flowArn, ChimeBearer: s.alice }));
    expect(await describe()).toBeUndefined();
    // Without a flow, messages are SENT at once.
    expect((await send(s, s.bob, 'darn')).Status).toEqual({ Value: 'SENT' });
    // An AppInstanceAdmin who is no member may associate too.
    await t.messaging.send(new AssociateChannelFlowCommand({ ChannelArn: s.channelArn, ChannelFlowArn: s.flowArn, ChimeBearer: s.admin }));
    expect(await describe()).toBe(s.flowArn);
  });

  test('AssociateChannelFlow and DisassociateChannelFlow by a member who is no moderator are forbidden', async () => {
    const s = await scene(t, [processor('censor', 1)]);
    const disassociate = new DisassociateChannelFlowCommand({ ChannelArn: s.channelArn, ChannelFlowArn: s.flowArn, ChimeBearer: s.bob });
    await expect(t.messaging.send(disassociate)).rejects.toBeInstanceOf(ForbiddenException);
    await t.messaging.send(new DisassociateChannelFlowCommand({ ChannelArn: s.channelArn, ChannelFlowArn: s.flowArn, ChimeBearer: s.alice }));
    const associate = new AssociateChannelFlowCommand({ ChannelArn: s.channelArn, ChannelFlowArn: s.flowArn, ChimeBearer: s.bob });
    await expect(t.messaging.send(associate)).rejects.toBeInstanceOf(ForbiddenException);
  });

  test('AssociateChannelFlow with another flow is a Conflict, with a flow of another AppInstance a BadRequest, with an unknown one NotFound', async () => {
    const s = await scene(t, [processor('censor', 1)]);
    const second = await t.messaging.send(new CreateChannelFlowCommand({ AppInstanceArn: s.appInstanceArn, Name: 'second', Processors: [processor('deny', 1)] }));
    const other = await createWorld(t.identity, []);
    const foreign = await t.messaging.send(new CreateChannelFlowCommand({ AppInstanceArn: other.appInstanceArn, Name: 'foreign', Processors: [processor('deny', 1)] }));
    const associate = (ChannelFlowArn: string) => t.messaging.send(new AssociateChannelFlowCommand({ ChannelArn: s.channelArn, ChannelFlowArn, ChimeBearer: s.alice }));
    await expect(associate(second.ChannelFlowArn!)).rejects.toBeInstanceOf(ConflictException);
    await expect(associate(foreign.ChannelFlowArn!)).rejects.toThrow(/belongs to AppInstance/);
    await expect(associate(foreign.ChannelFlowArn!)).rejects.toBeInstanceOf(BadRequestException);
    await expect(associate(`${s.flowArn}0`)).rejects.toBeInstanceOf(NotFoundException);
  });

  test('DisassociateChannelFlow of a flow the channel does not have is NotFound', async () => {
    const s = await scene(t, [processor('censor', 1)]);
    const second = await t.messaging.send(new CreateChannelFlowCommand({ AppInstanceArn: s.appInstanceArn, Name: 'second', Processors: [processor('deny', 1)] }));
    const disassociate = (ChannelFlowArn: string) =>
      t.messaging.send(new DisassociateChannelFlowCommand({ ChannelArn: s.channelArn, ChannelFlowArn, ChimeBearer: s.alice }));
    await expect(disassociate(second.ChannelFlowArn!)).rejects.toBeInstanceOf(NotFoundException);
    await disassociate(s.flowArn);
    await expect(disassociate(s.flowArn)).rejects.toBeInstanceOf(NotFoundException);
  });

  test('ListChannelsAssociatedWithChannelFlow pages through the associated channels; a forged NextToken is a BadRequest', async () => {
    const s = await scene(t, [processor('censor', 1)]);
    const channels = [s.channelArn];
    for (const name of ['two', 'three', 'four']) {
      const { ChannelArn } = await t.messaging.send(
        new CreateChannelCommand({ AppInstanceArn: s.appInstanceArn, Name: name, Mode: 'RESTRICTED', Privacy: 'PRIVATE', Metadata: 'm', ChimeBearer: s.alice }),
      );
      await t.messaging.send(new AssociateChannelFlowCommand({ ChannelArn, ChannelFlowArn: s.flowArn, ChimeBearer: s.alice }));
      channels.push(ChannelArn!);
    }
    const seen: string[] = [];
    let next: string | undefined;
    do {
      const page = await t.messaging.send(new ListChannelsAssociatedWithChannelFlowCommand({ ChannelFlowArn: s.flowArn, MaxResults: 3, NextToken: next }));
      seen.push(...page.Channels!.map((c) => c.ChannelArn!));
      next = page.NextToken;
    } while (next);
    expect(seen).toEqual([...channels].sort());
    const { Channels, NextToken } = await t.messaging.send(new ListChannelsAssociatedWithChannelFlowCommand({ ChannelFlowArn: s.flowArn, MaxResults: 1 }));
    expect(Channels).toHaveLength(1);
    const two = (await t.messaging.send(new ListChannelsAssociatedWithChannelFlowCommand({ ChannelFlowArn: s.flowArn }))).Channels!.find((c) => c.Name === 'two');
    expect(two).toEqual({ Name: 'two', ChannelArn: channels[1], Mode: 'RESTRICTED', Privacy: 'PRIVATE', Metadata: 'm' });
    await expect(
      t.messaging.send(new ListChannelsAssociatedWithChannelFlowCommand({ ChannelFlowArn: s.flowArn, NextToken: `${NextToken}x` })),
    ).rejects.toBeInstanceOf(BadRequestException);
    await expect(t.messaging.send(new ListChannelsAssociatedWithChannelFlowCommand({ ChannelFlowArn: `${s.flowArn}0` }))).rejects.toBeInstanceOf(
      NotFoundException,
    );
  });
});

// ---------------------------------------------------------------------------
// Processing

describe('SendChannelMessage through a channel flow', () => {
  test('a processor that rewrites: Status PENDING, PENDING_CREATE_CHANNEL_MESSAGE to the sender only, then the rewritten message to every member', async () => {
    const s = await scene(t, [processor('censor', 1)]);
    const alice = await session(t, s.alice);
    const bob = await session(t, s.bob);
    const out = await send(s, s.alice, 'darn it', { Metadata: 'meta', ContentType: 'text/plain' });
    const id = out.MessageId!;
    expect(out.Status).toEqual({ Value: 'PENDING' });

    const created = await frameOf(bob, 'CREATE_CHANNEL_MESSAGE', id);
    expect(created.payload).toMatchObject({ Content: '**** it', Metadata: 'meta', Status: { Value: 'SENT' }, Sender: { Arn: s.alice, Name: 'alice' } });
    await frameOf(alice, 'CREATE_CHANNEL_MESSAGE', id);
    expect(typesOf(alice, id)).toEqual(['PENDING_CREATE_CHANNEL_MESSAGE', 'CREATE_CHANNEL_MESSAGE']);
    expect(alice.frames.find((f) => f.eventType === 'PENDING_CREATE_CHANNEL_MESSAGE')!.payload).toMatchObject({
      MessageId: id,
      Content: 'darn it',
      Status: { Value: 'PENDING' },
    });
    expect(typesOf(bob, id)).toEqual(['CREATE_CHANNEL_MESSAGE']);

    // The processor got the guide's event through the webhook.
    const { event, headers } = await processors.invocationOf('censor', id);
    expect(headers['x-amz-invocation-type']).toBe('Event');
    expect(event.EventType).toBe('CHANNEL_MESSAGE_EVENT');
    expect(event.CallbackId).toMatch(/^[0-9a-f]{32}$/);
    expect(event.ChannelMessage).toMatchObject({
      MessageId: id,
      ChannelArn: s.channelArn,
      Content: 'darn it',
      Metadata: 'meta',
      ContentType: 'text/plain',
      Type: 'STANDARD',
      Persistence: 'PERSISTENT',
      Sender: { Arn: s.alice, Name: 'alice' },
    });
    expect(event.ChannelMessage.CreatedTimestamp).toMatch(ISO);

    expect((await get(s, s.bob, id)).Content).toBe('**** it');
    expect(await statusOf(s, s.alice, id)).toEqual({ Value: 'SENT' });
  });

  test('a message waiting for its processor is seen by nobody but the sender until the callback makes it SENT', async () => {
    const s = await scene(t, [processor('hold', 1)]);
    const alice = await session(t, s.alice);
    const bob = await session(t, s.bob);
    const id = (await send(s, s.alice, 'wait for it', { Metadata: 'm' })).MessageId!;
    const { event } = await processors.invocationOf('hold', id);
    await frameOf(alice, 'PENDING_CREATE_CHANNEL_MESSAGE', id);

    expect(await listed(s, s.alice)).toEqual([['wait for it', 'PENDING']]);
    expect((await get(s, s.alice, id)).Status).toEqual({ Value: 'PENDING' });
    expect(await statusOf(s, s.alice, id)).toEqual({ Value: 'PENDING' });
    expect(await listed(s, s.bob)).toEqual([]);
    await expect(get(s, s.bob, id)).rejects.toBeInstanceOf(NotFoundException);
    await expect(get(s, s.admin, id)).rejects.toBeInstanceOf(NotFoundException);
    await expect(statusOf(s, s.bob, id)).rejects.toBeInstanceOf(ForbiddenException);
    const channel = async () => (await t.messaging.send(new DescribeChannelCommand({ ChannelArn: s.channelArn, ChimeBearer: s.bob }))).Channel!;
    expect((await channel()).LastMessageTimestamp).toBeUndefined();
    await barrier(s, bob);
    expect(typesOf(bob, id)).toEqual([]);

    // Answered with no changes: the message goes out as sent.
    const answer = await callback(s, { CallbackId: event.CallbackId, ChannelMessage: { MessageId: id } });
    expect(answer).toMatchObject({ ChannelArn: s.channelArn, CallbackId: event.CallbackId });
    const created = await frameOf(bob, 'CREATE_CHANNEL_MESSAGE', id);
    expect(created.payload).toMatchObject({ Content: 'wait for it', Metadata: 'm', Status: { Value: 'SENT' } });
    expect(await listed(s, s.bob)).toEqual([['wait for it', 'SENT']]);
    expect((await channel()).LastMessageTimestamp).toBeInstanceOf(Date);
  });

  test('a processor that denies: DENIED_CREATE_CHANNEL_MESSAGE to the sender only, and the message is not kept', async () => {
    const s = await scene(t, [processor('deny', 1)]);
    const alice = await session(t, s.alice);
    const bob = await session(t, s.bob);
    const id = (await send(s, s.alice, 'buy now')).MessageId!;
    const denied = await frameOf(alice, 'DENIED_CREATE_CHANNEL_MESSAGE', id);
    expect(denied.payload).toMatchObject({ MessageId: id, Content: 'buy now', Status: { Value: 'DENIED', Detail: 'Denied by processor deny.' } });
    expect(typesOf(alice, id)).toEqual(['PENDING_CREATE_CHANNEL_MESSAGE', 'DENIED_CREATE_CHANNEL_MESSAGE']);
    await barrier(s, bob);
    expect(typesOf(bob, id)).toEqual([]);
    expect(await listed(s, s.alice)).toEqual([]);
    await expect(get(s, s.alice, id)).rejects.toBeInstanceOf(NotFoundException);
    // "This API does not return statuses for denied messages, because we don't store them."
    await expect(statusOf(s, s.alice, id)).rejects.toBeInstanceOf(NotFoundException);
  });

  test('a processor that never calls back: FAILED_CREATE_CHANNEL_MESSAGE to the sender after the timeout, and a late callback is a Conflict', async () => {
    const s = await scene(fast, [processor('hold', 1, 'CONTINUE')]);
    const alice = await session(fast, s.alice);
    const bob = await session(fast, s.bob);
    const sentAt = Date.now();
    const id = (await send(s, s.alice, 'anyone there?')).MessageId!;
    const failed = await frameOf(alice, 'FAILED_CREATE_CHANNEL_MESSAGE', id);
    expect(Date.now() - sentAt).toBeGreaterThanOrEqual(FAST_TIMEOUT_MS - 20);
    const detail = `Processor hold (${lambdaArn('hold')}) did not call ChannelFlowCallback within ${FAST_TIMEOUT_MS} ms.`;
    expect(failed.payload.Status).toEqual({ Value: 'FAILED', Detail: detail });
    expect(await statusOf(s, s.alice, id)).toEqual({ Value: 'FAILED', Detail: detail });
    expect(await listed(s, s.alice)).toEqual([['anyone there?', 'FAILED']]);
    expect(await listed(s, s.bob)).toEqual([]);
    await barrier(s, bob);
    expect(typesOf(bob, id)).toEqual([]);
    const { event } = await fastProcessors.invocationOf('hold', id);
    const late = callback(s, { CallbackId: event.CallbackId, ChannelMessage: { MessageId: id } });
    await expect(late).rejects.toBeInstanceOf(ConflictException);
    await expect(late).rejects.toThrow(/did not call back in time/);
  });

  test('a processor that cannot be invoked with FallbackAction CONTINUE passes the message on unchanged', async () => {
    const s = await scene(t, [processor('broken', 1, 'CONTINUE'), processor('censor', 2)]);
    const bob = await session(t, s.bob);
    const id = (await send(s, s.alice, 'darn')).MessageId!;
    expect((await frameOf(bob, 'CREATE_CHANNEL_MESSAGE', id)).payload.Content).toBe('****');
    expect((await processors.invocationOf('censor', id)).event.ChannelMessage.Content).toBe('darn');
  });

  test('a processor that cannot be invoked with FallbackAction ABORT ends the message FAILED', async () => {
    const s = await scene(t, [processor('broken', 1, 'ABORT'), processor('censor', 2)]);
    const alice = await session(t, s.alice);
    const bob = await session(t, s.bob);
    const id = (await send(s, s.alice, 'darn')).MessageId!;
    const failed = await frameOf(alice, 'FAILED_CREATE_CHANNEL_MESSAGE', id);
    expect(failed.payload.Status).toEqual({ Value: 'FAILED', Detail: `Processor broken (${lambdaArn('broken')}) answered its invocation with HTTP 500.` });
    await barrier(s, bob);
    expect(typesOf(bob, id)).toEqual([]);
    expect(processors.invocations.some((i) => i.processor === 'censor' && i.event.ChannelMessage.MessageId === id)).toBe(false);
  });

  test('a processor with no endpoint or an unreachable one gets its FallbackAction', async () => {
    const unset = await scene(fast, [processor('unset', 1, 'ABORT')]);
    const alice = await session(fast, unset.alice);
    const id = (await send(unset, unset.alice, 'to nowhere')).MessageId!;
    const failed = await frameOf(alice, 'FAILED_CREATE_CHANNEL_MESSAGE', id);
    expect(failed.payload.Status.Detail).toMatch(/has no endpoint configured/);

    const unreachable = await scene(fast, [processor('nowhere', 1, 'CONTINUE')]);
    const bob = await session(fast, unreachable.bob);
    const passed = (await send(unreachable, unreachable.alice, 'through anyway')).MessageId!;
    expect((await frameOf(bob, 'CREATE_CHANNEL_MESSAGE', passed)).payload.Content).toBe('through anyway');
  });

  test('processors run in ExecutionOrder, each receiving the message as the previous one left it', async () => {
    const s = await scene(t, [processor('append-a', 2), processor('append-b', 1), processor('tag', 3)]);
    const bob = await session(t, s.bob);
    const id = (await send(s, s.alice, 'x')).MessageId!;
    const created = await frameOf(bob, 'CREATE_CHANNEL_MESSAGE', id);
    expect(created.payload).toMatchObject({ Content: 'x+b+a', Metadata: 'checked', MessageAttributes: { checked: { StringValues: ['yes'] } } });
    expect((await processors.invocationOf('append-b', id)).event.ChannelMessage.Content).toBe('x');
    expect((await processors.invocationOf('append-a', id)).event.ChannelMessage.Content).toBe('x+b');
    expect((await processors.invocationOf('tag', id)).event.ChannelMessage.Content).toBe('x+b+a');
    expect(await get(s, s.carol, id)).toMatchObject({ Content: 'x+b+a', Metadata: 'checked' });
  });

  test('CONTROL messages skip the flow', async () => {
    const s = await scene(t, [processor('hold', 1)]);
    const out = await send(s, s.bob, 'typing', { Type: 'CONTROL' });
    expect(out.Status).toEqual({ Value: 'SENT' });
    expect(await listed(s, s.carol)).toEqual([['typing', 'SENT']]);
    expect(processors.invocations.some((i) => i.event.ChannelMessage.MessageId === out.MessageId)).toBe(false);
  });

  test('NON_PERSISTENT messages go through the flow and are never stored', async () => {
    const s = await scene(t, [processor('censor', 1)]);
    const alice = await session(t, s.alice);
    const bob = await session(t, s.bob);
    const out = await send(s, s.alice, 'darn, live', { Persistence: 'NON_PERSISTENT' });
    expect(out.Status).toEqual({ Value: 'PENDING' });
    const created = await frameOf(bob, 'CREATE_CHANNEL_MESSAGE', out.MessageId!);
    expect(created).toMatchObject({ persistence: 'NON_PERSISTENT', payload: { Content: '****, live', Status: { Value: 'SENT' } } });
    expect((await frameOf(alice, 'PENDING_CREATE_CHANNEL_MESSAGE', out.MessageId!)).persistence).toBe('NON_PERSISTENT');
    expect(await listed(s, s.alice)).toEqual([]);
    await expect(statusOf(s, s.alice, out.MessageId!)).rejects.toBeInstanceOf(NotFoundException);
  });

  test('a message waiting across a restart still ends FAILED at its deadline', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chime-flows-'));
    const options = {
      database: path.join(dir, 'chime.sqlite'),
      channelFlows: { processors: { [lambdaArn('hold')]: fastProcessors.url('hold') }, callbackTimeoutMs: 800 },
    };
    try {
      const first = await startTestChime(options);
      const s = await scene(first, [processor('hold', 1)]);
      const id = (await send(s, s.alice, 'across restarts')).MessageId!;
      await fastProcessors.invocationOf('hold', id);
      await first.close();
      const second = await startTestChime(options);
      try {
        const again = { ...s, chime: second };
        expect(await statusOf(again, s.alice, id)).toEqual({ Value: 'PENDING' });
        const alice = await session(second, s.alice);
        const failed = await frameOf(alice, 'FAILED_CREATE_CHANNEL_MESSAGE', id);
        expect(failed.payload.Status.Detail).toMatch(/within 800 ms/);
        expect((await statusOf(again, s.alice, id))!.Value).toBe('FAILED');
      } finally {
        await Promise.all(sessions.splice(0).map((c) => c.close()));
        await second.close();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('UpdateChannelMessage through a channel flow', () => {
  /** Sends a message and waits until bob has it. */
  async function sent(s: Scene, bob: SessionClient, content: string): Promise<string> {
    const id = (await send(s, s.alice, content)).MessageId!;
    await frameOf(bob, 'CREATE_CHANNEL_MESSAGE', id);
    return id;
  }

  test('an edit answers PENDING, PENDING_UPDATE_CHANNEL_MESSAGE goes to the sender only, then UPDATE_CHANNEL_MESSAGE with the processed content', async () => {
    const s = await scene(t, [processor('censor', 1)]);
    const alice = await session(t, s.alice);
    const bob = await session(t, s.bob);
    const id = await sent(s, bob, 'hello');
    const out = await edit(s, s.alice, id, 'darn you');
    expect(out.Status).toEqual({ Value: 'PENDING' });
    const updated = await frameOf(bob, 'UPDATE_CHANNEL_MESSAGE', id);
    expect(updated.payload).toMatchObject({ Content: '**** you', Status: { Value: 'SENT' } });
    expect(updated.payload.LastEditedTimestamp).toMatch(ISO);
    await frameOf(alice, 'UPDATE_CHANNEL_MESSAGE', id);
    expect(typesOf(alice, id)).toEqual(['PENDING_CREATE_CHANNEL_MESSAGE', 'CREATE_CHANNEL_MESSAGE', 'PENDING_UPDATE_CHANNEL_MESSAGE', 'UPDATE_CHANNEL_MESSAGE']);
    expect(alice.frames.find((f) => f.eventType === 'PENDING_UPDATE_CHANNEL_MESSAGE')!.payload).toMatchObject({ Content: 'darn you', Status: { Value: 'PENDING' } });
    expect(typesOf(bob, id)).toEqual(['CREATE_CHANNEL_MESSAGE', 'UPDATE_CHANNEL_MESSAGE']);
    expect(await get(s, s.bob, id)).toMatchObject({ Content: '**** you', Status: { Value: 'SENT' } });
  });

  test('a denied edit: DENIED_UPDATE_CHANNEL_MESSAGE to the sender only, and the message keeps its content', async () => {
    const s = await scene(t, [processor('deny-edits', 1)]);
    const alice = await session(t, s.alice);
    const bob = await session(t, s.bob);
    const id = await sent(s, bob, 'original');
    await edit(s, s.alice, id, 'rewritten history');
    const denied = await frameOf(alice, 'DENIED_UPDATE_CHANNEL_MESSAGE', id);
    expect(denied.payload).toMatchObject({ Content: 'rewritten history', Status: { Value: 'DENIED' } });
    await barrier(s, bob);
    expect(typesOf(bob, id)).toEqual(['CREATE_CHANNEL_MESSAGE']);
    const message = await get(s, s.bob, id);
    expect(message).toMatchObject({ Content: 'original', Status: { Value: 'SENT' } });
    expect(message.LastEditedTimestamp).toBeUndefined();
    expect(await statusOf(s, s.alice, id)).toEqual({ Value: 'SENT' });
  });

  test('an edit whose processor never calls back: FAILED_UPDATE_CHANNEL_MESSAGE to the sender, and the message keeps its content', async () => {
    const s = await scene(fast, [processor('hold', 1)]);
    const alice = await session(fast, s.alice);
    const bob = await session(fast, s.bob);
    // Sent before the flow is associated, so only the edit goes through it.
    const flow = { ChannelArn: s.channelArn, ChannelFlowArn: s.flowArn, ChimeBearer: s.alice };
    await fast.messaging.send(new DisassociateChannelFlowCommand(flow));
    const id = (await send(s, s.alice, 'first words')).MessageId!;
    await fast.messaging.send(new AssociateChannelFlowCommand(flow));
    await frameOf(bob, 'CREATE_CHANNEL_MESSAGE', id);
    expect((await edit(s, s.alice, id, 'second thoughts')).Status).toEqual({ Value: 'PENDING' });
    expect(await statusOf(s, s.alice, id)).toEqual({ Value: 'PENDING' });
    const failed = await frameOf(alice, 'FAILED_UPDATE_CHANNEL_MESSAGE', id);
    expect(failed.payload).toMatchObject({ Content: 'second thoughts', Status: { Value: 'FAILED' } });
    await barrier(s, bob);
    expect(typesOf(bob, id)).toEqual(['CREATE_CHANNEL_MESSAGE']);
    expect((await get(s, s.bob, id)).Content).toBe('first words');
  });

  test('a PENDING message cannot be edited, nor a message whose earlier edit is still in processing', async () => {
    const s = await scene(t, [processor('hold', 1)]);
    const id = (await send(s, s.alice, 'one')).MessageId!;
    await expect(edit(s, s.alice, id, 'two')).rejects.toThrow(/is PENDING; only a SENT message can be edited/);
    const created = await processors.invocationOf('hold', id);
    await callback(s, { CallbackId: created.event.CallbackId, ChannelMessage: { MessageId: id } });
    await edit(s, s.alice, id, 'two');
    const again = edit(s, s.alice, id, 'three');
    await expect(again).rejects.toBeInstanceOf(ConflictException);
    await expect(again).rejects.toThrow(/still being processed/);
  });
});

// ---------------------------------------------------------------------------
// ChannelFlowCallback and GetChannelMessageStatus

describe('ChannelFlowCallback', () => {
  /** A message waiting on the `hold` processor, and its invocation's CallbackId. */
  async function waiting(s: Scene, content = 'pending'): Promise<{ id: string; callbackId: string }> {
    const id = (await send(s, s.alice, content)).MessageId!;
    return { id, callbackId: (await processors.invocationOf('hold', id)).event.CallbackId };
  }

  test('ChannelFlowCallback with an unknown CallbackId, another channel or another MessageId is a BadRequest', async () => {
    const s = await scene(t, [processor('hold', 1)]);
    const { id, callbackId } = await waiting(s);
    await expect(callback(s, { CallbackId: '0'.repeat(32), ChannelMessage: { MessageId: id } })).rejects.toThrow(/was not issued for a message of channel/);
    const other = await scene(t, [processor('hold', 1)]);
    await expect(callback(other, { CallbackId: callbackId, ChannelMessage: { MessageId: id } })).rejects.toBeInstanceOf(BadRequestException);
    await expect(callback(s, { CallbackId: callbackId, ChannelMessage: { MessageId: 'someone-else' } })).rejects.toThrow(/MessageId must be/);
    await expect(callback(s, { CallbackId: 'short', ChannelMessage: { MessageId: id } })).rejects.toThrow(/CallbackId must be 32..64 characters/);
    // None of these settled the message.
    expect(await statusOf(s, s.alice, id)).toEqual({ Value: 'PENDING' });
  });

  test('ChannelFlowCallback checks the processed message against the limits of a sent message', async () => {
    const s = await scene(t, [processor('hold', 1)]);
    const { id, callbackId } = await waiting(s);
    await expect(callback(s, { CallbackId: callbackId, ChannelMessage: { MessageId: id, Content: 'x'.repeat(4097) } })).rejects.toThrow(
      /Content must be at most 4096 bytes/,
    );
    await expect(callback(s, { CallbackId: callbackId, ChannelMessage: { MessageId: id, Metadata: 'm'.repeat(1025) } })).rejects.toBeInstanceOf(
      BadRequestException,
    );
    await expect(callback(s, { CallbackId: callbackId, ChannelMessage: { MessageId: id, ContentType: 'c'.repeat(46) } })).rejects.toBeInstanceOf(
      BadRequestException,
    );
    await callback(s, { CallbackId: callbackId, ChannelMessage: { MessageId: id, Content: 'fits' } });
    expect(await get(s, s.bob, id)).toMatchObject({ Content: 'fits', Status: { Value: 'SENT' } });
  });

  test('ChannelFlowCallback repeated with the same answer succeeds again; another answer with the same CallbackId is a Conflict', async () => {
    const s = await scene(t, [processor('hold', 1)]);
    const bob = await session(t, s.bob);
    const { id, callbackId } = await waiting(s);
    const answer = { CallbackId: callbackId, ChannelMessage: { MessageId: id, Content: 'approved' } };
    await callback(s, answer);
    await expect(callback(s, answer)).resolves.toMatchObject({ CallbackId: callbackId });
    await expect(callback(s, { ...answer, DeleteResource: true })).rejects.toBeInstanceOf(ConflictException);
    await frameOf(bob, 'CREATE_CHANNEL_MESSAGE', id);
    await barrier(s, bob);
    expect(typesOf(bob, id)).toEqual(['CREATE_CHANNEL_MESSAGE']);
    expect((await get(s, s.bob, id)).Content).toBe('approved');
  });
});

describe('GetChannelMessageStatus', () => {
  test('GetChannelMessageStatus in a channel without a flow is SENT, for the sender only', async () => {
    const s = await scene(t, [processor('censor', 1)]);
    await t.messaging.send(new DisassociateChannelFlowCommand({ ChannelArn: s.channelArn, ChannelFlowArn: s.flowArn, ChimeBearer: s.alice }));
    const id = (await send(s, s.bob, 'plain')).MessageId!;
    expect(await statusOf(s, s.bob, id)).toEqual({ Value: 'SENT' });
    await expect(statusOf(s, s.alice, id)).rejects.toThrow(/Only the sender/);
    await expect(statusOf(s, s.admin, id)).rejects.toBeInstanceOf(ForbiddenException);
    await expect(statusOf(s, s.bob, 'no-such-message')).rejects.toBeInstanceOf(NotFoundException);
    const subChannel = t.messaging.send(new GetChannelMessageStatusCommand({ ChannelArn: s.channelArn, MessageId: id, ChimeBearer: s.bob, SubChannelId: 'sub' }));
    await expect(subChannel).rejects.toBeInstanceOf(BadRequestException);
  });
});

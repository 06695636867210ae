/**
 * Channel flows in the graph, over HTTP against the gateway and a local
 * Chime service whose processor Lambdas are served by a real HTTP server
 * (test/support/flow-processor-server.ts): managing flows (AppInstanceAdmins
 * only), associating them with channels, and what a sender sees of its
 * message (`status`) while a processor rewrites it, denies it, answers
 * through the gateway's own `sendChannelFlowCallback`, or never answers.
 *
 * The local service must be configured with the processors' webhooks, which
 * the shared test gateway does not take, so this file starts its own
 * service and gateway the same way test/support/gateway.ts does.
 */
import { randomBytes } from 'node:crypto';
import { createChimeClients, ChimeClients } from '../../src/gateway/chime-clients';
import { DEFAULTS, GatewayConfig } from '../../src/gateway/config';
import { mintToken } from '../../src/gateway/auth/dev-tokens';
import { createLogger } from '../../src/gateway/logger';
import { RunningGateway, startGateway } from '../../src/gateway/server';
import { denying, FlowProcessorServer, lambdaArn, rewriting, silent } from '../support/flow-processor-server';
import { TEST_AUDIENCE, TEST_ISSUER } from '../support/gateway';
import { createWorld, startTestChime, TEST_CREDENTIALS, TestChime, TestWorld } from '../support/local-chime';

/** How long a processor has to call back in this file's service. */
const CALLBACK_TIMEOUT_MS = 1000;

let chime: TestChime;
let processors: FlowProcessorServer;
let world: TestWorld;
let clients: ChimeClients;
let gateway: RunningGateway;
const tokens = { admin: '', alice: '', bob: '' };
const ids = { bob: '' };

beforeAll(async () => {
  processors = await FlowProcessorServer.start(
    {
      censor: rewriting((content) => content.replace(/darn/g, '****')),
      deny: denying(),
      // Accept the invocation and leave the answer to the test, through the gateway.
      relay: silent(),
      hold: silent(),
    },
    () => chime.messaging,
  );
  chime = await startTestChime({ channelFlows: { processors: processors.template, callbackTimeoutMs: CALLBACK_TIMEOUT_MS } });
  world = await createWorld(chime.identity);
  clients = createChimeClients({ region: 'us-east-1', endpoint: chime.chime.endpoint, credentials: TEST_CREDENTIALS, maxAttempts: 1 });
  const secret = randomBytes(32);
  const config: GatewayConfig = {
    host: '127.0.0.1',
    port: 0,
    production: false,
    debug: true,
    maxBodyBytes: DEFAULTS.maxBodyBytes,
    readinessCacheMs: DEFAULTS.readinessCacheMs,
    appInstanceArn: world.appInstanceArn,
    auth: { secret, issuer: TEST_ISSUER, audience: [TEST_AUDIENCE], algorithms: ['HS256'], userClaim: 'sub', clockToleranceSeconds: DEFAULTS.clockToleranceSeconds },
  };
  gateway = await startGateway({ config, clients, logger: createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }) });
  const tokenFor = (user: string) => mintToken(secret, { user, ttlSeconds: 3600, issuer: TEST_ISSUER, audience: TEST_AUDIENCE });
  Object.assign(tokens, { admin: await tokenFor(world.admin), alice: await tokenFor(world.users.alice), bob: await tokenFor(world.users.bob) });
  ids.bob = Buffer.from(`AppInstanceUser\n${world.users.bob}`).toString('base64url');
});

afterAll(async () => {
  await gateway?.close();
  clients?.destroy();
  await processors?.close();
  await chime?.close();
});

/** POSTs a GraphQL request as `token`. */
async function gql(query: string, variables: object, token: string): Promise<{ data?: any; errors?: any[]; extensions?: any }> {
  const response = await fetch(gateway.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as { data?: any; errors?: any[]; extensions?: any };
}

async function data(query: string, variables: object, token: string): Promise<any> {
  const body = await gql(query, variables, token);
  expect(body.errors).toBeUndefined();
  return body.data;
}

async function mutate(name: string, inputType: string, selection: string, input: object, token: string): Promise<any> {
  return (await data(`mutation($input: ${inputType}!) { ${name}(input: $input) ${selection} }`, { input }, token))[name];
}

/** Runs an operation expecting one error; returns it and the upstream calls by operation. */
async function failure(query: string, variables: object, token: string): Promise<{ error: any; calls: Record<string, number> }> {
  const body = await gql(query, variables, token);
  expect(body.errors).toHaveLength(1);
  return { error: body.errors![0], calls: body.extensions.chime.byOperation };
}

/** A processor input for the webhook served at `/<name>`. */
const processor = (name: string, executionOrder = 1, fallbackAction = 'ABORT') => ({
  name,
  executionOrder,
  fallbackAction,
  configuration: { lambda: { resourceArn: lambdaArn(name) } },
});

async function createFlow(name: string, processorNames: string[]): Promise<{ id: string; arn: string }> {
  return (
    await mutate(
      'createChannelFlow',
      'CreateChannelFlowInput',
      '{ channelFlow { id arn } }',
      { name, processors: processorNames.map((p, i) => processor(p, i + 1)) },
      tokens.admin,
    )
  ).channelFlow;
}

/** A channel of alice's (she moderates it), with bob as a member, processed by a new flow of `processorNames`. */
async function flowChannel(processorNames: string[]): Promise<{ id: string; arn: string }> {
  const flow = await createFlow(`flow-${processorNames.join('-')}`, processorNames);
  const { channel } = await mutate('createChannel', 'CreateChannelInput', '{ channel { id arn } }', { name: 'processed' }, tokens.alice);
  await mutate('addChannelMember', 'AddChannelMemberInput', '{ membership { id } }', { channelId: channel.id, memberId: ids.bob }, tokens.alice);
  await mutate('associateChannelFlow', 'AssociateChannelFlowInput', '{ channel { id } }', { channelId: channel.id, channelFlowId: flow.id }, tokens.alice);
  return channel;
}

/** Sends a message as alice; returns its global id, Chime MessageId and the status the payload showed. */
async function send(channelId: string, content: string): Promise<{ id: string; messageId: string; status: string }> {
  const { message } = await mutate('sendChannelMessage', 'SendChannelMessageInput', '{ message { id messageId status } }', { channelId, content }, tokens.alice);
  return message;
}

const messageQuery = `query($id: ID!) { node(id: $id) { ... on ChannelMessage { content status statusDetail } } }`;

/** Reads the message as its sender until `done` holds (or the time is up); returns the last answer. */
async function poll(id: string, done: (body: { data?: any; errors?: any[] }) => boolean, timeoutMs = 5000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const body = await gql(messageQuery, { id }, tokens.alice);
    if (done(body) || Date.now() > until) return body;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('managing channel flows', () => {
  test('createChannelFlow creates a flow that appInstance.channelFlows and node() return', async () => {
    const payload = await mutate(
      'createChannelFlow',
      'CreateChannelFlowInput',
      `{ clientMutationId channelFlow { id arn name createdAt updatedAt appInstance { arn }
          processors { name executionOrder fallbackAction configuration { lambda { resourceArn invocationType } } } } }`,
      { name: 'moderation', processors: [processor('censor', 2), processor('relay', 1, 'CONTINUE')], clientMutationId: 'f' },
      tokens.admin,
    );
    expect(payload).toMatchObject({
      clientMutationId: 'f',
      channelFlow: {
        name: 'moderation',
        appInstance: { arn: world.appInstanceArn },
        processors: [
          { name: 'relay', executionOrder: 1, fallbackAction: 'CONTINUE', configuration: { lambda: { resourceArn: lambdaArn('relay'), invocationType: 'ASYNC' } } },
          { name: 'censor', executionOrder: 2, fallbackAction: 'ABORT', configuration: { lambda: { resourceArn: lambdaArn('censor'), invocationType: 'ASYNC' } } },
        ],
      },
    });
    expect(payload.channelFlow.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    const listed = await gql(`{ appInstance { channelFlows { edges { node { id name processors { name } } } } } }`, {}, tokens.admin);
    expect(listed.data.appInstance.channelFlows.edges.map((e: any) => e.node)).toContainEqual({ id: payload.channelFlow.id, name: 'moderation', processors: [{ name: 'relay' }, { name: 'censor' }] });
    // The listing's summaries carry name and processors: no DescribeChannelFlow.
    expect(listed.extensions.chime.byOperation.DescribeChannelFlow).toBeUndefined();
    const node = await data(`query($id: ID!) { node(id: $id) { ... on ChannelFlow { name } } }`, { id: payload.channelFlow.id }, tokens.admin);
    expect(node.node.name).toBe('moderation');
  });

  test('the same clientRequestToken creates one flow', async () => {
    const once = async () =>
      (await mutate('createChannelFlow', 'CreateChannelFlowInput', '{ channelFlow { id } }', { name: 'once', processors: [processor('relay')], clientRequestToken: 'flow-token-1' }, tokens.admin))
        .channelFlow.id;
    expect(await once()).toBe(await once());
  });

  test('updateChannelFlow replaces the name and processors', async () => {
    const flow = await createFlow('before', ['relay']);
    const payload = await mutate(
      'updateChannelFlow',
      'UpdateChannelFlowInput',
      '{ clientMutationId channelFlow { id name processors { name } updatedAt } }',
      { channelFlowId: flow.id, name: 'after', processors: [processor('censor')], clientMutationId: 'u' },
      tokens.admin,
    );
    expect(payload).toMatchObject({ clientMutationId: 'u', channelFlow: { id: flow.id, name: 'after', processors: [{ name: 'censor' }] } });
  });

  test('flows are for AppInstanceAdmins only: FORBIDDEN to anyone else, with no flow call made', async () => {
    const created = await failure(`mutation($p: [ChannelFlowProcessorInput!]!) { createChannelFlow(input: { name: "mine", processors: $p }) { channelFlow { id } } }`, { p: [processor('relay')] }, tokens.alice);
    expect(created.error.extensions.code).toBe('FORBIDDEN');
    expect(created.calls).toEqual({ DescribeAppInstanceAdmin: 1 });
    const listed = await failure(`{ appInstance { channelFlows { edges { cursor } } } }`, {}, tokens.alice);
    expect(listed.error.extensions.code).toBe('FORBIDDEN');
    expect(listed.calls).toEqual({ DescribeAppInstanceAdmin: 1 });
  });

  test('associate, list the flow\'s channels, disassociate; a flow in use cannot be deleted', async () => {
    const flow = await createFlow('attach', ['relay']);
    const { channel } = await mutate('createChannel', 'CreateChannelInput', '{ channel { id arn } }', { name: 'attached' }, tokens.alice);
    const associated = await mutate('associateChannelFlow', 'AssociateChannelFlowInput', '{ clientMutationId channel { flow { id } } channelFlow { id } }', { channelId: channel.id, channelFlowId: flow.id, clientMutationId: 'a' }, tokens.alice);
    expect(associated).toEqual({ clientMutationId: 'a', channel: { flow: { id: flow.id } }, channelFlow: { id: flow.id } });
    const channels = await data(`query($id: ID!) { node(id: $id) { ... on ChannelFlow { channels { edges { node { id name } } } } } }`, { id: flow.id }, tokens.admin);
    expect(channels.node.channels.edges.map((e: any) => e.node)).toEqual([{ id: channel.id, name: 'attached' }]);

    const inUse = await failure(`mutation($f: ID!) { deleteChannelFlow(input: { channelFlowId: $f }) { deletedChannelFlowId } }`, { f: flow.id }, tokens.admin);
    expect(inUse.error.extensions.code).toBe('CONFLICT');

    const detached = await mutate('disassociateChannelFlow', 'DisassociateChannelFlowInput', '{ channel { flow { id } } }', { channelId: channel.id, channelFlowId: flow.id }, tokens.alice);
    expect(detached.channel.flow).toBeNull();
    const deleted = await mutate('deleteChannelFlow', 'DeleteChannelFlowInput', '{ clientMutationId deletedChannelFlowId }', { channelFlowId: flow.id, clientMutationId: 'd' }, tokens.admin);
    expect(deleted).toEqual({ clientMutationId: 'd', deletedChannelFlowId: flow.id });
    const gone = await failure(`query($id: ID!) { node(id: $id) { id } }`, { id: flow.id }, tokens.admin);
    expect(gone.error.extensions.code).toBe('NOT_FOUND');
  });

  test('a flow carries tags: set on creation, changed by tagResource and untagResource', async () => {
    const { channelFlow } = await mutate(
      'createChannelFlow',
      'CreateChannelFlowInput',
      '{ channelFlow { id tags { key value } } }',
      { name: 'tagged', processors: [processor('relay')], tags: [{ key: 'team', value: 'safety' }] },
      tokens.admin,
    );
    expect(channelFlow.tags).toEqual([{ key: 'team', value: 'safety' }]);
    const tagged = await mutate('tagResource', 'TagResourceInput', '{ channel { id } channelFlow { tags { key value } } }', { resourceId: channelFlow.id, tags: [{ key: 'tier', value: 'gold' }] }, tokens.admin);
    expect(tagged).toEqual({ channel: null, channelFlow: { tags: [{ key: 'team', value: 'safety' }, { key: 'tier', value: 'gold' }] } });
    const untagged = await mutate('untagResource', 'UntagResourceInput', '{ channelFlow { tags { key } } }', { resourceId: channelFlow.id, tagKeys: ['team'] }, tokens.admin);
    expect(untagged.channelFlow.tags).toEqual([{ key: 'tier' }]);
  });

  test('a flow of another AppInstance is FORBIDDEN even to an admin, before any call: the gateway\'s credentials stay in the viewer\'s AppInstance', async () => {
    const foreign = Buffer.from('ChannelFlow\narn:aws:chime:us-east-1:123456789012:app-instance/other/channel-flow/f').toString('base64url');
    const read = await failure(`query($id: ID!) { node(id: $id) { ... on ChannelFlow { name } } }`, { id: foreign }, tokens.admin);
    expect(read.error.extensions.code).toBe('FORBIDDEN');
    expect(read.calls).toEqual({});
    const removed = await failure(`mutation($f: ID!) { deleteChannelFlow(input: { channelFlowId: $f }) { deletedChannelFlowId } }`, { f: foreign }, tokens.admin);
    expect(removed.error.extensions.code).toBe('FORBIDDEN');
    expect(removed.calls).toEqual({});
  });

  test('a member who moderates nothing may not associate a flow: FORBIDDEN from Chime', async () => {
    const flow = await createFlow('not-yours', ['relay']);
    const { channel } = await mutate('createChannel', 'CreateChannelInput', '{ channel { id } }', { name: 'alices' }, tokens.alice);
    await mutate('addChannelMember', 'AddChannelMemberInput', '{ membership { id } }', { channelId: channel.id, memberId: ids.bob }, tokens.alice);
    const { error, calls } = await failure(`mutation($c: ID!, $f: ID!) { associateChannelFlow(input: { channelId: $c, channelFlowId: $f }) { channel { id } } }`, { c: channel.id, f: flow.id }, tokens.bob);
    expect(error.extensions.code).toBe('FORBIDDEN');
    expect(calls.AssociateChannelFlow).toBe(1);
  });

  test.each([
    ['four processors', () => ({ name: 'f', processors: [1, 2, 3, 3].map((n) => processor('relay', n)) }), 'input.processors'],
    ['no processors', () => ({ name: 'f', processors: [] }), 'input.processors'],
    ['an executionOrder of 4', () => ({ name: 'f', processors: [processor('relay', 4)] }), 'input.processors[0].executionOrder'],
    ['two processors with one executionOrder', () => ({ name: 'f', processors: [processor('relay', 1), processor('censor', 1)] }), 'input.processors[1].executionOrder'],
    ['a resourceArn that is no Lambda function', () => ({ name: 'f', processors: [{ ...processor('relay'), configuration: { lambda: { resourceArn: 'arn:aws:sqs:us-east-1:123456789012:queue' } } }] }), 'input.processors[0].configuration.lambda.resourceArn'],
    ['an empty name', () => ({ name: '', processors: [processor('relay')] }), 'input.name'],
  ])('createChannelFlow with %s is BAD_USER_INPUT before any upstream call', async (_name, input, field) => {
    const { error, calls } = await failure(`mutation($i: CreateChannelFlowInput!) { createChannelFlow(input: $i) { channelFlow { id } } }`, { i: input() }, tokens.admin);
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    expect(calls).toEqual({});
  });
});

describe('what the sender sees of a message in a channel flow', () => {
  test('a processor that rewrites: PENDING, then SENT with the processor\'s content', async () => {
    const channel = await flowChannel(['censor']);
    const message = await send(channel.id, 'darn it');
    expect(['PENDING', 'SENT']).toContain(message.status);
    const settled = await poll(message.id, (body) => body.data?.node?.status === 'SENT');
    expect(settled.data.node).toEqual({ content: '**** it', status: 'SENT', statusDetail: null });
    expect(processors.callbackErrors).toEqual([]);
  });

  test('a processor answering through sendChannelFlowCallback: PENDING from GetChannelMessageStatus until it answers', async () => {
    const channel = await flowChannel(['relay']);
    const message = await send(channel.id, 'hello');
    expect(message.status).toBe('PENDING');
    const invocation = await processors.invocationOf('relay', message.messageId);
    const pending = await gql(messageQuery, { id: message.id }, tokens.alice);
    expect(pending.data.node.status).toBe('PENDING');
    expect(pending.extensions.chime.byOperation).toMatchObject({ GetChannelMessage: 1, GetChannelMessageStatus: 1 });

    const answer = {
      channelArn: channel.arn,
      callbackId: invocation.event.CallbackId,
      message: { messageId: message.messageId, content: 'hello, checked', metadata: 'relayed' },
      clientMutationId: 'cb',
    };
    const forbidden = await failure(`mutation($i: SendChannelFlowCallbackInput!) { sendChannelFlowCallback(input: $i) { callbackId } }`, { i: answer }, tokens.alice);
    expect(forbidden.error.extensions.code).toBe('FORBIDDEN');
    expect(forbidden.calls).toEqual({ DescribeAppInstanceAdmin: 1 });

    const payload = await mutate('sendChannelFlowCallback', 'SendChannelFlowCallbackInput', '{ clientMutationId callbackId channel { id } }', answer, tokens.admin);
    expect(payload).toEqual({ clientMutationId: 'cb', callbackId: invocation.event.CallbackId, channel: { id: channel.id } });
    const sent = await poll(message.id, (body) => body.data?.node?.status === 'SENT');
    expect(sent.data.node).toMatchObject({ content: 'hello, checked', status: 'SENT' });
    // A SENT message's status is its own: no GetChannelMessageStatus.
    expect(sent.extensions!.chime.byOperation.GetChannelMessageStatus).toBeUndefined();

    // The CallbackId makes the call idempotent: the same answer again is fine, another one is a CONFLICT.
    const same = await mutate('sendChannelFlowCallback', 'SendChannelFlowCallbackInput', '{ callbackId }', answer, tokens.admin);
    expect(same.callbackId).toBe(invocation.event.CallbackId);
    const other = await failure(
      `mutation($i: SendChannelFlowCallbackInput!) { sendChannelFlowCallback(input: $i) { callbackId } }`,
      { i: { ...answer, message: { ...answer.message, content: 'changed my mind' } } },
      tokens.admin,
    );
    expect(other.error.extensions.code).toBe('CONFLICT');
  });

  test('a processor that denies: the message ends and is not kept', async () => {
    const channel = await flowChannel(['deny']);
    const message = await send(channel.id, 'spam');
    const denied = await poll(message.id, (body) => body.errors?.[0]?.extensions?.code === 'NOT_FOUND');
    expect(denied.errors![0].extensions.code).toBe('NOT_FOUND');
    const history = await data(`query($id: ID!) { node(id: $id) { ... on Channel { messages { edges { node { id } } } } } }`, { id: channel.id }, tokens.alice);
    expect(history.node.messages.edges).toEqual([]);
  });

  test('a processor that denies through the gateway (deleteResource) ends the message too', async () => {
    const channel = await flowChannel(['relay']);
    const message = await send(channel.id, 'nope');
    const invocation = await processors.invocationOf('relay', message.messageId);
    await mutate(
      'sendChannelFlowCallback',
      'SendChannelFlowCallbackInput',
      '{ callbackId }',
      { channelArn: channel.arn, callbackId: invocation.event.CallbackId, deleteResource: true, message: { messageId: message.messageId } },
      tokens.admin,
    );
    const denied = await poll(message.id, (body) => body.errors?.[0]?.extensions?.code === 'NOT_FOUND');
    expect(denied.errors![0].extensions.code).toBe('NOT_FOUND');
  });

  test(`a processor that never answers: PENDING, then FAILED after the ${CALLBACK_TIMEOUT_MS} ms deadline`, async () => {
    const channel = await flowChannel(['hold']);
    const message = await send(channel.id, 'anyone?');
    expect(message.status).toBe('PENDING');
    const failed = await poll(message.id, (body) => body.data?.node?.status === 'FAILED', CALLBACK_TIMEOUT_MS + 5000);
    expect(failed.data.node.status).toBe('FAILED');
    expect(failed.data.node.statusDetail).toEqual(expect.any(String));
  });

  test.each([
    ['a callbackId under 32 characters', { callbackId: 'short' }, 'input.callbackId'],
    ['a channelArn that is no ARN', { channelArn: 'channel' }, 'input.channelArn'],
    ['content over 4 KB', { message: { messageId: 'm-1', content: 'x'.repeat(4097) } }, 'input.message.content'],
    ['metadata over 1 KB', { message: { messageId: 'm-1', metadata: 'x'.repeat(1025) } }, 'input.message.metadata'],
  ])('sendChannelFlowCallback with %s is BAD_USER_INPUT before any upstream call', async (_name, change, field) => {
    const input = { channelArn: `${world.appInstanceArn}/channel/c`, callbackId: 'c'.repeat(32), message: { messageId: 'm-1' }, ...change };
    const { error, calls } = await failure(`mutation($i: SendChannelFlowCallbackInput!) { sendChannelFlowCallback(input: $i) { callbackId } }`, { i: input }, tokens.admin);
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    expect(calls).toEqual({});
  });
});

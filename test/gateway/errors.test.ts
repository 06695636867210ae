/**
 * Errors: every `extensions.code`, Chime's request id, partial results, the
 * production formatter, and input limits rejected before any upstream call.
 *
 * THROTTLED, SERVICE_UNAVAILABLE, INTERNAL_SERVER_ERROR and Chime's own
 * UNAUTHENTICATED cannot be caused in the local service, so those tests put a
 * fault in the middleware stack of the test gateway's SDK client: it answers
 * one operation with the HTTP error Chime would send (status,
 * x-amzn-ErrorType, x-amzn-RequestId, JSON body), which the real SDK
 * deserializer turns into the exception the gateway then maps.
 */
import { Readable } from 'node:stream';
import { HttpResponse } from '@smithy/protocol-http';
import { CreateChannelCommand, RedactChannelMessageCommand, SendChannelMessageCommand } from '@aws-sdk/client-chime-sdk-messaging';
import { startTestGateway, TestGateway } from '../support/gateway';

let t: TestGateway;
let alice: string;
let carol: string;
const arns = { general: '', secret: '', redacted: '' };
const ids = { general: '', redacted: '', alice: '' };

beforeAll(async () => {
  t = await startTestGateway({ debug: true });
  alice = await t.tokenFor(t.world.users.alice);
  carol = await t.tokenFor(t.world.users.carol);
  const m = t.chime.messaging;
  const create = async (name: string, privacy: 'PUBLIC' | 'PRIVATE') =>
    (await m.send(new CreateChannelCommand({ AppInstanceArn: t.world.appInstanceArn, Name: name, Privacy: privacy, ClientRequestToken: `e-${name}`, ChimeBearer: t.world.users.alice })))
      .ChannelArn!;
  arns.general = await create('general', 'PUBLIC');
  arns.secret = await create('secret', 'PRIVATE');
  arns.redacted = (
    await m.send(new SendChannelMessageCommand({ ChannelArn: arns.general, Content: 'gone', Type: 'STANDARD', Persistence: 'PERSISTENT', ChimeBearer: t.world.users.alice }))
  ).MessageId!;
  await m.send(new RedactChannelMessageCommand({ ChannelArn: arns.general, MessageId: arns.redacted, ChimeBearer: t.world.users.alice }));
  ids.general = Buffer.from(`Channel\n${arns.general}`).toString('base64url');
  ids.redacted = Buffer.from(`ChannelMessage\n${arns.general}\n${arns.redacted}`).toString('base64url');
  ids.alice = Buffer.from(`AppInstanceUser\n${t.world.users.alice}`).toString('base64url');
});

afterAll(async () => {
  await t?.close();
});

/** Answers `operation` with Chime's HTTP error until the returned function is called. */
function fault(operation: string, status: number, errorType: string, code: string, requestId: string): () => void {
  const name = `testFault${operation}`;
  t.clients.messaging.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName !== `${operation}Command`) return next(args);
      const body = JSON.stringify({ Code: code, Message: `${code}: injected by the test` });
      return {
        output: undefined as never,
        response: new HttpResponse({
          statusCode: status,
          headers: { 'content-type': 'application/json', 'x-amzn-errortype': errorType, 'x-amzn-requestid': requestId },
          body: Readable.from([Buffer.from(body)]),
        }),
      };
    },
    // Inside the SDK's deserializer, where the HTTP response comes back.
    { step: 'deserialize', priority: 'low', name },
  );
  return () => t.clients.messaging.middlewareStack.remove(name);
}

describe('error codes', () => {
  test('UNAUTHENTICATED without a token, before any upstream call', async () => {
    const before = t.upstreamCalls().length;
    const { status, body } = await t.gql(`{ viewer { name } channel(arn: "${arns.general}") { name } }`);
    expect(status).toBe(200);
    expect(body.data).toEqual({ viewer: null, channel: null });
    expect(body.errors!.map((e: any) => e.extensions.code)).toEqual(['UNAUTHENTICATED', 'UNAUTHENTICATED']);
    expect(t.upstreamCalls().length).toBe(before);
    expect(body.extensions.chime.calls).toBe(0);
  });

  test('UNAUTHENTICATED when Chime rejects the caller (UnauthorizedClientException, injected)', async () => {
    const heal = fault('DescribeChannel', 401, 'UnauthorizedClientException', 'Unauthorized', 'req-401');
    try {
      const { body } = await t.gql(`{ channel(arn: "${arns.general}") { name } }`, {}, alice);
      expect(body.errors![0].extensions).toMatchObject({ code: 'UNAUTHENTICATED', requestId: 'req-401' });
    } finally {
      heal();
    }
  });

  test('FORBIDDEN with the upstream request id when Chime forbids it', async () => {
    const { body } = await t.gql(`{ channel(arn: "${arns.secret}") { name } }`, {}, carol);
    expect(body.data.channel).toBeNull();
    expect(body.errors![0].extensions).toMatchObject({ code: 'FORBIDDEN', upstream: { operation: 'DescribeChannel', error: 'ForbiddenException', httpStatusCode: 403 } });
    expect(body.errors![0].extensions.requestId).toMatch(/\S{8,}/);
  });

  test('NOT_FOUND for a channel that does not exist', async () => {
    const { body } = await t.gql(`{ channel(arn: "${arns.general}-missing") { name } }`, {}, alice);
    expect(body.errors![0]).toMatchObject({ path: ['channel'], extensions: { code: 'NOT_FOUND' } });
    expect(body.errors![0].extensions.requestId).toBeTruthy();
  });

  test('BAD_USER_INPUT when Chime answers BadRequest', async () => {
    const stranger = Buffer.from(`AppInstanceUser\n${t.world.appInstanceArn}/user/nobody`).toString('base64url');
    const { body } = await t.gql(`mutation($c: ID!, $m: ID!) { addChannelMember(input: { channelId: $c, memberId: $m }) { membership { id } } }`, { c: ids.general, m: stranger }, alice);
    expect(body.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', upstream: { error: 'BadRequestException' } });
    expect(body.errors![0].message).toMatch(/nobody/);
  });

  test('CONFLICT when the change conflicts with the state (editing a redacted message)', async () => {
    const { body } = await t.gql(`mutation($m: ID!) { updateChannelMessage(input: { messageId: $m, content: "again" }) { message { id } } }`, { m: ids.redacted }, alice);
    expect(body.data.updateChannelMessage).toBeNull();
    expect(body.errors![0].extensions).toMatchObject({ code: 'CONFLICT', upstream: { error: 'ConflictException' } });
  });

  test.each([
    ['THROTTLED', 429, 'ThrottledClientException', 'Throttled'],
    ['SERVICE_UNAVAILABLE', 503, 'ServiceUnavailableException', 'ServiceUnavailable'],
    ['INTERNAL_SERVER_ERROR', 500, 'ServiceFailureException', 'ServiceFailure'],
  ])('%s from %s (injected)', async (code, status, errorType, chimeCode) => {
    const heal = fault('ListChannelMembershipsForAppInstanceUser', status as number, errorType as string, chimeCode as string, `req-${status}`);
    try {
      const { body } = await t.gql(`{ viewer { name channelMemberships { edges { cursor } } } }`, {}, alice);
      // One field fails; the rest of the response stands.
      expect(body.data.viewer).toEqual({ name: 'alice', channelMemberships: null });
      expect(body.errors).toHaveLength(1);
      expect(body.errors![0]).toMatchObject({
        path: ['viewer', 'channelMemberships'],
        extensions: { code, requestId: `req-${status}`, upstream: { operation: 'ListChannelMembershipsForAppInstanceUser', error: errorType } },
      });
    } finally {
      heal();
    }
  });

  test('an unknown upstream failure is INTERNAL_SERVER_ERROR', async () => {
    const heal = fault('DescribeChannel', 502, 'BadGateway', 'BadGateway', 'req-502');
    try {
      const { body } = await t.gql(`{ channel(arn: "${arns.general}") { name } }`, {}, alice);
      expect(body.errors![0].extensions.code).toBe('INTERNAL_SERVER_ERROR');
    } finally {
      heal();
    }
  });
});

describe('partial results', () => {
  test('a failing field leaves its siblings', async () => {
    const { body } = await t.gql(
      `{ ok: channel(arn: "${arns.general}") { name } missing: channel(arn: "${arns.general}-x") { name } secret: channel(arn: "${arns.secret}") { name } viewer { name } }`,
      {},
      carol,
    );
    expect(body.data).toEqual({ ok: { name: 'general' }, missing: null, secret: null, viewer: { name: 'carol' } });
    expect(body.errors!.map((e: any) => [e.path[0], e.extensions.code]).sort()).toEqual([
      ['missing', 'NOT_FOUND'],
      ['secret', 'FORBIDDEN'],
    ]);
  });
});

describe('input limits, checked before any upstream call', () => {
  const SEND = `mutation($input: SendChannelMessageInput!) { sendChannelMessage(input: $input) { message { id } } }`;
  const CREATE = `mutation($input: CreateChannelInput!) { createChannel(input: $input) { channel { id } } }`;

  /** Runs a request that must fail with BAD_USER_INPUT and no upstream call; returns the error. */
  async function rejected(query: string, variables: object) {
    const before = t.upstreamCalls().length;
    const { body } = await t.gql(query, variables, alice);
    expect(body.errors).toHaveLength(1);
    expect(body.errors![0].extensions.code).toBe('BAD_USER_INPUT');
    expect(t.upstreamCalls().length).toBe(before);
    return body.errors![0];
  }

  test.each([
    ['STANDARD content over 4 KB (bytes, not characters)', { content: 'é'.repeat(2049) }, 'input.content', /at most 4096 bytes \(4 KB\), got 4098/],
    ['empty content', { content: '' }, 'input.content', /must not be empty/],
    ['metadata over 1 KB', { content: 'x', metadata: 'm'.repeat(1025) }, 'input.metadata', /at most 1024 bytes \(1 KB\), got 1025/],
    ['CONTROL content over 30 bytes', { content: 'c'.repeat(31), type: 'CONTROL' }, 'input.content', /CONTROL message must be at most 30 bytes, got 31/],
    ['metadata on a CONTROL message', { content: 'typing', type: 'CONTROL', metadata: 'm' }, 'input.metadata', /not allowed on CONTROL/],
    ['contentType over 45 characters', { content: 'x', contentType: 't'.repeat(46) }, 'input.contentType', /at most 45 characters, got 46/],
    ['a malformed clientRequestToken', { content: 'x', clientRequestToken: 'no spaces!' }, 'input.clientRequestToken', /2\.\.64 characters/],
    ['a channelId that is not a global id', { content: 'x', channelId: 'nope' }, 'input.channelId', /not a valid global id/],
    ['a channelId of another type', { content: 'x', channelId: '__ALICE__' }, 'input.channelId', /must be the id of a Channel, got the id of a AppInstanceUser/],
  ])('sendChannelMessage: %s', async (_name, input, field, message) => {
    const channelId = (input as { channelId?: string }).channelId === '__ALICE__' ? ids.alice : ((input as { channelId?: string }).channelId ?? ids.general);
    const error = await rejected(SEND, { input: { ...input, channelId } });
    expect(error.extensions.field).toBe(field);
    expect(error.message).toMatch(message);
  });

  test.each([
    ['a name over 256 characters', { name: 'n'.repeat(257) }, 'input.name', /1\.\.256 characters long, got 257/],
    ['an empty name', { name: '' }, 'input.name', /1\.\.256 characters long, got 0/],
    ['metadata over 1 KB', { name: 'ok', metadata: 'é'.repeat(513) }, 'input.metadata', /at most 1024 bytes/],
    ['expirationDays over 5475', { name: 'ok', expirationSettings: { expirationDays: 5476, expirationCriterion: 'CREATED_TIMESTAMP' } }, 'input.expirationSettings.expirationDays', /1 and 5475/],
    ['more than 50 tags', { name: 'ok', tags: Array.from({ length: 51 }, (_, i) => ({ key: `k${i}`, value: 'v' })) }, 'input.tags', /1\.\.50 tags, got 51/],
  ])('createChannel: %s', async (_name, input, field, message) => {
    const error = await rejected(CREATE, { input });
    expect(error.extensions.field).toBe(field);
    expect(error.message).toMatch(message);
  });

  test('an enum value Chime does not have (variables)', async () => {
    const error = await rejected(CREATE, { input: { name: 'ok', privacy: 'SECRET' } });
    expect(error.message).toMatch(/SECRET/);
  });

  test('an ARN that does not have the ARN shape', async () => {
    const error = await rejected(`query($arn: String!) { channel(arn: $arn) { name } }`, { arn: 'channel/123' });
    expect(error.extensions.field).toBe('arn');
    expect(error.message).toMatch(/must be an ARN/);
  });

  test('more than 100 members in addChannelMembers', async () => {
    const error = await rejected(`mutation($input: AddChannelMembersInput!) { addChannelMembers(input: $input) { errors { code } } }`, {
      input: { channelId: ids.general, memberIds: Array.from({ length: 101 }, () => ids.alice) },
    });
    expect(error.extensions.field).toBe('input.memberIds');
    expect(error.message).toMatch(/1\.\.100 ids, got 101/);
  });

  test('more than 100 ids in nodes', async () => {
    const error = await rejected(`query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, { ids: Array.from({ length: 101 }, () => ids.general) });
    expect(error.message).toMatch(/at most 100 ids, got 101/);
  });

  test('a DateTime that is not ISO 8601', async () => {
    const error = await rejected(`query($id: ID!, $t: DateTime) { node(id: $id) { ... on Channel { messages(notBefore: $t) { edges { cursor } } } } }`, { id: ids.general, t: 'yesterday' });
    expect(error.message).toMatch(/ISO 8601/);
  });
});

describe('production mode', () => {
  let prod: TestGateway;
  beforeAll(async () => {
    prod = await startTestGateway({ production: true });
  });
  afterAll(async () => {
    await prod?.close();
  });

  test('internal failures answer with a generic message, no stack trace, and keep code and request id', async () => {
    const token = await prod.tokenFor(prod.world.users.alice);
    const name = 'testProductionFault';
    prod.clients.messaging.middlewareStack.add(
      () => async () => ({
        output: undefined as never,
        response: new HttpResponse({
          statusCode: 500,
          headers: { 'content-type': 'application/json', 'x-amzn-errortype': 'ServiceFailureException', 'x-amzn-requestid': 'req-prod' },
          body: Readable.from([Buffer.from('{"Code":"ServiceFailure","Message":"disk /dev/sda1 failed at db-7.internal"}')]),
        }),
      }),
      { step: 'deserialize', priority: 'low', name },
    );
    try {
      const { body } = await prod.gql(`{ viewer { channelMemberships { edges { cursor } } } }`, {}, token);
      expect(body.errors![0]).toEqual({
        message: 'Internal server error.',
        locations: expect.any(Array),
        path: ['viewer', 'channelMemberships'],
        extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: 'req-prod' },
      });
    } finally {
      prod.clients.messaging.middlewareStack.remove(name);
    }
  });

  test('client errors keep their message but no stack trace', async () => {
    const token = await prod.tokenFor(prod.world.users.alice);
    const { body } = await prod.gql(`{ channel(arn: "nope") { name } }`, {}, token);
    expect(body.errors![0].message).toMatch(/must be an ARN/);
    expect(body.errors![0].extensions.stacktrace).toBeUndefined();
  });

  test('no schema suggestions leak', async () => {
    const { body } = await prod.gql(`{ viewer { nam } }`);
    expect(body.errors![0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(body.errors![0].message).not.toMatch(/Did you mean/);
  });
});

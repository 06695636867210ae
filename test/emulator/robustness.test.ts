/**
 * The local Chime service never crashes, hangs or answers 5xx on bad input.
 * Every operation it serves is sent raw HTTP requests built from its model
 * (method, path template, pinned query) and broken one way at a time: the
 * body, each body member (wrong type, missing, overlong, absurd integers),
 * each URI label, query parameter and the bearer. Every answer must be a 4xx
 * in the AWS error shape: `x-amzn-errortype` and a JSON `{Code, Message}`.
 */
import http from 'node:http';
import {
  CreateChannelBanCommand,
  CreateChannelCommand,
  CreateChannelFlowCommand,
  DescribeChannelCommand,
  GetChannelMessageCommand,
  ListChannelMembershipsCommand,
  SendChannelMessageCommand,
} from '@aws-sdk/client-chime-sdk-messaging';
import { CreateAppInstanceBotCommand } from '@aws-sdk/client-chime-sdk-identity';
import { CreateAccountCommand, CreateRoomCommand, CreateRoomMembershipCommand, CreateUserCommand } from '@aws-sdk/client-chime';
import { OPERATIONS, OperationSpec, Shape } from '../../src/emulator/protocol/model';
import { findOperation } from '../../src/emulator/backend/operations';
import { postRoomMessage } from '../../src/emulator/backend/room-messages';
import { lambdaArn } from '../support/flow-processor-server';
import { createWorld, startTestChime, TestChime } from '../support/local-chime';

/** How long one request may take before it counts as a hang. */
const REQUEST_TIMEOUT_MS = 5_000;
/** Requests in flight at once (the service runs in this process on a 2-core machine). */
const CONCURRENCY = 6;
/** The overlong string of the brief: far beyond every limit in the models. */
const HUGE = 'a'.repeat(100_000);
/** Over every length limit (ChimeArn is 1600) but under Node's 16 KB header limit, so it reaches the service. */
const LONG = 'a'.repeat(4_000);
/** Any well-formed SigV4 Authorization passes in lenient mode (no credentials configured). */
const AUTHORIZATION = `AWS4-HMAC-SHA256 Credential=AKIDLOCALTEST/20240101/us-east-1/chime/aws4_request, SignedHeaders=host, Signature=${'0'.repeat(64)}`;

/** A request exactly as it goes on the wire. */
interface RawRequest {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One broken request and what is broken about it. */
interface Case {
  what: string;
  request: RawRequest;
  /** Set where the break is one the service may rightly accept; a 5xx, hang or dropped connection still fails. */
  maySucceed?: boolean;
  /** A batch operation, which may refuse bad items one by one in the `Errors` of a successful answer. */
  batch?: boolean;
}

/** The resources the well-formed parts of each request name, so checks deep in each operation run too. */
interface Scene {
  appInstanceArn: string;
  admin: string;
  alice: string;
  bob: string;
  carol: string;
  botArn: string;
  channelArn: string;
  /** An elastic channel, for the operations that only serve those. */
  elasticChannelArn: string;
  messageId: string;
  roomMessageId: string;
  flowArn: string;
  accountId: string;
  userId: string;
  roomId: string;
}

let t: TestChime;
let agent: http.Agent;
let port: number;
let scene: Scene;

beforeAll(async () => {
  t = await startTestChime();
  port = t.chime.port;
  agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const world = await createWorld(t.identity);
  const { alice, bob, carol } = world.users;
  const { ChannelArn } = await t.messaging.send(
    new CreateChannelCommand({ AppInstanceArn: world.appInstanceArn, Name: 'robust', ChimeBearer: alice, MemberArns: [bob], ClientRequestToken: 'robust-channel' }),
  );
  const { ChannelArn: elasticChannelArn } = await t.messaging.send(
    new CreateChannelCommand({
      AppInstanceArn: world.appInstanceArn,
      Name: 'robust-elastic',
      Mode: 'RESTRICTED',
      ChimeBearer: alice,
      ClientRequestToken: 'robust-elastic',
      ElasticChannelConfiguration: { MaximumSubChannels: 2, TargetMembershipsPerSubChannel: 2, MinimumMembershipPercentage: 10 },
    }),
  );
  await t.messaging.send(new CreateChannelBanCommand({ ChannelArn, MemberArn: carol, ChimeBearer: alice }));
  const { MessageId } = await t.messaging.send(
    new SendChannelMessageCommand({ ChannelArn, Content: 'hello', Type: 'STANDARD', Persistence: 'PERSISTENT', ChimeBearer: alice, ClientRequestToken: 'robust-message' }),
  );
  const { ChannelFlowArn } = await t.messaging.send(
    new CreateChannelFlowCommand({
      AppInstanceArn: world.appInstanceArn,
      Name: 'robust',
      ClientRequestToken: 'robust-flow',
      Processors: [{ Name: 'p', ExecutionOrder: 1, FallbackAction: 'CONTINUE', Configuration: { Lambda: { ResourceArn: lambdaArn('robust'), InvocationType: 'ASYNC' } } }],
    }),
  );
  const { AppInstanceBotArn } = await t.identity.send(
    new CreateAppInstanceBotCommand({ AppInstanceArn: world.appInstanceArn, Name: 'bot', Configuration: { Lex: { LexBotAliasArn: LEX_ARN, LocaleId: 'en_US' } } }),
  );
  const accountId = (await t.rooms.send(new CreateAccountCommand({ Name: 'robust' }))).Account!.AccountId!;
  const userId = (await t.rooms.send(new CreateUserCommand({ AccountId: accountId, Username: 'robust', Email: 'robust@example.com' }))).User!.UserId!;
  const roomId = (await t.rooms.send(new CreateRoomCommand({ AccountId: accountId, Name: 'robust' }))).Room!.RoomId!;
  await t.rooms.send(new CreateRoomMembershipCommand({ AccountId: accountId, RoomId: roomId, MemberId: userId }));
  // The rooms API has no call that posts a message; the service's own helper stands in for a chat client.
  const roomMessageId = postRoomMessage(t.chime.backend, accountId, roomId, userId, 'hello').MessageId;
  scene = {
    appInstanceArn: world.appInstanceArn,
    admin: world.admin,
    alice,
    bob,
    carol,
    botArn: AppInstanceBotArn!,
    channelArn: ChannelArn!,
    elasticChannelArn: elasticChannelArn!,
    messageId: MessageId!,
    roomMessageId,
    flowArn: ChannelFlowArn!,
    accountId,
    userId,
    roomId,
  };
});

afterAll(async () => {
  agent?.destroy();
  await t?.close();
});

const LEX_ARN = 'arn:aws:lex:us-east-1:123456789012:bot-alias/ABCDEFGHIJ/KLMNOPQRST';
/** Well-formed, but names nothing. */
const NOBODY_ARN = 'arn:aws:chime:us-east-1:123456789012:app-instance/00000000-0000-4000-8000-000000000000/user/nobody';

/**
 * String members the models leave unbounded, where a 100 KB value is a valid
 * request (the 1 MB body limit still applies): a room Name is a
 * SensitiveString, a Lex LocaleId a plain String.
 */
const UNBOUNDED = new Set(['CreateRoom.Name', 'UpdateRoom.Name', 'CreateAppInstanceBot.Configuration.Lex.LocaleId', 'UpdateAppInstanceBot.Configuration.Lex.LocaleId']);

/** Each route once: the identity model repeats the messaging tag operations, which the messaging routes serve. */
const SERVED: OperationSpec[] = OPERATIONS.filter((op) => findOperation(op.name)).filter(
  (op, i, all) => all.findIndex((o) => routeKey(o) === routeKey(op)) === i,
);

function routeKey(op: OperationSpec): string {
  return `${op.method} ${op.pathSegments.join('/')}?${new URLSearchParams(op.fixedQuery).toString()}`;
}

// ---------------------------------------------------------------------------
// Sample values: a plausible request, so each case breaks exactly one thing.
// ---------------------------------------------------------------------------

/** A plausible value for a string member, by its member-name path (e.g. ['Processors', 'Configuration', 'Lambda', 'ResourceArn']). */
function sampleString(op: OperationSpec, names: string[]): string {
  const name = names[names.length - 1];
  const path = names.join('.');
  if (path.endsWith('Lambda.ResourceArn')) return lambdaArn('robust');
  if (path.startsWith('StreamingConfigurations')) return name === 'DataType' ? 'Channel' : 'arn:aws:kinesis:us-east-1:123456789012:stream/chime-messaging-robust';
  if (path.startsWith('Fields')) return name === 'Key' ? 'MEMBERS' : name === 'Operator' ? 'EQUALS' : scene.alice;
  if (path.startsWith('PushNotification') || path.includes('.PushNotification.')) return name === 'Type' ? 'DEFAULT' : 'note';
  if (path.startsWith('MembershipItemList')) return name === 'Role' ? 'Member' : scene.userId;
  switch (name) {
    case 'AppInstanceArn':
      return scene.appInstanceArn;
    case 'AppInstanceUserArn':
    case 'ChimeBearer':
      return scene.alice;
    case 'AppInstanceAdminArn':
      return scene.admin;
    case 'AppInstanceBotArn':
      return scene.botArn;
    case 'ChannelArn':
      return op.name === 'ListSubChannels' ? scene.elasticChannelArn : scene.channelArn;
    case 'ResourceARN':
      return scene.channelArn;
    case 'ChannelFlowArn':
      return scene.flowArn;
    case 'MemberArn':
      // The ban routes name the banned user, the preference routes the bearer itself; the rest a plain member.
      return op.pathSegments.includes('bans') ? scene.carol : op.pathSegments.includes('preferences') ? scene.alice : scene.bob;
    case 'MemberArns':
    case 'ModeratorArns':
    case 'ChannelModeratorArn':
      return scene.bob;
    case 'MessageId':
      return op.service === 'chime' ? scene.roomMessageId : scene.messageId;
    case 'AccountId':
      return scene.accountId;
    case 'RoomId':
      return scene.roomId;
    case 'MemberId':
    case 'UserId':
      return scene.userId;
    case 'CallbackId':
      return 'c'.repeat(32);
    case 'ClientRequestToken':
      return 'robust-token';
    case 'AppInstanceUserId':
      return 'newcomer';
    case 'Content':
      return 'hello';
    case 'Type':
      return op.name === 'SendChannelMessage' ? 'STANDARD' : 'DEFAULT';
    case 'Persistence':
      return 'PERSISTENT';
    case 'Mode':
      return 'UNRESTRICTED';
    case 'Privacy':
      return 'PUBLIC';
    case 'AllowNotifications':
      return 'ALL';
    case 'FallbackAction':
      return 'CONTINUE';
    case 'InvocationType':
      return 'ASYNC';
    case 'ExpirationCriterion':
      return 'CREATED_TIMESTAMP';
    case 'LexBotAliasArn':
      return LEX_ARN;
    case 'LocaleId':
      return 'en_US';
    case 'RespondsTo':
      return 'STANDARD_MESSAGES';
    case 'StandardMessages':
      return 'AUTO';
    case 'TargetedMessages':
      return 'ALL';
    case 'Role':
      return 'Member';
    case 'UserType':
      return 'PrivateUser';
    case 'Email':
    case 'UserEmailList':
      return 'someone@example.com';
    case 'Key':
    case 'TagKeys':
      return 'k';
    default:
      return 'robust';
  }
}

function sampleInteger(names: string[]): number {
  const name = names[names.length - 1];
  if (name === 'MaximumSubChannels' || name === 'TargetMembershipsPerSubChannel') return 2;
  if (name === 'MinimumMembershipPercentage') return 10;
  return 1;
}

/** A plausible value of a shape: structures carry only their required members. */
function sample(op: OperationSpec, shape: Shape, names: string[], depth = 0): unknown {
  switch (shape.type) {
    case 'structure': {
      const out: Record<string, unknown> = {};
      if (depth > 8) return out;
      for (const m of Object.values(shape.members ?? {})) {
        if (shape.required?.includes(m.name)) out[m.locationName] = sample(op, m.shape, [...names, m.name], depth + 1);
      }
      return out;
    }
    case 'list':
      // A room membership item requires nothing in the model, but means nothing without a MemberId.
      if (names.join('.') === 'MembershipItemList') return [{ MemberId: scene.userId, Role: 'Member' }];
      return [sample(op, shape.member ?? { type: 'string' }, names, depth + 1)];
    case 'map':
      return { k: sample(op, shape.value ?? { type: 'string' }, names, depth + 1) };
    case 'integer':
    case 'long':
      return sampleInteger(names);
    case 'double':
    case 'float':
      return 1;
    case 'boolean':
      return false;
    case 'timestamp':
      return Math.floor(Date.now() / 1000);
    default:
      return sampleString(op, names);
  }
}

// ---------------------------------------------------------------------------
// Body members: every node of the input's JSON tree, and how to break it.
// ---------------------------------------------------------------------------

/** A place in the JSON body: wire path, member-name path, shape, and whether its parent requires it. */
interface BodyNode {
  path: (string | number)[];
  names: string[];
  shape: Shape;
  required: boolean;
}

function bodyNodes(shape: Shape, path: (string | number)[], names: string[], out: BodyNode[], depth: number): BodyNode[] {
  if (depth > 6) return out;
  if (shape.type === 'structure') {
    for (const m of Object.values(shape.members ?? {})) {
      if (depth === 0 && m.location !== 'body') continue;
      const node = { path: [...path, m.locationName], names: [...names, m.name], shape: m.shape, required: shape.required?.includes(m.name) ?? false };
      out.push(node);
      bodyNodes(m.shape, node.path, node.names, out, depth + 1);
    }
  } else if (shape.type === 'list' || shape.type === 'map') {
    const item = shape.type === 'list' ? shape.member : shape.value;
    const node = { path: [...path, shape.type === 'list' ? 0 : 'k'], names, shape: item ?? { type: 'string' }, required: false };
    out.push(node);
    bodyNodes(node.shape, node.path, names, out, depth + 1);
  }
  return out;
}

const REMOVE = Symbol('remove');
type Edit = (current: unknown) => unknown;

/** Returns `value` with the node at `path` replaced by `edit` (REMOVE deletes it), creating plausible parents on the way. */
function editAt(op: OperationSpec, value: unknown, shape: Shape, names: string[], path: (string | number)[], edit: Edit): unknown {
  if (path.length === 0) return edit(value);
  const [head, ...rest] = path;
  if (shape.type === 'structure') {
    const member = Object.values(shape.members ?? {}).find((m) => m.locationName === head)!;
    const obj = { ...((value ?? sample(op, shape, names)) as Record<string, unknown>) };
    const childNames = [...names, member.name];
    const child = obj[head as string] ?? (rest.length > 0 ? sample(op, member.shape, childNames) : undefined);
    const next = editAt(op, child, member.shape, childNames, rest, edit);
    if (next === REMOVE) delete obj[head as string];
    else obj[head as string] = next;
    return obj;
  }
  if (shape.type === 'list') {
    const list = [...((value ?? sample(op, shape, names)) as unknown[])];
    const next = editAt(op, list[0], shape.member ?? { type: 'string' }, names, rest, edit);
    return next === REMOVE ? [] : [next];
  }
  const map = { ...((value ?? sample(op, shape, names)) as Record<string, unknown>) };
  const next = editAt(op, map[head as string], shape.value ?? { type: 'string' }, names, rest, edit);
  if (next === REMOVE) delete map[head as string];
  else map[head as string] = next;
  return map;
}

/** Values of the wrong JSON type for a shape. */
function wrongTypes(shape: Shape): unknown[] {
  switch (shape.type) {
    case 'structure':
      return ['x', [1], 7];
    case 'list':
      return ['x', { a: 1 }];
    case 'map':
      return ['x', ['a']];
    case 'integer':
    case 'long':
    case 'double':
    case 'float':
      return ['7', true, { n: 1 }];
    case 'boolean':
      return ['true', 1];
    case 'timestamp':
      return [true, 'not a time', { s: 1 }];
    default:
      return [42, true, ['x'], { s: 'x' }];
  }
}

/** Every way to break one body node. */
function bodyEdits(op: OperationSpec, node: BodyNode): { what: string; edit: Edit; maySucceed?: boolean }[] {
  const at = node.names.join('.') + (typeof node.path[node.path.length - 1] === 'number' ? '[0]' : '');
  const edits: { what: string; edit: Edit; maySucceed?: boolean }[] = wrongTypes(node.shape).map((v) => ({ what: `${at} = ${JSON.stringify(v)}`, edit: () => v }));
  if (node.required) edits.push({ what: `${at} missing`, edit: () => REMOVE });
  if (node.shape.type === 'string') edits.push({ what: `${at} 100 KB long`, edit: () => HUGE, maySucceed: UNBOUNDED.has(`${op.name}.${node.names.join('.')}`) });
  if (node.shape.type === 'integer' || node.shape.type === 'long') {
    for (const n of [-1, 0, 1e12, 1.5, 2 ** 53 + 2]) edits.push({ what: `${at} = ${n}`, edit: () => n });
  }
  if (node.shape.type === 'map') {
    edits.push({ what: `${at} with a 100 KB key`, edit: () => ({ [HUGE]: {} }) });
    // A legal key, so it may be stored; the last test checks it polluted no prototype.
    edits.push({ what: `${at} with a __proto__ key`, edit: () => JSON.parse('{"__proto__":{"polluted":["yes"]}}') as unknown, maySucceed: true });
  }
  return edits;
}

// ---------------------------------------------------------------------------
// Labels, query parameters and headers.
// ---------------------------------------------------------------------------

interface Parts {
  labels: Record<string, string>;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: string | undefined;
}

/** The request's labels, required query parameters and headers, plausible values throughout. */
function baseParts(op: OperationSpec): Parts {
  const parts: Parts = { labels: {}, query: {}, headers: {}, body: undefined };
  for (const m of Object.values(op.input.members ?? {})) {
    const value = () => sampleString(op, [m.name]);
    if (m.location === 'uri') parts.labels[m.locationName] = value();
    else if (m.location === 'querystring' && op.input.required?.includes(m.name)) parts.query[m.locationName] = value();
    else if (m.location === 'header') parts.headers[m.locationName] = value();
  }
  const body = sample(op, { ...op.input, members: Object.fromEntries(Object.entries(op.input.members ?? {}).filter(([, m]) => m.location === 'body')) }, []);
  if (Object.keys(body as object).length > 0) parts.body = JSON.stringify(body);
  return parts;
}

function toRequest(op: OperationSpec, parts: Parts): RawRequest {
  const path = op.pathSegments
    .map((seg) => (seg.startsWith('{') ? encodeURIComponent(parts.labels[seg.replace(/^\{|\+?\}$/g, '')] ?? '') : seg))
    .join('/');
  const query = new URLSearchParams({ ...op.fixedQuery, ...parts.query }).toString();
  return { method: op.method, path: `/${path}${query ? `?${query}` : ''}`, headers: parts.headers, body: parts.body };
}

/** Valid but extreme query values: answered either way, never with a 5xx. */
function queryEdges(shape: Shape): string[] {
  return shape.type === 'timestamp' ? ['-8640000000', '8640000000', '0', '2024-01-01T00:00:00.123456789Z'] : [];
}

/** Garbage for a query parameter, by what it carries. */
function queryGarbage(location: string, shape: Shape): string[] {
  if (shape.type === 'integer' || shape.type === 'long') return ['abc', '', '-1', '0', '1e12', '1.5', '99999999999999999999', LONG];
  if (shape.type === 'timestamp') return ['yesterday', '', '2024-13-45T99:99:99Z', '1e400', '99999999999999999', '-8640000000001', LONG];
  if (location === 'name') return ['', LONG]; // a free-text filter (AccountName, 1..100): anything else short is valid
  if (location === 'member-id') return []; // an unbounded String filter: any value is valid (HUGE still hits the header limit)
  if (location === 'next-token') return ['garbage!', LONG]; // NextToken may be empty (0..2048)
  if (location === 'user-email') return ['not-an-email', LONG];
  if (location.endsWith('arn')) return ['not-an-arn', NOBODY_ARN, '', LONG];
  return ['garbage!', '', LONG];
}

/** Every broken request for one operation. */
function casesFor(op: OperationSpec): Case[] {
  const cases: Case[] = [];
  const base = baseParts(op);
  const add = (what: string, change: (p: Parts) => void, maySucceed = false) => {
    const parts: Parts = { labels: { ...base.labels }, query: { ...base.query }, headers: { ...base.headers }, body: base.body };
    change(parts);
    cases.push({ what, request: toRequest(op, parts), maySucceed, batch: op.name.startsWith('Batch') });
  };
  const inputBody = { ...op.input, members: Object.fromEntries(Object.entries(op.input.members ?? {}).filter(([, m]) => m.location === 'body')) };
  const hasRequiredBody = Object.values(inputBody.members).some((m) => op.input.required?.includes(m.name));

  // The body as a whole.
  if (hasRequiredBody) add('empty body', (p) => (p.body = undefined));
  for (const body of ['not json {', '[]', '[{"Name":"x"}]', '"text"', 'null', '42', '{"a":']) add(`body ${body}`, (p) => (p.body = body));

  // Each body member.
  for (const node of bodyNodes(inputBody, [], [], [], 0)) {
    for (const { what, edit, maySucceed } of bodyEdits(op, node)) {
      add(what, (p) => (p.body = JSON.stringify(editAt(op, p.body === undefined ? {} : JSON.parse(p.body), inputBody, [], node.path, edit))), maySucceed);
    }
  }

  // Labels, query parameters and headers.
  for (const m of Object.values(op.input.members ?? {})) {
    if (m.location === 'uri') {
      for (const v of ['not-an-arn', NOBODY_ARN, 'é/ %00 \' ;--', 'nul\u0000byte', LONG, HUGE]) {
        // Deleting what does not exist is a documented no-op (bans.ts, memberships.ts, moderators.ts, streaming.ts).
        add(`label ${m.locationName} = ${v.slice(0, 40)}`, (p) => (p.labels[m.locationName] = v), op.method === 'DELETE' && v === NOBODY_ARN);
      }
    } else if (m.location === 'querystring') {
      for (const v of [...queryGarbage(m.locationName, m.shape), HUGE]) add(`query ${m.locationName} = ${v.slice(0, 40)}`, (p) => (p.query[m.locationName] = v));
      for (const v of queryEdges(m.shape)) add(`query ${m.locationName} = ${v}`, (p) => (p.query[m.locationName] = v), true);
      if (op.input.required?.includes(m.name)) add(`query ${m.locationName} missing`, (p) => delete p.query[m.locationName]);
    } else if (m.location === 'header') {
      for (const v of ['not-an-arn', NOBODY_ARN, '', LONG, HUGE]) add(`header ${m.locationName} = ${v.slice(0, 40)}`, (p) => (p.headers[m.locationName] = v));
      if (op.input.required?.includes(m.name)) add(`header ${m.locationName} missing`, (p) => delete p.headers[m.locationName]);
    }
  }
  return cases;
}

// ---------------------------------------------------------------------------
// Sending and judging.
// ---------------------------------------------------------------------------

function send(request: RawRequest): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const body = request.body === undefined ? undefined : Buffer.from(request.body);
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        agent,
        method: request.method,
        path: request.path,
        headers: {
          authorization: AUTHORIZATION,
          ...(body ? { 'content-type': 'application/json', 'content-length': String(body.length) } : {}),
          ...request.headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** What is wrong with an answer to a bad request, or undefined when it is a proper AWS client error. */
function fault(res: RawResponse): string | undefined {
  if (res.status < 400 || res.status > 499) return `status ${res.status}`;
  if (!res.headers['x-amzn-errortype']) return `status ${res.status} without x-amzn-errortype`;
  let parsed: { Code?: unknown; Message?: unknown };
  try {
    parsed = JSON.parse(res.body) as typeof parsed;
  } catch {
    return `status ${res.status} with a body that is not JSON`;
  }
  if (typeof parsed?.Code !== 'string' || typeof parsed.Message !== 'string' || parsed.Message.length === 0) return `status ${res.status} without Code and Message`;
  return undefined;
}

/** Batch operations refuse bad items one by one, in the `Errors` list of a successful answer. */
function reportsItemErrors(res: RawResponse): boolean {
  try {
    const { Errors } = JSON.parse(res.body) as { Errors?: unknown[] };
    return Array.isArray(Errors) && Errors.length > 0;
  } catch {
    return false;
  }
}

function describeRequest(r: RawRequest): string {
  const body = r.body === undefined ? '' : ` body=${r.body.length > 200 ? `${r.body.slice(0, 200)}... (${r.body.length} chars)` : r.body}`;
  const path = r.path.length > 200 ? `${r.path.slice(0, 200)}... (${r.path.length} chars)` : r.path;
  return `${r.method} ${path}${body}`;
}

/** Sends every case with bounded concurrency; returns one line per case that was not answered with a proper 4xx. */
async function failures(cases: readonly Case[]): Promise<string[]> {
  const out: string[] = [];
  let next = 0;
  const worker = async () => {
    while (next < cases.length) {
      const c = cases[next++];
      try {
        const res = await send(c.request);
        const succeeded = res.status >= 200 && res.status < 300;
        const why = succeeded && (c.maySucceed || (c.batch && reportsItemErrors(res))) ? undefined : fault(res);
        if (why) out.push(`${c.what}: ${why} ${res.body.slice(0, 300)} <- ${describeRequest(c.request)}`);
      } catch (err) {
        out.push(`${c.what}: ${(err as Error).message} <- ${describeRequest(c.request)}`);
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return out;
}

/** Asserts `res` is a 4xx in the AWS error shape with this status and error type. */
function expectAwsError(res: RawResponse, status: number, errorType: string): void {
  expect({ status: res.status, type: res.headers['x-amzn-errortype'] }).toEqual({ status, type: errorType });
  expect(fault(res)).toBeUndefined();
}

describe('every served operation answers malformed requests with a 4xx AWS error', () => {
  test('the table covers every served operation', () => {
    // Deduplicating routes drops only the identity model's copies of the tag operations.
    const served = new Set(OPERATIONS.filter((op) => findOperation(op.name)).map((op) => op.name));
    expect(new Set(SERVED.map((op) => op.name))).toEqual(served);
    expect(served.size).toBeGreaterThan(80);
  });

  test.each(SERVED.map((op) => [op.name, op] as const))('%s answers every malformed request with a 4xx AWS error', async (_name, op) => {
    const cases = casesFor(op);
    expect(cases.length).toBeGreaterThan(5);
    expect(await failures(cases)).toEqual([]);
  });
});

describe('whole-server robustness', () => {
  test('a body over the size limit is refused with 413 in the AWS error shape', async () => {
    const res = await send({ method: 'POST', path: '/channels', headers: { 'x-amz-chime-bearer': scene.alice }, body: JSON.stringify({ Name: 'x'.repeat(2 * 1024 * 1024) }) });
    expectAwsError(res, 413, 'BadRequestException');
  });

  test('an unknown path is UnknownOperationException', async () => {
    expectAwsError(await send({ method: 'GET', path: '/no-such-thing/at-all' }), 404, 'UnknownOperationException');
  });

  test('a method no operation uses is UnknownOperationException', async () => {
    expectAwsError(await send({ method: 'PATCH', path: '/channels' }), 404, 'UnknownOperationException');
  });

  test('a request line Node cannot parse is a 400 in the AWS error shape', async () => {
    expectAwsError(await send({ method: 'FOO', path: '/channels' }), 400, 'BadRequestException');
  });

  test('headers over the server limit are a 431 in the AWS error shape', async () => {
    expectAwsError(await send({ method: 'GET', path: '/channels', headers: { 'x-amz-chime-bearer': HUGE } }), 431, 'BadRequestException');
  });

  test('DescribeChannel with a malformed percent-encoded label is BadRequest naming the label', async () => {
    for (const label of ['arn%3Aaws%E0%A4%ZZ', '%ED%A0%80', '%']) {
      const res = await send({ method: 'GET', path: `/channels/${label}`, headers: { 'x-amz-chime-bearer': scene.alice } });
      expectAwsError(res, 400, 'BadRequestException');
      expect(JSON.parse(res.body).Message).toMatch(/channelArn/);
    }
  });

  test('a request target that is not a plain path is answered, not crashed on', async () => {
    for (const path of ['//channels', 'http://[/channels', '/channels?%zz=%', '/channels/%2e%2e/app-instances']) {
      const res = await send({ method: 'GET', path, headers: { 'x-amz-chime-bearer': scene.alice } });
      expect(fault(res)).toBeUndefined();
    }
  });

  test('a websocket upgrade to a request target that is not a plain path is refused with 400, not crashed on', async () => {
    const res = await send({ method: 'GET', path: 'http://[/connect', headers: { connection: 'upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' } });
    expect(res.status).toBe(400);
  });

  test('CreateAppInstance with a deeply nested JSON member is BadRequest', async () => {
    const depth = 400_000;
    const res = await send({ method: 'POST', path: '/app-instances', body: `{"Name":${'['.repeat(depth)}${']'.repeat(depth)},"ClientRequestToken":"deep-token"}` });
    expectAwsError(res, 400, 'BadRequestException');
  });

  test('the service still answers SDK calls after all of the above, its data intact', async () => {
    // Runs last in this file: every malformed request above went to the same service.
    const { Channel } = await t.messaging.send(new DescribeChannelCommand({ ChannelArn: scene.channelArn, ChimeBearer: scene.alice }));
    expect(Channel).toMatchObject({ ChannelArn: scene.channelArn, Name: 'robust', Mode: 'UNRESTRICTED', Privacy: 'PUBLIC' });
    const { ChannelMessage } = await t.messaging.send(new GetChannelMessageCommand({ ChannelArn: scene.channelArn, MessageId: scene.messageId, ChimeBearer: scene.alice }));
    expect(ChannelMessage).toMatchObject({ Content: 'hello', Redacted: false });
    const { ChannelMemberships } = await t.messaging.send(new ListChannelMembershipsCommand({ ChannelArn: scene.channelArn, ChimeBearer: scene.alice }));
    expect(ChannelMemberships!.map((m) => m.Member!.Arn).sort()).toEqual([scene.alice, scene.bob].sort());
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

/**
 * Relay pagination over Chime's NextToken: list connections forward with
 * `first/after`, message history both ways (`first/after`, `last/before`),
 * with no gaps and no duplicates while the lists change underneath, and the
 * page-size limits.
 */
import {
  BatchCreateChannelMembershipCommand,
  ChannelMessageSummary,
  CreateChannelCommand,
  CreateChannelMembershipCommand,
  ListChannelMessagesCommand,
  SendChannelMessageCommand,
} from '@aws-sdk/client-chime-sdk-messaging';
import { CreateAppInstanceUserCommand } from '@aws-sdk/client-chime-sdk-identity';
import { startTestGateway, TestGateway } from '../support/gateway';

let t: TestGateway;
let alice: string;
/** A channel with alice (its creator), bob and 120 more members. */
let crowd = { arn: '', id: '' };
let memberArns: string[] = [];

beforeAll(async () => {
  t = await startTestGateway({ debug: true });
  alice = await t.tokenFor(t.world.users.alice);
  crowd = await createChannel('crowd');
  const created = await Promise.all(
    Array.from({ length: 120 }, (_, i) =>
      t.chime.identity.send(new CreateAppInstanceUserCommand({ AppInstanceArn: t.world.appInstanceArn, AppInstanceUserId: `member-${String(i).padStart(3, '0')}`, Name: `member ${i}` })),
    ),
  );
  const arns = created.map((out) => out.AppInstanceUserArn!);
  for (let i = 0; i < arns.length; i += 100) {
    await t.chime.messaging.send(new BatchCreateChannelMembershipCommand({ ChannelArn: crowd.arn, MemberArns: arns.slice(i, i + 100), ChimeBearer: t.world.users.alice }));
  }
  memberArns = await allMembers();
});

afterAll(async () => {
  await t?.close();
});

/** Creates a channel as alice (with bob as a member); returns its ARN and global id. */
async function createChannel(name: string): Promise<{ arn: string; id: string }> {
  const arn = (
    await t.chime.messaging.send(new CreateChannelCommand({ AppInstanceArn: t.world.appInstanceArn, Name: name, ClientRequestToken: `pg-${name}`, ChimeBearer: t.world.users.alice }))
  ).ChannelArn!;
  await t.chime.messaging.send(new CreateChannelMembershipCommand({ ChannelArn: arn, MemberArn: t.world.users.bob, Type: 'DEFAULT', ChimeBearer: t.world.users.alice }));
  return { arn, id: Buffer.from(`Channel\n${arn}`).toString('base64url') };
}

/** Sends a message with the SDK, as `sender`. */
async function send(channelArn: string, content: string, sender = t.world.users.alice): Promise<string> {
  const out = await t.chime.messaging.send(new SendChannelMessageCommand({ ChannelArn: channelArn, Content: content, Type: 'STANDARD', Persistence: 'PERSISTENT', ChimeBearer: sender }));
  return out.MessageId!;
}

/** Every message of a channel in Chime's ascending order, read with the SDK. */
async function chimeHistory(channelArn: string): Promise<ChannelMessageSummary[]> {
  const all: ChannelMessageSummary[] = [];
  let NextToken: string | undefined;
  do {
    const out = await t.chime.messaging.send(
      new ListChannelMessagesCommand({ ChannelArn: channelArn, SortOrder: 'ASCENDING', MaxResults: 50, NextToken, ChimeBearer: t.world.users.alice }),
    );
    all.push(...(out.ChannelMessages ?? []));
    NextToken = out.NextToken;
  } while (NextToken);
  return all;
}

/** Runs a query as alice, expecting no errors. */
async function query(q: string, variables: object = {}) {
  const { body } = await t.gql(q, variables, alice);
  expect(body.errors).toBeUndefined();
  return { data: body.data, calls: body.extensions.chime.byOperation as Record<string, number> };
}

/** Member ARNs of the crowd channel in list order, through the graph (one big page). */
async function allMembers(): Promise<string[]> {
  const { data } = await query(`query($id: ID!) { node(id: $id) { ... on Channel { memberships(first: 200) { edges { node { member { arn } } } } } } }`, { id: crowd.id });
  return data.node.memberships.edges.map((e: any) => e.node.member.arn);
}

const MEMBERS_PAGE = `query($id: ID!, $first: Int, $after: String) { node(id: $id) { ... on Channel {
  memberships(first: $first, after: $after) { edges { cursor node { member { arn } } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } } } }`;

const HISTORY_PAGE = `query($id: ID!, $first: Int, $after: String, $last: Int, $before: String, $notBefore: DateTime, $notAfter: DateTime) {
  node(id: $id) { ... on Channel { messages(first: $first, after: $after, last: $last, before: $before, notBefore: $notBefore, notAfter: $notAfter) {
    edges { cursor node { messageId content createdAt } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } } } }`;

describe('list connections (first/after over NextToken)', () => {
  test('pages of 50 walk the whole list once, in order, one ListChannelMemberships call per page', async () => {
    expect(memberArns).toHaveLength(122);
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const { data, calls } = await query(MEMBERS_PAGE, { id: crowd.id, first: 50, after });
      const { edges, pageInfo } = data.node.memberships;
      expect(pageInfo.hasPreviousPage).toBe(after !== null);
      expect(pageInfo.startCursor).toBe(edges[0].cursor);
      expect(pageInfo.endCursor).toBe(edges[edges.length - 1].cursor);
      expect(calls.ListChannelMemberships).toBe(1);
      seen.push(...edges.map((e: any) => e.node.member.arn));
      pages++;
      if (!pageInfo.hasNextPage) break;
      after = pageInfo.endCursor;
    }
    expect(pages).toBe(3);
    expect(seen).toEqual(memberArns);
  });

  test('first above 50 follows NextToken: first: 120 is three ListChannelMemberships calls', async () => {
    const { data, calls } = await query(MEMBERS_PAGE, { id: crowd.id, first: 120 });
    expect(data.node.memberships.edges.map((e: any) => e.node.member.arn)).toEqual(memberArns.slice(0, 120));
    expect(data.node.memberships.pageInfo.hasNextPage).toBe(true);
    expect(calls.ListChannelMemberships).toBe(3);
  });

  test('a cursor still points at its place after items before it and the item itself are removed', async () => {
    const { data } = await query(MEMBERS_PAGE, { id: crowd.id, first: 10 });
    const edges = data.node.memberships.edges;
    const remove = async (index: number) => {
      const memberId = Buffer.from(`AppInstanceUser\n${memberArns[index]}`).toString('base64url');
      const { body } = await t.gql(`mutation($c: ID!, $m: ID!) { removeChannelMember(input: { channelId: $c, memberId: $m }) { removedMembershipId } }`, { c: crowd.id, m: memberId }, alice);
      expect(body.errors).toBeUndefined();
    };
    await remove(3);
    await remove(9);
    const next = await query(MEMBERS_PAGE, { id: crowd.id, first: 5, after: edges[9].cursor });
    expect(next.data.node.memberships.edges.map((e: any) => e.node.member.arn)).toEqual(memberArns.slice(10, 15));
    memberArns = await allMembers();
  });

  test('a page that ends where a Chime page ends says hasNextPage from the NextToken', async () => {
    const { data, calls } = await query(MEMBERS_PAGE, { id: crowd.id, first: 50 });
    expect(data.node.memberships.pageInfo.hasNextPage).toBe(true);
    expect(calls.ListChannelMemberships).toBe(1);
    const all = await query(MEMBERS_PAGE, { id: crowd.id, first: 200 });
    expect(all.data.node.memberships.pageInfo.hasNextPage).toBe(false);
  });

  test('page sizes outside 1..200 are BAD_USER_INPUT naming the argument and the limit, before any upstream call', async () => {
    for (const first of [0, 201, -1]) {
      const { body } = await t.gql(MEMBERS_PAGE, { id: crowd.id, first }, alice);
      expect(body.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
      expect(body.errors![0].message).toMatch(/first must be between 1 and 200/);
      expect(body.extensions.chime.byOperation.ListChannelMemberships).toBeUndefined();
    }
  });

  test('a cursor of another list, or not a cursor at all, is BAD_USER_INPUT', async () => {
    const other = await query(`{ viewer { channelMemberships(first: 1) { edges { cursor } } } }`);
    for (const after of [other.data.viewer.channelMemberships.edges[0].cursor, 'not-a-cursor', Buffer.from('{"l":1}').toString('base64url')]) {
      const { body } = await t.gql(MEMBERS_PAGE, { id: crowd.id, first: 5, after }, alice);
      expect(body.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
    }
  });
});

describe('message history (first/after and last/before over time bounds)', () => {
  let history = { arn: '', id: '' };
  beforeAll(async () => {
    history = await createChannel('history');
    for (let i = 0; i < 60; i++) await send(history.arn, `m${i}`);
    // Bursts in one millisecond: pagination must still split messages of equal time exactly.
    await withFrozenClock(async () => {
      for (let i = 0; i < 30; i++) await send(history.arn, `burst-a${i}`);
    });
    await withFrozenClock(async () => {
      for (let i = 0; i < 30; i++) await send(history.arn, `burst-b${i}`);
    });
    for (let i = 60; i < 80; i++) await send(history.arn, `m${i}`);
  });

  /**
   * Runs `fn` with the local service's clock stopped, so every message it
   * sends has the same CreatedTimestamp (the service's documented test
   * clock; startTestGateway does not take service options).
   */
  async function withFrozenClock(fn: () => Promise<void>): Promise<void> {
    const backend = t.chime.chime.backend as unknown as { clock: () => number };
    const running = backend.clock;
    const frozen = running();
    backend.clock = () => frozen;
    try {
      await fn();
    } finally {
      backend.clock = running;
    }
  }

  test('the bursts put 30 messages each in one millisecond', async () => {
    const times = (await chimeHistory(history.arn)).map((m) => m.CreatedTimestamp!.getTime());
    expect(times.length - new Set(times).size).toBeGreaterThanOrEqual(58);
  });

  test('last/before scrolls back from the newest page to the oldest with no gap or repeat while messages keep arriving', async () => {
    const before = (await chimeHistory(history.arn)).map((m) => m.MessageId);
    const pages: string[][] = [];
    let cursor: string | null = null;
    for (;;) {
      const { data } = await query(HISTORY_PAGE, { id: history.id, last: 13, before: cursor });
      const { edges, pageInfo } = data.node.messages;
      pages.unshift(edges.map((e: any) => e.node.messageId));
      expect(pageInfo.hasNextPage).toBe(cursor !== null);
      if (!pageInfo.hasPreviousPage) break;
      cursor = pageInfo.startCursor;
      await send(history.arn, 'arriving while scrolling back', t.world.users.bob);
    }
    expect(pages.flat()).toEqual(before);
  });

  test('first/after reads forward to the newest with no gap or repeat while messages keep arriving', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    for (;;) {
      const { data } = await query(HISTORY_PAGE, { id: history.id, first: 11, after: cursor });
      const { edges, pageInfo } = data.node.messages;
      seen.push(...edges.map((e: any) => e.node.messageId));
      expect(pageInfo.hasPreviousPage).toBe(cursor !== null);
      if (!pageInfo.hasNextPage) break;
      cursor = pageInfo.endCursor;
      await send(history.arn, 'arriving while reading forward', t.world.users.bob);
    }
    expect(seen).toEqual((await chimeHistory(history.arn)).map((m) => m.MessageId));
  });

  test('edges are oldest first whichever way one pages', async () => {
    const newest = await query(HISTORY_PAGE, { id: history.id, last: 5 });
    const oldest = await query(HISTORY_PAGE, { id: history.id, first: 5 });
    const all = (await chimeHistory(history.arn)).map((m) => m.MessageId);
    expect(newest.data.node.messages.edges.map((e: any) => e.node.messageId)).toEqual(all.slice(-5));
    expect(oldest.data.node.messages.edges.map((e: any) => e.node.messageId)).toEqual(all.slice(0, 5));
  });

  test('without first or last, the newest 50 messages', async () => {
    const { data } = await query(HISTORY_PAGE, { id: history.id });
    const all = (await chimeHistory(history.arn)).map((m) => m.MessageId);
    expect(data.node.messages.edges.map((e: any) => e.node.messageId)).toEqual(all.slice(-50));
    expect(data.node.messages.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: false });
  });

  test('last: 150 follows NextToken: three ListChannelMessages calls of 50', async () => {
    const { data, calls } = await query(HISTORY_PAGE, { id: history.id, last: 150 });
    const all = (await chimeHistory(history.arn)).map((m) => m.MessageId);
    expect(data.node.messages.edges.map((e: any) => e.node.messageId)).toEqual(all.slice(-150));
    expect(calls.ListChannelMessages).toBe(3);
  });

  test('notBefore and notAfter bound the history by creation time, inclusively', async () => {
    const all = await chimeHistory(history.arn);
    const from = all[10].CreatedTimestamp!;
    const to = all[20].CreatedTimestamp!;
    const { data } = await query(HISTORY_PAGE, { id: history.id, first: 100, notBefore: from.toISOString(), notAfter: to.toISOString() });
    const expected = all.filter((m) => m.CreatedTimestamp! >= from && m.CreatedTimestamp! <= to).map((m) => m.MessageId);
    expect(data.node.messages.edges.map((e: any) => e.node.messageId)).toEqual(expected);
  });

  test('after and before together give the messages between two cursors', async () => {
    const { data } = await query(HISTORY_PAGE, { id: history.id, first: 30 });
    const edges = data.node.messages.edges;
    const between = await query(HISTORY_PAGE, { id: history.id, first: 100, after: edges[4].cursor, before: edges[20].cursor });
    expect(between.data.node.messages.edges.map((e: any) => e.node.messageId)).toEqual(edges.slice(5, 20).map((e: any) => e.node.messageId));
    expect(between.data.node.messages.pageInfo.hasNextPage).toBe(false);
  });

  test('a before cursor whose message was deleted continues with the older messages, no repeat', async () => {
    const channel = await createChannel('deletions');
    for (let i = 0; i < 12; i++) await send(channel.arn, `d${i}`);
    const { data } = await query(HISTORY_PAGE, { id: channel.id, last: 4 });
    const start = data.node.messages.edges[0];
    const admin = await t.tokenFor(t.world.admin);
    const messageId = Buffer.from(`ChannelMessage\n${channel.arn}\n${start.node.messageId}`).toString('base64url');
    const deleted = await t.gql(`mutation($m: ID!) { deleteChannelMessage(input: { messageId: $m }) { deletedMessageId } }`, { m: messageId }, admin);
    expect(deleted.body.errors).toBeUndefined();
    const older = await query(HISTORY_PAGE, { id: channel.id, last: 100, before: start.cursor });
    expect(older.data.node.messages.edges.map((e: any) => e.node.content)).toEqual(['d0', 'd1', 'd2', 'd3', 'd4', 'd5', 'd6', 'd7']);
  });

  test('first with last, or a size outside 1..200, is BAD_USER_INPUT before any upstream call', async () => {
    for (const variables of [{ first: 5, last: 5 }, { last: 201 }, { first: 0 }]) {
      const { body } = await t.gql(HISTORY_PAGE, { id: history.id, ...variables }, alice);
      expect(body.errors![0].extensions.code).toBe('BAD_USER_INPUT');
      expect(body.extensions.chime.byOperation.ListChannelMessages).toBeUndefined();
    }
  });

  test('a message cursor of another channel is BAD_USER_INPUT', async () => {
    const other = await createChannel('other-history');
    await send(other.arn, 'x');
    const { data } = await query(HISTORY_PAGE, { id: other.id, last: 1 });
    const { body } = await t.gql(HISTORY_PAGE, { id: history.id, last: 5, before: data.node.messages.edges[0].cursor }, alice);
    expect(body.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'before' });
  });
});

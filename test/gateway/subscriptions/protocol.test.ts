/**
 * The graphql-ws protocol and the endpoint's limits, over real sockets:
 * identity in connection_init, the protocol's own rules (exact close codes),
 * pings, payload size, compression, subscriptions per socket, and what is
 * not served over the websocket.
 */
import type { ClientOptions } from 'ws';
import { mintToken } from '../../../src/gateway/auth/dev-tokens';
import { createSubscriptionTransport, subscriptionOptionsFromEnv } from '../../../src/gateway/subscriptions';
import { TEST_AUDIENCE, TEST_ISSUER } from '../../support/gateway';
import { connect, rawSocket, RawSocket, startSubscriptionGateway, SubscriptionGateway, TestClient, waitUntil } from '../../support/graphql-ws-client';

const VIEWER_EVENTS = 'subscription { viewerEvents { type } }';
/** The limits of the gateway under test, tight so tests are quick. */
const LIMITS = { maxSubscriptionsPerSocket: 3, connectionInitWaitTimeoutMs: 300, keepAliveMs: 150 };

let t: SubscriptionGateway;
let alice: string;
const open: Array<TestClient | RawSocket> = [];

beforeAll(async () => {
  t = await startSubscriptionGateway({ subscriptions: LIMITS });
  alice = await t.tokenFor(t.world.users.alice);
});

afterEach(async () => {
  for (const socket of open.splice(0)) {
    if ('dispose' in socket) await socket.dispose();
    else socket.ws.terminate();
  }
});

afterAll(() => t.close());

function client(token?: string, connectionParams?: Record<string, unknown>): TestClient {
  const c = connect(t.wsUrl, token, { connectionParams });
  open.push(c);
  return c;
}

function raw(protocols?: string | string[], options?: ClientOptions): RawSocket {
  const socket = rawSocket(t.wsUrl, protocols, options);
  open.push(socket);
  return socket;
}

/** A raw socket past connection_ack. */
async function acknowledged(): Promise<RawSocket> {
  const socket = raw();
  await socket.opened;
  socket.send({ type: 'connection_init', payload: { authorization: `Bearer ${alice}` } });
  await socket.message((m) => m.type === 'connection_ack');
  return socket;
}

describe('identity', () => {
  test('a valid token in connection_init is acknowledged', async () => {
    const socket = await acknowledged();
    expect(socket.messages).toEqual([{ type: 'connection_ack' }]);
  });

  test.each([
    ['no payload', undefined, /send \{"authorization": "Bearer <token>"\}/],
    ['no authorization', { other: 'x' }, /send \{"authorization": "Bearer <token>"\}/],
    ['not a bearer token', { authorization: 'Basic abc' }, /must be "Bearer <token>"/],
    ['garbage', { authorization: 'Bearer not.a.jwt' }, /Forbidden/],
    ['not a string', { authorization: 42 }, /must be a string/],
  ])('connection_init with %s closes the socket with 4403', async (_case, connectionParams, reason) => {
    const c = client(undefined, connectionParams ?? {});
    const closed = await c.closed;
    expect(closed.code).toBe(4403);
    expect(closed.reason).toMatch(reason);
  });

  test('an expired token, or one signed with another key, closes with 4403 and a reason that never echoes the token', async () => {
    const expired = await t.tokenFor(t.world.users.alice, -60);
    const foreign = await mintToken(Buffer.alloc(32, 7), { user: t.world.users.alice, ttlSeconds: 3600, issuer: TEST_ISSUER, audience: TEST_AUDIENCE });
    for (const token of [expired, foreign]) {
      const closed = await client(token).closed;
      expect(closed.code).toBe(4403);
      expect(closed.reason).not.toContain(token.split('.')[2]);
    }
    expect(t.transport.stats().upstreamSessions).toBe(0);
  });
});

describe('protocol rules', () => {
  test('no connection_init within connectionInitWaitTimeout: 4408', async () => {
    const socket = raw();
    await socket.opened;
    const started = Date.now();
    expect(await socket.closed).toEqual({ code: 4408, reason: 'Connection initialisation timeout' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(LIMITS.connectionInitWaitTimeoutMs - 50);
  });

  test('a second connection_init: 4429', async () => {
    const socket = await acknowledged();
    socket.send({ type: 'connection_init', payload: { authorization: `Bearer ${alice}` } });
    expect((await socket.closed).code).toBe(4429);
  });

  test('subscribe before connection_ack: 4401', async () => {
    const socket = raw();
    await socket.opened;
    socket.send({ id: '1', type: 'subscribe', payload: { query: VIEWER_EVENTS } });
    expect((await socket.closed).code).toBe(4401);
  });

  test('a subscription id already in use: 4409', async () => {
    const socket = await acknowledged();
    socket.send({ id: 'same', type: 'subscribe', payload: { query: VIEWER_EVENTS } });
    await waitUntil(() => t.transport.stats().subscriptions === 1, 'the first subscription');
    socket.send({ id: 'same', type: 'subscribe', payload: { query: VIEWER_EVENTS } });
    expect(await socket.closed).toEqual({ code: 4409, reason: 'Subscriber for same already exists' });
    await waitUntil(() => t.transport.stats().subscriptions === 0, 'the subscription to end with its socket');
  });

  test('a message that is not JSON: 4400', async () => {
    const socket = await acknowledged();
    socket.send('{not json');
    expect((await socket.closed).code).toBe(4400);
  });

  test('no subprotocol: 4406', async () => {
    const socket = raw([]);
    expect(await socket.closed).toEqual({ code: 4406, reason: 'Subprotocol not acceptable' });
  });

  test('only the legacy subprotocol graphql-ws (subscriptions-transport-ws): no subprotocol is agreed, the handshake fails', async () => {
    const socket = raw('graphql-ws');
    await expect(socket.opened).rejects.toThrow('Server sent no subprotocol');
  });

  test('a protocol ping is answered with a pong carrying its payload', async () => {
    const socket = await acknowledged();
    socket.send({ type: 'ping', payload: { at: 1 } });
    expect(await socket.message((m) => m.type === 'pong')).toEqual({ type: 'pong', payload: { at: 1 } });
  });

  test('websocket pings keep a live peer connected; a peer that stops answering them is dropped', async () => {
    const live = await acknowledged();
    let pings = 0;
    live.ws.on('ping', () => (pings += 1));
    const dead = raw(undefined, { autoPong: false });
    await dead.opened;
    dead.send({ type: 'connection_init', payload: { authorization: `Bearer ${alice}` } });
    // No pong within one interval after a ping: terminated, which the peer sees as 1006.
    expect((await dead.closed).code).toBe(1006);
    await new Promise((resolve) => setTimeout(resolve, 4 * LIMITS.keepAliveMs));
    expect(pings).toBeGreaterThanOrEqual(3);
    expect(live.ws.readyState).toBe(live.ws.OPEN);
  });
});

describe('limits', () => {
  test('a message larger than 64 KiB closes the socket with 1009', async () => {
    const socket = await acknowledged();
    socket.send({ id: 'big', type: 'subscribe', payload: { query: `subscription { viewerEvents { type } } # ${'x'.repeat(65 * 1024)}` } });
    expect((await socket.closed).code).toBe(1009);
  });

  test('permessage-deflate is not negotiated, even when the client offers it', async () => {
    const socket = raw(undefined, { perMessageDeflate: true });
    await socket.opened;
    expect(socket.ws.extensions).toBe('');
  });

  test('one subscription more than maxSubscriptionsPerSocket gets TOO_MANY_SUBSCRIPTIONS; the socket and the others carry on', async () => {
    const c = client(alice);
    const held = [0, 1, 2].map(() => c.subscribe(VIEWER_EVENTS));
    await waitUntil(() => t.transport.stats().subscriptions === 3, 'three subscriptions');
    const refused = c.subscribe(VIEWER_EVENTS);
    await refused.done;
    expect(refused.error).toEqual([
      expect.objectContaining({
        message: expect.stringContaining('already holds 3 subscriptions'),
        extensions: { code: 'TOO_MANY_SUBSCRIPTIONS', maxSubscriptionsPerSocket: 3 },
      }),
    ]);
    held[0].unsubscribe();
    await waitUntil(() => t.transport.stats().subscriptions === 2, 'one completed');
    const again = c.subscribe(VIEWER_EVENTS);
    await waitUntil(() => t.transport.stats().subscriptions === 3, 'room for one more');
    expect([again, ...held.slice(1)].every((s) => !s.ended)).toBe(true);
  });

  test('queries and mutations are refused over the websocket (BAD_USER_INPUT); invalid documents get validation errors', async () => {
    const c = client(alice);
    const query = c.subscribe('{ viewer { id } }');
    const invalid = c.subscribe('subscription { viewerEvents { nope } }');
    const unparsable = c.subscribe('subscription {');
    await Promise.all([query.done, invalid.done, unparsable.done]);
    expect(query.error[0]).toMatchObject({ message: expect.stringContaining('send queries as HTTP POST to /graphql'), extensions: { code: 'BAD_USER_INPUT' } });
    expect(invalid.error[0]).toMatchObject({ message: expect.stringContaining('Cannot query field "nope"'), extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } });
    expect(unparsable.error[0]).toMatchObject({ extensions: { code: 'GRAPHQL_PARSE_FAILED' } });
  });

  test('a websocket upgrade on another path is refused with 404', async () => {
    const socket = rawSocket(t.wsUrl.replace('/graphql', '/elsewhere'));
    await expect(socket.opened).rejects.toThrow(/404/);
  });
});

describe('settings', () => {
  test('an option out of range fails when the transport is created, naming the option and the value', () => {
    expect(() => createSubscriptionTransport({ maxSubscriptionsPerSocket: 0 })).toThrow('maxSubscriptionsPerSocket must be a positive integer, got 0.');
    expect(() => createSubscriptionTransport({ keepAliveMs: -1 })).toThrow('keepAliveMs must be a finite number >= 0, got -1.');
  });

  test('SUBSCRIPTIONS_MAX_PER_SOCKET and REALTIME_LINGER_MS are read and checked like the other settings', () => {
    expect(subscriptionOptionsFromEnv({ SUBSCRIPTIONS_MAX_PER_SOCKET: '20', REALTIME_LINGER_MS: '0' })).toEqual({ maxSubscriptionsPerSocket: 20, realtime: { lingerMs: 0 } });
    expect(subscriptionOptionsFromEnv({})).toEqual({ maxSubscriptionsPerSocket: undefined, realtime: undefined });
    expect(() => subscriptionOptionsFromEnv({ SUBSCRIPTIONS_MAX_PER_SOCKET: 'lots' })).toThrow(expect.objectContaining({ variable: 'SUBSCRIPTIONS_MAX_PER_SOCKET', message: expect.stringContaining('got "lots"') }));
  });
});

import { CreateChannelCommand, CreateChannelMembershipCommand, SendChannelMessageCommand } from '@aws-sdk/client-chime-sdk-messaging';
import { ChimeClients, createChimeClients } from '../../../src/gateway/chime-clients';
import { ChimeEvent } from '../../../src/gateway/realtime/events';
import { UpstreamSession, UpstreamSessionError, UpstreamSessionHandlers } from '../../../src/gateway/realtime/upstream-session';
import { createWorld, startTestChime, TEST_CREDENTIALS, TestChime, TestWorld } from '../../support/local-chime';

/** Records what a session reports. */
function recorder() {
  const log = { established: [] as boolean[], events: [] as ChimeEvent[], disconnected: [] as number[], terminated: [] as UpstreamSessionError[] };
  const handlers: UpstreamSessionHandlers = {
    established: (info) => log.established.push(info.reconnect),
    event: (event) => log.events.push(event),
    disconnected: (info) => log.disconnected.push(info.closeCode),
    terminated: (error) => log.terminated.push(error),
  };
  return { log, handlers };
}

async function waitFor(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const fast = { backoff: { initialMs: 10, maxMs: 50 }, giveUpAfterMs: 5000 };

describe('upstream session against the local service', () => {
  let t: TestChime;
  let world: TestWorld;
  let clients: ChimeClients;
  const sessions: UpstreamSession[] = [];

  beforeAll(async () => {
    t = await startTestChime();
    world = await createWorld(t.identity);
    clients = createChimeClients({ region: 'us-east-1', endpoint: t.chime.endpoint, credentials: TEST_CREDENTIALS });
  });
  afterEach(() => sessions.splice(0).forEach((s) => s.close()));
  afterAll(async () => {
    clients.destroy();
    await t.close();
  });

  test('establishes over a presigned ws:// URL and delivers decoded events in arrival order', async () => {
    const { ChannelArn } = await t.messaging.send(new CreateChannelCommand({ AppInstanceArn: world.appInstanceArn, Name: 'upstream', ChimeBearer: world.users.bob }));
    await t.messaging.send(new CreateChannelMembershipCommand({ ChannelArn, MemberArn: world.users.alice, Type: 'DEFAULT', ChimeBearer: world.users.bob }));
    const { log, handlers } = recorder();
    const session = new UpstreamSession({ clients, userArn: world.users.alice, ...fast }, handlers);
    sessions.push(session);
    session.start();
    await waitFor(() => log.established.length === 1, 'SESSION_ESTABLISHED');
    expect(log.established).toEqual([false]);
    expect(session.state).toBe('open');
    expect(t.chime.sessions.size).toBe(1);

    for (const content of ['one', 'two', 'three']) {
      await t.messaging.send(new SendChannelMessageCommand({ ChannelArn, Content: content, Type: 'STANDARD', Persistence: 'PERSISTENT', ChimeBearer: world.users.bob }));
    }
    await waitFor(() => log.events.length === 3, 'three message events');
    expect(log.events.map((e) => (e.kind === 'message' ? e.message.Content : e.type))).toEqual(['one', 'two', 'three']);
    const first = log.events[0];
    expect(first).toMatchObject({ kind: 'message', type: 'CREATE_CHANNEL_MESSAGE', channelArn: ChannelArn, messageType: 'STANDARD', persistence: 'PERSISTENT' });
    if (first.kind === 'message') expect(first.message.CreatedTimestamp).toBeInstanceOf(Date);

    session.close();
    await waitFor(() => t.chime.sessions.size === 0, 'the server to see the session closed');
    expect(log.disconnected).toEqual([]);
    expect(log.terminated).toEqual([]);
  });

  test('an unknown user is closed with 4401: terminal, and no reconnect', async () => {
    const { log, handlers } = recorder();
    const session = new UpstreamSession({ clients, userArn: `${world.appInstanceArn}/user/nobody`, ...fast }, handlers);
    sessions.push(session);
    session.start();
    await waitFor(() => log.terminated.length === 1, 'the terminal error');
    expect(log.terminated[0]).toMatchObject({ code: 'UPSTREAM_UNAUTHORIZED', closeCode: 4401 });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(session.attempts).toBe(1);
    expect(session.state).toBe('failed');
    expect(log.established).toEqual([]);
  });
});

describe('upstream session against a strict-mode local service', () => {
  let t: TestChime;
  let world: TestWorld;

  beforeAll(async () => {
    t = await startTestChime({ credentials: { [TEST_CREDENTIALS.accessKeyId]: TEST_CREDENTIALS.secretAccessKey } });
    world = await createWorld(t.identity);
  });
  afterAll(() => t.close());

  test('the presigned /connect URL verifies with the right credentials', async () => {
    const clients = createChimeClients({ region: 'us-east-1', endpoint: t.chime.endpoint, credentials: TEST_CREDENTIALS });
    const { log, handlers } = recorder();
    const session = new UpstreamSession({ clients, userArn: world.users.alice, ...fast }, handlers);
    session.start();
    try {
      await waitFor(() => log.established.length === 1 || log.terminated.length > 0, 'the session to open');
      expect(log.terminated).toEqual([]);
      expect(t.chime.sessions.size).toBe(1);
    } finally {
      session.close();
      clients.destroy();
    }
  });

  test('wrong credentials end the session with UPSTREAM_UNAUTHORIZED and no reconnect', async () => {
    const clients = createChimeClients({ region: 'us-east-1', endpoint: t.chime.endpoint, credentials: { ...TEST_CREDENTIALS, secretAccessKey: 'wrong' }, maxAttempts: 1 });
    const { log, handlers } = recorder();
    const session = new UpstreamSession({ clients, userArn: world.users.alice, ...fast }, handlers);
    session.start();
    try {
      await waitFor(() => log.terminated.length === 1, 'the terminal error');
      expect(log.terminated[0].code).toBe('UPSTREAM_UNAUTHORIZED');
      expect(log.terminated[0].message).toMatch(/InvalidSignatureException/);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(session.attempts).toBe(1);
      expect(t.chime.sessions.size).toBe(0);
    } finally {
      session.close();
      clients.destroy();
    }
  });
});

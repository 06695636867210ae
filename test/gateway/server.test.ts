/**
 * The gateway's HTTP surface over real HTTP: health and readiness, the
 * Sandbox landing page, CSRF prevention, request ids, body limits, logs
 * without credentials, and draining in-flight requests on close.
 */
import http from 'node:http';
import net from 'node:net';
import { Writable } from 'node:stream';
import { startTestGateway, TestGateway } from '../support/gateway';
import { createChimeClients } from '../../src/gateway/chime-clients';
import { createLogger } from '../../src/gateway/logger';
import { GatewayTransport, startGateway } from '../../src/gateway/server';
import { verifyConnectionParams } from '../../src/gateway/auth/bearer';
import WebSocket, { WebSocketServer } from 'ws';
import { TEST_CREDENTIALS } from '../support/local-chime';

const TYPENAME = JSON.stringify({ query: '{ __typename }' });

describe('gateway server', () => {
  let tg: TestGateway;
  let base: string;
  beforeAll(async () => {
    tg = await startTestGateway({ config: { readinessCacheMs: 0, maxBodyBytes: 4096 } });
    base = tg.gateway.url.replace(/\/graphql$/, '');
  });
  afterAll(() => tg.close());

  test('healthz answers 200 while the process is up', async () => {
    const response = await fetch(`${base}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  test('readyz answers 200 when Chime answers', async () => {
    const response = await fetch(`${base}/readyz`);
    expect(await response.json()).toEqual({ status: 'ready' });
    expect(response.status).toBe(200);
    expect(tg.upstreamCalls()).toContain('DescribeAppInstance');
  });

  test('readyz answers 503 when Chime is unreachable, and caches the answer', async () => {
    const deadPort = await freePort();
    const clients = createChimeClients({ region: 'us-east-1', endpoint: `http://127.0.0.1:${deadPort}`, credentials: TEST_CREDENTIALS, maxAttempts: 1 });
    let probes = 0;
    clients.identity.middlewareStack.add(
      (next) => async (args) => {
        probes += 1;
        return next(args);
      },
      { step: 'initialize', name: 'probeCounter' },
    );
    const gateway = await startGateway({ config: { ...tg.config, readinessCacheMs: 60_000 }, clients, logger: createLogger({ level: 'silent' }) });
    try {
      const url = gateway.url.replace(/\/graphql$/, '/readyz');
      const first = await fetch(url);
      expect(first.status).toBe(503);
      expect(((await first.json()) as any).status).toBe('unavailable');
      expect((await fetch(url)).status).toBe(503);
      expect(probes).toBe(1);
    } finally {
      await gateway.close();
      clients.destroy();
    }
  });

  test('GET /graphql from a browser shows Apollo Sandbox', async () => {
    const response = await fetch(tg.gateway.url, { headers: { accept: 'text/html' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/text\/html/);
    expect(await response.text()).toMatch(/sandbox/i);
  });

  test('production shows no landing page, schema suggestions or stack traces', async () => {
    const production = await startTestGateway({ production: true, debug: true });
    try {
      const response = await fetch(production.gateway.url, { headers: { accept: 'text/html' } });
      expect(response.headers.get('content-type')).not.toMatch(/text\/html/);
      expect(await response.text()).not.toMatch(/sandbox/i);
      const typo = await production.gql('{ viewer { nme } }', {}, await production.tokenFor(production.world.users.alice));
      expect(typo.status).toBe(400);
      expect(typo.body.errors![0].message).toBe('Cannot query field "nme" on type "AppInstanceUser".');
      expect(typo.body.errors![0].extensions.stacktrace).toBeUndefined();
    } finally {
      await production.close();
    }
  });

  test('a GET query without a preflight header is refused as possible CSRF', async () => {
    const response = await fetch(`${tg.gateway.url}?query=${encodeURIComponent('{ __typename }')}`);
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/Cross-Site Request Forgery/);
  });

  test('a GET query with apollo-require-preflight is served', async () => {
    const response = await fetch(`${tg.gateway.url}?query=${encodeURIComponent('{ __typename }')}`, { headers: { 'apollo-require-preflight': 'true' } });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: { __typename: 'Query' } });
  });

  test('a POST with a simple content type is refused as possible CSRF', async () => {
    const response = await fetch(tg.gateway.url, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: TYPENAME });
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/Cross-Site Request Forgery/);
  });

  test('a JSON POST is served', async () => {
    const response = await fetch(tg.gateway.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: TYPENAME });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: { __typename: 'Query' } });
  });

  test('outside production, error stack traces appear only with debug on', async () => {
    const plain = await tg.gql('{ viewer { nme } }');
    expect(plain.body.errors![0].message).toMatch(/Did you mean "name"\?/);
    expect(plain.body.errors![0].extensions.stacktrace).toBeUndefined();
    const debug = await startTestGateway({ debug: true });
    try {
      const traced = await debug.gql('{ viewer { nme } }');
      expect(traced.body.errors![0].extensions.stacktrace).toEqual(expect.any(Array));
    } finally {
      await debug.close();
    }
  });

  test('a body that is not JSON is a 400 with BAD_REQUEST', async () => {
    const response = await fetch(tg.gateway.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query": ' });
    expect(response.status).toBe(400);
    expect(((await response.json()) as any).errors[0].extensions.code).toBe('BAD_REQUEST');
  });

  test('a body over the limit is a 413 with PAYLOAD_TOO_LARGE', async () => {
    const query = `{ __typename ${' '.repeat(5000)}}`;
    const response = await fetch(tg.gateway.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
    expect(response.status).toBe(413);
    expect(((await response.json()) as any).errors[0]).toEqual({ message: 'The request body is larger than 4096 bytes.', extensions: { code: 'PAYLOAD_TOO_LARGE' } });
  });

  test('a body over the limit sent chunked (no content-length) is a 413', async () => {
    const { status } = await rawRequest(base, '/graphql', { 'content-type': 'application/json', 'transfer-encoding': 'chunked' }, [`{"query": "{ __typename }", "x": "${'a'.repeat(5000)}"}`]);
    expect(status).toBe(413);
  });

  test('a sane x-request-id is echoed in the response', async () => {
    const response = await fetch(tg.gateway.url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': 'client-req-0001' }, body: TYPENAME });
    expect(response.headers.get('x-request-id')).toBe('client-req-0001');
  });

  test('a missing or insane x-request-id is replaced by a generated one', async () => {
    const none = await fetch(`${base}/healthz`);
    expect(none.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const insane = await fetch(`${base}/healthz`, { headers: { 'x-request-id': 'no spaces\tor tabs allowed here' } });
    expect(insane.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  test('an unknown path is a 404 that names the GraphQL endpoint', async () => {
    const response = await fetch(`${base}/nope`);
    expect(response.status).toBe(404);
    expect(((await response.json()) as any).error).toMatch(/\/graphql/);
  });

  test('a CORS preflight is answered with the headers a GraphQL client sends', async () => {
    const response = await fetch(tg.gateway.url, { method: 'OPTIONS', headers: { origin: 'http://localhost:3000', 'access-control-request-method': 'POST' } });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('access-control-allow-headers')).toMatch(/authorization/);
  });
});

describe('gateway logs', () => {
  test('logs carry the request id and never the token', async () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk, _encoding, done) {
        lines.push(...String(chunk).split('\n').filter(Boolean));
        done();
      },
    });
    const tg = await startTestGateway({ logger: createLogger({ level: 'debug', destination }) });
    try {
      const token = await tg.tokenFor(tg.world.users.alice);
      const forged = `${token.slice(0, -4)}AAAA`;
      await fetch(tg.gateway.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-request-id': 'log-test-0001' },
        body: TYPENAME,
      });
      await fetch(tg.gateway.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${forged}`, 'x-request-id': 'log-test-0002' },
        body: TYPENAME,
      });
    } finally {
      await tg.close();
    }
    const entries = lines.map((line) => JSON.parse(line));
    const request1 = entries.find((e) => e.msg === 'request' && e.requestId === 'log-test-0001');
    expect(request1).toMatchObject({ method: 'POST', path: '/graphql', status: 200 });
    expect(entries.find((e) => e.msg === 'token refused')).toMatchObject({ requestId: 'log-test-0002' });
    const all = lines.join('\n');
    expect(all).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}/);
  });
});

describe('gateway debug', () => {
  test('with debug on, responses carry the upstream calls in extensions.chime; off, no extensions', async () => {
    const debug = await startTestGateway({ debug: true });
    try {
      const token = await debug.tokenFor(debug.world.users.alice);
      const traced = await debug.gql('{ viewer { name } }', {}, token);
      expect(traced.body.data.viewer.name).toBe('alice');
      expect(traced.body.extensions.chime.calls).toBeGreaterThanOrEqual(1);
      expect(traced.body.extensions.chime.byOperation).toHaveProperty('DescribeAppInstanceUser');
    } finally {
      await debug.close();
    }
  });
});

describe('gateway transports', () => {
  test('a websocket transport shares the server and its token verification, and closes with the gateway', async () => {
    let closedByGateway = false;
    const echoViewer: GatewayTransport = {
      attach({ httpServer, verifier }) {
        const wss = new WebSocketServer({ noServer: true });
        httpServer.on('upgrade', (req, socket, head) => {
          if (req.url !== '/graphql') return socket.destroy();
          wss.handleUpgrade(req, socket, head, (ws) => {
            ws.once('message', async (data) => {
              const viewer = await verifyConnectionParams(JSON.parse(String(data)), verifier).catch(() => 'refused');
              ws.send(JSON.stringify(viewer));
            });
          });
        });
        return {
          async close() {
            closedByGateway = true;
            for (const client of wss.clients) client.close(1001, 'Going away');
            await new Promise((resolve) => wss.close(resolve));
          },
        };
      },
    };
    const tg = await startTestGateway({ transports: [echoViewer] });
    try {
      const ws = new WebSocket(tg.gateway.url.replace(/^http/, 'ws'));
      await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
      const reply = new Promise<string>((resolve) => ws.once('message', (data) => resolve(String(data))));
      ws.send(JSON.stringify({ authorization: `Bearer ${await tg.tokenFor(tg.world.users.bob)}` }));
      expect(JSON.parse(await reply)).toMatchObject({ userArn: tg.world.users.bob });
      const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
      await tg.gateway.close();
      expect(closedByGateway).toBe(true);
      expect(await closed).toBe(1001);
    } finally {
      await tg.close();
    }
  });
});

describe('gateway shutdown', () => {
  test('close() lets a request in flight finish, then refuses new connections', async () => {
    const tg = await startTestGateway();
    const base = tg.gateway.url.replace(/\/graphql$/, '');
    try {
      const half = Math.floor(TYPENAME.length / 2);
      const inFlight = rawRequest(base, '/graphql', { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(TYPENAME)) }, [
        TYPENAME.slice(0, half),
        // The rest arrives after close() has started.
        () => new Promise<string>((resolve) => setTimeout(() => resolve(TYPENAME.slice(half)), 200)),
      ]);
      await new Promise((resolve) => setTimeout(resolve, 50));
      const closed = tg.gateway.close();
      const answer = await inFlight;
      expect(answer.status).toBe(200);
      expect(JSON.parse(answer.body)).toEqual({ data: { __typename: 'Query' } });
      await closed;
      expect(tg.gateway.httpServer.listening).toBe(false);
      await expect(fetch(`${base}/healthz`)).rejects.toThrow();
    } finally {
      await tg.close();
    }
  });
});

/** A request written piece by piece over one socket; pieces may be deferred. */
function rawRequest(base: string, path: string, headers: Record<string, string>, pieces: Array<string | (() => Promise<string>)>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${base}${path}`, { method: 'POST', headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    (async () => {
      for (const piece of pieces) req.write(typeof piece === 'string' ? piece : await piece());
      req.end();
    })().catch(reject);
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

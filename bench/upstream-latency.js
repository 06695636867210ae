// @ts-check
/**
 * The gateway against a distant Chime: the local service behind a proxy
 * that delays every request by `--delay-ms` (default 20, a same-region AWS
 * round trip's order), the gateway (`node dist/main.js`) pointed at the
 * proxy, and this process timing sequential requests:
 *  - one upstream round trip, measured with the AWS SDK directly through the
 *    same proxy (DescribeChannel);
 *  - `channel { name }` through the gateway (one upstream call);
 *  - the typical chat screen query (channel + newest 30 messages with their
 *    senders), which needs DescribeChannel and ListChannelMessages: the
 *    gateway starts both at once (resolvers/messages-prefetch.ts), so it
 *    should cost about one round trip, not two.
 * Usage: npm run build && node bench/upstream-latency.js [--delay-ms 20] [--requests 200]
 */
const { spawn } = require('node:child_process');
const { randomBytes } = require('node:crypto');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { ChimeSDKMessagingClient, CreateChannelCommand, DescribeChannelCommand, SendChannelMessageCommand } = require('@aws-sdk/client-chime-sdk-messaging');
const { ChimeSDKIdentityClient, CreateAppInstanceCommand, CreateAppInstanceUserCommand } = require('@aws-sdk/client-chime-sdk-identity');
const { ROOT, CREDENTIALS, startLocalChimeProcess, percentile, fmt } = require('./support');
const { mintToken } = require(path.join(ROOT, 'dist/gateway/auth/dev-tokens'));

const args = Object.fromEntries(
  process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc), /** @type {[string,string][]} */ ([])),
);
const DELAY_MS = Number(args['delay-ms'] ?? 20);
const REQUESTS = Number(args.requests ?? 200);
const CHAT_QUERY =
  'query($arn: String!) { channel(arn: $arn) { name lastMessageAt messages(last: 30) { edges { cursor node { id content createdAt sender { ... on AppInstanceUser { name } } } } pageInfo { hasPreviousPage startCursor } } } }';

/**
 * A TCP proxy to `target` that holds every chunk a client sends for `delayMs` before passing it on.
 * @param {URL} target @param {number} delayMs @returns {Promise<net.Server>}
 */
async function delayingProxy(target, delayMs) {
  const proxy = net.createServer((client) => {
    const upstream = net.connect(Number(target.port), target.hostname);
    client.on('data', (chunk) => setTimeout(() => upstream.write(chunk), delayMs));
    upstream.pipe(client);
    for (const [a, b] of [[client, upstream], [upstream, client]]) {
      a.on('error', () => b.destroy());
      a.on('close', () => b.destroy());
    }
  });
  await new Promise((resolve) => proxy.listen(0, '127.0.0.1', () => resolve(undefined)));
  return proxy;
}

/**
 * Times `REQUESTS` sequential calls of `call` after a tenth as warm-up.
 * @param {() => Promise<unknown>} call
 */
async function timed(call) {
  /** @type {number[]} */ const ms = [];
  const warmup = Math.ceil(REQUESTS / 10);
  for (let i = 0; i < warmup + REQUESTS; i++) {
    const started = performance.now();
    await call();
    if (i >= warmup) ms.push(performance.now() - started);
  }
  return { p50: percentile(ms, 50), p99: percentile(ms, 99) };
}

async function main() {
  const chime = await startLocalChimeProcess();
  const proxy = await delayingProxy(new URL(chime.endpoint), DELAY_MS);
  const address = /** @type {net.AddressInfo} */ (proxy.address());
  const proxied = `http://127.0.0.1:${address.port}`;
  const setup = { endpoint: chime.endpoint, region: 'us-east-1', credentials: CREDENTIALS };
  const identity = new ChimeSDKIdentityClient(setup);
  const messaging = new ChimeSDKMessagingClient(setup);
  const distant = new ChimeSDKMessagingClient({ ...setup, endpoint: proxied });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'upstream-latency-'));
  /** @type {import('node:child_process').ChildProcess | undefined} */
  let gateway;
  try {
    const { AppInstanceArn } = await identity.send(new CreateAppInstanceCommand({ Name: 'upstream-latency' }));
    const { AppInstanceUserArn: alice } = await identity.send(new CreateAppInstanceUserCommand({ AppInstanceArn, AppInstanceUserId: 'alice', Name: 'alice' }));
    const { ChannelArn } = await messaging.send(new CreateChannelCommand({ AppInstanceArn, Name: 'general', ChimeBearer: alice }));
    for (let i = 0; i < 40; i++) {
      await messaging.send(new SendChannelMessageCommand({ ChannelArn, Content: `message ${i}`, Type: 'STANDARD', Persistence: 'PERSISTENT', ChimeBearer: alice }));
    }
    const secret = randomBytes(32).toString('base64url');
    const token = await mintToken(secret, { user: /** @type {string} */ (alice), ttlSeconds: 3600 });
    const child = spawn(process.execPath, [path.join(ROOT, 'dist/main.js')], {
      cwd: dir,
      env: {
        ...process.env,
        PORT: '0',
        LOG_LEVEL: 'warn',
        CHIME_ENDPOINT: proxied,
        AWS_REGION: 'us-east-1',
        CHIME_APP_INSTANCE_ARN: AppInstanceArn,
        AUTH_JWT_SECRET: secret,
        AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    gateway = child;
    const url = await new Promise((resolve, reject) => {
      let out = '';
      /** @type {NonNullable<typeof child.stdout>} */ (child.stdout).on('data', (chunk) => {
        out += chunk;
        const m = /GraphQL endpoint[^:]*:\s*(http:\/\/\S+)/.exec(out);
        if (m) resolve(m[1]);
      });
      child.once('exit', (code) => reject(new Error(`gateway exited with ${code} before it was ready`)));
    });
    /** @param {string} query */
    const gql = async (query) => {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query, variables: { arn: ChannelArn } }),
      });
      const body = await res.json();
      if (body.errors) throw new Error(JSON.stringify(body.errors));
    };

    const rows = [
      ['one round trip: DescribeChannel with the SDK, directly', 1, await timed(() => distant.send(new DescribeChannelCommand({ ChannelArn, ChimeBearer: alice })))],
      ['gateway: channel { name }', 1, await timed(() => gql('query($arn: String!) { channel(arn: $arn) { name } }'))],
      ['gateway: channel + newest 30 messages with senders', 2, await timed(() => gql(CHAT_QUERY))],
    ];
    const roundTrip = /** @type {{p50: number}} */ (rows[0][2]).p50;
    console.log(`upstream ${DELAY_MS} ms away (every request to the local service delayed), ${REQUESTS} sequential requests each`);
    console.log('| request | upstream calls | p50 ms | p99 ms | p50 in round trips |');
    console.log('| --- | --- | --- | --- | --- |');
    for (const [label, calls, t] of rows) {
      const { p50, p99 } = /** @type {{p50: number, p99: number}} */ (t);
      console.log(`| ${label} | ${calls} | ${fmt(p50)} | ${fmt(p99)} | ${fmt(p50 / roundTrip)} |`);
    }
  } finally {
    if (gateway && gateway.exitCode === null) {
      const exited = new Promise((resolve) => gateway?.once('exit', resolve));
      gateway.kill('SIGTERM');
      await exited;
    }
    fs.rmSync(dir, { recursive: true, force: true });
    identity.destroy();
    messaging.destroy();
    distant.destroy();
    proxy.close();
    await chime.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

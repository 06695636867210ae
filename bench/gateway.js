// @ts-check
/**
 * Gateway overhead, side by side in one run against the same local Chime
 * service: `node dist/main.js` (gateway + embedded local service, demo data)
 * runs as its own process; this process measures
 *  - latency of the same operation sent directly with the AWS SDK vs. through
 *    the gateway over HTTP (p50/p99, and the ratio), sequentially so each
 *    figure is one request's latency;
 *  - gateway requests/s for a typical chat query (autocannon).
 * Usage: npm run build && node bench/gateway.js [--requests 2000] [--seconds 10] [--connections 16] [--main dist/main.js]
 * (`--main` runs another build, so two builds can be measured side by side.)
 */
const { spawn } = require('node:child_process');
const http = require('node:http');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const autocannon = require('autocannon');
const { ChimeSDKMessagingClient, DescribeChannelCommand, ListChannelMessagesCommand, SendChannelMessageCommand } = require('@aws-sdk/client-chime-sdk-messaging');
const { ROOT, CREDENTIALS, percentile, fmt } = require('./support');

const args = Object.fromEntries(
  process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc), /** @type {[string,string][]} */ ([])),
);
const REQUESTS = Number(args.requests ?? 2000);
const SECONDS = Number(args.seconds ?? 10);
const CONNECTIONS = Number(args.connections ?? 16);
const MAIN = path.resolve(ROOT, args.main ?? 'dist/main.js');

/** Starts the gateway with its embedded local service in a fresh directory; resolves with its URLs and a token for alice. */
async function startGatewayProcess() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gateway-bench-'));
  const child = spawn(process.execPath, [...(process.env.GATEWAY_NODE_ARGS ?? '').split(' ').filter(Boolean), MAIN], {
    cwd: dir,
    env: { ...process.env, PORT: '0', LOCAL_CHIME_PORT: '0', LOG_LEVEL: 'warn', NODE_ENV: 'development' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const ready = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const gql = /GraphQL endpoint[^:]*:\s*(http:\/\/\S+)/.exec(out);
      const chime = /Local Chime service:\s*(http:\/\/\S+)/.exec(out);
      const alice = /^\s*alice\s+(\S+)$/m.exec(out);
      if (gql && chime && alice) resolve({ graphql: gql[1], chime: chime[1], token: alice[1] });
    });
    child.once('exit', (code) => reject(new Error(`gateway exited with ${code} before it was ready`)));
  });
  const demo = JSON.parse(fs.readFileSync(path.join(dir, '.data', 'demo-seed.json'), 'utf8'));
  return {
    ...ready,
    demo,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Times `n` sequential calls of `fn`; returns the latencies in ms.
 * @param {number} n
 * @param {() => Promise<unknown>} fn
 */
async function latencies(n, fn) {
  for (let i = 0; i < Math.min(200, n / 10); i++) await fn(); // warm up: JIT, keep-alive sockets
  /** @type {number[]} */
  const out = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn();
    out.push(performance.now() - t0);
  }
  return out;
}

async function main() {
  const gw = await startGatewayProcess();
  const alice = gw.demo.users.alice;
  const general = gw.demo.channels.general;
  const sdk = new ChimeSDKMessagingClient({ endpoint: gw.chime, region: 'us-east-1', credentials: CREDENTIALS, maxAttempts: 1 });
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${gw.token}` };
  /** @param {string} query @param {object} [variables] */
  // A lean keep-alive HTTP client, as a browser's would be: undici's fetch alone costs this process 1-2 ms of CPU per request.
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const target = new URL(gw.graphql);
  /** @param {string} query @param {object} [variables] */
  const gql = (query, variables) =>
    new Promise((resolve, reject) => {
      const body = JSON.stringify({ query, variables });
      const req = http.request(
        { agent, host: target.hostname, port: target.port, path: target.pathname, method: 'POST', headers: { ...headers, 'content-length': Buffer.byteLength(body) } },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk) => (text += chunk));
          res.on('end', () => {
            const parsed = JSON.parse(text);
            if (parsed.errors) reject(new Error(JSON.stringify(parsed.errors)));
            else resolve(parsed);
          });
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  try {
    const channelId = (await gql('query($arn: String!) { channel(arn: $arn) { id } }', { arn: general })).data.channel.id;
    const rows = [];
    const compare = async (/** @type {string} */ name, /** @type {() => Promise<unknown>} */ direct, /** @type {() => Promise<unknown>} */ viaGateway) => {
      // Interleave halves so drift (GC, other load) hits both sides alike.
      const half = REQUESTS / 2;
      const d1 = await latencies(half, direct);
      const g1 = await latencies(half, viaGateway);
      const d2 = await latencies(half, direct);
      const g2 = await latencies(half, viaGateway);
      const d = [...d1, ...d2];
      const g = [...g1, ...g2];
      rows.push([name, percentile(d, 50), percentile(g, 50), percentile(g, 50) / percentile(d, 50), percentile(d, 99), percentile(g, 99), percentile(g, 99) / percentile(d, 99)]);
    };

    await compare(
      'channel by ARN (DescribeChannel)',
      () => sdk.send(new DescribeChannelCommand({ ChannelArn: general, ChimeBearer: alice })),
      () => gql('query($arn: String!) { channel(arn: $arn) { name mode privacy lastMessageAt } }', { arn: general }),
    );
    await compare(
      'send a message (SendChannelMessage)',
      () => sdk.send(new SendChannelMessageCommand({ ChannelArn: general, ChimeBearer: alice, Content: 'bench', Type: 'STANDARD', Persistence: 'PERSISTENT' })),
      () =>
        gql('mutation($input: SendChannelMessageInput!) { sendChannelMessage(input: $input) { clientMutationId } }', {
          input: { channelId, content: 'bench' },
        }),
    );
    await compare(
      'newest 30 messages (ListChannelMessages)',
      () => sdk.send(new ListChannelMessagesCommand({ ChannelArn: general, ChimeBearer: alice, MaxResults: 30 })),
      () => gql('query($arn: String!) { channel(arn: $arn) { messages(last: 30) { edges { node { content createdAt } } } } }', { arn: general }),
    );

    // A typical chat screen: the channel, its newest messages with senders.
    const chatQuery = JSON.stringify({
      query: 'query($arn: String!) { channel(arn: $arn) { name lastMessageAt messages(last: 30) { edges { cursor node { id content createdAt sender { ... on AppInstanceUser { name } } } } pageInfo { hasPreviousPage startCursor } } } }',
      variables: { arn: general },
    });
    await gql(JSON.parse(chatQuery).query, { arn: general });
    const load = await autocannon({ url: gw.graphql, method: 'POST', headers, body: chatQuery, connections: CONNECTIONS, duration: SECONDS });

    console.log(`gateway vs direct SDK, same local Chime service, ${REQUESTS} sequential requests per side (interleaved halves)`);
    console.log('| operation | direct p50 ms | gateway p50 ms | p50 ratio | direct p99 ms | gateway p99 ms | p99 ratio |');
    console.log('| --- | --- | --- | --- | --- | --- | --- |');
    for (const r of rows) console.log(`| ${r[0]} | ${r.slice(1).map((v) => fmt(/** @type {number} */ (v))).join(' | ')} |`);
    console.log('');
    console.log(`typical chat query (channel + newest 30 messages with senders), autocannon ${CONNECTIONS} connections, ${SECONDS}s:`);
    console.log(`| req/s avg | latency p50 ms | latency p99 ms | errors | non-2xx |`);
    console.log('| --- | --- | --- | --- | --- |');
    console.log(`| ${fmt(load.requests.average)} | ${fmt(load.latency.p50)} | ${fmt(load.latency.p99)} | ${load.errors} | ${load.non2xx} |`);
  } finally {
    sdk.destroy();
    agent.destroy();
    await gw.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

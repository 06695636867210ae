// @ts-check
/**
 * Live chat through the gateway, side by side in one run. The local Chime
 * service and the gateway (`node dist/main.js` pointed at it) run as their
 * own processes; this process is every client:
 *  - end-to-end latency, mutation sent -> event received, of the same
 *    messages through a gateway subscription (graphql-ws) and through a raw
 *    upstream messaging session of the same user (p50/p99);
 *  - fan-out of one channel: time from the mutation to the last of N
 *    subscribers receiving the message (p50/p99), for N = 1,000 and 10,000;
 *  - the gateway's RSS per idle subscriber (its growth while N subscribers
 *    are connected and subscribed, divided by N), each RSS read after a full
 *    collection (see memoryProbe);
 *  - for comparison, two floors of the machine: a plain `ws` server process
 *    writing a ready-made message to N sockets, and the local service
 *    delivering a message to N raw upstream sessions (what the upstream side
 *    of a fan-out costs here before the gateway does anything).
 * A subscriber is one websocket with one subscription, as a browser tab
 * holds it. A fan-out case `<subscribers>x<tabs>` spreads the subscribers
 * over viewers with that many tabs each (each viewer has one upstream
 * session in the gateway, and its tabs share one execution per message); 1
 * tab per viewer is the worst case: one upstream session and one execution
 * per subscriber. Each case runs in a fresh gateway process.
 * Usage: npm run build && node bench/realtime.js [--messages 300] [--fanout 1000x1,1000x10,10000x10] [--rounds 200]
 * (GATEWAY_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the gateway process.)
 */
const { spawn } = require('node:child_process');
const { randomBytes, randomUUID } = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const WebSocket = require('ws');
const {
  BatchCreateChannelMembershipCommand,
  ChimeSDKMessagingClient,
  CreateChannelCommand,
  GetMessagingSessionEndpointCommand,
  SendChannelMessageCommand,
} = require('@aws-sdk/client-chime-sdk-messaging');
const { ChimeSDKIdentityClient, CreateAppInstanceCommand, CreateAppInstanceUserCommand } = require('@aws-sdk/client-chime-sdk-identity');
const { ROOT, CREDENTIALS, startLocalChimeProcess, percentile, fmt } = require('./support');
const { mintToken } = require(path.join(ROOT, 'dist/gateway/auth/dev-tokens'));
const { presignConnectUrl } = require(path.join(ROOT, 'dist/gateway/realtime/session-url'));
const { toGlobalId } = require(path.join(ROOT, 'dist/gateway/global-id'));

const args = Object.fromEntries(
  process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc), /** @type {[string,string][]} */ ([])),
);
const MESSAGES = Number(args.messages ?? 300);
/** Fan-out cases as `<subscribers>x<tabs per viewer>`. */
const FANOUT = String(args.fanout ?? '1000x1,1000x10,10000x10')
  .split(',')
  .map((c) => c.split('x').map(Number))
  .map(([subscribers, tabs]) => ({ subscribers, tabs, viewers: Math.ceil(subscribers / tabs) }));
/** Messages timed per fan-out case (the 10,000 case gets a tenth, at least 10, to stay bounded in time). */
const ROUNDS = Number(args.rounds ?? 200);
const roundsFor = (/** @type {number} */ receivers) => (receivers > 1000 ? Math.max(10, Math.floor(ROUNDS / 10)) : ROUNDS);
/** Longest wait for one message to reach every subscriber. */
const DELIVERY_TIMEOUT_MS = 15_000;
/** Extra node arguments for the gateway process, e.g. GATEWAY_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof". */
const GATEWAY_NODE_ARGS = (process.env.GATEWAY_NODE_ARGS ?? '').split(' ').filter(Boolean);
const SUBSCRIPTION = 'subscription($c: ID!) { channelMessageEvents(channelId: $c) { ... on ChannelMessageEvent { message { content } } } }';

const sleep = (/** @type {number} */ ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Starts `node dist/main.js` against the local service, with a known signing secret.
 * @param {string} chime @param {string} appInstanceArn @param {string} secret
 */
async function startGatewayProcess(chime, appInstanceArn, secret) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'realtime-bench-'));
  const child = spawn(process.execPath, ['--inspect=127.0.0.1:0', ...GATEWAY_NODE_ARGS, path.join(ROOT, 'dist/main.js')], {
    cwd: dir,
    env: {
      ...process.env,
      PORT: '0',
      LOG_LEVEL: 'warn',
      NODE_ENV: 'development',
      CHIME_ENDPOINT: chime,
      AWS_REGION: 'us-east-1',
      CHIME_APP_INSTANCE_ARN: appInstanceArn,
      AUTH_JWT_SECRET: secret,
      AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
      REALTIME_LINGER_MS: '200',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const memory = await memoryProbe(child);
  const url = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const m = /GraphQL endpoint[^:]*:\s*(http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`gateway exited with ${code} before it was ready`)));
  });
  return {
    /** @type {string} */ url,
    memory,
    async stop() {
      // Closed first: a process with an inspector session attached waits for it to leave before it exits.
      memory.close();
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Resident set size of a process, in KB. @param {number} pid */
function rssKb(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : NaN;
}

/**
 * Reads RSS once V8 has given back what it can. After a burst of allocation
 * (thousands of subscribers connecting) V8 keeps its grown young generation
 * until its memory reducer returns it, at a time of its own choosing (seen
 * here: 20 s to over a minute); read at once, RSS counts that spare heap as
 * if subscribers held it. So the measured processes run with `--inspect`,
 * and before each reading this asks, over the inspector protocol, for all
 * available garbage to be collected (HeapProfiler.collectGarbage, V8's
 * low-memory collection) and waits a moment for pages to be returned.
 * `child` must have been spawned with `--inspect=127.0.0.1:0` and a piped stderr.
 * @param {import('node:child_process').ChildProcess} child
 */
async function memoryProbe(child) {
  const url = await new Promise((resolve, reject) => {
    let err = '';
    /** @param {Buffer} chunk */
    const onData = (chunk) => {
      err += chunk;
      const m = /Debugger listening on (ws:\/\/\S+)/.exec(err);
      if (m) resolve(m[1]);
    };
    /** @type {NonNullable<typeof child.stderr>} */ (child.stderr).on('data', onData);
    child.once('exit', () => reject(new Error(`process exited before its inspector listened: ${err}`)));
  });
  // The inspector's own messages are not the process's output; every other line is passed on.
  let partial = '';
  /** @type {NonNullable<typeof child.stderr>} */ (child.stderr).on('data', (chunk) => {
    const lines = (partial + chunk).split('\n');
    partial = /** @type {string} */ (lines.pop());
    const text = lines.filter((line) => !/^(Debugger (listening|attached|ending)|For help, see|Waiting for the debugger)/.test(line)).join('\n');
    if (text.trim()) process.stderr.write(text + '\n');
  });
  const socket = new WebSocket(url, { perMessageDeflate: false });
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  let id = 0;
  /** @param {string} method */
  const call = (method) =>
    new Promise((resolve) => {
      const mine = ++id;
      /** @param {WebSocket.RawData} data */
      const onReply = (data) => {
        if (JSON.parse(String(data)).id !== mine) return;
        socket.off('message', onReply);
        resolve(undefined);
      };
      socket.on('message', onReply);
      socket.send(JSON.stringify({ id: mine, method }));
    });
  return {
    /** RSS in KB after a full collection. */
    async settledRssKb() {
      await call('HeapProfiler.collectGarbage');
      await sleep(1000);
      return rssKb(/** @type {number} */ (child.pid));
    },
    close: () => socket.terminate(),
  };
}

/**
 * Runs `task` over `items`, at most `limit` at a time.
 * @template T, R @param {T[]} items @param {number} limit @param {(item: T, i: number) => Promise<R>} task @returns {Promise<R[]>}
 */
async function mapLimit(items, limit, task) {
  /** @type {R[]} */
  const out = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await task(items[i], i);
      }
    }),
  );
  return out;
}

/** What precedes a message's `m<seq>` in a graphql-ws result, and in a raw Chime frame (whose Payload is a JSON string). */
const RESULT_MARKER = '"content":"m';
const FRAME_MARKER = '\\"Content\\":\\"m';

/**
 * Message contents are `m<seq>`; this finds the seq in a received text without parsing it.
 * @param {string} text @param {string} [marker]
 */
function seqOf(text, marker = RESULT_MARKER) {
  const i = text.indexOf(marker);
  if (i < 0) return -1;
  const start = i + marker.length;
  return parseInt(text.slice(start, start + 12), 10);
}

/**
 * Receipts of each seq across `count` receivers; `lastAt` notes when the last of them arrived.
 * @param {number} count
 */
function receipts(count) {
  /** @type {Map<number, number>} */ const received = new Map();
  /** @type {Map<number, number>} */ const lastAt = new Map();
  return {
    received,
    lastAt,
    /** @param {number} seq a message's seq; negative: not a message, ignored */
    note(seq) {
      if (seq < 0) return;
      const n = (received.get(seq) ?? 0) + 1;
      received.set(seq, n);
      if (n === count) lastAt.set(seq, performance.now());
    },
  };
}

/**
 * Times `rounds` messages, each from just before `trigger()` to its last receipt, after
 * min(20, rounds) rounds that warm the paths (JIT) and are not counted.
 * @param {ReturnType<typeof receipts>} tally @param {number} count @param {number} rounds @param {() => Promise<number>} trigger
 */
async function timeRounds(tally, count, rounds, trigger) {
  /** @type {number[]} */ const lastMs = [];
  for (let r = -Math.min(20, rounds); r < rounds; r++) {
    const sentAt = performance.now();
    const s = await trigger();
    const deadline = Date.now() + DELIVERY_TIMEOUT_MS;
    while (!tally.lastAt.has(s) && Date.now() < deadline) await sleep(1);
    if (!tally.lastAt.has(s)) throw new Error(`message ${s} reached ${tally.received.get(s) ?? 0} of ${count} receivers within ${DELIVERY_TIMEOUT_MS} ms`);
    if (r >= 0) lastMs.push(/** @type {number} */ (tally.lastAt.get(s)) - sentAt);
    await sleep(20);
  }
  return { p50: percentile(lastMs, 50), p99: percentile(lastMs, 99) };
}

/**
 * A subscriber speaking graphql-transport-ws by hand (the lightest client, so the figures are the gateway's):
 * resolves once subscribed; `onSeq` gets the seq of every message received.
 * @param {string} wsUrl @param {string} token @param {string} channelId @param {(seq: number) => void} onSeq
 * @returns {Promise<WebSocket>}
 */
function subscriber(wsUrl, token, channelId, onSeq) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(wsUrl, 'graphql-transport-ws', { perMessageDeflate: false });
    ws.once('error', reject);
    ws.on('open', () => ws.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } })));
    ws.on('message', (data) => {
      const text = data.toString();
      if (text.startsWith('{"id"')) {
        const seq = seqOf(text);
        if (seq >= 0) onSeq(seq);
      } else if (text.includes('connection_ack')) {
        ws.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: SUBSCRIPTION, variables: { c: channelId } } }));
        resolve(ws);
      }
    });
  });
}

/**
 * The floor of this machine: a plain `ws` server in its own process that
 * writes a ready-made message to every socket on command (no GraphQL, no
 * Chime). Same client, same socket count: what any Node websocket fan-out
 * costs here.
 */
const FLOOR_SERVER = `
const { WebSocketServer } = require(${JSON.stringify(require.resolve('ws'))});
const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: false });
wss.on('listening', () => process.send({ port: wss.address().port }));
process.on('message', ({ seq }) => {
  const message = JSON.stringify({ id: '1', type: 'next', payload: { data: { channelMessageEvents: { message: { content: 'm' + seq } } } } });
  for (const socket of wss.clients) socket.send(message);
});
`;

/**
 * Connects `count` sockets to a fresh floor server and times `rounds` broadcasts to the last receipt.
 * @param {number} count @param {number} rounds
 */
async function floor(count, rounds) {
  const child = spawn(process.execPath, ['--inspect=127.0.0.1:0', '-e', FLOOR_SERVER], { stdio: ['ignore', 'inherit', 'pipe', 'ipc'] });
  const memory = await memoryProbe(child);
  try {
    const { port } = await new Promise((resolve) => child.once('message', resolve));
    await sleep(2000);
    const rssBefore = await memory.settledRssKb();
    const tally = receipts(count);
    const sockets = await mapLimit(Array.from({ length: count }, (_, i) => i), 100, () =>
      new Promise((resolve, reject) => {
        const ws = new WebSocket(`ws://127.0.0.1:${port}`, { perMessageDeflate: false });
        ws.once('error', reject);
        ws.on('open', () => resolve(ws));
        ws.on('message', (data) => tally.note(seqOf(data.toString())));
      }),
    );
    await sleep(2000);
    const rssIdle = await memory.settledRssKb();
    let seq = 1_000_000;
    const timing = await timeRounds(tally, count, rounds, async () => {
      child.send({ seq });
      return seq++;
    });
    sockets.forEach((ws) => /** @type {WebSocket} */ (ws).terminate());
    return { ...timing, perSocketKb: (rssIdle - rssBefore) / count };
  } finally {
    memory.close();
    child.kill();
  }
}

async function main() {
  const chime = await startLocalChimeProcess();
  const config = { endpoint: chime.endpoint, region: 'us-east-1', credentials: CREDENTIALS, maxAttempts: 3 };
  const identity = new ChimeSDKIdentityClient(config);
  const messaging = new ChimeSDKMessagingClient(config);
  const maxViewers = Math.max(...FANOUT.map((c) => c.viewers));
  const { AppInstanceArn } = await identity.send(new CreateAppInstanceCommand({ Name: 'realtime-bench' }));
  const userIds = ['sender', ...Array.from({ length: maxViewers }, (_, i) => `viewer${i}`)];
  const arns = await mapLimit(userIds, 16, async (id) => (await identity.send(new CreateAppInstanceUserCommand({ AppInstanceArn, AppInstanceUserId: id, Name: id }))).AppInstanceUserArn);
  const [sender, ...viewers] = /** @type {string[]} */ (arns);
  const channel = async (/** @type {string} */ name, /** @type {string[]} */ members) => {
    const { ChannelArn } = await messaging.send(new CreateChannelCommand({ AppInstanceArn, Name: name, ChimeBearer: sender }));
    for (let i = 0; i < members.length; i += 100) {
      await messaging.send(new BatchCreateChannelMembershipCommand({ ChannelArn, MemberArns: members.slice(i, i + 100), Type: 'DEFAULT', ChimeBearer: sender }));
    }
    return /** @type {string} */ (ChannelArn);
  };
  const latencyChannel = await channel('latency', [viewers[0]]);
  const fanoutChannel = await channel('fan-out', viewers);

  const secret = randomBytes(32).toString('base64url');
  const tokens = await Promise.all([sender, ...viewers].map((user) => mintToken(secret, { user, ttlSeconds: 3600 })));
  const [senderToken, ...viewerTokens] = tokens;
  /** @type {Awaited<ReturnType<typeof startGatewayProcess>> | undefined} */
  let gateway;
  let seq = 0;
  /** Sends `m<seq>` through the gateway's mutation; resolves with its seq once the mutation answered. @param {string} channelArn */
  const send = async (channelArn) => {
    const mine = seq++;
    const res = await fetch(/** @type {NonNullable<typeof gateway>} */ (gateway).url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${senderToken}` },
      body: JSON.stringify({
        query: 'mutation($input: SendChannelMessageInput!) { sendChannelMessage(input: $input) { clientMutationId } }',
        variables: { input: { channelId: toGlobalId('Channel', channelArn), content: `m${mine}` } },
      }),
    });
    const body = await res.json();
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return mine;
  };

  /**
   * Connects `count` subscribers of the fan-out channel, `tabs` per viewer, and waits until a message reaches all of them.
   * @param {string} wsUrl @param {number} count @param {number} viewerCount
   */
  const crowd = async (wsUrl, count, viewerCount) => {
    const tally = receipts(count);
    const started = Date.now();
    const sockets = await mapLimit(Array.from({ length: count }, (_, i) => i), 100, (i) =>
      subscriber(wsUrl, viewerTokens[i % viewerCount], toGlobalId('Channel', fanoutChannel), tally.note),
    );
    // Subscribed once a message reaches every one of them.
    for (;;) {
      const s = await send(fanoutChannel);
      const deadline = Date.now() + 5000;
      while (!tally.lastAt.has(s) && Date.now() < deadline) await sleep(5);
      if (tally.lastAt.has(s)) break;
      if (Date.now() - started > 120_000) throw new Error(`only ${tally.received.get(s) ?? 0} of ${count} subscribers live after 2 minutes`);
    }
    return { sockets, tally, connectMs: Date.now() - started };
  };

  /**
   * The upstream share of a fan-out: the local service delivering a message (sent with the SDK, no gateway
   * running) to raw messaging sessions of `count` viewers, which this process holds.
   * @param {number} count @param {number} rounds
   */
  const upstreamFloor = async (count, rounds) => {
    const tally = receipts(count);
    const { Endpoint } = await messaging.send(new GetMessagingSessionEndpointCommand({}));
    const sockets = await mapLimit(viewers.slice(0, count), 100, async (userArn) => {
      const url = await presignConnectUrl({
        endpointUrl: /** @type {string} */ (Endpoint?.Url),
        apiEndpoint: chime.endpoint,
        userArn,
        sessionId: randomUUID(),
        region: 'us-east-1',
        credentials: messaging.config.credentials,
        sha256: messaging.config.sha256,
      });
      return new Promise((resolve, reject) => {
        const ws = new WebSocket(url, { perMessageDeflate: false });
        ws.once('error', reject);
        ws.once('message', () => resolve(ws)); // SESSION_ESTABLISHED
        ws.on('message', (data) => tally.note(seqOf(data.toString(), FRAME_MARKER)));
      });
    });
    await sleep(2000);
    const timing = await timeRounds(tally, count, rounds, async () => {
      const mine = seq++;
      await messaging.send(new SendChannelMessageCommand({ ChannelArn: fanoutChannel, Content: `m${mine}`, Type: 'STANDARD', Persistence: 'PERSISTENT', ChimeBearer: sender }));
      return mine;
    });
    sockets.forEach((ws) => /** @type {WebSocket} */ (ws).terminate());
    return timing;
  };

  try {
    // ---- Latency: the same messages, through a gateway subscription and a raw session of the same user.
    gateway = await startGatewayProcess(chime.endpoint, /** @type {string} */ (AppInstanceArn), secret);
    /** @type {Map<number, {sent: number, gateway?: number, raw?: number}>} */
    const timing = new Map();
    const viaGateway = await subscriber(gateway.url.replace(/^http/, 'ws'), viewerTokens[0], toGlobalId('Channel', latencyChannel), (s) => {
      const t = timing.get(s);
      if (t) t.gateway = performance.now();
    });
    const { Endpoint } = await messaging.send(new GetMessagingSessionEndpointCommand({}));
    const rawUrl = await presignConnectUrl({
      endpointUrl: /** @type {string} */ (Endpoint?.Url),
      apiEndpoint: chime.endpoint,
      userArn: viewers[0],
      sessionId: randomUUID(),
      region: 'us-east-1',
      credentials: messaging.config.credentials,
      sha256: messaging.config.sha256,
    });
    const raw = new WebSocket(rawUrl, { perMessageDeflate: false });
    raw.on('message', (data) => {
      const frame = JSON.parse(data.toString());
      if (frame.Headers['x-amz-chime-event-type'] !== 'CREATE_CHANNEL_MESSAGE') return;
      const t = timing.get(seqOf(`"content":"${JSON.parse(frame.Payload).Content}"`));
      if (t) t.raw = performance.now();
    });
    await new Promise((resolve) => raw.once('message', resolve)); // SESSION_ESTABLISHED
    await sleep(500);
    /** @type {number[]} */ const gatewayMs = [];
    /** @type {number[]} */ const rawMs = [];
    const warmup = Math.min(50, Math.floor(MESSAGES / 5));
    for (let i = 0; i < warmup + MESSAGES; i++) {
      const entry = { sent: performance.now() };
      timing.set(seq, entry);
      await send(latencyChannel);
      const deadline = Date.now() + 5000;
      while ((entry.gateway === undefined || entry.raw === undefined) && Date.now() < deadline) await sleep(1);
      if (entry.gateway === undefined || entry.raw === undefined) throw new Error(`message ${seq - 1} did not arrive on both paths`);
      if (i >= warmup) {
        gatewayMs.push(entry.gateway - entry.sent);
        rawMs.push(entry.raw - entry.sent);
      }
      await sleep(2);
    }
    viaGateway.close();
    raw.close();
    await gateway.stop();
    gateway = undefined;

    // ---- Fan-out and memory, each case in a fresh gateway process (RSS does not shrink back between cases).
    const fanoutRows = [];
    for (const { subscribers, tabs, viewers: viewerCount } of FANOUT) {
      gateway = await startGatewayProcess(chime.endpoint, /** @type {string} */ (AppInstanceArn), secret);
      const wsUrl = gateway.url.replace(/^http/, 'ws');
      // Warm up (JIT, first sessions), so the baseline is a gateway that has served subscriptions.
      const warm = await crowd(wsUrl, 100, Math.min(100, viewerCount));
      for (let i = 0; i < 20; i++) await send(fanoutChannel);
      warm.sockets.forEach((ws) => ws.terminate());
      await sleep(2000);
      const rssBefore = await gateway.memory.settledRssKb();
      const { sockets, tally, connectMs } = await crowd(wsUrl, subscribers, viewerCount);
      await sleep(2000);
      const rssIdle = await gateway.memory.settledRssKb();
      const rounds = roundsFor(subscribers);
      const timing = await timeRounds(tally, subscribers, rounds, () => send(fanoutChannel));
      sockets.forEach((ws) => ws.terminate());
      await gateway.stop();
      gateway = undefined;
      fanoutRows.push({ subscribers, tabs, viewerCount, rounds, connectMs, ...timing, perSubscriberKb: (rssIdle - rssBefore) / subscribers });
    }

    /** @type {Map<number, Awaited<ReturnType<typeof upstreamFloor>>>} */
    const upstreamFloors = new Map();
    for (const { viewers: count } of FANOUT) if (!upstreamFloors.has(count)) upstreamFloors.set(count, await upstreamFloor(count, roundsFor(count)));
    /** @type {Map<number, Awaited<ReturnType<typeof floor>>>} */
    const floors = new Map();
    for (const { subscribers } of FANOUT) if (!floors.has(subscribers)) floors.set(subscribers, await floor(subscribers, roundsFor(subscribers)));

    console.log(`end-to-end latency, mutation sent -> event received, ${MESSAGES} messages (each timed on both paths), p50 / p99 ms`);
    console.log('| path | p50 ms | p99 ms |');
    console.log('| --- | --- | --- |');
    console.log(`| raw upstream session (local Chime service) | ${fmt(percentile(rawMs, 50))} | ${fmt(percentile(rawMs, 99))} |`);
    console.log(`| gateway subscription (graphql-ws) | ${fmt(percentile(gatewayMs, 50))} | ${fmt(percentile(gatewayMs, 99))} |`);
    console.log('');
    console.log('fan-out of one channel: mutation sent -> last subscriber received it; RSS growth of the gateway per idle subscriber');
    console.log('(targets on a 2-core machine: p99 <= 50 ms for 1,000 subscribers, <= 20 KB per idle subscriber)');
    console.log('| subscribers | tabs per viewer | upstream sessions | messages | p50 ms | p99 ms | RSS per idle subscriber KB | connect + subscribe all, s |');
    console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
    for (const r of fanoutRows) {
      console.log(`| ${r.subscribers} | ${r.tabs} | ${r.viewerCount} | ${r.rounds} | ${fmt(r.p50)} | ${fmt(r.p99)} | ${fmt(r.perSubscriberKb)} | ${fmt(r.connectMs / 1000)} |`);
    }
    console.log('');
    console.log('floors of this machine, measured in the same run:');
    console.log('a plain ws server process writing a ready message to every socket (no GraphQL, no Chime, no mutation); command sent -> last socket received it');
    console.log('| sockets | p50 ms | p99 ms | RSS per idle socket KB |');
    console.log('| --- | --- | --- | --- |');
    for (const [count, f] of floors) console.log(`| ${count} | ${fmt(f.p50)} | ${fmt(f.p99)} | ${fmt(f.perSocketKb)} |`);
    console.log('');
    console.log('the local service delivering to raw messaging sessions, one per viewer, no gateway (the upstream half of a fan-out); SendChannelMessage sent -> last session received it');
    console.log('| upstream sessions | p50 ms | p99 ms |');
    console.log('| --- | --- | --- |');
    for (const [count, f] of upstreamFloors) console.log(`| ${count} | ${fmt(f.p50)} | ${fmt(f.p99)} |`);
  } finally {
    identity.destroy();
    messaging.destroy();
    await gateway?.stop();
    await chime.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

// @ts-check
/**
 * Local Chime service throughput and event latency against
 * `node dist/emulator/cli.js` in its own process:
 *  - SendChannelMessage/s and ListChannelMessages(MaxResults=50)/s, driven by
 *    the real AWS SDK v3 clients and by raw restJson1 requests (autocannon)
 *  - event delivery latency from SendChannelMessage to 100 connected
 *    messaging sessions (p50/p99 over every delivery).
 * Usage: npm run build && node bench/local-chime.js [--seconds 5] [--concurrency 32] [--sessions 100]
 */
const { randomUUID } = require('node:crypto');
const { ChimeSDKIdentityClient, CreateAppInstanceCommand, CreateAppInstanceUserCommand } = require('@aws-sdk/client-chime-sdk-identity');
const {
  ChimeSDKMessagingClient,
  CreateChannelCommand,
  BatchCreateChannelMembershipCommand,
  SendChannelMessageCommand,
  ListChannelMessagesCommand,
  GetMessagingSessionEndpointCommand,
} = require('@aws-sdk/client-chime-sdk-messaging');
const { SignatureV4 } = require('@smithy/signature-v4');
const { Sha256 } = require('@aws-crypto/sha256-js');
const { NodeHttpHandler } = require('@smithy/node-http-handler');
const http = require('node:http');
const WebSocket = require('ws');
const autocannon = require('autocannon');
const { CREDENTIALS, startLocalChimeProcess, percentile, throughput, fmt } = require('./support');

/** Any well-formed SigV4 header: the service in its default (lenient) mode checks the form, not the signature. */
const RAW_AUTHORIZATION = `AWS4-HMAC-SHA256 Credential=${CREDENTIALS.accessKeyId}/20260101/us-east-1/chime/aws4_request, SignedHeaders=host, Signature=${'0'.repeat(64)}`;

/**
 * Requests/s the service itself sustains for one operation, driven by
 * autocannon with raw restJson1 requests (the SDK client costs ~2 ms of CPU
 * per call, so on 2 cores an SDK-driven load measures the client, not the
 * service), and the service's CPU time per request meanwhile.
 * @param {{endpoint: string, cpuMs: () => number}} service
 * @param {{method: 'GET' | 'POST', path: string, bearer: string, body?: () => string}} op
 */
async function rawRate(service, op) {
  const cpuBefore = service.cpuMs();
  const result = await autocannon({
    url: service.endpoint,
    connections: 16,
    duration: SECONDS,
    requests: [
      {
        method: op.method,
        path: op.path,
        headers: { authorization: RAW_AUTHORIZATION, 'x-amz-chime-bearer': op.bearer, 'content-type': 'application/json' },
        setupRequest: (req) => (op.body ? { ...req, body: op.body() } : req),
      },
    ],
  });
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`raw ${op.method} ${op.path}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return { rate: result.requests.average, cpuMicros: ((service.cpuMs() - cpuBefore) * 1000) / result.requests.total };
}

const args = Object.fromEntries(
  process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc), /** @type {[string,string][]} */ ([])),
);
const SECONDS = Number(args.seconds ?? 5);
const CONCURRENCY = Number(args.concurrency ?? 32);
const SESSIONS = Number(args.sessions ?? 100);

async function main() {
  const service = await startLocalChimeProcess();
  const config = {
    endpoint: service.endpoint,
    region: 'us-east-1',
    credentials: CREDENTIALS,
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler({ httpAgent: new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY }) }),
  };
  const identity = new ChimeSDKIdentityClient(config);
  const messaging = new ChimeSDKMessagingClient(config);
  try {
    const { AppInstanceArn } = await identity.send(new CreateAppInstanceCommand({ Name: 'bench' }));
    const user = async (/** @type {string} */ id) =>
      /** @type {string} */ ((await identity.send(new CreateAppInstanceUserCommand({ AppInstanceArn, AppInstanceUserId: id, Name: id }))).AppInstanceUserArn);
    const sender = await user('sender');
    const { ChannelArn } = await messaging.send(new CreateChannelCommand({ AppInstanceArn, Name: 'bench', ChimeBearer: sender, ClientRequestToken: randomUUID() }));

    const sendRate = await throughput(CONCURRENCY, SECONDS * 1000, () =>
      messaging.send(new SendChannelMessageCommand({ ChannelArn, ChimeBearer: sender, Content: 'hello', Type: 'STANDARD', Persistence: 'PERSISTENT' })),
    );
    const listRate = await throughput(CONCURRENCY, SECONDS * 1000, () =>
      messaging.send(new ListChannelMessagesCommand({ ChannelArn, ChimeBearer: sender, MaxResults: 50 })),
    );
    const messagesPath = `/channels/${encodeURIComponent(/** @type {string} */ (ChannelArn))}/messages`;
    let token = 0;
    const rawSend = await rawRate(service, {
      method: 'POST',
      path: messagesPath,
      bearer: sender,
      body: () => JSON.stringify({ Content: 'hello', Type: 'STANDARD', Persistence: 'PERSISTENT', ClientRequestToken: `raw-${++token}` }),
    });
    const rawList = await rawRate(service, { method: 'GET', path: `${messagesPath}?max-results=50`, bearer: sender });

    // Event latency: SESSIONS members, each with an open messaging session.
    const members = [];
    for (let i = 0; i < SESSIONS; i++) members.push(await user(`m${i}`));
    for (let i = 0; i < members.length; i += 100) {
      await messaging.send(new BatchCreateChannelMembershipCommand({ ChannelArn, ChimeBearer: sender, MemberArns: members.slice(i, i + 100) }));
    }
    const { Endpoint } = await messaging.send(new GetMessagingSessionEndpointCommand({}));
    const signer = new SignatureV4({ service: 'chime', region: 'us-east-1', credentials: CREDENTIALS, sha256: Sha256 });
    /** @type {Map<string, number>} */
    const sentAt = new Map();
    /** @type {number[]} */
    const latencies = [];
    const sockets = await Promise.all(
      members.map(async (arn) => {
        const url = new URL(`ws://${Endpoint?.Url}/connect`);
        const signed = await signer.presign(
          { method: 'GET', protocol: 'ws:', hostname: url.hostname, port: Number(url.port), path: '/connect', query: { userArn: arn, sessionId: randomUUID() }, headers: { host: url.host } },
          { expiresIn: 10 },
        );
        const qs = new URLSearchParams(/** @type {Record<string,string>} */ (signed.query)).toString();
        const ws = new WebSocket(`ws://${url.host}/connect?${qs}`);
        await new Promise((resolve, reject) => {
          ws.on('message', (data) => {
            const frame = JSON.parse(String(data));
            const type = frame.Headers['x-amz-chime-event-type'];
            if (type === 'SESSION_ESTABLISHED') resolve(undefined);
            if (type === 'CREATE_CHANNEL_MESSAGE') {
              const id = JSON.parse(frame.Payload).Content;
              const t0 = sentAt.get(id);
              if (t0 !== undefined) latencies.push(performance.now() - t0);
            }
          });
          ws.once('error', reject);
        });
        return ws;
      }),
    );
    const MESSAGES = 200;
    for (let i = 0; i < MESSAGES; i++) {
      const id = `latency-${i}`;
      sentAt.set(id, performance.now());
      await messaging.send(new SendChannelMessageCommand({ ChannelArn, ChimeBearer: sender, Content: id, Type: 'STANDARD', Persistence: 'PERSISTENT' }));
    }
    const deadline = Date.now() + 10_000;
    while (latencies.length < MESSAGES * SESSIONS && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    for (const ws of sockets) ws.close();

    console.log('local Chime service (separate process, SDK v3 clients, keep-alive, concurrency %d, %ds per figure)', CONCURRENCY, SECONDS);
    console.log('| figure | value | target |');
    console.log('| --- | --- | --- |');
    console.log(`| SendChannelMessage/s, raw HTTP (service-bound) | ${fmt(rawSend.rate)} | >= 2000 |`);
    console.log(`| ListChannelMessages(50)/s, raw HTTP (service-bound) | ${fmt(rawList.rate)} | >= 1000 |`);
    console.log(`| service CPU per SendChannelMessage, µs (raw HTTP) | ${fmt(rawSend.cpuMicros)} | <= 500 (2000/s on one core) |`);
    console.log(`| service CPU per ListChannelMessages(50), µs (raw HTTP) | ${fmt(rawList.cpuMicros)} | <= 1000 (1000/s on one core) |`);
    console.log(`| SendChannelMessage/s, AWS SDK v3 client (client-bound) | ${fmt(sendRate)} | |`);
    console.log(`| ListChannelMessages(50)/s, AWS SDK v3 client (client-bound) | ${fmt(listRate)} | |`);
    console.log(`| event delivery to ${SESSIONS} sessions, p50 ms | ${fmt(percentile(latencies, 50))} | |`);
    console.log(`| event delivery to ${SESSIONS} sessions, p99 ms | ${fmt(percentile(latencies, 99))} | < 50 |`);
    console.log(`| deliveries received | ${latencies.length} of ${MESSAGES * SESSIONS} | all |`);
  } finally {
    identity.destroy();
    messaging.destroy();
    await service.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

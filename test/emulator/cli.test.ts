import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ChimeSDKIdentityClient, CreateAppInstanceCommand, DescribeAppInstanceCommand } from '@aws-sdk/client-chime-sdk-identity';
import { runCli, ServiceProcess, startCli } from '../support/child-process';
import { clientConfig } from '../support/local-chime';
import { parseArgs } from '../../src/emulator/cli';

let dir: string;
const running: ServiceProcess[] = [];
const clients: ChimeSDKIdentityClient[] = [];

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chime-cli-'));
});
afterEach(async () => {
  for (const client of clients.splice(0)) client.destroy();
  await Promise.all(running.splice(0).map((p) => p.stop('SIGKILL')));
  fs.rmSync(dir, { recursive: true, force: true });
});

async function start(args: string[], env?: Record<string, string>): Promise<ServiceProcess> {
  const service = await startCli(args, { env, cwd: dir });
  running.push(service);
  return service;
}

function identity(endpoint: string, region = 'us-east-1', credentials?: { accessKeyId: string; secretAccessKey: string }): ChimeSDKIdentityClient {
  const client = new ChimeSDKIdentityClient({ ...clientConfig(endpoint, credentials), region });
  clients.push(client);
  return client;
}

const READY_LINE = /^Local Chime service listening on http:\/\/127\.0\.0\.1:\d+\n$/;

test('--help prints the usage and exits 0', async () => {
  const run = await runCli(['--help']);
  expect(run.code).toBe(0);
  expect(run.stdout).toMatch(/^Usage: chime-local/);
  expect(run.stdout).toContain('--strict-keys');
});

test.each([
  [['--bogus'], /Unknown option "--bogus"/],
  [['--port', 'abc'], /--port must be an integer in 0\.\.65535, got "abc"/],
  [['--port=70000'], /--port must be an integer in 0\.\.65535, got "70000"/],
  [['--db'], /--db needs a value/],
  [['--region', 'mars'], /--region must look like us-east-1/],
  [['--channel-flow-processors', 'ftp://x/{FunctionName}'], /--channel-flow-processors must be an http\(s\) URL template/],
  [['--channel-flow-timeout-ms', '0'], /--channel-flow-timeout-ms must be a positive integer, got "0"/],
])('a bad flag %j exits 2 with an error naming it', async (args, message) => {
  const run = await runCli(args);
  expect(run.code).toBe(2);
  expect(run.stdout).toBe('');
  expect(run.stderr).toMatch(message);
  expect(run.stderr).toContain('Usage: chime-local');
});

test('a malformed --strict-keys exits 2 without echoing the secret', async () => {
  const run = await runCli(['--strict-keys', 'no-colon-super-secret']);
  expect(run.code).toBe(2);
  expect(run.stderr).toMatch(/--strict-keys expects ACCESS_KEY_ID:SECRET_ACCESS_KEY/);
  expect(run.stderr).not.toContain('super-secret');
});

test('a bad LOCAL_CHIME_PORT exits 2', async () => {
  const run = await runCli([], { env: { LOCAL_CHIME_PORT: 'eighty' } });
  expect(run.code).toBe(2);
  expect(run.stderr).toMatch(/LOCAL_CHIME_PORT must be an integer/);
});

test('the CLI prints one ready line, serves the SDK, creates the db directory and exits 0 on SIGTERM', async () => {
  const db = path.join(dir, 'nested', 'deeper', 'chime.sqlite');
  const service = await start(['--port', '0', '--db', db]);
  expect(service.stdout()).toMatch(READY_LINE);
  expect(fs.existsSync(db)).toBe(true);
  const client = identity(service.endpoint);
  const { AppInstanceArn } = await client.send(new CreateAppInstanceCommand({ Name: 'from-cli' }));
  expect(AppInstanceArn).toMatch(/^arn:aws:chime:us-east-1:/);
  expect(await service.stop('SIGTERM')).toEqual({ code: 0, signal: null });
  expect(service.stdout()).toMatch(READY_LINE);
});

test('state written before SIGINT is served again after a restart on the same file', async () => {
  const db = path.join(dir, 'chime.sqlite');
  const first = await start(['--port=0', `--db=${db}`]);
  const { AppInstanceArn } = await identity(first.endpoint).send(new CreateAppInstanceCommand({ Name: 'kept' }));
  expect(await first.stop('SIGINT')).toEqual({ code: 0, signal: null });
  const second = await start(['--port', '0', '--db', db]);
  const { AppInstance } = await identity(second.endpoint).send(new DescribeAppInstanceCommand({ AppInstanceArn }));
  expect(AppInstance!.Name).toBe('kept');
});

test('LOCAL_CHIME_PORT and LOCAL_CHIME_DB configure the CLI when no flags are given', async () => {
  const db = path.join(dir, 'from-env.sqlite');
  const service = await start([], { LOCAL_CHIME_PORT: '0', LOCAL_CHIME_DB: db });
  expect(fs.existsSync(db)).toBe(true);
  await identity(service.endpoint).send(new CreateAppInstanceCommand({ Name: 'env' }));
});

test('the default database is ./.data/chime.sqlite under the working directory', async () => {
  await start(['--port', '0']);
  expect(fs.existsSync(path.join(dir, '.data', 'chime.sqlite'))).toBe(true);
});

test('--region is written into the ARNs', async () => {
  const service = await start(['--port', '0', '--db', ':memory:', '--region', 'eu-central-1']);
  const { AppInstanceArn } = await identity(service.endpoint, 'eu-central-1').send(new CreateAppInstanceCommand({ Name: 'regional' }));
  expect(AppInstanceArn).toMatch(/^arn:aws:chime:eu-central-1:/);
});

test('--strict-keys accepts requests signed with the key and refuses other keys', async () => {
  const service = await start(['--port', '0', '--db', ':memory:', '--strict-keys', 'AKIDCLI:cli-secret']);
  const good = identity(service.endpoint, 'us-east-1', { accessKeyId: 'AKIDCLI', secretAccessKey: 'cli-secret' });
  await good.send(new CreateAppInstanceCommand({ Name: 'signed' }));
  const bad = identity(service.endpoint, 'us-east-1', { accessKeyId: 'AKIDCLI', secretAccessKey: 'wrong-secret' });
  await expect(bad.send(new CreateAppInstanceCommand({ Name: 'forged' }))).rejects.toMatchObject({ $metadata: { httpStatusCode: 403 } });
});

test('a port already in use exits 1 with the reason', async () => {
  const blocker = net.createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const port = (blocker.address() as net.AddressInfo).port;
  try {
    const run = await runCli(['--port', String(port), '--db', ':memory:']);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/cannot start: .*EADDRINUSE/);
  } finally {
    blocker.close();
  }
});

test('--channel-flow-processors and --channel-flow-timeout-ms configure the processor webhooks', () => {
  const options = parseArgs(['--channel-flow-processors', 'http://127.0.0.1:9000/{FunctionName}', '--channel-flow-timeout-ms=2500']);
  expect(options).toMatchObject({ channelFlows: { processors: 'http://127.0.0.1:9000/{FunctionName}', callbackTimeoutMs: 2500 } });
});

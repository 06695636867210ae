/**
 * `npm start` as a developer meets it: `node dist/main.js` in an empty
 * directory starts the local Chime service, seeds demo data, prints the
 * Sandbox URL and tokens that work; a restart keeps the data and seeds
 * nothing twice. Also the startup configuration checks and the token command.
 */
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { ConfigError, loadConfig } from '../../src/gateway/config';

const ROOT = path.resolve(__dirname, '../..');
const MAIN = path.join(ROOT, 'dist/main.js');
const TOKEN_CLI = path.join(ROOT, 'dist/cli/token.js');

/** A clean environment: no AWS or auth settings from the machine running the tests. */
function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, PORT: '0', LOCAL_CHIME_PORT: '0', LOG_LEVEL: 'warn', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...extra };
}

/** What `npm start` printed once ready. */
interface Started {
  child: ChildProcess;
  url: string;
  appInstanceArn: string;
  tokens: Record<string, string>;
  output: () => string;
}

/** Starts `node dist/main.js` in `cwd` and resolves once the banner is complete. */
function start(cwd: string): Promise<Started> {
  const child = spawn(process.execPath, [MAIN], { cwd, env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no banner within 15 s:\n${stdout}\n${stderr}`)), 15_000);
    child.stderr!.on('data', (chunk) => (stderr += chunk));
    child.on('exit', (code) => reject(new Error(`exited with ${code} before ready:\n${stdout}\n${stderr}`)));
    child.stdout!.on('data', (chunk) => {
      stdout += chunk;
      if (!/More tokens: /.test(stdout)) return;
      clearTimeout(timer);
      const tokens: Record<string, string> = {};
      for (const match of stdout.matchAll(/^ {2}(alice|bob|carol|admin) +(\S+)$/gm)) tokens[match[1]] = match[2];
      resolve({
        child,
        url: /Apollo Sandbox: (\S+)/.exec(stdout)![1],
        appInstanceArn: /AppInstance: (\S+)/.exec(stdout)![1],
        tokens,
        output: () => stdout + stderr,
      });
    });
  });
}

/** Sends `signal` and resolves with the exit code. */
function stop(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve(child.exitCode);
    child.removeAllListeners('exit');
    child.once('exit', (code) => resolve(code));
    child.kill(signal);
  });
}

async function gql(url: string, token: string, query: string): Promise<any> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query }) });
  const body = (await response.json()) as any;
  expect(body.errors).toBeUndefined();
  return body.data;
}

const CHANNELS_QUERY = `{ viewer { arn name channelMemberships(first: 10) { edges { node { channel { name privacy messages(last: 50) { edges { node { content sender { name } } } } } } } } } }`;

/** Channel name -> message count, as a user sees them. */
function channelsOf(data: any): Record<string, { privacy: string; messages: number }> {
  const channels: Record<string, { privacy: string; messages: number }> = {};
  for (const { node } of data.viewer.channelMemberships.edges) {
    channels[node.channel.name] = { privacy: node.channel.privacy, messages: node.channel.messages.edges.length };
  }
  return channels;
}

describe('npm start', () => {
  let dir: string;
  const running: ChildProcess[] = [];
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gateway-start-'));
  });
  afterAll(async () => {
    await Promise.all(running.map((child) => stop(child)));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('on a fresh directory seeds the demo, prints working tokens, and a restart seeds nothing twice', async () => {
    const first = await start(dir);
    running.push(first.child);
    expect(first.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/graphql$/);
    expect(Object.keys(first.tokens).sort()).toEqual(['admin', 'alice', 'bob', 'carol']);

    const alice = await gql(first.url, first.tokens.alice, CHANNELS_QUERY);
    expect(alice.viewer).toMatchObject({ arn: `${first.appInstanceArn}/user/alice`, name: 'Alice' });
    expect(channelsOf(alice)).toEqual({ general: { privacy: 'PUBLIC', messages: 4 }, design: { privacy: 'PRIVATE', messages: 3 } });
    const carol = await gql(first.url, first.tokens.carol, CHANNELS_QUERY);
    expect(channelsOf(carol)).toEqual({ general: { privacy: 'PUBLIC', messages: 4 } });

    // The dev secret and seed record live in .data/, the secret readable by its owner only.
    expect(fs.statSync(path.join(dir, '.data/dev-jwt-secret')).mode & 0o777).toBe(0o600);
    expect(JSON.parse(fs.readFileSync(path.join(dir, '.data/demo-seed.json'), 'utf8')).appInstanceArn).toBe(first.appInstanceArn);

    // The token command mints with the same secret; a bare id resolves against the AppInstance.
    const minted = spawnSync(process.execPath, [TOKEN_CLI, '--user', 'bob', '--ttl', '10m'], { cwd: dir, env: childEnv(), encoding: 'utf8' });
    expect(minted.status).toBe(0);
    const bob = await gql(first.url, minted.stdout.trim(), '{ viewer { arn } }');
    expect(bob.viewer.arn).toBe(`${first.appInstanceArn}/user/bob`);

    expect(await stop(first.child)).toBe(0);

    const second = await start(dir);
    running.push(second.child);
    expect(second.appInstanceArn).toBe(first.appInstanceArn);
    expect(second.output()).not.toMatch(/demo data seeded/);
    // Tokens printed by the first run still work: the secret was kept.
    const again = await gql(second.url, first.tokens.alice, CHANNELS_QUERY);
    expect(channelsOf(again)).toEqual(channelsOf(alice));
    expect(await stop(second.child, 'SIGINT')).toBe(0);

    const db = new Database(path.join(dir, '.data/chime.sqlite'), { readonly: true });
    try {
      expect(db.prepare('SELECT COUNT(*) AS n FROM app_instances').get()).toEqual({ n: 1 });
      expect(db.prepare('SELECT COUNT(*) AS n FROM app_instance_users').get()).toEqual({ n: 4 });
    } finally {
      db.close();
    }
  });

  test('production mode without auth settings exits 2 with a message naming what to set', () => {
    const result = spawnSync(process.execPath, [MAIN], { cwd: dir, env: childEnv({ NODE_ENV: 'production' }), encoding: 'utf8', timeout: 10_000 });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/NODE_ENV=production needs real auth settings: set AUTH_JWKS_URL \(or AUTH_JWT_SECRET\), AUTH_ISSUER and AUTH_AUDIENCE/);
    expect(result.stdout).not.toMatch(/ready/);
  });

  test('a bad setting exits 2 naming the variable and the value', () => {
    const result = spawnSync(process.execPath, [MAIN], { cwd: dir, env: childEnv({ PORT: 'eighty' }), encoding: 'utf8', timeout: 10_000 });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/\(PORT\): PORT must be an integer from 0 to 65535, got "eighty"/);
  });

  test('token command: usage errors exit 2, and JWKS settings refuse to mint', () => {
    const noUser = spawnSync(process.execPath, [TOKEN_CLI], { cwd: dir, env: childEnv(), encoding: 'utf8' });
    expect(noUser.status).toBe(2);
    expect(noUser.stderr).toMatch(/--user is required/);
    const badTtl = spawnSync(process.execPath, [TOKEN_CLI, '--user', 'alice', '--ttl', 'forever'], { cwd: dir, env: childEnv(), encoding: 'utf8' });
    expect(badTtl.status).toBe(2);
    expect(badTtl.stderr).toMatch(/--ttl must be .* got "forever"/);
    const jwks = spawnSync(process.execPath, [TOKEN_CLI, '--user', 'alice'], { cwd: dir, env: childEnv({ AUTH_JWKS_URL: 'https://idp.example/jwks.json' }), encoding: 'utf8' });
    expect(jwks.status).toBe(2);
    expect(jwks.stderr).toMatch(/AUTH_JWKS_URL is set/);
  });
});

describe('startup configuration', () => {
  const configError = (env: Record<string, string>): ConfigError => {
    try {
      loadConfig(env);
    } catch (err) {
      if (err instanceof ConfigError) return err;
      throw err;
    }
    throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
  };

  test('no settings: embedded local Chime in .data/, port 4000, dev auth, loopback only', () => {
    const config = loadConfig({});
    expect(config.chime).toEqual({ kind: 'local', database: path.join('.data', 'chime.sqlite'), port: 4100 });
    expect(config.gateway).toMatchObject({ port: 4000, host: '127.0.0.1', production: false, debug: false });
    expect(config.auth).toBeNull();
  });

  test('AWS settings select real Chime; a secret selects HS256 with the default claim', () => {
    const arn = 'arn:aws:chime:eu-west-1:123456789012:app-instance/4a3c0b2e-0000-4000-8000-000000000000';
    const config = loadConfig({ AWS_REGION: 'eu-west-1', CHIME_APP_INSTANCE_ARN: arn, AUTH_JWT_SECRET: 'x'.repeat(32), GATEWAY_DEBUG: '1' });
    expect(config.chime).toEqual({ kind: 'aws', region: 'eu-west-1', endpoint: undefined, appInstanceArn: arn });
    expect(config.auth).toMatchObject({ algorithms: ['HS256'], userClaim: 'sub' });
    expect(config.gateway.debug).toBe(true);
  });

  test('a JWKS URL defaults to RS256 and ES256', () => {
    expect(loadConfig({ AUTH_JWKS_URL: 'https://idp.example/jwks.json' }).auth?.algorithms).toEqual(['RS256', 'ES256']);
  });

  test('AWS_REGION alone asks for CHIME_APP_INSTANCE_ARN', () => {
    expect(configError({ AWS_REGION: 'us-east-1' }).variable).toBe('CHIME_APP_INSTANCE_ARN');
  });

  test('a malformed AppInstance ARN is named with its value', () => {
    const err = configError({ AWS_REGION: 'us-east-1', CHIME_APP_INSTANCE_ARN: 'app-instance/abc' });
    expect(err.message).toMatch(/CHIME_APP_INSTANCE_ARN must look like .* got "app-instance\/abc"/);
  });

  test('a short secret is refused without echoing it', () => {
    const err = configError({ AUTH_JWT_SECRET: 'hunter2-is-short' });
    expect(err.variable).toBe('AUTH_JWT_SECRET');
    expect(err.message).toMatch(/at least 32 bytes, got 16/);
    expect(err.message).not.toMatch(/hunter2/);
  });

  test('alg none, and asymmetric algorithms with a secret, are refused', () => {
    expect(configError({ AUTH_JWT_SECRET: 'x'.repeat(32), AUTH_ALGORITHMS: 'none' }).message).toMatch(/"none"/);
    expect(configError({ AUTH_JWT_SECRET: 'x'.repeat(32), AUTH_ALGORITHMS: 'HS256,RS256' }).message).toMatch(/"RS256", which is not allowed with AUTH_JWT_SECRET/);
    expect(configError({ AUTH_JWKS_URL: 'https://idp.example/jwks', AUTH_ALGORITHMS: 'HS256' }).message).toMatch(/"HS256", which is not allowed with AUTH_JWKS_URL/);
  });

  test('both a secret and a JWKS URL is ambiguous', () => {
    expect(configError({ AUTH_JWT_SECRET: 'x'.repeat(32), AUTH_JWKS_URL: 'https://idp.example/jwks' }).variable).toBe('AUTH_JWKS_URL');
  });

  test('a plain-http JWKS URL is refused unless loopback', () => {
    expect(configError({ AUTH_JWKS_URL: 'http://idp.example/jwks' }).message).toMatch(/must be https/);
    expect(loadConfig({ AUTH_JWKS_URL: 'http://127.0.0.1:8080/jwks' }).auth?.jwksUrl?.href).toBe('http://127.0.0.1:8080/jwks');
  });

  test('production needs issuer and audience as well as a key', () => {
    expect(configError({ NODE_ENV: 'production', AUTH_JWKS_URL: 'https://idp.example/jwks' }).variable).toBe('AUTH_ISSUER');
    expect(configError({ NODE_ENV: 'production', AUTH_JWKS_URL: 'https://idp.example/jwks', AUTH_ISSUER: 'https://idp.example/' }).variable).toBe('AUTH_AUDIENCE');
    const config = loadConfig({ NODE_ENV: 'production', AUTH_JWKS_URL: 'https://idp.example/jwks', AUTH_ISSUER: 'https://idp.example/', AUTH_AUDIENCE: 'chat-web' });
    expect(config.gateway).toMatchObject({ production: true, host: '0.0.0.0' });
  });

  test('auth details without a key are a mistake, not silently ignored', () => {
    expect(configError({ AUTH_AUDIENCE: 'chat-web' }).message).toMatch(/AUTH_AUDIENCE is set but neither AUTH_JWT_SECRET nor AUTH_JWKS_URL is/);
  });

  test('flags and levels name the accepted values', () => {
    expect(configError({ GATEWAY_DEBUG: 'maybe' }).message).toMatch(/GATEWAY_DEBUG must be 1 or 0 .* got "maybe"/);
    expect(configError({ LOG_LEVEL: 'loud' }).message).toMatch(/LOG_LEVEL must be one of .* got "loud"/);
  });
});

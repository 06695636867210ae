import http from 'node:http';
import { AddressInfo } from 'node:net';
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import {
  ChimeSDKIdentityClient,
  CreateAppInstanceCommand,
  DescribeAppInstanceUserCommand,
  ListAppInstanceUsersCommand,
} from '@aws-sdk/client-chime-sdk-identity';
import { checkPresignedUrl, SignatureCheckOptions } from '../../src/emulator/sigv4';
import { ChimeError } from '../../src/emulator/errors';
import { clientConfig, createWorld, startTestChime, TEST_CREDENTIALS, TestChime } from '../support/local-chime';
import { presignConnectUrl } from '../support/session-client';

const STRICT_KEYS = { [TEST_CREDENTIALS.accessKeyId]: TEST_CREDENTIALS.secretAccessKey };
const BAD_SIGNATURE_MESSAGE =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

/** An identity client for `t` signing with other credentials or region. */
function identityClient(t: TestChime, credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }, region = 'us-east-1') {
  return new ChimeSDKIdentityClient({ ...clientConfig(t.chime.endpoint, credentials), region });
}

/** Signs a REST request by hand (for dates and bodies the SDK would never send) and sends it with fetch. */
async function sendSigned(
  t: TestChime,
  options: { method: string; path: string; body?: string; sentBody?: string; signingDate?: Date; applyChecksum?: boolean },
): Promise<Response> {
  const host = new URL(t.chime.endpoint).host;
  const signer = new SignatureV4({ service: 'chime', region: 'us-east-1', credentials: TEST_CREDENTIALS, sha256: Sha256, applyChecksum: options.applyChecksum });
  const signed = await signer.sign(
    new HttpRequest({ method: options.method, path: options.path, headers: { host, 'content-type': 'application/json' }, body: options.body }),
    { signingDate: options.signingDate },
  );
  const { host: _host, ...headers } = signed.headers;
  return fetch(`${t.chime.endpoint}${options.path}`, { method: options.method, headers, body: options.sentBody ?? options.body });
}

describe('SigV4 strict mode (credentials configured)', () => {
  let t: TestChime;
  beforeAll(async () => {
    t = await startTestChime({ credentials: STRICT_KEYS });
  });
  afterAll(() => t.close());

  test('SDK calls signed with the configured keys succeed: JSON body, encoded path label, query string', async () => {
    const world = await createWorld(t.identity);
    const { AppInstanceUser } = await t.identity.send(new DescribeAppInstanceUserCommand({ AppInstanceUserArn: world.users.alice }));
    expect(AppInstanceUser?.AppInstanceUserArn).toBe(world.users.alice);
    const { AppInstanceUsers } = await t.identity.send(new ListAppInstanceUsersCommand({ AppInstanceArn: world.appInstanceArn, MaxResults: 50 }));
    expect(AppInstanceUsers?.map((u) => u.AppInstanceUserArn)).toContain(world.users.alice);
  });

  test('temporary credentials (x-amz-security-token signed) verify with their access key', async () => {
    const client = identityClient(t, { ...TEST_CREDENTIALS, sessionToken: 'session-token-value' });
    await expect(client.send(new CreateAppInstanceCommand({ Name: 'temporary' }))).resolves.toHaveProperty('AppInstanceArn');
    client.destroy();
  });

  test('a wrong secret is refused with InvalidSignatureException and AWS message', async () => {
    const client = identityClient(t, { accessKeyId: TEST_CREDENTIALS.accessKeyId, secretAccessKey: 'not-the-secret' });
    await expect(client.send(new CreateAppInstanceCommand({ Name: 'wrong-secret' }))).rejects.toMatchObject({
      name: 'InvalidSignatureException',
      message: BAD_SIGNATURE_MESSAGE,
      $metadata: { httpStatusCode: 403 },
    });
    client.destroy();
  });

  test('an unknown access key id is refused with UnrecognizedClientException', async () => {
    const client = identityClient(t, { accessKeyId: 'AKIDUNKNOWN', secretAccessKey: TEST_CREDENTIALS.secretAccessKey });
    await expect(client.send(new CreateAppInstanceCommand({ Name: 'unknown-key' }))).rejects.toMatchObject({
      name: 'UnrecognizedClientException',
      message: 'The security token included in the request is invalid.',
      $metadata: { httpStatusCode: 403 },
    });
    client.destroy();
  });

  test('a signature scoped to another region is refused with InvalidSignatureException', async () => {
    const client = identityClient(t, TEST_CREDENTIALS, 'eu-west-1');
    await expect(client.send(new CreateAppInstanceCommand({ Name: 'other-region' }))).rejects.toMatchObject({
      name: 'InvalidSignatureException',
      message: expect.stringContaining("Credential should be scoped to a valid region, not 'eu-west-1'"),
    });
    client.destroy();
  });

  test('a request without Authorization is refused with MissingAuthenticationTokenException', async () => {
    const res = await fetch(`${t.chime.endpoint}/app-instances`, { method: 'POST', body: '{"Name":"x"}' });
    expect(res.status).toBe(403);
    expect(res.headers.get('x-amzn-errortype')).toBe('MissingAuthenticationTokenException');
  });

  test('a malformed Authorization is refused with IncompleteSignatureException', async () => {
    const res = await fetch(`${t.chime.endpoint}/app-instances`, { headers: { authorization: 'AWS4-HMAC-SHA256 Credential=nothing' } });
    expect(res.status).toBe(403);
    expect(res.headers.get('x-amzn-errortype')).toBe('IncompleteSignatureException');
  });

  test('a request dated more than 5 minutes off is refused: Signature expired / not yet current', async () => {
    const body = JSON.stringify({ Name: 'stale', ClientRequestToken: 'stale-token-0001' });
    const stale = await sendSigned(t, { method: 'POST', path: '/app-instances', body, signingDate: new Date(Date.now() - 6 * 60_000) });
    expect(stale.status).toBe(403);
    expect(stale.headers.get('x-amzn-errortype')).toBe('InvalidSignatureException');
    expect(((await stale.json()) as { Message: string }).Message).toMatch(/^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 5 min\.\)$/);

    const early = await sendSigned(t, { method: 'POST', path: '/app-instances', body, signingDate: new Date(Date.now() + 6 * 60_000) });
    expect(early.status).toBe(403);
    expect(((await early.json()) as { Message: string }).Message).toMatch(/^Signature not yet current: /);

    const fresh = await sendSigned(t, { method: 'POST', path: '/app-instances', body, signingDate: new Date(Date.now() - 4 * 60_000) });
    expect(fresh.status).toBe(201);
  });

  test('a body changed after signing is refused, with or without x-amz-content-sha256', async () => {
    const body = JSON.stringify({ Name: 'signed-name', ClientRequestToken: 'tamper-token-0001' });
    const sentBody = JSON.stringify({ Name: 'other-name', ClientRequestToken: 'tamper-token-0001' });
    for (const applyChecksum of [true, false]) {
      const res = await sendSigned(t, { method: 'POST', path: '/app-instances', body, sentBody, applyChecksum });
      expect(res.status).toBe(403);
      expect(res.headers.get('x-amzn-errortype')).toBe('InvalidSignatureException');
    }
    const untouched = await sendSigned(t, { method: 'POST', path: '/app-instances', body, applyChecksum: false });
    expect(untouched.status).toBe(201);
  });
});

describe('SigV4 lenient mode (no credentials configured)', () => {
  let t: TestChime;
  beforeAll(async () => {
    t = await startTestChime();
  });
  afterAll(() => t.close());

  test('any well-formed signature is accepted, whatever the keys', async () => {
    const client = identityClient(t, { accessKeyId: 'AKIDANYTHING', secretAccessKey: 'anything' }, 'ap-southeast-2');
    await expect(client.send(new CreateAppInstanceCommand({ Name: 'lenient' }))).resolves.toHaveProperty('AppInstanceArn');
    client.destroy();
    const res = await fetch(`${t.chime.endpoint}/app-instances`, {
      headers: { authorization: `AWS4-HMAC-SHA256 Credential=AKIDX/20200101/us-east-1/chime/aws4_request, SignedHeaders=host, Signature=${'ab'.repeat(32)}` },
    });
    expect(res.status).toBe(200);
  });
});

/** A plain HTTP server answering 204 when checkPresignedUrl accepts the request, else 403 with the exception name. */
async function presignChecker(options: Omit<SignatureCheckOptions, 'region'>): Promise<{ host: string; check(url: string): Promise<string>; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    checkPresignedUrl(req, { region: 'us-east-1', ...options }).then(
      () => res.writeHead(204).end(),
      (err: ChimeError) => res.writeHead(403, { 'x-amzn-errortype': err.errorType }).end(err.message),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    host,
    async check(url) {
      const res = await fetch(url.replace(/^ws:/, 'http:'));
      return res.status === 204 ? 'accepted' : `${res.headers.get('x-amzn-errortype')}: ${await res.text()}`;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe('checkPresignedUrl', () => {
  const userArn = 'arn:aws:chime:us-east-1:123456789012:app-instance/abc/user/alice';

  test('strict: a URL presigned with the configured keys verifies, with and without a session token', async () => {
    const checker = await presignChecker({ credentials: STRICT_KEYS });
    try {
      expect(await checker.check(await presignConnectUrl(checker.host, { userArn, query: { 'prefetch-on': 'connect' } }))).toBe('accepted');
      const withToken = await presignConnectUrl(checker.host, { userArn, credentials: { ...TEST_CREDENTIALS, sessionToken: 'tok/en+=' } });
      expect(withToken).toContain('X-Amz-Security-Token=');
      expect(await checker.check(withToken)).toBe('accepted');
    } finally {
      await checker.close();
    }
  });

  test('strict: a wrong secret, an unknown key and a query changed after signing are refused', async () => {
    const checker = await presignChecker({ credentials: STRICT_KEYS });
    try {
      const wrongSecret = await presignConnectUrl(checker.host, { userArn, credentials: { accessKeyId: TEST_CREDENTIALS.accessKeyId, secretAccessKey: 'nope' } });
      expect(await checker.check(wrongSecret)).toMatch(/^InvalidSignatureException: The request signature we calculated/);
      const unknownKey = await presignConnectUrl(checker.host, { userArn, credentials: { accessKeyId: 'AKIDOTHER', secretAccessKey: 'x' } });
      expect(await checker.check(unknownKey)).toMatch(/^UnrecognizedClientException/);
      const signed = await presignConnectUrl(checker.host, { userArn });
      expect(await checker.check(signed.replace(encodeURIComponent('user/alice'), encodeURIComponent('user/mallory')))).toMatch(/^InvalidSignatureException/);
    } finally {
      await checker.close();
    }
  });

  test('an expired URL is refused, in lenient mode too', async () => {
    const checker = await presignChecker({});
    try {
      const expired = await presignConnectUrl(checker.host, { userArn, signingDate: new Date(Date.now() - 60_000), expiresIn: 10 });
      expect(await checker.check(expired)).toBe('AccessDeniedException: Request has expired.');
      const live = await presignConnectUrl(checker.host, { userArn, signingDate: new Date(Date.now() - 60_000), expiresIn: 120 });
      expect(await checker.check(live)).toBe('accepted');
    } finally {
      await checker.close();
    }
  });

  test('lenient: any well-formed signature is accepted; a missing or malformed parameter is not', async () => {
    const checker = await presignChecker({});
    try {
      const other = await presignConnectUrl(checker.host, { userArn, credentials: { accessKeyId: 'AKIDWHATEVER', secretAccessKey: 'whatever' } });
      expect(await checker.check(other)).toBe('accepted');
      expect(await checker.check(other.replace(/&?X-Amz-Signature=[0-9a-f]+/, ''))).toMatch(/^IncompleteSignatureException: .*X-Amz-Signature/);
      expect(await checker.check(other.replace(/X-Amz-Date=\w+/, 'X-Amz-Date=yesterday'))).toMatch(/^IncompleteSignatureException: X-Amz-Date/);
      expect(await checker.check(other.replace(/X-Amz-SignedHeaders=\w+/, 'X-Amz-SignedHeaders=x-amz-date'))).toMatch(/^IncompleteSignatureException: X-Amz-SignedHeaders/);
    } finally {
      await checker.close();
    }
  });
});

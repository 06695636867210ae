/**
 * Identity over real HTTP: a request signs in only with a verified JWT. Every
 * bad token is a 401 UNAUTHENTICATED with no upstream call; no token is an
 * anonymous viewer. HS256 with a shared secret, and RS256 from a JWKS served
 * by a local HTTP server.
 */
import http from 'node:http';
import net from 'node:net';
import { createPublicKey, randomBytes } from 'node:crypto';
import { exportJWK, exportSPKI, generateKeyPair, KeyLike, SignJWT, UnsecuredJWT } from 'jose';
import { startTestGateway, TestGateway, TEST_AUDIENCE, TEST_ISSUER } from '../support/gateway';
import { verifyConnectionParams } from '../../src/gateway/auth/bearer';
import { AuthError } from '../../src/gateway/auth/errors';

/** A field that needs a viewer and calls Chime to resolve. */
const VIEWER_QUERY = '{ viewer { arn } }';

const now = () => Math.floor(Date.now() / 1000);

/** An HS256 token with the test issuer and audience unless overridden. */
function hs256(secret: Uint8Array, claims: Record<string, unknown>, alg = 'HS256'): Promise<string> {
  return new SignJWT({ iss: TEST_ISSUER, aud: TEST_AUDIENCE, iat: now(), exp: now() + 600, ...claims }).setProtectedHeader({ alg, typ: 'JWT' }).sign(secret);
}

async function expectRefused(tg: TestGateway, authorization: string, reason: RegExp): Promise<void> {
  const before = tg.upstreamCalls().length;
  const response = await fetch(tg.gateway.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization },
    body: JSON.stringify({ query: VIEWER_QUERY }),
  });
  const body = (await response.json()) as any;
  expect(response.status).toBe(401);
  expect(response.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
  expect(body.data).toBeUndefined();
  expect(body.errors).toHaveLength(1);
  expect(body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
  expect(body.errors[0].message).toMatch(reason);
  expect(tg.upstreamCalls().length).toBe(before);
}

describe('HS256 tokens', () => {
  let tg: TestGateway;
  let secret: Uint8Array;
  beforeAll(async () => {
    tg = await startTestGateway();
    secret = tg.config.auth.secret!;
  });
  afterAll(() => tg.close());

  test('no Authorization header is an anonymous request: introspection works, no upstream call', async () => {
    const before = tg.upstreamCalls().length;
    const { status, body } = await tg.gql('{ __schema { queryType { name } } }');
    expect(status).toBe(200);
    expect(body.data.__schema.queryType.name).toBe('Query');
    expect(tg.upstreamCalls().length).toBe(before);
  });

  test('no Authorization header on a field that needs a viewer is UNAUTHENTICATED with no upstream call', async () => {
    const before = tg.upstreamCalls().length;
    const { status, body } = await tg.gql(VIEWER_QUERY);
    expect(status).toBe(200);
    expect(body.errors![0].extensions.code).toBe('UNAUTHENTICATED');
    expect(tg.upstreamCalls().length).toBe(before);
  });

  test('a valid token signs in its user', async () => {
    const { status, body } = await tg.gql(VIEWER_QUERY, {}, await tg.tokenFor(tg.world.users.alice));
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(body.data.viewer.arn).toBe(tg.world.users.alice);
  });

  test('a bare user id in the claim resolves against the AppInstance', async () => {
    const { body } = await tg.gql(VIEWER_QUERY, {}, await hs256(secret, { sub: 'bob' }));
    expect(body.data.viewer.arn).toBe(`${tg.world.appInstanceArn}/user/bob`);
  });

  test('a token expired less than the clock tolerance ago is accepted', async () => {
    const { body } = await tg.gql(VIEWER_QUERY, {}, await hs256(secret, { sub: tg.world.users.alice, exp: now() - 2 }));
    expect(body.data.viewer.arn).toBe(tg.world.users.alice);
  });

  test('an Authorization header that is not Bearer is refused', async () => {
    await expectRefused(tg, 'Basic YWxpY2U6c2VjcmV0', /must be "Bearer <token>"/);
  });

  test('a malformed token is refused', async () => {
    await expectRefused(tg, 'Bearer not-a-jwt', /malformed/);
  });

  test('a token signed with another secret (forged) is refused', async () => {
    await expectRefused(tg, `Bearer ${await hs256(randomBytes(32), { sub: tg.world.users.alice })}`, /signature/);
  });

  test('a token whose payload was swapped is refused', async () => {
    const alice = (await tg.tokenFor(tg.world.users.alice)).split('.');
    const bob = (await tg.tokenFor(tg.world.users.bob)).split('.');
    await expectRefused(tg, `Bearer ${alice[0]}.${bob[1]}.${alice[2]}`, /signature/);
  });

  test('an expired token is refused', async () => {
    await expectRefused(tg, `Bearer ${await hs256(secret, { sub: tg.world.users.alice, iat: now() - 3600, exp: now() - 60 })}`, /expired/);
  });

  test('an alg:none token is refused', async () => {
    const unsigned = new UnsecuredJWT({ sub: tg.world.users.alice }).setIssuer(TEST_ISSUER).setAudience(TEST_AUDIENCE).setIssuedAt().setExpirationTime('10m').encode();
    await expectRefused(tg, `Bearer ${unsigned}`, /algorithm/);
  });

  test('a token with an algorithm outside the allow-list is refused', async () => {
    await expectRefused(tg, `Bearer ${await hs256(secret, { sub: tg.world.users.alice }, 'HS512')}`, /algorithm/);
  });

  test('a token from another issuer is refused', async () => {
    await expectRefused(tg, `Bearer ${await hs256(secret, { sub: tg.world.users.alice, iss: 'https://evil.example' })}`, /"iss"/);
  });

  test('a token for another audience is refused', async () => {
    await expectRefused(tg, `Bearer ${await hs256(secret, { sub: tg.world.users.alice, aud: 'some-other-service' })}`, /"aud"/);
  });

  test('a token without an expiry is refused', async () => {
    const token = await new SignJWT({ sub: tg.world.users.alice, iss: TEST_ISSUER, aud: TEST_AUDIENCE }).setProtectedHeader({ alg: 'HS256' }).sign(secret);
    await expectRefused(tg, `Bearer ${token}`, /"exp"/);
  });

  test('a token for a user of another AppInstance is refused', async () => {
    const stranger = 'arn:aws:chime:us-east-1:123456789012:app-instance/other-instance/user/alice';
    await expectRefused(tg, `Bearer ${await hs256(secret, { sub: stranger })}`, /another AppInstance/);
  });

  test('a token whose user claim is not an ARN or user id is refused', async () => {
    await expectRefused(tg, `Bearer ${await hs256(secret, { sub: 'arn:aws:s3:::bucket/key' })}`, /neither/);
  });

  test('graphql-ws connection params: a Bearer token signs in, none is anonymous, a bad one is refused', async () => {
    const verifier = tg.gateway.verifier;
    const viewer = await verifyConnectionParams({ authorization: `Bearer ${await tg.tokenFor(tg.world.users.carol)}` }, verifier);
    expect(viewer).toEqual({ userArn: tg.world.users.carol, appInstanceArn: tg.world.appInstanceArn, subject: tg.world.users.carol });
    expect(await verifyConnectionParams({}, verifier)).toBeNull();
    expect(await verifyConnectionParams(undefined, verifier)).toBeNull();
    await expect(verifyConnectionParams({ authorization: 'Bearer x.y.z' }, verifier)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    await expect(verifyConnectionParams({ authorization: 42 }, verifier)).rejects.toBeInstanceOf(AuthError);
  });
});

describe('RS256 tokens from a JWKS', () => {
  const USER_CLAIM = 'https://chime.example/user';
  let jwks: http.Server;
  let jwksUrl: URL;
  let privateKey: KeyLike;
  let publicKey: KeyLike;
  let tg: TestGateway;

  beforeAll(async () => {
    ({ privateKey, publicKey } = await generateKeyPair('RS256'));
    const jwk = { ...(await exportJWK(publicKey)), kid: 'key-1', alg: 'RS256', use: 'sig' };
    jwks = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    jwksUrl = new URL(`http://127.0.0.1:${(jwks.address() as net.AddressInfo).port}/.well-known/jwks.json`);
    tg = await startTestGateway({
      config: {
        auth: { jwksUrl, algorithms: ['RS256'], issuer: 'https://idp.example', audience: ['chat-web'], userClaim: USER_CLAIM, clockToleranceSeconds: 5 },
      },
    });
  });
  afterAll(async () => {
    await tg.close();
    await new Promise((resolve) => jwks.close(resolve));
  });

  const rs256 = (key: KeyLike, claims: Record<string, unknown> = {}) =>
    new SignJWT({ sub: 'idp-user-17', [USER_CLAIM]: tg.world.users.alice, ...claims })
      .setProtectedHeader({ alg: 'RS256', kid: 'key-1' })
      .setIssuer('https://idp.example')
      .setAudience('chat-web')
      .setIssuedAt()
      .setExpirationTime('10m')
      .sign(key);

  test('a token signed by a key in the set signs in the user named by the configured claim', async () => {
    const { status, body } = await tg.gql(VIEWER_QUERY, {}, await rs256(privateKey));
    expect(status).toBe(200);
    expect(body.data.viewer.arn).toBe(tg.world.users.alice);
  });

  test('a token signed by a key outside the set is refused', async () => {
    const other = await generateKeyPair('RS256');
    await expectRefused(tg, `Bearer ${await rs256(other.privateKey)}`, /signature/);
  });

  test('an HS256 token keyed with the public key (algorithm confusion) is refused', async () => {
    const pem = await exportSPKI(publicKey);
    const confused = await new SignJWT({ sub: 'x', [USER_CLAIM]: tg.world.users.alice })
      .setProtectedHeader({ alg: 'HS256', kid: 'key-1' })
      .setIssuer('https://idp.example')
      .setAudience('chat-web')
      .setExpirationTime('10m')
      .sign(new TextEncoder().encode(pem));
    expect(createPublicKey(pem).asymmetricKeyType).toBe('rsa');
    await expectRefused(tg, `Bearer ${confused}`, /algorithm/);
  });

  test('a token without the configured user claim is refused', async () => {
    await expectRefused(tg, `Bearer ${await rs256(privateKey, { [USER_CLAIM]: undefined })}`, /no "https:\/\/chime.example\/user" claim/);
  });

  test('an unreachable JWKS is SERVICE_UNAVAILABLE (503), not a verdict on the token', async () => {
    const dead = await startTestGateway({
      config: {
        auth: { jwksUrl: new URL('http://127.0.0.1:9/jwks.json'), algorithms: ['RS256'], issuer: 'https://idp.example', audience: ['chat-web'], userClaim: USER_CLAIM, clockToleranceSeconds: 5 },
      },
    });
    try {
      const response = await fetch(dead.gateway.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${await rs256(privateKey)}` },
        body: JSON.stringify({ query: VIEWER_QUERY }),
      });
      expect(response.status).toBe(503);
      expect(((await response.json()) as any).errors[0].extensions.code).toBe('SERVICE_UNAVAILABLE');
      expect(dead.upstreamCalls()).toEqual([]);
    } finally {
      await dead.close();
    }
  });
});

/**
 * `npm run token -- --user <arn-or-id> [--ttl 1h]`: prints a dev token for
 * the gateway's own HS256 settings (AUTH_JWT_SECRET, or the dev secret in
 * `.data/`). Only the token goes to stdout, so `$(npm run -s token -- ...)` works.
 */
import { parseArgs } from 'node:util';
import { loadConfig, ConfigError } from '../gateway/config';
import { DEV_AUDIENCE, DEV_ISSUER, loadOrCreateDevSecret, mintToken, parseTtl } from '../gateway/auth/dev-tokens';
import { isUserClaim } from '../gateway/auth/user-arn';

const USAGE = `Usage: npm run token -- --user <AppInstanceUser ARN or user id> [--ttl 1h]
  --user  the user the token signs in: a full ARN, or an id such as "alice"
          (resolved against the AppInstance the gateway serves)
  --ttl   lifetime: a number followed by s, m, h or d (default 1h, at most 365d)
`;

async function main(): Promise<number> {
  let values: { user?: string; ttl?: string; help?: boolean };
  try {
    ({ values } = parseArgs({ options: { user: { type: 'string' }, ttl: { type: 'string', default: '1h' }, help: { type: 'boolean', short: 'h' } } }));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (!values.user) {
    process.stderr.write(`--user is required.\n\n${USAGE}`);
    return 2;
  }
  if (!isUserClaim(values.user)) {
    process.stderr.write(`--user must be an AppInstanceUser ARN (arn:aws:chime:<region>:<account>:app-instance/<id>/user/<id>) or a user id, got "${values.user.slice(0, 200)}".\n`);
    return 2;
  }
  let ttlSeconds: number;
  try {
    ttlSeconds = parseTtl(values.ttl ?? '1h');
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    return 2;
  }

  const startup = loadConfig(process.env);
  if (startup.gateway.production) {
    process.stderr.write('Refusing to mint tokens with NODE_ENV=production: tokens come from your identity provider.\n');
    return 2;
  }
  const auth = startup.auth;
  if (auth?.jwksUrl) {
    process.stderr.write('AUTH_JWKS_URL is set: the gateway accepts only tokens from that identity provider, which this command cannot sign.\n');
    return 2;
  }
  const token = auth?.secret
    ? await mintToken(auth.secret, { user: values.user, ttlSeconds, claim: auth.userClaim, issuer: auth.issuer, audience: auth.audience })
    : await mintToken(loadOrCreateDevSecret(startup.dataDir), { user: values.user, ttlSeconds, issuer: DEV_ISSUER, audience: DEV_AUDIENCE });
  process.stdout.write(`${token}\n`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    const prefix = err instanceof ConfigError ? `configuration error (${err.variable}): ` : '';
    process.stderr.write(`token: ${prefix}${(err as Error).message}\n`);
    process.exit(err instanceof ConfigError ? 2 : 1);
  },
);

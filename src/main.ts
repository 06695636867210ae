/**
 * `npm start`: the gateway process. With no AWS settings it starts the
 * embedded local Chime service (data in `.data/`), seeds demo data once,
 * creates a dev signing secret once, and prints the Sandbox URL and a token
 * per demo user. With AWS settings it serves real Chime and starts no
 * emulator. SIGINT/SIGTERM drain in-flight requests, then exit.
 */
import fs from 'node:fs';
import { loadConfig, ConfigError, StartupConfig, GatewayConfig } from './gateway/config';
import { createLogger, Logger } from './gateway/logger';
import { createChimeClients, ChimeClients } from './gateway/chime-clients';
import { startGateway, RunningGateway } from './gateway/server';
import { ensureDemoData, DemoData, DEMO_USERS } from './gateway/demo-seed';
import { devAuthConfig, loadOrCreateDevSecret, mintToken, DEV_ISSUER, DEV_AUDIENCE } from './gateway/auth/dev-tokens';
import { startLocalChime, LocalChime } from './emulator/server';
import { createSubscriptionTransport, SubscriptionOptions, subscriptionOptionsFromEnv } from './gateway/subscriptions';

/** Exit code for a configuration the process refuses to start with. */
const EXIT_CONFIG = 2;
/** Lifetime of the printed demo tokens. */
const DEMO_TOKEN_TTL_SECONDS = 30 * 86400;
/** Region the embedded service signs and mints ARNs in. */
const LOCAL_REGION = 'us-east-1';

async function main(): Promise<void> {
  let startup: StartupConfig;
  let subscriptionOptions: SubscriptionOptions;
  try {
    startup = loadConfig(process.env);
    subscriptionOptions = subscriptionOptionsFromEnv(process.env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`chime-graphql-gateway: configuration error (${err.variable}): ${err.message}\n`);
    process.exit(EXIT_CONFIG);
  }
  const logger = createLogger({ level: startup.logLevel });

  let local: LocalChime | undefined;
  let clients: ChimeClients;
  let appInstanceArn: string;
  let demo: DemoData | undefined;
  if (startup.chime.kind === 'local') {
    fs.mkdirSync(startup.dataDir, { recursive: true, mode: 0o700 });
    local = await startLocalChime({ database: startup.chime.database, port: startup.chime.port, region: LOCAL_REGION });
    // The embedded service accepts any well-formed signature; these keys only make the SDK sign.
    clients = createChimeClients({ region: LOCAL_REGION, endpoint: local.endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    ({ demo } = await ensureDemoData(clients, startup.dataDir, logger));
    appInstanceArn = demo.appInstanceArn;
    if (startup.gateway.production) logger.warn('NODE_ENV=production with the embedded local Chime service; set AWS_REGION and CHIME_APP_INSTANCE_ARN to use Amazon Chime');
  } else {
    clients = createChimeClients({ region: startup.chime.region, endpoint: startup.chime.endpoint });
    appInstanceArn = startup.chime.appInstanceArn;
  }

  const devSecret = startup.auth ? undefined : loadOrCreateDevSecret(startup.dataDir);
  const config: GatewayConfig = { ...startup.gateway, appInstanceArn, auth: startup.auth ?? devAuthConfig(devSecret!) };
  // graphql-ws on the same port and path; its realtime hub (upstream sessions) closes with the gateway.
  const subscriptions = createSubscriptionTransport(subscriptionOptions);
  const gateway = await startGateway({ config, clients, logger, transports: [subscriptions] });
  handleSignals(gateway, clients, local, logger);

  process.stdout.write(await banner(gateway, local, startup, appInstanceArn, demo, devSecret));
}

/** What a developer needs to start: where to click, and tokens to paste. */
async function banner(gateway: RunningGateway, local: LocalChime | undefined, startup: StartupConfig, appInstanceArn: string, demo: DemoData | undefined, devSecret: string | undefined): Promise<string> {
  const lines = ['', 'chime-graphql-gateway is ready', `  GraphQL endpoint and Apollo Sandbox: ${gateway.url}`];
  if (local && startup.chime.kind === 'local') lines.push(`  Local Chime service: ${local.endpoint} (data in ${startup.chime.database})`);
  lines.push(`  AppInstance: ${appInstanceArn}`);
  if (demo && devSecret) {
    lines.push('', 'Demo tokens (valid 30 days). In Sandbox, add the header  Authorization: Bearer <token>');
    for (const user of DEMO_USERS) {
      const token = await mintToken(devSecret, { user: demo.users[user], ttlSeconds: DEMO_TOKEN_TTL_SECONDS, issuer: DEV_ISSUER, audience: DEV_AUDIENCE });
      lines.push(`  ${user.padEnd(6)} ${token}`);
    }
  }
  if (devSecret) lines.push('', `${demo ? 'More tokens' : 'Tokens'}: npm run token -- --user <user ARN or id> [--ttl 1h]`);
  return `${lines.join('\n')}\n\n`;
}

function handleSignals(gateway: RunningGateway, clients: ChimeClients, local: LocalChime | undefined, logger: Logger): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal; exiting without waiting');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'shutting down: draining requests');
    (async () => {
      await gateway.close();
      clients.destroy();
      await local?.close();
      logger.info('stopped');
      process.exit(0);
    })().catch((err: unknown) => {
      logger.error({ err }, 'shutdown failed');
      process.exit(1);
    });
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: unknown) => {
  const error = err as NodeJS.ErrnoException;
  const hint = error?.code === 'EADDRINUSE' ? ' (the port is taken: set PORT, or LOCAL_CHIME_PORT for the local Chime service)' : '';
  process.stderr.write(`chime-graphql-gateway: failed to start: ${error?.message ?? String(err)}${hint}\n`);
  process.exit(1);
});

#!/usr/bin/env node
/**
 * `chime-local`: the local Chime service as a process of its own, for anyone
 * testing Chime SDK code offline. Prints one line naming its endpoint when it
 * listens, seeds nothing, and shuts down cleanly on SIGINT/SIGTERM.
 *
 * Exit codes: 0 after a clean shutdown or `--help`, 1 when the service cannot
 * start or stop (port taken, unreadable database), 2 on bad flags.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { LocalChime } from './server';
import type { SigningKeys } from './sigv4';
import type { ChannelFlowOptions } from './backend/flow-processor';

/** What the command line asks for. */
export interface CliOptions {
  port: number;
  host: string;
  /** SQLite file, or `:memory:`. */
  database: string;
  region: string;
  /** Keys for strict SigV4 verification; unset accepts any well-formed signature. */
  credentials?: SigningKeys;
  /** Channel-flow processor webhooks (a URL template) and their callback timeout. */
  channelFlows?: ChannelFlowOptions;
}

/** A flag the command line got wrong; the process exits with code 2. */
export class UsageError extends Error {
  readonly code = 'USAGE';
}

/** The usage text printed by `--help` and after a usage error. */
export const USAGE = `Usage: chime-local [options]

Runs the local Chime service: the Chime SDK Messaging and Identity REST APIs
and the messaging-session websocket, on one port, stored in SQLite.

Options:
  --port <n>                 TCP port, 0 for any free one (env LOCAL_CHIME_PORT, default 4100)
  --db <file>                SQLite file, or :memory: (env LOCAL_CHIME_DB, default ./.data/chime.sqlite)
  --host <address>           interface to listen on (default 127.0.0.1)
  --region <region>          region written into ARNs and expected in signatures (default us-east-1)
  --strict-keys <AKID:SECRET>
                             verify SigV4 signatures against this key pair; repeat for more keys
  --channel-flow-processors <url template>
                             webhook standing in for each channel-flow processor Lambda;
                             {FunctionName} and {FunctionArn} are replaced, e.g.
                             http://127.0.0.1:9000/{FunctionName}
  --channel-flow-timeout-ms <n>
                             time a processor has to call ChannelFlowCallback (default 10000)
  --help, -h                 print this text
`;

const DEFAULTS = { port: 4100, host: '127.0.0.1', database: './.data/chime.sqlite', region: 'us-east-1' };
const FLAGS = new Set(['--port', '--db', '--host', '--region', '--strict-keys', '--channel-flow-processors', '--channel-flow-timeout-ms']);
const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;

function parsePort(value: string, source: string): number {
  if (!/^\d+$/.test(value) || Number(value) > 65535) throw new UsageError(`${source} must be an integer in 0..65535, got "${value}".`);
  return Number(value);
}

/** The key pair of one `--strict-keys`; the message never repeats the value, since it holds a secret. */
function parseKeyPair(value: string): [string, string] {
  const colon = value.indexOf(':');
  if (colon <= 0 || colon === value.length - 1) throw new UsageError('--strict-keys expects ACCESS_KEY_ID:SECRET_ACCESS_KEY, both non-empty.');
  return [value.slice(0, colon), value.slice(colon + 1)];
}

/**
 * Reads `--flag value` and `--flag=value` arguments over the environment's
 * defaults. Returns `'help'` for `--help`; throws UsageError for anything else
 * it does not understand.
 */
export function parseArgs(argv: readonly string[], env: NodeJS.ProcessEnv = {}): CliOptions | 'help' {
  const options: CliOptions = {
    ...DEFAULTS,
    port: env.LOCAL_CHIME_PORT ? parsePort(env.LOCAL_CHIME_PORT, 'LOCAL_CHIME_PORT') : DEFAULTS.port,
    database: env.LOCAL_CHIME_DB || DEFAULTS.database,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') return 'help';
    const eq = arg.indexOf('=');
    const flag = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    if (!FLAGS.has(flag)) throw new UsageError(`Unknown option "${flag}".`);
    let value: string;
    if (flag !== arg) {
      value = arg.slice(eq + 1);
    } else {
      if (i + 1 >= argv.length || argv[i + 1].startsWith('--')) throw new UsageError(`${flag} needs a value.`);
      value = argv[++i];
    }
    switch (flag) {
      case '--port':
        options.port = parsePort(value, '--port');
        break;
      case '--db':
        if (!value) throw new UsageError('--db needs a file path.');
        options.database = value;
        break;
      case '--host':
        if (!value) throw new UsageError('--host needs an address.');
        options.host = value;
        break;
      case '--region':
        if (!REGION.test(value)) throw new UsageError(`--region must look like us-east-1, got "${value}".`);
        options.region = value;
        break;
      case '--strict-keys': {
        const [id, secret] = parseKeyPair(value);
        options.credentials = { ...options.credentials, [id]: secret };
        break;
      }
      case '--channel-flow-processors':
        if (!/^https?:\/\//.test(value)) throw new UsageError(`--channel-flow-processors must be an http(s) URL template, got "${value}".`);
        options.channelFlows = { ...options.channelFlows, processors: value };
        break;
      case '--channel-flow-timeout-ms':
        if (!/^\d+$/.test(value) || Number(value) < 1) throw new UsageError(`--channel-flow-timeout-ms must be a positive integer, got "${value}".`);
        options.channelFlows = { ...options.channelFlows, callbackTimeoutMs: Number(value) };
        break;
    }
  }
  return options;
}

/** Starts the service for parsed options, creating the database's directory if it is missing. */
function startFromOptions(options: CliOptions): Promise<LocalChime> {
  if (options.database !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(options.database)), { recursive: true });
  // Loaded only now, so `--help` and flag errors answer without loading the service and its native SQLite module.
  const { startLocalChime } = require('./server') as typeof import('./server');
  return startLocalChime({
    port: options.port,
    host: options.host,
    database: options.database,
    region: options.region,
    credentials: options.credentials,
    channelFlows: options.channelFlows,
  });
}

/** Closes the service on the first SIGINT/SIGTERM; a second signal, or a close that hangs, exits at once. */
function closeOnSignal(chime: LocalChime): void {
  let closing = false;
  const onSignal = () => {
    if (closing) process.exit(1);
    closing = true;
    setTimeout(() => {
      process.stderr.write('chime-local: shutdown took longer than 5 s; exiting.\n');
      process.exit(1);
    }, 5000).unref();
    chime.close().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`chime-local: error while closing: ${(err as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

async function main(): Promise<void> {
  let options: CliOptions | 'help';
  try {
    options = parseArgs(process.argv.slice(2), process.env);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`chime-local: ${err.message}\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  if (options === 'help') {
    process.stdout.write(USAGE);
    return;
  }
  const chime = await startFromOptions(options);
  closeOnSignal(chime);
  process.stdout.write(`Local Chime service listening on ${chime.endpoint}\n`);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`chime-local: cannot start: ${(err as Error).message}\n`);
    process.exit(1);
  });
}

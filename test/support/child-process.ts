/**
 * Runs the compiled local Chime service (`node dist/emulator/cli.js`, built by
 * the jest global setup) as a separate process, for tests of the CLI and of
 * crash recovery.
 */
import { ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';

/** The compiled CLI. */
export const CLI_PATH = path.resolve(__dirname, '../../dist/emulator/cli.js');

const READY = /^Local Chime service listening on (http:\/\/\S+)$/m;

/** How a process ended. */
export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A running service process. */
export interface ServiceProcess {
  child: ChildProcess;
  /** Base URL it printed, for the SDK clients' `endpoint`. */
  endpoint: string;
  /** Everything written to stdout / stderr so far. */
  stdout(): string;
  stderr(): string;
  /** Settles when the process has exited. */
  exited: Promise<Exit>;
  /** Sends `signal` (default SIGTERM) and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<Exit>;
}

/** Options of a CLI run. */
export interface CliRunOptions {
  /** Variables added to the test process's environment. */
  env?: Record<string, string>;
  /** Working directory. Default the test process's. */
  cwd?: string;
  /** How long to wait for the ready line (or the exit). Default 10 s. */
  timeoutMs?: number;
}

function spawnCli(args: readonly string[], options: CliRunOptions) {
  // The LOCAL_CHIME_* variables of the test run's own environment must not leak into the child.
  const { LOCAL_CHIME_PORT: _port, LOCAL_CHIME_DB: _db, ...inherited } = process.env;
  const child = spawn(process.execPath, [CLI_PATH, ...args], {
    cwd: options.cwd,
    env: { ...inherited, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  // 'close' rather than 'exit': it waits until stdout and stderr are fully read.
  const exited = new Promise<Exit>((resolve) => child.once('close', (code, signal) => resolve({ code, signal })));
  return { child, exited, stdout: () => stdout, stderr: () => stderr };
}

/**
 * Starts the CLI and resolves once it prints its endpoint. Rejects, with
 * what the process wrote, if it exits first or stays silent past the timeout.
 */
export async function startCli(args: readonly string[], options: CliRunOptions = {}): Promise<ServiceProcess> {
  const run = spawnCli(args, options);
  const endpoint = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      run.child.kill('SIGKILL');
      reject(new Error(`CLI printed no endpoint within ${options.timeoutMs ?? 10_000} ms; stderr: ${run.stderr()}`));
    }, options.timeoutMs ?? 10_000);
    const check = () => {
      const m = READY.exec(run.stdout());
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    run.child.stdout!.on('data', check);
    void run.exited.then((exit) => {
      clearTimeout(timer);
      reject(new Error(`CLI exited (${exit.code ?? exit.signal}) before it listened; stderr: ${run.stderr()}`));
    });
  });
  return {
    ...run,
    endpoint,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill(signal);
      return run.exited;
    },
  };
}

/** Runs the CLI to its own exit (for `--help` and flag errors); kills it after the timeout. */
export async function runCli(args: readonly string[], options: CliRunOptions = {}): Promise<Exit & { stdout: string; stderr: string }> {
  const run = spawnCli(args, options);
  const timer = setTimeout(() => run.child.kill('SIGKILL'), options.timeoutMs ?? 10_000);
  const exit = await run.exited;
  clearTimeout(timer);
  return { ...exit, stdout: run.stdout(), stderr: run.stderr() };
}

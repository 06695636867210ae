// @ts-check
/**
 * Shared pieces of the benchmarks: starting the local Chime service as its own
 * process (so the load generator does not share its event loop), percentiles,
 * and a bounded-time worker loop.
 */
const { spawn } = require('node:child_process');
const path = require('node:path');
const os = require('node:os');
const fs = require('node:fs');

const ROOT = path.resolve(__dirname, '..');
/** Credentials the benchmarks sign with; the local service accepts any well-formed signature. */
const CREDENTIALS = { accessKeyId: 'AKIDBENCH', secretAccessKey: 'bench-secret' };

/**
 * Starts `node dist/emulator/cli.js` on a free port and a fresh database file.
 * @returns {Promise<{endpoint: string, stop: () => Promise<void>}>}
 */
async function startLocalChimeProcess() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chime-bench-'));
  const child = spawn(process.execPath, [path.join(ROOT, 'dist/emulator/cli.js'), '--port', '0', '--db', path.join(dir, 'chime.sqlite')], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const endpoint = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const m = /(http:\/\/[^\s]+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`local Chime service exited with ${code} before listening`)));
  });
  return {
    endpoint,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The p-th percentile (0..100) of a list of numbers.
 * @param {number[]} values
 * @param {number} p
 */
function percentile(values, p) {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/**
 * Runs `concurrency` workers calling `task` until `durationMs` has passed; returns completed calls per second.
 * @param {number} concurrency
 * @param {number} durationMs
 * @param {(worker: number, i: number) => Promise<unknown>} task
 */
async function throughput(concurrency, durationMs, task) {
  const end = Date.now() + durationMs;
  let done = 0;
  const started = Date.now();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      for (let i = 0; Date.now() < end; i++) {
        await task(worker, i);
        done++;
      }
    }),
  );
  return done / ((Date.now() - started) / 1000);
}

/** @param {number} n */
const fmt = (n) => (Number.isFinite(n) ? n.toFixed(n >= 100 ? 0 : 2) : String(n));

module.exports = { ROOT, CREDENTIALS, startLocalChimeProcess, percentile, throughput, fmt };

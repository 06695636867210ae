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
 * `LOCAL_CHIME_CLI` names another build's cli.js, to compare two builds side by side.
 * @returns {Promise<{endpoint: string, cpuMs: () => number, stop: () => Promise<void>}>}
 */
async function startLocalChimeProcess() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chime-bench-'));
  const cli = process.env.LOCAL_CHIME_CLI ?? path.join(ROOT, 'dist/emulator/cli.js');
  const child = spawn(process.execPath, [cli, '--port', '0', '--db', path.join(dir, 'chime.sqlite')], {
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
    cpuMs: () => processCpuMs(/** @type {number} */ (child.pid)),
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * CPU time (user + system, all threads) a process has used so far, in ms, or
 * NaN where /proc is not available. On a shared machine the load generator
 * and other work change the requests/s, while the service's CPU time per
 * request stays comparable between runs.
 * @param {number} pid
 */
function processCpuMs(pid) {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return NaN;
  }
}
/** USER_HZ of /proc/<pid>/stat: 100 on every Linux the benchmarks run on. */
const CLOCK_TICKS = 100;

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

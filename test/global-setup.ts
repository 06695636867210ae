/**
 * Compiles src/ to dist/ once per test run, for the tests that start the
 * service or gateway as a separate process (crash recovery, CLI, npm start).
 * Type errors are the typecheck step's job; here only the emitted JS matters.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';

export default function globalSetup(): void {
  const root = path.resolve(__dirname, '..');
  const result = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.json'], { cwd: root, stdio: 'pipe' });
  if (result.error) throw result.error;
}

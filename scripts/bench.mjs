#!/usr/bin/env node
// `npm run bench [-- --json] [-- --only PREFIX]`: builds and packages quietly
// (their output goes to stderr, so that --json leaves stdout to the figures),
// then runs the compiled benchmark.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
for (const script of ['build', 'package']) {
  const r = spawnSync('npm', ['run', '--silent', script], { cwd: root, stdio: ['ignore', 2, 2] });
  if (r.status !== 0) {
    console.error(`npm run ${script} failed`);
    process.exit(r.status ?? 1);
  }
}
const r = spawnSync(process.execPath, [path.join(root, 'out', 'test', 'bench', 'bench.js'), ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
});
process.exit(r.status ?? 1);

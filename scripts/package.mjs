#!/usr/bin/env node
// `npm run package`: dist/swarm-lab.vsix. vsce walks every file under the
// folder it packages before .vscodeignore filters them; here that is
// node_modules, .tools (code-server) and .cache (the labs' Docker data, many
// GB): two minutes of walking for a 1 MB package. So the production bundle
// is built here, the files .vscodeignore keeps are copied into a staging
// folder, and vsce packages that folder, with the same .vscodeignore.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const stage = path.join(root, '.cache', 'vsix-stage');
const out = path.join(root, 'dist', 'swarm-lab.vsix');

function run(cmd, args, cwd) {
  const r = spawnSync(cmd, args, { cwd, stdio: 'inherit' });
  if (r.status !== 0) {
    process.exit(r.status ?? 1);
  }
}

/** The top-level entries .vscodeignore lets through ("!name" or "!name/…" after its leading "**"). */
function shippedEntries() {
  const lines = fs.readFileSync(path.join(root, '.vscodeignore'), 'utf8').split('\n');
  const kept = lines.filter((l) => l.startsWith('!')).map((l) => l.slice(1).split('/')[0]);
  return [...new Set(kept.flatMap((pattern) => fs.readdirSync(root).filter((name) => matches(name, pattern))))];
}

/** A file name against one path segment of a glob (only `*` is used there). */
function matches(name, pattern) {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
  return re.test(name);
}

run(process.execPath, [path.join(root, 'scripts', 'build.mjs'), '--production'], root);
fs.rmSync(stage, { recursive: true, force: true });
fs.mkdirSync(stage, { recursive: true });
for (const name of [...shippedEntries(), '.vscodeignore']) {
  fs.cpSync(path.join(root, name), path.join(stage, name), { recursive: true });
}
// The bundle is built: vsce must not run the build again (its scripts are not staged).
const manifest = JSON.parse(fs.readFileSync(path.join(stage, 'package.json'), 'utf8'));
delete manifest.scripts;
fs.writeFileSync(path.join(stage, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
run(
  path.join(root, 'node_modules', '.bin', 'vsce'),
  ['package', '--no-dependencies', '--no-rewrite-relative-links', '--allow-missing-repository', '--out', out],
  stage,
);
fs.rmSync(stage, { recursive: true, force: true });

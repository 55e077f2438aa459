import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { run } from '../localLab/run';
import { readBoxMetadata } from './boxMetadata';
import { BoxFiles } from './boxRecipe';
import { kvmUsable } from './kvmProbe';
import { qmpCommand } from './qmp';
import { Accel, LabNet, QEMU_BINARY, qemuArgs, VmSpec } from './qemuArgs';

/**
 * One QEMU VM booted from the box: its own folder holds a copy-on-write
 * overlay of box.img (the box is never written), an optional data disk,
 * the serial console log, the QMP socket and the pid. QEMU daemonizes, so a
 * VM outlives the process that started it; everything needed to stop it
 * is in that folder (vm.json).
 */
export interface StartVmOptions {
  /** The VM's folder (created if missing; an existing one keeps its disks: a restart). */
  readonly dir: string;
  readonly box: BoxFiles;
  readonly name: string;
  readonly memoryMb?: number;
  readonly cpus?: number;
  /** A second, empty disk the guest sees as /dev/vdb (for GlusterFS bricks and the like). */
  readonly dataDiskGb?: number;
  /** A qcow2 the VM gets a copy-on-write overlay of, after the data disk: the lab's images (imagesDisk.ts). */
  readonly imagesDisk?: string;
  /** Forced accelerator; by default KVM when the probe says it boots guests here, else TCG. */
  readonly accel?: Accel;
  /** Where the KVM probe's answer is kept between runs. */
  readonly kvmCacheFile?: string;
  /** A second NIC on a private segment shared with the project's other VMs. */
  readonly labNet?: LabNet;
  readonly log?: (line: string) => void;
}

export interface RunningVm {
  readonly name: string;
  readonly dir: string;
  readonly pid: number;
  readonly sshPort: number;
  readonly accel: Accel;
  readonly consoleLog: string;
  readonly qmpSocket: string;
}

const DEFAULT_MEMORY_MB = 1024;
const DEFAULT_CPUS = 2;
/** Another program can take the free port between our check and QEMU's bind: try again with a new one. */
const PORT_ATTEMPTS = 3;

export async function startVm(opts: StartVmOptions): Promise<RunningVm> {
  const log = opts.log ?? ((): void => undefined);
  fs.mkdirSync(opts.dir, { recursive: true });
  const meta = readBoxMetadata(opts.box.metadata);
  const overlay = path.join(opts.dir, 'vm.qcow2');
  if (!fs.existsSync(overlay)) {
    await run('qemu-img', ['create', '-q', '-f', 'qcow2', '-b', opts.box.image, '-F', 'qcow2', overlay]);
  }
  const disks = [overlay];
  if (opts.dataDiskGb) {
    const data = path.join(opts.dir, 'data.qcow2');
    if (!fs.existsSync(data)) {
      await run('qemu-img', ['create', '-q', '-f', 'qcow2', data, `${opts.dataDiskGb}G`]);
    }
    disks.push(data);
  }
  // Made once, with the VM: a restart keeps what the VM's dockerd wrote since, with or without the option.
  const images = path.join(opts.dir, 'images.qcow2');
  if (opts.imagesDisk && !fs.existsSync(images)) {
    await run('qemu-img', ['create', '-q', '-f', 'qcow2', '-b', opts.imagesDisk, '-F', 'qcow2', images]);
  }
  if (fs.existsSync(images)) {
    disks.push(images);
  }
  let accel = opts.accel;
  if (!accel) {
    const kvm = await kvmUsable({
      kernel: opts.box.kernel,
      ...(opts.kvmCacheFile ? { cacheFile: opts.kvmCacheFile } : {}),
    });
    accel = kvm.usable ? 'kvm' : 'tcg';
    log(`accelerator: ${accel} (${kvm.reason})`);
  }
  const files = vmFiles(opts.dir);
  fs.rmSync(files.pidFile, { force: true });
  fs.rmSync(files.consoleLog, { force: true });
  const preferred = preferredSshPort(opts.dir);
  for (let attempt = 1; ; attempt++) {
    // The same port for the same machine folder (as Vagrant's 2222 forward is): known_hosts then
    // tells a rebuilt VM (a new host key) from a restarted one. Taken: any free port.
    const sshPort = attempt === 1 && (await portFree(preferred)) ? preferred : await freePort();
    const spec: VmSpec = {
      name: opts.name,
      accel,
      memoryMb: opts.memoryMb ?? DEFAULT_MEMORY_MB,
      cpus: opts.cpus ?? DEFAULT_CPUS,
      kernel: opts.box.kernel,
      initrd: opts.box.initrd,
      cmdline: meta.cmdline,
      disks,
      sshPort,
      consoleLog: files.consoleLog,
      qmpSocket: files.qmpSocket,
      pidFile: files.pidFile,
      ...(opts.labNet ? { labNet: opts.labNet } : {}),
    };
    try {
      // With -daemonize, QEMU returns once the VM runs: a bad option or a taken port fails here.
      await run(QEMU_BINARY, qemuArgs(spec));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (attempt < PORT_ATTEMPTS && /host forwarding|hostfwd/i.test(message)) {
        continue;
      }
      throw error;
    }
    const vm: RunningVm = {
      name: opts.name,
      dir: opts.dir,
      pid: Number(fs.readFileSync(files.pidFile, 'utf8').trim()),
      sshPort,
      accel,
      consoleLog: files.consoleLog,
      qmpSocket: files.qmpSocket,
    };
    fs.writeFileSync(files.state, JSON.stringify(vm, null, 2) + '\n');
    log(`VM ${opts.name} started (pid ${vm.pid}, ${accel}), SSH on 127.0.0.1:${sshPort}`);
    return vm;
  }
}

function vmFiles(dir: string): { pidFile: string; consoleLog: string; qmpSocket: string; state: string } {
  return {
    pidFile: path.join(dir, 'qemu.pid'),
    consoleLog: path.join(dir, 'console.log'),
    qmpSocket: path.join(dir, 'qmp.sock'),
    state: path.join(dir, 'vm.json'),
  };
}

/** The VM recorded in a folder by startVm (another process may have started it). */
export function readVm(dir: string): RunningVm | undefined {
  try {
    return JSON.parse(fs.readFileSync(vmFiles(dir).state, 'utf8')) as RunningVm;
  } catch {
    return undefined;
  }
}

/** Alive and still QEMU: a recycled pid must never be signalled. */
export function isRunning(vm: Pick<RunningVm, 'pid'>): boolean {
  try {
    return fs.readFileSync(`/proc/${vm.pid}/comm`, 'utf8').trim().startsWith('qemu-system');
  } catch {
    return false;
  }
}

export interface StopOptions {
  /** How long the guest gets to power off after the ACPI button; TCG guests need several seconds. */
  readonly graceMs?: number;
}

/**
 * Stops a VM, bounded: the ACPI power button over QMP (the guest shuts
 * down cleanly, QEMU exits), then SIGTERM, then SIGKILL. Resolves once the
 * process is gone. The disks stay; the folder is the caller's to remove.
 */
export async function stopVm(vm: RunningVm, opts: StopOptions = {}): Promise<void> {
  if (isRunning(vm)) {
    await qmpPowerdown(vm.qmpSocket);
    if (!(await exited(vm, opts.graceMs ?? 30_000))) {
      signal(vm.pid, 'SIGTERM');
      if (!(await exited(vm, 5_000))) {
        signal(vm.pid, 'SIGKILL');
        await exited(vm, 5_000);
      }
    }
  }
  const files = vmFiles(vm.dir);
  fs.rmSync(files.qmpSocket, { force: true });
  fs.rmSync(files.pidFile, { force: true });
}

async function qmpPowerdown(socket: string): Promise<void> {
  // A QMP failure only means the signals come sooner.
  await qmpCommand(socket, 'system_powerdown').catch(() => undefined);
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // Gone in between: what we wanted.
  }
}

async function exited(vm: RunningVm, withinMs: number): Promise<boolean> {
  const until = Date.now() + withinMs;
  while (isRunning(vm)) {
    if (Date.now() >= until) {
      return false;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return true;
}

/** A TCP port on 127.0.0.1 nothing listens on right now (the kernel picks it). */
/** The first port tried for a VM's SSH forward: one of 2200–2999, from its folder's path. */
export function preferredSshPort(dir: string): number {
  const digest = crypto.createHash('sha256').update(path.resolve(dir)).digest();
  return SSH_PORT_BASE + (digest.readUInt32BE(0) % SSH_PORT_SPAN);
}

const SSH_PORT_BASE = 2200;
const SSH_PORT_SPAN = 800;

/** Whether nothing listens on 127.0.0.1:port now (QEMU may still lose it to a race: startVm tries again). */
function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

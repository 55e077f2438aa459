import * as fs from 'node:fs';
import * as path from 'node:path';
import { readBoxMetadata } from './boxMetadata';
import { BoxFiles } from './boxRecipe';
import { isRunning, readVm, startVm, stopVm } from './qemu';
import { Accel, LabNet, labGroupFor, labMac, parseLabGroup } from './qemuArgs';

/**
 * `cli.js machine start|stop|state|destroy --dir DIR …`: one VM per
 * folder, for the Vagrant provider (vagrant/swarmlab_qemu), which passes
 * its machine's data_dir and its box's folder and reads one JSON line back.
 * Everything here lives in that folder, so any process can ask.
 */
export type MachineCommand = 'start' | 'stop' | 'state' | 'destroy';

export interface MachineArgs {
  readonly command: MachineCommand;
  readonly dir: string;
  /** The box's folder (Vagrant's machine.box.directory): box.img, vmlinuz, initrd.img, metadata.json. */
  readonly box?: string;
  readonly name?: string;
  readonly memoryMb?: number;
  readonly cpus?: number;
  readonly dataDiskGb?: number;
  /** A qcow2 of Docker's data root with the lab's images (imagesDisk.ts): the VM boots with an overlay of it. */
  readonly imagesDisk?: string;
  /** Multicast group and port of the private segment ("239.1.2.3:4567"). */
  readonly labNet?: { group: string; port: number };
  readonly accel?: Accel;
  /** stop: seconds the guest gets to power off after the ACPI button. */
  readonly graceS?: number;
}

export type MachineState = 'not_created' | 'poweroff' | 'running';

export interface MachineReport {
  readonly state: MachineState;
  readonly sshPort?: number;
  readonly pid?: number;
  readonly accel?: Accel;
}

const COMMANDS: readonly MachineCommand[] = ['start', 'stop', 'state', 'destroy'];

export const MACHINE_USAGE =
  'usage: cli.js machine start|stop|state|destroy --dir DIR [--box BOXDIR] [--name NAME] [--memory MB] [--cpus N]' +
  ' [--data-disk-gb GB] [--images-disk QCOW2] [--lab-net ADDR:PORT | --lab-net-seed TEXT] [--accel kvm|tcg] [--grace-s S]';

/** Parses the arguments after `machine`; throws with what is wrong (the CLI prints it with the usage). */
export function parseMachineArgs(argv: readonly string[]): MachineArgs {
  const [command, ...rest] = argv;
  if (!COMMANDS.includes(command as MachineCommand)) {
    throw new Error(`unknown machine command "${command ?? ''}"`);
  }
  const values = new Map<string, string>();
  for (let i = 0; i < rest.length; i += 2) {
    const flag = rest[i];
    const value = rest[i + 1];
    if (!flag.startsWith('--') || value === undefined || value.startsWith('--')) {
      throw new Error(`${flag} wants a value`);
    }
    values.set(flag.slice(2), value);
  }
  const known = [
    'dir',
    'box',
    'name',
    'memory',
    'cpus',
    'data-disk-gb',
    'images-disk',
    'lab-net',
    'lab-net-seed',
    'accel',
    'grace-s',
  ];
  for (const flag of values.keys()) {
    if (!known.includes(flag)) {
      throw new Error(`unknown option --${flag}`);
    }
  }
  const dir = values.get('dir');
  if (!dir) {
    throw new Error('--dir is required');
  }
  const box = values.get('box');
  if (command === 'start' && !box) {
    throw new Error('start needs --box');
  }
  const count = (flag: string, min: number, max: number): number | undefined => {
    const text = values.get(flag);
    if (text === undefined) {
      return undefined;
    }
    const n = Number(text);
    if (!/^\d+$/.test(text) || n < min || n > max) {
      throw new Error(`--${flag} wants a whole number from ${min} to ${max}, not "${text}"`);
    }
    return n;
  };
  const accel = values.get('accel');
  if (accel !== undefined && accel !== 'kvm' && accel !== 'tcg') {
    throw new Error(`--accel wants kvm or tcg, not "${accel}"`);
  }
  if (values.has('lab-net') && values.has('lab-net-seed')) {
    throw new Error('--lab-net and --lab-net-seed exclude each other');
  }
  const labText = values.get('lab-net');
  const seed = values.get('lab-net-seed');
  const labNet = labText !== undefined ? parseLabGroup(labText) : seed !== undefined ? labGroupFor(seed) : undefined;
  const memoryMb = count('memory', 128, 1_048_576);
  const cpus = count('cpus', 1, 64);
  // 0: no data disk (Vagrant's "unset" written as a number).
  const dataDiskGb = count('data-disk-gb', 0, 65_536);
  const graceS = count('grace-s', 0, 600);
  const name = values.get('name');
  const imagesDisk = values.get('images-disk');
  return {
    command: command as MachineCommand,
    dir: path.resolve(dir),
    ...(box ? { box: path.resolve(box) } : {}),
    ...(name ? { name } : {}),
    ...(memoryMb !== undefined ? { memoryMb } : {}),
    ...(cpus !== undefined ? { cpus } : {}),
    ...(dataDiskGb ? { dataDiskGb } : {}),
    ...(imagesDisk ? { imagesDisk: path.resolve(imagesDisk) } : {}),
    ...(labNet ? { labNet } : {}),
    ...(accel ? { accel } : {}),
    ...(graceS !== undefined ? { graceS } : {}),
  };
}

/** A box's files from its folder, as its metadata.json names the kernel and initrd. */
export function boxFilesInDir(dir: string): BoxFiles {
  const metadata = path.join(dir, 'metadata.json');
  const meta = readBoxMetadata(metadata);
  return {
    dir,
    image: path.join(dir, 'box.img'),
    kernel: path.join(dir, meta.kernel),
    initrd: path.join(dir, meta.initrd),
    metadata,
    vagrantfile: path.join(dir, 'Vagrantfile'),
    boxFile: '',
  };
}

/** The files startVm makes in a machine's folder; destroy removes these and nothing else. */
const MACHINE_FILES = ['vm.qcow2', 'data.qcow2', 'images.qcow2', 'vm.json', 'console.log', 'qmp.sock', 'qemu.pid'];

export function machineState(dir: string): MachineReport {
  const vm = readVm(dir);
  if (vm && isRunning(vm)) {
    return { state: 'running', sshPort: vm.sshPort, pid: vm.pid, accel: vm.accel };
  }
  return { state: fs.existsSync(path.join(dir, 'vm.qcow2')) ? 'poweroff' : 'not_created' };
}

export interface MachineContext {
  readonly kvmCacheFile: string;
  readonly log: (line: string) => void;
}

export async function runMachine(args: MachineArgs, ctx: MachineContext): Promise<MachineReport> {
  switch (args.command) {
    case 'state':
      return machineState(args.dir);
    case 'start': {
      const now = machineState(args.dir);
      if (now.state === 'running') {
        return now;
      }
      // A Unix socket's path has at most 107 bytes: QEMU would fail with a less helpful message.
      if (Buffer.byteLength(path.join(args.dir, 'qmp.sock')) > 107) {
        throw new Error(`${args.dir} is too deep for QEMU's control socket (107 bytes at most): move the project up`);
      }
      const labNet: LabNet | undefined = args.labNet ? { ...args.labNet, mac: labMac(args.dir) } : undefined;
      const vm = await startVm({
        dir: args.dir,
        box: boxFilesInDir(args.box!),
        name: args.name ?? path.basename(path.dirname(args.dir)),
        ...(args.memoryMb ? { memoryMb: args.memoryMb } : {}),
        ...(args.cpus ? { cpus: args.cpus } : {}),
        ...(args.dataDiskGb ? { dataDiskGb: args.dataDiskGb } : {}),
        ...(args.imagesDisk ? { imagesDisk: args.imagesDisk } : {}),
        ...(args.accel ? { accel: args.accel } : {}),
        ...(labNet ? { labNet } : {}),
        kvmCacheFile: ctx.kvmCacheFile,
        log: ctx.log,
      });
      return { state: 'running', sshPort: vm.sshPort, pid: vm.pid, accel: vm.accel };
    }
    case 'stop':
    case 'destroy': {
      const vm = readVm(args.dir);
      if (vm) {
        await stopVm(vm, args.graceS !== undefined ? { graceMs: args.graceS * 1000 } : {});
        if (isRunning(vm)) {
          throw new Error(`QEMU (pid ${vm.pid}) is still running`);
        }
      }
      if (args.command === 'destroy') {
        for (const file of MACHINE_FILES) {
          fs.rmSync(path.join(args.dir, file), { force: true });
        }
      }
      return machineState(args.dir);
    }
  }
}

import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { QEMU_BINARY } from './qemuArgs';

/**
 * Whether VMs can use KVM here. /dev/kvm existing is not enough: on some
 * hosts (nested virtualization, this CI machine) KVM_CREATE_VM succeeds but
 * guests abort ("failed to set MSR 0x10a") or hang with no output. So the
 * answer comes from trying: boot the box's kernel under KVM with no root
 * disk and watch it reach its "cannot mount root" panic within a deadline
 * (about a second with working KVM). The answer is cached per host boot,
 * since a failed probe costs the whole deadline.
 */
export interface KvmAnswer {
  readonly usable: boolean;
  readonly reason: string;
}

export interface KvmProbeOptions {
  /** A bzImage to boot (the box's vmlinuz). */
  readonly kernel: string;
  /** Where the answer is kept between runs (a JSON file); none: in memory only. */
  readonly cacheFile?: string;
  readonly deadlineMs?: number;
}

const DEFAULT_DEADLINE_MS = 15_000;
/** The kernel got through early boot under KVM: it looked for a root file system and panicked as asked. */
const REACHED_ROOT_MOUNT = /VFS: (Cannot open|Unable to mount) root|Kernel panic/;

/** Judges a probe's run from its serial output; pure, for tests. */
export function probeVerdict(output: string, outcome: 'exited' | 'deadline', exit?: number | string): KvmAnswer {
  if (REACHED_ROOT_MOUNT.test(output)) {
    return { usable: true, reason: 'a guest kernel booted under KVM' };
  }
  const lastLine =
    output
      .trim()
      .split('\n')
      .filter((l) => l.trim() !== '')
      .pop() ?? '';
  if (outcome === 'deadline') {
    return {
      usable: false,
      reason: `a guest kernel did not boot under KVM in time${lastLine ? ` (last: ${lastLine})` : ''}`,
    };
  }
  return { usable: false, reason: `QEMU with KVM exited (${String(exit)})${lastLine ? `: ${lastLine}` : ''}` };
}

export function probeArgs(kernel: string): string[] {
  return [
    '-accel',
    'kvm',
    '-cpu',
    'host',
    '-m',
    '256',
    '-nodefaults',
    '-display',
    'none',
    '-serial',
    'stdio',
    '-kernel',
    kernel,
    // No disk named /dev/nonexistent: the kernel panics at once, panic=-1 reboots, -no-reboot exits.
    '-append',
    'console=ttyS0 root=/dev/nonexistent panic=-1',
    '-no-reboot',
  ];
}

/** Host boot identity: a cached answer is only good until the next reboot (modules, BIOS settings). */
function bootId(): string {
  try {
    return fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return 'unknown';
  }
}

const inMemory = new Map<string, KvmAnswer>();

export async function kvmUsable(opts: KvmProbeOptions): Promise<KvmAnswer> {
  const key = `${bootId()} ${opts.kernel}`;
  const remembered = inMemory.get(key) ?? readCached(opts.cacheFile, key);
  if (remembered) {
    return remembered;
  }
  const answer = await probe(opts);
  inMemory.set(key, answer);
  if (opts.cacheFile) {
    fs.mkdirSync(path.dirname(opts.cacheFile), { recursive: true });
    fs.writeFileSync(opts.cacheFile, JSON.stringify({ key, ...answer }) + '\n');
  }
  return answer;
}

function readCached(file: string | undefined, key: string): KvmAnswer | undefined {
  try {
    const data = JSON.parse(fs.readFileSync(file ?? '', 'utf8')) as { key?: string } & KvmAnswer;
    return data.key === key ? { usable: data.usable, reason: data.reason } : undefined;
  } catch {
    return undefined;
  }
}

async function probe(opts: KvmProbeOptions): Promise<KvmAnswer> {
  try {
    fs.accessSync('/dev/kvm', fs.constants.R_OK | fs.constants.W_OK);
  } catch {
    return { usable: false, reason: 'no usable /dev/kvm' };
  }
  const deadline = opts.deadlineMs ?? DEFAULT_DEADLINE_MS;
  return new Promise((resolve) => {
    const child = spawn(QEMU_BINARY, probeArgs(opts.kernel), { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const collect = (chunk: Buffer): void => {
      output = (output + chunk.toString('utf8')).slice(-16_000);
      if (REACHED_ROOT_MOUNT.test(output)) {
        // Enough seen: no need to wait for the reboot-then-exit.
        child.kill('SIGKILL');
      }
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, deadline);
    child.once('error', (error) => {
      clearTimeout(timer);
      resolve({ usable: false, reason: `${QEMU_BINARY} did not run: ${error.message}` });
    });
    child.once('close', (code, killedBy) => {
      clearTimeout(timer);
      resolve(probeVerdict(output, timedOut ? 'deadline' : 'exited', code ?? killedBy ?? undefined));
    });
  });
}

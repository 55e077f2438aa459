/**
 * The qemu-system-x86_64 command line of one VM, as data (no processes
 * here, so every choice below is unit-tested).
 */

/** kvm: hardware virtualization; tcg: QEMU's own emulation, slower, but runs wherever QEMU does. */
export type Accel = 'kvm' | 'tcg';

export interface VmSpec {
  readonly name: string;
  readonly accel: Accel;
  readonly memoryMb: number;
  readonly cpus: number;
  readonly kernel: string;
  readonly initrd: string;
  readonly cmdline: string;
  /** qcow2 files in order: the first is the root disk (/dev/vda), the next /dev/vdb, and so on. */
  readonly disks: readonly string[];
  /** 127.0.0.1:sshPort on this computer reaches the guest's port 22. */
  readonly sshPort: number;
  readonly consoleLog: string;
  readonly qmpSocket: string;
  readonly pidFile: string;
}

export const QEMU_BINARY = 'qemu-system-x86_64';

/**
 * QEMU splits option values on commas; a comma inside a file name is
 * written twice. Without this a folder named "a,b" would become an option.
 */
export function qemuValue(value: string): string {
  return value.replace(/,/g, ',,');
}

export function accelArgs(accel: Accel, cpus: number): string[] {
  if (accel === 'kvm') {
    // The host's CPU as is: what a user's laptop with working KVM runs fastest.
    return ['-accel', 'kvm', '-cpu', 'host', '-smp', String(cpus)];
  }
  // Multi-threaded TCG: one host thread per vCPU, so 2 vCPUs use both cores of a small machine.
  return ['-accel', 'tcg,thread=multi', '-smp', String(cpus)];
}

/** One virtio disk per file: the guest names them vda, vdb… in this order. */
export function diskArgs(disks: readonly string[]): string[] {
  return disks.flatMap((file) => ['-drive', `file=${qemuValue(file)},format=qcow2,if=virtio`]);
}

/**
 * QEMU's user-mode network: the guest gets 10.0.2.15 by DHCP inside QEMU
 * itself, and only 127.0.0.1:sshPort reaches it from outside. No bridge, no
 * tap device, nothing on this computer's own network.
 */
export function netArgs(sshPort: number): string[] {
  return ['-netdev', `user,id=net0,hostfwd=tcp:127.0.0.1:${sshPort}-:22`, '-device', 'virtio-net-pci,netdev=net0'];
}

export function qemuArgs(spec: VmSpec): string[] {
  return [
    '-name',
    qemuValue(spec.name),
    ...accelArgs(spec.accel, spec.cpus),
    // No default VGA, IDE CD-ROM or floppy: nothing to probe at boot (seconds under emulation); every device is below.
    '-nodefaults',
    '-m',
    String(spec.memoryMb),
    // No bootloader on the disk: QEMU loads the box's kernel and initrd itself.
    '-kernel',
    spec.kernel,
    '-initrd',
    spec.initrd,
    '-append',
    spec.cmdline,
    ...diskArgs(spec.disks),
    ...netArgs(spec.sshPort),
    // Entropy from the host: first-boot ssh-keygen and sshd do not wait for the guest's own pool.
    '-device',
    'virtio-rng-pci',
    // -nographic cannot be combined with -daemonize; this is the same without a terminal.
    '-display',
    'none',
    '-serial',
    `file:${spec.consoleLog}`,
    '-monitor',
    'none',
    // QMP: how stop() asks for an ACPI power-off before it resorts to signals.
    '-qmp',
    `unix:${qemuValue(spec.qmpSocket)},server=on,wait=off`,
    // A guest reboot or kernel panic (panic=-1) ends the process instead of looping.
    '-no-reboot',
    '-daemonize',
    '-pidfile',
    spec.pidFile,
  ];
}

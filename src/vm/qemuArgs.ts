import * as crypto from 'node:crypto';

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
  /** A second NIC on the VMs' shared private segment (see labNetArgs); none by default. */
  readonly labNet?: LabNet;
}

/**
 * The private L2 segment VMs of one project share, as QEMU's socket
 * netdev in multicast mode: every VM sends its frames to one multicast
 * group on the loopback interface (TTL 1, localaddr 127.0.0.1), and every
 * VM of the group receives them: a hub nothing outside this computer's
 * loopback sees, without a bridge, a tap device or root on the host.
 */
export interface LabNet {
  /** An IPv4 multicast address (224.0.0.0/4); 239.0.0.0/8 is the organisation-local scope. */
  readonly group: string;
  readonly port: number;
  /** This VM's NIC on the segment: unique per VM, or two guests answer ARP for each other. */
  readonly mac: string;
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

const MULTICAST = /^(22[4-9]|23\d)\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** "239.1.2.3:4567" → the group and port, or an error that says what is wrong. */
export function parseLabGroup(text: string): { group: string; port: number } {
  const match = /^([\d.]+):(\d{1,5})$/.exec(text.trim());
  const port = match ? Number(match[2]) : NaN;
  const group = match?.[1] ?? '';
  const octets = MULTICAST.exec(group);
  if (!match || !octets || octets.slice(2).some((o) => Number(o) > 255) || port < 1024 || port > 65535) {
    throw new Error(`--lab-net wants MULTICAST_ADDR:PORT (224.0.0.0/4, port 1024-65535), not "${text}"`);
  }
  return { group, port };
}

/**
 * A group and port of their own for the VMs of one project (the seed: its
 * folder), so that two projects' VMs never share a segment: 239.x.y.z in
 * the organisation-local scope, the port between 20000 and 59999.
 */
export function labGroupFor(seed: string): { group: string; port: number } {
  const hash = crypto.createHash('sha256').update(seed).digest();
  return { group: `239.${hash[0]}.${hash[1]}.${hash[2] || 1}`, port: 20_000 + (hash.readUInt16BE(3) % 40_000) };
}

/** A locally administered unicast MAC (52:54:00, QEMU's prefix) derived from the VM's folder. */
export function labMac(seed: string): string {
  const hash = crypto.createHash('sha256').update(seed).digest();
  return ['52', '54', '00', ...[...hash.subarray(0, 3)].map((b) => b.toString(16).padStart(2, '0'))].join(':');
}

export function labNetArgs(lab: LabNet): string[] {
  return [
    '-netdev',
    `socket,id=lab,mcast=${lab.group}:${lab.port},localaddr=127.0.0.1`,
    '-device',
    `virtio-net-pci,netdev=lab,mac=${lab.mac}`,
  ];
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
    // After the user-mode NIC: the guest names it second (Vagrant's private_network is its interface 1).
    ...(spec.labNet ? labNetArgs(spec.labNet) : []),
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

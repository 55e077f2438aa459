/**
 * Which providers of a Vagrantfile can take the lab's data disk. VirtualBox
 * takes the guarded `createmedium` + `storageattach` of dataDisk.ts; libvirt
 * (Vagrant on Linux with QEMU/KVM) has an equivalent, one line in the
 * machine's libvirt block: `libvirt.storage :file, :size => '10G'` (a file
 * per machine, named after it by vagrant-libvirt). The project's own
 * swarmlab_qemu provider (vagrant/swarmlab_qemu) takes one setting in its
 * block, `q.data_disk_gb = 10`: a second disk, /dev/vdb. The docker provider, the
 * local lab's, has no disk to add, nor Hyper-V, VMware or Parallels in the
 * form Swarm Lab writes: the disk is refused there, with the reason.
 */
import type { Localizer } from '../l10n';
import { DATA_DISK_SIZE_MB, dataDiskEdits, type DataDiskInfo } from './dataDisk';
import {
  innerIndent,
  noMachineBlock,
  ownProvider,
  sharedProviders,
  type Block,
  type LineEdit,
  type VagrantLayout,
} from './vagrantLayout';

export type DiskTarget = 'virtualbox' | 'libvirt' | 'swarmlab_qemu';

const DISK_TARGETS: readonly DiskTarget[] = ['virtualbox', 'libvirt', 'swarmlab_qemu'];

/** The providers the file names (`config.vm.provider "docker"`), in file order, each once. */
export function namedProviders(layout: VagrantLayout): string[] {
  return [...new Set(layout.providers.flatMap((p) => (p.provider ? [p.provider] : [])))];
}

/** The provider the file makes the default (`ENV['VAGRANT_DEFAULT_PROVIDER'] = 'libvirt'`), if it does. */
export function defaultProvider(layout: VagrantLayout): string | undefined {
  for (const l of layout.lines) {
    const m = /\bENV\s*\[\s*["']VAGRANT_DEFAULT_PROVIDER["']\s*\]\s*(?:\|\|)?=(?!=)\s*["'](\w+)["']/.exec(l.code);
    if (m) {
      return m[1];
    }
  }
  return undefined;
}

/**
 * The providers to give the disk: those of the file that can take one (only
 * the default one, when the file sets it); VirtualBox, Vagrant's default,
 * when the file names none. Not ok when every provider it names is one
 * without a disk Swarm Lab can add.
 */
export function diskTargets(
  layout: VagrantLayout,
): { readonly ok: true; readonly targets: DiskTarget[] } | { readonly ok: false; readonly provider: string } {
  const chosen = defaultProvider(layout);
  const named = chosen !== undefined ? [chosen] : namedProviders(layout);
  if (named.length === 0) {
    return { ok: true, targets: ['virtualbox'] };
  }
  const targets = DISK_TARGETS.filter((t) => named.includes(t));
  return targets.length > 0 ? { ok: true, targets } : { ok: false, provider: named[0] };
}

/** The disks a file has, as read (VagrantLabSettings). */
export interface FoundDisks {
  readonly dataDisk?: DataDiskInfo;
  readonly libvirtDisk?: LibvirtDiskInfo;
  readonly qemuDisk?: QemuDiskInfo;
}

/** The edits that give each machine the disk on one provider (none when it has it). */
export function diskEdits(
  target: DiskTarget,
  layout: VagrantLayout,
  found: FoundDisks,
  l10n: Localizer,
): { ok: true; edits: LineEdit[] } | { ok: false; error: string } {
  switch (target) {
    case 'virtualbox':
      return dataDiskEdits(layout, found.dataDisk, l10n);
    case 'libvirt':
      return libvirtDiskEdits(layout, found.libvirtDisk, l10n);
    case 'swarmlab_qemu':
      return qemuDiskEdits(layout, found.qemuDisk, l10n);
  }
}

export function noDiskProvider(provider: string, l10n: Localizer): string {
  return l10n.t(
    'The machines run on the {0} provider, which cannot take a VirtualBox disk and has no equivalent Swarm Lab can add: no data disk was added, and the Vagrantfile was left untouched.',
    provider,
  );
}

export interface LibvirtDiskInfo {
  /** 0-based line of `libvirt.storage :file, …`. */
  readonly line: number;
  /** As written (`'10G'`), when given. */
  readonly size?: string;
}

const STORAGE = /\.storage\s*\(?\s*:file\b(.*)$/;
const SIZE = /(?::size\s*=>|\bsize:)\s*("[^"]*"|'[^']*'|\d+)/;

/** A `storage :file` line in the machine's own libvirt block. */
export function findLibvirtDisk(layout: VagrantLayout): LibvirtDiskInfo | undefined {
  const b = layout.libvirt;
  if (!b) {
    return undefined;
  }
  for (let line = b.start + 1; line < b.end; line++) {
    const m = STORAGE.exec(layout.lines[line].code);
    if (m) {
      const size = SIZE.exec(m[1])?.[1];
      return { line, ...(size !== undefined ? { size } : {}) };
    }
  }
  return undefined;
}

/** The libvirt disk line, in the machine's libvirt block (made for the machine when the file has none). */
export function libvirtDiskEdits(
  layout: VagrantLayout,
  found: LibvirtDiskInfo | undefined,
  l10n: Localizer,
): { ok: true; edits: LineEdit[] } | { ok: false; error: string } {
  if (found) {
    return { ok: true, edits: [] };
  }
  const gb = DATA_DISK_SIZE_MB / 1024;
  const lines = (lv: string): string[] => [
    `# Swarm Lab: a second ${gb} GB disk for each machine (vagrant-libvirt names its file after the machine)`,
    `${lv}.storage :file, :size => '${gb}G'`,
  ];
  return providerLineEdits(layout, layout.libvirt, 'libvirt', ['libvirt', 'lv'], lines, l10n);
}

/**
 * Lines added at the end of a provider block (`own`), or, when the file has
 * none, in a new block for the machine, its parameter the first of `names`
 * that the define block does not use.
 */
function providerLineEdits(
  layout: VagrantLayout,
  own: Block | undefined,
  provider: string,
  names: readonly [string, string],
  lines: (name: string) => string[],
  l10n: Localizer,
): { ok: true; edits: LineEdit[] } | { ok: false; error: string } {
  if (own) {
    const indent = innerIndent(layout, own);
    return { ok: true, edits: [{ kind: 'insert', before: own.end, texts: lines(own.name).map((t) => indent + t) }] };
  }
  const { loop, define } = layout;
  if (!loop || !define) {
    return { ok: false, error: noMachineBlock(l10n, layout) };
  }
  const indent = innerIndent(layout, define);
  const name = define.name === names[0] ? names[1] : names[0];
  const texts = [
    `${define.name}.vm.provider :${provider} do |${name}|`,
    ...lines(name).map((t) => layout.unit + t),
    'end',
  ];
  return { ok: true, edits: [{ kind: 'insert', before: define.end, texts: texts.map((t) => indent + t) }] };
}

export interface QemuDiskInfo {
  /** 0-based line of `q.data_disk_gb = …`. */
  readonly line: number;
  /** As written (`10`, `$data_disk_gb`). */
  readonly size: string;
}

const QEMU = 'swarmlab_qemu';
const DATA_DISK_GB = /\.data_disk_gb\s*=(?!=)\s*(\S.*?)\s*$/d;
/** What gives no disk: nil, or 0 (which the provider refuses). */
const NO_DISK = /^(?:nil|0+)$/;

/** The swarmlab_qemu blocks every machine runs: its own first, whose settings win, then those for all machines. */
function qemuBlocks(layout: VagrantLayout): Block[] {
  const own = ownProvider(layout.providers, layout.define, QEMU);
  return [...(own ? [own] : []), ...sharedProviders(layout.providers, QEMU).reverse()];
}

/** The `data_disk_gb =` line Vagrant ends up with: the last in the machine's block, else in the blocks for all. */
function qemuAssignment(layout: VagrantLayout): QemuDiskInfo | undefined {
  for (const b of qemuBlocks(layout)) {
    for (let line = b.end - 1; line > b.start; line--) {
      const m = DATA_DISK_GB.exec(layout.lines[line].code);
      if (m) {
        return { line, size: m[1] };
      }
    }
  }
  return undefined;
}

/**
 * A `data_disk_gb = …` line in a swarmlab_qemu block every machine runs,
 * giving a disk: any value but nil or 0 (a variable such as `$data_disk_gb`
 * is taken as giving one, whatever config.rb sets it to).
 */
export function findQemuDisk(layout: VagrantLayout): QemuDiskInfo | undefined {
  const found = qemuAssignment(layout);
  return found && !NO_DISK.test(found.size) ? found : undefined;
}

/**
 * The swarmlab_qemu disk setting: a `data_disk_gb = nil` given the size in
 * place; else a line in the machine's swarmlab_qemu block, or the one for
 * all machines, or a block made for the machine when the file has neither.
 */
export function qemuDiskEdits(
  layout: VagrantLayout,
  found: QemuDiskInfo | undefined,
  l10n: Localizer,
): { ok: true; edits: LineEdit[] } | { ok: false; error: string } {
  if (found) {
    return { ok: true, edits: [] };
  }
  const gb = DATA_DISK_SIZE_MB / 1024;
  const unset = qemuAssignment(layout);
  if (unset) {
    const { text, code } = layout.lines[unset.line];
    const span = DATA_DISK_GB.exec(code)?.indices?.[1];
    if (span) {
      // Only the value's characters change: spacing and a trailing comment stay.
      return {
        ok: true,
        edits: [{ kind: 'replace', line: unset.line, text: text.slice(0, span[0]) + gb + text.slice(span[1]) }],
      };
    }
  }
  const lines = (q: string): string[] => [
    `# Swarm Lab: a second ${gb} GB disk for each machine (/dev/vdb)`,
    `${q}.data_disk_gb = ${gb}`,
  ];
  return providerLineEdits(layout, qemuBlocks(layout)[0], QEMU, ['q', 'qemu'], lines, l10n);
}

/**
 * Which providers of a Vagrantfile can take the lab's data disk. VirtualBox
 * takes the guarded `createmedium` + `storageattach` of dataDisk.ts; libvirt
 * (Vagrant on Linux with QEMU/KVM) has an equivalent, one line in the
 * machine's libvirt block: `libvirt.storage :file, :size => '10G'` (a file
 * per machine, named after it by vagrant-libvirt). The docker provider, the
 * local lab's, has no disk to add, nor Hyper-V, VMware or Parallels in the
 * form Swarm Lab writes: the disk is refused there, with the reason.
 */
import type { Localizer } from '../l10n';
import { DATA_DISK_SIZE_MB } from './dataDisk';
import { innerIndent, noMachineBlock, type LineEdit, type VagrantLayout } from './vagrantLayout';

export type DiskTarget = 'virtualbox' | 'libvirt';

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
  const targets = (['virtualbox', 'libvirt'] as const).filter((t) => named.includes(t));
  return targets.length > 0 ? { ok: true, targets } : { ok: false, provider: named[0] };
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
  const own = layout.libvirt;
  if (own) {
    const indent = innerIndent(layout, own);
    return { ok: true, edits: [{ kind: 'insert', before: own.end, texts: lines(own.name).map((t) => indent + t) }] };
  }
  const { loop, define } = layout;
  if (!loop || !define) {
    return { ok: false, error: noMachineBlock(l10n, layout) };
  }
  const indent = innerIndent(layout, define);
  const lv = define.name === 'libvirt' ? 'lv' : 'libvirt';
  const texts = [`${define.name}.vm.provider :libvirt do |${lv}|`, ...lines(lv).map((t) => layout.unit + t), 'end'];
  return { ok: true, edits: [{ kind: 'insert', before: define.end, texts: texts.map((t) => indent + t) }] };
}

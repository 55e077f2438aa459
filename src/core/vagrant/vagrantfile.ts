/**
 * Reads and updates the lab's settings in a Vagrantfile (section 1 of the
 * lab): `$num_instances`, `$vm_memory`, the extra data disk, the host-only
 * network. Edits touch only the lines of those settings or add new ones;
 * every other line comes back byte for byte. A file this cannot follow, or
 * a setting computed rather than written as a number, is refused with a
 * message and the text is not changed at all (no half edit).
 */
import type { Localizer } from '../l10n';
import { findDataDisk, type DataDiskInfo } from './dataDisk';
import {
  diskEdits,
  diskTargets,
  findLibvirtDisk,
  findQemuDisk,
  namedProviders,
  noDiskProvider,
  type LibvirtDiskInfo,
  type QemuDiskInfo,
} from './diskProviders';
import { networkEdits, networkOf, type NetworkInfo } from './hostNetwork';
import { joinRubyLines } from './rubyLines';
import { assignmentsOf, settingsSources, type GlobalAssignment, type SettingsSources } from './vagrantGlobals';
import {
  applyEdits,
  applyLineEdits,
  layoutOf,
  noMachineBlock,
  type LineEdit,
  type VagrantLayout,
} from './vagrantLayout';

export type { DataDiskInfo } from './dataDisk';
export type { LibvirtDiskInfo, QemuDiskInfo } from './diskProviders';
export type { NetworkInfo } from './hostNetwork';

/**
 * A numeric setting as the files have it. Line numbers are 0-based, in the
 * Vagrantfile, or in config.rb when `file` says so (coreos-vagrant's
 * overrides, which win: Vagrant runs what config.rb says).
 */
export type NumberSetting =
  | { readonly kind: 'number'; readonly value: number; readonly line: number; readonly file?: 'config.rb' }
  | { readonly kind: 'computed'; readonly expression: string; readonly line: number; readonly file?: 'config.rb' }
  | { readonly kind: 'absent' }
  | { readonly kind: 'ambiguous'; readonly lines: readonly number[]; readonly file?: 'config.rb' };

/** The text of config.rb beside the Vagrantfile, when there is one. */
export interface VagrantFiles {
  readonly configRb?: string;
}

export interface VagrantLabSettings {
  readonly numInstances: NumberSetting;
  /** `$vm_memory`, or else the machine's `vb.memory = N`, in MB. */
  readonly vmMemory: NumberSetting;
  readonly dataDisk?: DataDiskInfo;
  /** The disk in the machine's libvirt block (`libvirt.storage :file, :size => '10G'`). */
  readonly libvirtDisk?: LibvirtDiskInfo;
  /** The disk of the swarmlab_qemu provider (`q.data_disk_gb = 10`, any value but nil or 0). */
  readonly qemuDisk?: QemuDiskInfo;
  /** Why no data disk can be added: every provider the file names is one without a disk Swarm Lab can add. */
  readonly diskRefusal?: string;
  /** The providers the file names, in file order (none: Vagrant's default, VirtualBox). */
  readonly providers: readonly string[];
  readonly network?: NetworkInfo;
  /** Things worth telling the student (localized): config.rb overrides, an unguarded disk… */
  readonly notes: readonly string[];
}

export interface VagrantChanges {
  readonly numInstances?: number;
  readonly vmMemory?: number;
  /** Make sure each machine has the guarded 10 GB data disk. */
  readonly dataDisk?: boolean;
  /** Make sure each machine has an address on the host-only network (<prefix>.100 + i). */
  readonly hostOnlyNetwork?: boolean;
  /**
   * The first three numbers of the machines' addresses (`172.17.8`): used for
   * a network added, and changed in place where the file writes them.
   */
  readonly networkPrefix?: string;
}

export type VagrantRead =
  { readonly ok: true; readonly settings: VagrantLabSettings } | { readonly ok: false; readonly error: string };

export type VagrantEdit =
  | {
      readonly ok: true;
      /** The Vagrantfile or config.rb changed. */
      readonly changed: boolean;
      /** The Vagrantfile's new text. */
      readonly text: string;
      readonly notes: readonly string[];
      /** config.rb's new text, when it was given: the count goes there when config.rb sets it. */
      readonly configRb?: { readonly text: string; readonly changed: boolean };
    }
  | { readonly ok: false; readonly error: string };

/** Up to 9: the lab's names and addresses (`core-0i`, `ddplus0i.vdi`, `172.17.8.10i`) have one digit. */
export const INSTANCES_RANGE = [1, 9] as const;
export const MEMORY_RANGE_MB = [256, 65536] as const;

/** The lab settings of a Vagrantfile, with those config.rb overrides when it is given. */
export function readVagrantfile(text: string, l10n: Localizer, files: VagrantFiles = {}): VagrantRead {
  const analysed = analyse(text, l10n, files);
  return analysed.ok ? { ok: true, settings: analysed.settings } : analysed;
}

interface Analysed {
  readonly ok: true;
  readonly layout: VagrantLayout;
  readonly sources: SettingsSources;
  readonly settings: VagrantLabSettings;
}

function analyse(text: string, l10n: Localizer, files: VagrantFiles): Analysed | { ok: false; error: string } {
  const laid = layoutOf(text, l10n);
  if (!laid.ok) {
    return laid;
  }
  const { layout } = laid;
  const disk = findDataDisk(layout, l10n);
  if (!disk.ok) {
    return disk;
  }
  const sources = settingsSources(layout.lines, files.configRb);
  const targets = diskTargets(layout);
  const libvirtDisk = findLibvirtDisk(layout);
  const qemuDisk = findQemuDisk(layout);
  const settings: VagrantLabSettings = {
    numInstances: globalSetting(sources, ['num_instances']),
    vmMemory: memoryOf(layout, sources),
    dataDisk: disk.disk,
    ...(libvirtDisk ? { libvirtDisk } : {}),
    ...(qemuDisk ? { qemuDisk } : {}),
    ...(targets.ok ? {} : { diskRefusal: noDiskProvider(targets.provider, l10n) }),
    providers: namedProviders(layout),
    network: networkOf(layout),
    notes: [],
  };
  const notes = [...notesOf(layout, sources, settings, l10n), ...disk.ignored];
  return { ok: true, layout, sources, settings: { ...settings, notes } };
}

export function updateVagrantfile(
  text: string,
  changes: VagrantChanges,
  l10n: Localizer,
  files: VagrantFiles = {},
): VagrantEdit {
  const analysed = analyse(text, l10n, files);
  if (!analysed.ok) {
    return analysed;
  }
  const { layout, sources, settings } = analysed;
  const perMachine =
    changes.numInstances !== undefined || changes.dataDisk || changes.hostOnlyNetwork || changes.networkPrefix;
  if (perMachine && !layout.loop && layout.defines.length > 0) {
    // Machines written one by one: a loop is needed first; none is invented.
    return { ok: false, error: noMachineBlock(l10n, layout) };
  }
  const edits: LineEdit[] = [];
  const configEdits: LineEdit[] = [];
  const to = (setting: NumberSetting): LineEdit[] => ('file' in setting && setting.file ? configEdits : edits);

  if (changes.numInstances !== undefined) {
    const [min, max] = INSTANCES_RANGE;
    if (!Number.isInteger(changes.numInstances) || changes.numInstances < min || changes.numInstances > max) {
      return { ok: false, error: l10n.t('The number of machines must be a whole number from {0} to {1}.', min, max) };
    }
    const edit = numberEdit(layout, sources, settings.numInstances, '$num_instances', changes.numInstances, l10n);
    if (!edit.ok) {
      return edit;
    }
    to(settings.numInstances).push(...edit.edits);
  }
  if (changes.vmMemory !== undefined) {
    const [min, max] = MEMORY_RANGE_MB;
    if (!Number.isInteger(changes.vmMemory) || changes.vmMemory < min || changes.vmMemory > max) {
      return {
        ok: false,
        error: l10n.t('The memory of a machine must be a whole number of MB from {0} to {1}.', min, max),
      };
    }
    const edit = numberEdit(layout, sources, settings.vmMemory, '$vm_memory', changes.vmMemory, l10n);
    if (!edit.ok) {
      return edit;
    }
    to(settings.vmMemory).push(...edit.edits);
  }
  if (changes.dataDisk) {
    const targets = diskTargets(layout);
    if (!targets.ok) {
      return { ok: false, error: noDiskProvider(targets.provider, l10n) };
    }
    for (const target of targets.targets) {
      const edit = diskEdits(target, layout, settings, l10n);
      if (!edit.ok) {
        return edit;
      }
      edits.push(...edit.edits);
    }
  }
  if (changes.hostOnlyNetwork || changes.networkPrefix !== undefined) {
    const edit = networkEdits(layout, settings.network, changes.hostOnlyNetwork ?? false, changes.networkPrefix, l10n);
    if (!edit.ok) {
      return edit;
    }
    edits.push(...edit.edits);
  }

  const updated = joinRubyLines(applyEdits(layout, edits));
  const config =
    files.configRb !== undefined && sources.configRb
      ? joinRubyLines(applyLineEdits(sources.configRb, '\n', configEdits))
      : files.configRb;
  const after = readVagrantfile(updated, l10n, config !== undefined ? { configRb: config } : {});
  const configChanged = config !== files.configRb;
  return {
    ok: true,
    changed: updated !== text || configChanged,
    text: updated,
    notes: after.ok ? after.settings.notes : [],
    ...(config !== undefined ? { configRb: { text: config, changed: configChanged } } : {}),
  };
}

/**
 * A `$setting` as Vagrant gets it: config.rb's, when the Vagrantfile loads
 * it and it sets one; else the Vagrantfile's line that always runs (a
 * `$num_instances = ENV[…]` inside an `if` is not the default); else any.
 */
function globalSetting(sources: SettingsSources, names: readonly string[]): NumberSetting {
  const found = names.map((n) => assignmentsOf(sources, n));
  const inConfig = found.flatMap((f) => f.sure.filter((a) => a.file === 'config.rb'));
  if (inConfig.length > 0) {
    return { ...numberSetting(inConfig), file: 'config.rb' } as NumberSetting;
  }
  const own = (list: readonly GlobalAssignment[]): GlobalAssignment[] => list.filter((a) => a.file === 'Vagrantfile');
  const sure = found.flatMap((f) => own(f.sure));
  return numberSetting(sure.length > 0 ? sure : found.flatMap((f) => own([...f.sure, ...f.conditional])));
}

function numberSetting(found: ReadonlyArray<{ line: number; expression: string }>): NumberSetting {
  if (found.length === 0) {
    return { kind: 'absent' };
  }
  if (found.length > 1) {
    return { kind: 'ambiguous', lines: found.map((f) => f.line).sort((a, b) => a - b) };
  }
  const [{ line, expression }] = found;
  return /^\d+(?:_\d+)*$/.test(expression)
    ? { kind: 'number', value: Number(expression.replace(/_/g, '')), line }
    : { kind: 'computed', expression, line };
}

/**
 * `$vm_memory` (config.rb's `$vb_memory` when the Vagrantfile still reads
 * that old name), or else `vb.memory = N` in the machine's VirtualBox block.
 */
function memoryOf(layout: VagrantLayout, sources: SettingsSources): NumberSetting {
  const oldName = layout.lines.some((l) => /\$vb_memory\b/.test(l.code));
  const global = globalSetting(sources, oldName ? ['vb_memory', 'vm_memory'] : ['vm_memory']);
  const fromConfig = global.kind !== 'absent' && global.file === 'config.rb';
  const setting = fromConfig || !oldName ? global : globalSetting(sources, ['vm_memory']);
  const { provider } = layout;
  if (setting.kind !== 'absent' || !provider) {
    return setting;
  }
  const pattern = new RegExp(`^\\s*${provider.name}\\.memory\\s*=(?!=)\\s*(\\S.*?)\\s*$`);
  const found = [];
  for (let line = provider.start + 1; line < provider.end; line++) {
    const m = pattern.exec(layout.lines[line].code);
    if (m) {
      found.push({ line, expression: m[1] });
    }
  }
  return numberSetting(found);
}

function numberEdit(
  layout: VagrantLayout,
  sources: SettingsSources,
  setting: NumberSetting,
  name: string,
  value: number,
  l10n: Localizer,
): { ok: true; edits: LineEdit[] } | { ok: false; error: string } {
  switch (setting.kind) {
    case 'absent':
      return {
        ok: false,
        error: l10n.t('This Vagrantfile has no "{0} = <number>" line; it was left untouched.', name),
      };
    case 'ambiguous': {
      const lines = setting.lines.map((l) => l + 1).join(', ');
      return {
        ok: false,
        error: setting.file
          ? l10n.t('{0} is set on several lines of config.rb ({1}); both files were left untouched.', name, lines)
          : l10n.t('{0} is set on several lines ({1}); it was left untouched.', name, lines),
      };
    }
    case 'computed':
      return {
        ok: false,
        error: setting.file
          ? l10n.t(
              '{0} is computed in config.rb ({1}): change it by hand; both files were left untouched.',
              name,
              setting.expression,
            )
          : l10n.t(
              '{0} is computed here ({1}): change it by hand; the Vagrantfile was left untouched.',
              name,
              setting.expression,
            ),
      };
    case 'number': {
      const line = (setting.file ? (sources.configRb ?? []) : layout.lines)[setting.line];
      // Only the number's characters change: spacing and a trailing comment stay.
      const m = /=(?!=)\s*(\d+(?:_\d+)*)/d.exec(line.code);
      const span = m?.indices?.[1];
      if (!span) {
        // Unreachable: the setting was read as a plain number from this very line.
        throw new Error(`no number in line ${setting.line + 1}`);
      }
      const text = line.text.slice(0, span[0]) + String(value) + line.text.slice(span[1]);
      return { ok: true, edits: text === line.text ? [] : [{ kind: 'replace', line: setting.line, text }] };
    }
  }
}

function notesOf(
  layout: VagrantLayout,
  sources: SettingsSources,
  settings: VagrantLabSettings,
  l10n: Localizer,
): string[] {
  const notes: string[] = [];
  const count = settings.numInstances;
  if (count.kind === 'number' && count.file) {
    notes.push(
      l10n.t(
        'config.rb sets the number of machines ({0}, line {1}): Swarm Lab changes it there.',
        count.value,
        count.line + 1,
      ),
    );
  } else if (
    sources.loadLine !== undefined ||
    layout.lines.some((l) => /\brequire\s+CONFIG\b|config\.rb/.test(l.code))
  ) {
    notes.push(l10n.t('This Vagrantfile loads config.rb when it exists: a value set there wins over the one here.'));
  }
  for (const a of assignmentsOf(sources, 'num_instances').conditional) {
    if (a.file === 'Vagrantfile' && (count.kind !== 'number' || count.line !== a.line || count.file)) {
      notes.push(l10n.t('Line {0} may change the number of machines when it runs: {1}', a.line + 1, a.expression));
    }
  }
  const disk = settings.dataDisk;
  if (disk?.createLine !== undefined && !disk.guarded) {
    notes.push(
      l10n.t(
        'The data disk is created on every "vagrant up" (line {0}), which fails once the file exists.',
        disk.createLine + 1,
      ),
    );
  }
  if (disk?.oldExistsCall) {
    notes.push(
      l10n.t('The data disk guard uses File.exists?, which recent Vagrant releases no longer have: use File.exist?.'),
    );
  }
  if (
    disk?.attachLine !== undefined &&
    (disk.controller !== 'IDE Controller' || disk.port !== 1 || disk.device !== 1)
  ) {
    notes.push(
      l10n.t(
        'The data disk is attached elsewhere than the lab says (IDE Controller, port 1, device 1): check the device name the storage steps use.',
      ),
    );
  }
  return notes;
}

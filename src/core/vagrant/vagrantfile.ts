/**
 * Reads and updates the lab's settings in a Vagrantfile (section 1 of the
 * lab): `$num_instances`, `$vm_memory`, the extra data disk, the host-only
 * network. Edits touch only the lines of those settings or add new ones;
 * every other line comes back byte for byte. A file this cannot follow, or
 * a setting computed rather than written as a number, is refused with a
 * message and the text is not changed at all (no half edit).
 */
import type { Localizer } from '../l10n';
import { dataDiskEdits, findDataDisk, type DataDiskInfo } from './dataDisk';
import { networkEdits, networkOf, type NetworkInfo } from './hostNetwork';
import { joinRubyLines, type RubyLine } from './rubyLines';
import { applyEdits, layoutOf, type LineEdit, type VagrantLayout } from './vagrantLayout';

export type { DataDiskInfo } from './dataDisk';
export type { NetworkInfo } from './hostNetwork';

/** A numeric setting as the file has it. Line numbers are 0-based. */
export type NumberSetting =
  | { readonly kind: 'number'; readonly value: number; readonly line: number }
  | { readonly kind: 'computed'; readonly expression: string; readonly line: number }
  | { readonly kind: 'absent' }
  | { readonly kind: 'ambiguous'; readonly lines: readonly number[] };

export interface VagrantLabSettings {
  readonly numInstances: NumberSetting;
  /** `$vm_memory`, or else the machine's `vb.memory = N`, in MB. */
  readonly vmMemory: NumberSetting;
  readonly dataDisk?: DataDiskInfo;
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
  | { readonly ok: true; readonly changed: boolean; readonly text: string; readonly notes: readonly string[] }
  | { readonly ok: false; readonly error: string };

/** Up to 9: the lab's names and addresses (`core-0i`, `ddplus0i.vdi`, `172.17.8.10i`) have one digit. */
export const INSTANCES_RANGE = [1, 9] as const;
export const MEMORY_RANGE_MB = [256, 65536] as const;

export function readVagrantfile(text: string, l10n: Localizer): VagrantRead {
  const analysed = analyse(text, l10n);
  return analysed.ok ? { ok: true, settings: analysed.settings } : analysed;
}

function analyse(
  text: string,
  l10n: Localizer,
): { ok: true; layout: VagrantLayout; settings: VagrantLabSettings } | { ok: false; error: string } {
  const laid = layoutOf(text, l10n);
  if (!laid.ok) {
    return laid;
  }
  const { layout } = laid;
  const disk = findDataDisk(layout, l10n);
  if (!disk.ok) {
    return disk;
  }
  const settings: VagrantLabSettings = {
    numInstances: globalNumber(layout.lines, 'num_instances'),
    vmMemory: memoryOf(layout),
    dataDisk: disk.disk,
    network: networkOf(layout),
    notes: [],
  };
  return { ok: true, layout, settings: { ...settings, notes: notesOf(layout, settings, l10n) } };
}

export function updateVagrantfile(text: string, changes: VagrantChanges, l10n: Localizer): VagrantEdit {
  const analysed = analyse(text, l10n);
  if (!analysed.ok) {
    return analysed;
  }
  const { layout, settings } = analysed;
  const edits: LineEdit[] = [];

  if (changes.numInstances !== undefined) {
    const [min, max] = INSTANCES_RANGE;
    if (!Number.isInteger(changes.numInstances) || changes.numInstances < min || changes.numInstances > max) {
      return { ok: false, error: l10n.t('The number of machines must be a whole number from {0} to {1}.', min, max) };
    }
    const edit = numberEdit(layout, settings.numInstances, '$num_instances', changes.numInstances, l10n);
    if (!edit.ok) {
      return edit;
    }
    edits.push(...edit.edits);
  }
  if (changes.vmMemory !== undefined) {
    const [min, max] = MEMORY_RANGE_MB;
    if (!Number.isInteger(changes.vmMemory) || changes.vmMemory < min || changes.vmMemory > max) {
      return {
        ok: false,
        error: l10n.t('The memory of a machine must be a whole number of MB from {0} to {1}.', min, max),
      };
    }
    const edit = numberEdit(layout, settings.vmMemory, '$vm_memory', changes.vmMemory, l10n);
    if (!edit.ok) {
      return edit;
    }
    edits.push(...edit.edits);
  }
  if (changes.dataDisk) {
    const edit = dataDiskEdits(layout, settings.dataDisk, l10n);
    if (!edit.ok) {
      return edit;
    }
    edits.push(...edit.edits);
  }
  if (changes.hostOnlyNetwork || changes.networkPrefix !== undefined) {
    const edit = networkEdits(layout, settings.network, changes.hostOnlyNetwork ?? false, changes.networkPrefix, l10n);
    if (!edit.ok) {
      return edit;
    }
    edits.push(...edit.edits);
  }

  const updated = joinRubyLines(applyEdits(layout, edits));
  const after = readVagrantfile(updated, l10n);
  return { ok: true, changed: updated !== text, text: updated, notes: after.ok ? after.settings.notes : [] };
}

/** `$name = <expression>` at the start of a line, anywhere in the file. */
function globalNumber(lines: readonly RubyLine[], name: string): NumberSetting {
  const pattern = new RegExp(`^\\s*\\$${name}\\s*=(?!=)\\s*(\\S.*?)\\s*$`);
  const found = lines.flatMap((l, line) => {
    const m = pattern.exec(l.code);
    return m ? [{ line, expression: m[1] }] : [];
  });
  return numberSetting(found);
}

function numberSetting(found: ReadonlyArray<{ line: number; expression: string }>): NumberSetting {
  if (found.length === 0) {
    return { kind: 'absent' };
  }
  if (found.length > 1) {
    return { kind: 'ambiguous', lines: found.map((f) => f.line) };
  }
  const [{ line, expression }] = found;
  return /^\d+(?:_\d+)*$/.test(expression)
    ? { kind: 'number', value: Number(expression.replace(/_/g, '')), line }
    : { kind: 'computed', expression, line };
}

/** `$vm_memory`, or else `vb.memory = N` in the machine's VirtualBox block. */
function memoryOf(layout: VagrantLayout): NumberSetting {
  const global = globalNumber(layout.lines, 'vm_memory');
  const { provider } = layout;
  if (global.kind !== 'absent' || !provider) {
    return global;
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
    case 'ambiguous':
      return {
        ok: false,
        error: l10n.t(
          '{0} is set on several lines ({1}); it was left untouched.',
          name,
          setting.lines.map((l) => l + 1).join(', '),
        ),
      };
    case 'computed':
      return {
        ok: false,
        error: l10n.t(
          '{0} is computed here ({1}): change it by hand; the Vagrantfile was left untouched.',
          name,
          setting.expression,
        ),
      };
    case 'number': {
      const line = layout.lines[setting.line];
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

function notesOf(layout: VagrantLayout, settings: VagrantLabSettings, l10n: Localizer): string[] {
  const notes: string[] = [];
  if (layout.lines.some((l) => /\brequire\s+CONFIG\b|config\.rb/.test(l.code))) {
    notes.push(l10n.t('This Vagrantfile loads config.rb when it exists: a value set there wins over the one here.'));
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

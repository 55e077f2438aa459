/**
 * The checks of the lab's section 1 that need no command on the machines:
 * every machine of the lab is reachable (from the states the machine
 * registry keeps), and the workspace's Vagrantfile gives each VM the guarded
 * 10 GB data disk (from what readVagrantfile found in it).
 */
import type { CheckOutcome } from '../labPanel/labActions';
import type { Localizer } from '../l10n';
import { labMachinesOf } from '../labRunner/labMachines';
import type { Machine } from '../machines/machine';
import { DATA_DISK_SIZE_MB } from '../vagrant/dataDisk';
import type { VagrantRead } from '../vagrant/vagrantfile';

/** The lab's machines, stopped ones included, chosen as the steps choose them (one rule). */
export { labMachinesOf };

/** machines.reachable: every machine of the lab answered over SSH, and its Docker engine too. */
export function machinesReachable(machines: readonly Machine[], l10n: Localizer): CheckOutcome {
  const lab = labMachinesOf(machines);
  if (lab.length === 0) {
    return {
      state: 'fail',
      why: l10n.t('No lab machines yet: bring the VMs up (vagrant up), or start the local lab.'),
    };
  }
  const problems = lab.flatMap((m) => {
    switch (m.state.kind) {
      case 'running':
        return [];
      case 'stopped':
        return [l10n.t('{0} is stopped', m.name)];
      case 'unreachable':
        return [l10n.t('{0} is unreachable ({1})', m.name, m.state.reason)];
      case 'connecting':
        return [l10n.t('{0} is still connecting', m.name)];
    }
  });
  const names = lab.map((m) => m.name).join(', ');
  if (problems.length === 0) {
    return { state: 'pass', why: l10n.t('Every machine answers over SSH with its Docker engine: {0}.', names) };
  }
  const waiting = lab.every((m) => m.state.kind === 'running' || m.state.kind === 'connecting');
  return { state: waiting ? 'unknown' : 'fail', why: `${problems.join('; ')}.` };
}

/** One workspace folder's Vagrantfile, read; undefined when the folder has none. */
export interface FolderVagrantfile {
  readonly folder: string;
  readonly read?: VagrantRead;
}

/** vagrant.data-disk: the Vagrantfile gives every VM the extra disk, created once and attached. */
export function dataDiskDeclared(files: readonly FolderVagrantfile[], l10n: Localizer): CheckOutcome {
  const present = files.filter((f) => f.read !== undefined);
  if (present.length === 0) {
    return {
      state: 'fail',
      why: l10n.t('There is no Vagrantfile in the workspace: run the step above to create it.'),
    };
  }
  const verdicts = present.map((f) => ({ folder: f.folder, ...diskVerdict(f.read as VagrantRead, l10n) }));
  const failed = verdicts.filter((v) => !v.ok);
  const label = (v: { folder: string; why: string }): string => (present.length > 1 ? `${v.folder}: ${v.why}` : v.why);
  return failed.length === 0
    ? { state: 'pass', why: verdicts.map(label).join(' ') }
    : { state: 'fail', why: failed.map(label).join(' ') };
}

function diskVerdict(read: VagrantRead, l10n: Localizer): { ok: boolean; why: string } {
  if (!read.ok) {
    return { ok: false, why: read.error };
  }
  const disk = read.settings.dataDisk;
  const libvirt = read.settings.libvirtDisk;
  if (!disk && libvirt) {
    return {
      ok: true,
      why: l10n.t('Each machine gets its libvirt data disk (line {0}).', libvirt.line + 1),
    };
  }
  const qemu = read.settings.qemuDisk;
  if (!disk && qemu) {
    return {
      ok: true,
      why: l10n.t('Each machine gets its swarmlab_qemu data disk (line {0}).', qemu.line + 1),
    };
  }
  if (!disk || disk.createLine === undefined) {
    return {
      ok: false,
      why: disk
        ? l10n.t('The Vagrantfile attaches a data disk but never creates it.')
        : l10n.t('The Vagrantfile gives the machines no data disk.'),
    };
  }
  if (!disk.guarded) {
    return {
      ok: false,
      why: l10n.t(
        'The data disk is created on every "vagrant up" (line {0}), which fails once the file exists.',
        disk.createLine + 1,
      ),
    };
  }
  if (disk.attachLine === undefined) {
    return { ok: false, why: l10n.t('The data disk is created but never attached to the machine.') };
  }
  if (disk.sizeMb !== undefined && disk.sizeMb < DATA_DISK_SIZE_MB) {
    return {
      ok: false,
      why: l10n.t('The data disk has {0} MB; the lab needs {1} MB.', disk.sizeMb, DATA_DISK_SIZE_MB),
    };
  }
  return {
    ok: true,
    why: l10n.t(
      'Each machine gets its data disk (created once, line {0}; attached to {1}, port {2}, device {3}, line {4}).',
      disk.createLine + 1,
      disk.controller ?? '?',
      disk.port ?? '?',
      disk.device ?? '?',
      disk.attachLine + 1,
    ),
  };
}

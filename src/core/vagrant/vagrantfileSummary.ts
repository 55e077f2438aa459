/**
 * What an edit of the lab's Vagrantfile changes, one sentence per setting,
 * from the settings read before and after: what the student confirms before
 * the edit is applied, and the step's summary in the lab panel.
 */
import type { Localizer } from '../l10n';
import { DATA_DISK_SIZE_MB } from './dataDisk';
import type { NumberSetting, VagrantLabSettings } from './vagrantfile';

function numberOf(setting: NumberSetting): number | undefined {
  return setting.kind === 'number' ? setting.value : undefined;
}

export function describeVagrantfileChanges(
  before: VagrantLabSettings | undefined,
  after: VagrantLabSettings,
  l10n: Localizer,
): string[] {
  const lines: string[] = [];
  const gb = DATA_DISK_SIZE_MB / 1024;
  if (!before) {
    lines.push(
      l10n.t(
        'A new Vagrantfile: {0} machines, {1} MB of memory each.',
        numberOf(after.numInstances) ?? '?',
        numberOf(after.vmMemory) ?? '?',
      ),
    );
  } else {
    const [n0, n1] = [numberOf(before.numInstances), numberOf(after.numInstances)];
    if (n0 !== undefined && n1 !== undefined && n0 !== n1) {
      lines.push(l10n.t('Machines: {0} → {1}.', n0, n1));
    }
    const [m0, m1] = [numberOf(before.vmMemory), numberOf(after.vmMemory)];
    if (m0 !== undefined && m1 !== undefined && m0 !== m1) {
      lines.push(l10n.t('Memory per machine: {0} → {1} MB.', m0, m1));
    }
  }
  const [d0, d1] = [before?.dataDisk, after.dataDisk];
  if (d1 && !d0) {
    lines.push(
      l10n.t(
        'Data disk: {0} GB per machine, created on the first "vagrant up" only, attached to the IDE Controller, port 1, device 1.',
        gb,
      ),
    );
  } else if (d0 && d1) {
    if (!d0.guarded && d1.guarded) {
      lines.push(l10n.t('Data disk: created only if its file does not exist yet (File.exist? guard added).'));
    }
    if (d0.oldExistsCall && !d1.oldExistsCall) {
      lines.push(l10n.t('Data disk: File.exists? replaced by File.exist?.'));
    }
    if (d0.attachLine === undefined && d1.attachLine !== undefined) {
      lines.push(l10n.t('Data disk: attached to the IDE Controller, port 1, device 1.'));
    }
  }
  if (after.qemuDisk && !before?.qemuDisk) {
    lines.push(l10n.t('Data disk: {0} GB per machine, /dev/vdb (data_disk_gb of the swarmlab_qemu provider).', gb));
  }
  const [w0, w1] = [before?.network, after.network];
  if (w1 && !w0) {
    lines.push(l10n.t('Host-only network: {0}.101 for the first machine, {0}.102 for the second…', w1.prefix ?? '?'));
  } else if (w0?.prefix && w1?.prefix && w0.prefix !== w1.prefix) {
    lines.push(l10n.t("Machines' addresses: {0}.10x → {1}.10x.", w0.prefix, w1.prefix));
  }
  return lines;
}

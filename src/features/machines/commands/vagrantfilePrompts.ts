import * as vscode from 'vscode';
import { DATA_DISK_SIZE_MB } from '../../../core/vagrant/dataDisk';
import { DEFAULT_NETWORK_PREFIX, isNetworkPrefix } from '../../../core/vagrant/hostNetwork';
import { INSTANCES_RANGE, MEMORY_RANGE_MB, type VagrantLabSettings } from '../../../core/vagrant/vagrantfile';

/** What configureVagrantfile sets; undefined leaves a setting as the file has it. */
export interface VagrantfileValues {
  readonly numInstances?: number;
  /** Per machine, in MB (MiB, as VirtualBox counts). */
  readonly vmMemory?: number;
  /** Give each machine the guarded 10 GB data disk. */
  readonly dataDisk?: boolean;
  /** `172.17.8`: the host-only network's first three numbers; '' for none (a new file). */
  readonly networkPrefix?: string;
}

/**
 * Asks, one input at a time, for the values not given, with the file's
 * current ones as defaults; a setting the file computes (or does not have)
 * is not asked, since it cannot be edited. Undefined when one is cancelled.
 */
export async function askVagrantfileValues(
  settings: VagrantLabSettings | undefined,
  given: VagrantfileValues,
  token?: vscode.CancellationToken,
): Promise<{ values: VagrantfileValues; prompted: boolean } | undefined> {
  let prompted = false;
  const title = vscode.l10n.t("The lab's Vagrantfile");
  const ask = async (options: vscode.InputBoxOptions): Promise<string | undefined> => {
    prompted = true;
    return vscode.window.showInputBox({ title, ignoreFocusOut: true, ...options }, token);
  };

  let numInstances = given.numInstances;
  const instances = settings?.numInstances;
  if (numInstances === undefined && (!instances || instances.kind === 'number')) {
    const [min, max] = INSTANCES_RANGE;
    const typed = await ask({
      prompt: vscode.l10n.t('Number of machines ({0} to {1}): 5 for 3 managers and 2 workers', min, max),
      value: String(instances?.kind === 'number' ? instances.value : 3),
      validateInput: (v) =>
        wholeIn(v, min, max) ? undefined : vscode.l10n.t('A whole number from {0} to {1}.', min, max),
    });
    if (typed === undefined) {
      return undefined;
    }
    numInstances = Number(typed.trim());
  }

  let vmMemory = given.vmMemory;
  const memory = settings?.vmMemory;
  if (vmMemory === undefined && (!memory || memory.kind === 'number')) {
    const [min, max] = MEMORY_RANGE_MB;
    const typed = await ask({
      prompt: vscode.l10n.t('Memory of each machine, in MiB ({0} to {1})', min, max),
      value: String(memory?.kind === 'number' ? memory.value : 2048),
      validateInput: (v) =>
        wholeIn(v, min, max) ? undefined : vscode.l10n.t('A whole number from {0} to {1}.', min, max),
    });
    if (typed === undefined) {
      return undefined;
    }
    vmMemory = Number(typed.trim());
  }

  let dataDisk = given.dataDisk;
  const disk = settings?.dataDisk;
  const complete =
    (disk !== undefined && disk.guarded && disk.attachLine !== undefined && !disk.oldExistsCall) ||
    (disk === undefined && (settings?.libvirtDisk !== undefined || settings?.qemuDisk !== undefined));
  // A provider without a disk Swarm Lab can add (docker): not asked, so that the rest can still change.
  if (dataDisk === undefined && !complete && settings?.diskRefusal === undefined) {
    prompted = true;
    const gb = DATA_DISK_SIZE_MB / 1024;
    const yes = {
      label: disk ? vscode.l10n.t('Fix the data disk') : vscode.l10n.t('Add a {0} GB data disk to each machine', gb),
      detail: vscode.l10n.t(
        'Created on the first "vagrant up" only (File.exist? guard), attached to the IDE Controller, port 1, device 1: the storage of section 5.',
      ),
      value: true,
    };
    const no = {
      label: disk ? vscode.l10n.t('Leave the data disk as it is') : vscode.l10n.t('No data disk'),
      value: false,
    };
    const picked = await vscode.window.showQuickPick([yes, no], { title, ignoreFocusOut: true }, token);
    if (!picked) {
      return undefined;
    }
    dataDisk = picked.value;
  }

  let networkPrefix = given.networkPrefix;
  const network = settings?.network;
  if (networkPrefix === undefined && (!network || network.prefix !== undefined)) {
    const optional = !network;
    const typed = await ask({
      prompt: optional
        ? vscode.l10n.t(
            'Host-only network: the first three numbers of the addresses (machine i gets .100+i); empty for none',
          )
        : vscode.l10n.t('Host-only network: the first three numbers of the addresses (machine i gets .100+i)'),
      value: network?.prefix ?? DEFAULT_NETWORK_PREFIX,
      validateInput: (v) =>
        isNetworkPrefix(v.trim()) || (optional && v.trim() === '')
          ? undefined
          : vscode.l10n.t('Three numbers from 0 to 255, such as 172.17.8.'),
    });
    if (typed === undefined) {
      return undefined;
    }
    networkPrefix = typed.trim();
  }

  if (token?.isCancellationRequested) {
    return undefined;
  }
  return { values: { numInstances, vmMemory, dataDisk, networkPrefix }, prompted };
}

function wholeIn(text: string, min: number, max: number): boolean {
  const v = text.trim();
  return /^\d+$/.test(v) && Number(v) >= min && Number(v) <= max;
}

import * as vscode from 'vscode';
import { sshHostMachines } from '../../core/ssh/sshHosts';
import { settings } from '../../editor/settings';
import { refresh } from '../../editor/refresh';
import { Disposable } from '../../platform/disposable';
import type { ListedMachine, MachineListSource } from './machineRegistry';

/**
 * The machines of the `swarmLab.hosts` setting (resolved with ~/.ssh/config).
 * A bad entry is reported on its own; the others still work. Their state is
 * only known by connecting, which the registry does.
 */
export class SshHostsSource extends Disposable implements MachineListSource {
  readonly id = 'ssh';
  private readonly changed = this._register(new vscode.EventEmitter<void>());
  readonly onDidChange = this.changed.event;

  constructor() {
    super();
    this._register(
      refresh().onSettings(['hosts'], () => {
        this.changed.fire();
      }),
    );
  }

  async list(): Promise<{ machines: ListedMachine[]; problems: string[] }> {
    const value = settings().hosts();
    if (!Array.isArray(value) || value.length === 0) {
      return { machines: [], problems: [] };
    }
    const { machines, problems } = await sshHostMachines(value, { l10n: vscode.l10n });
    return { machines: machines.map((definition) => ({ definition })), problems: problems.map((p) => p.message) };
  }
}

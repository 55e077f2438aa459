import * as vscode from 'vscode';
import { Machine } from '../core/machines/machine';
import { LocalLabService } from '../services/localLabService';
import { Command } from './command';

/** An SSH session to a machine in a terminal, through the lab's ssh_config (host key pinned). */
export function openMachineTerminalCommand(lab: LocalLabService): Command {
  return {
    id: 'swarmLab.machines.openTerminal',
    async execute(arg: unknown) {
      const machine =
        (arg as Machine | undefined) ??
        (
          await vscode.window.showQuickPick(
            lab.machines().map((m) => ({ label: m.name, description: m.host, machine: m })),
            { placeHolder: vscode.l10n.t('Select a machine') },
          )
        )?.machine;
      if (!machine) {
        return undefined;
      }
      const terminal = vscode.window.createTerminal({
        name: machine.name,
        shellPath: 'ssh',
        shellArgs: ['-F', lab.lab().layout().sshConfig, machine.name],
        iconPath: new vscode.ThemeIcon('terminal'),
      });
      terminal.show();
      return terminal;
    },
  };
}

import * as vscode from 'vscode';
import { vagrantSshTerminal } from '../../../clients/vagrant/vagrantCli';
import { Machine } from '../../../core/machines/machine';
import { LocalLabService } from '../../../model/machines/localLabService';
import { MachineRegistry } from '../../../model/machines/machineRegistry';
import { Command } from '../../../editor/command';

/**
 * An SSH session to a machine in a terminal, the way its source connects:
 * the local lab through its ssh_config (host key pinned), a Vagrant machine
 * through `vagrant ssh`, an SSH host with the same key and known_hosts file
 * as Swarm Lab's own connection.
 */
export function openMachineTerminalCommand(
  registry: MachineRegistry,
  lab: LocalLabService,
  knownHostsFile: () => string,
): Command {
  return {
    id: 'swarmLab.machines.openTerminal',
    async execute(arg: unknown) {
      const machine =
        (arg as Machine | undefined) ??
        (
          await vscode.window.showQuickPick(
            registry.machines().map((m) => ({ label: m.name, description: m.host, machine: m })),
            { placeHolder: vscode.l10n.t('Select a machine') },
          )
        )?.machine;
      if (!machine) {
        return undefined;
      }
      const terminal = vscode.window.createTerminal({
        name: machine.name,
        ...shellFor(machine, lab, knownHostsFile()),
        iconPath: new vscode.ThemeIcon('terminal'),
      });
      terminal.show();
      return terminal;
    },
  };
}

function shellFor(
  m: Machine,
  lab: LocalLabService,
  knownHosts: string,
): Pick<vscode.TerminalOptions, 'shellPath' | 'shellArgs' | 'cwd' | 'env'> {
  if (m.source === 'local-lab') {
    return { shellPath: 'ssh', shellArgs: ['-F', lab.lab().layout().sshConfig, m.name] };
  }
  if (m.source === 'vagrant' && m.vagrant) {
    return vagrantSshTerminal(m.vagrant.dir, m.vagrant.machine);
  }
  const identity = m.identityFile ? ['-i', m.identityFile] : [];
  return {
    shellPath: 'ssh',
    shellArgs: ['-p', String(m.port), ...identity, '-o', `UserKnownHostsFile=${knownHosts}`, `${m.user}@${m.host}`],
  };
}

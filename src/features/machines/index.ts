import * as vscode from 'vscode';
import type { Command } from '../../editor/command';
import type { Machine } from '../../core/machines/machine';
import type { LiveModel } from '../../model';
import { addSshHostCommand } from './commands/addSshHost';
import { checkDockerConnectionCommand } from './commands/checkDockerConnection';
import { configureVagrantfileCommand, vagrantfileStep } from './commands/configureVagrantfile';
import { openMachineTerminalCommand } from './commands/openMachineTerminal';
import { refreshMachinesCommand } from './commands/refreshMachines';
import { startLocalLabCommand } from './commands/startLocalLab';
import { stopLocalLabCommand } from './commands/stopLocalLab';
import { vagrantActionCommands } from './commands/vagrantActions';
import { MachinesTreeProvider } from './machinesTreeProvider';

export interface MachinesDeps {
  readonly log: vscode.LogOutputChannel;
  /** The Machines view the activation entry created. */
  readonly view: vscode.TreeView<unknown>;
  readonly model: LiveModel;
}

export interface MachinesFeature {
  readonly machinesTree: MachinesTreeProvider;
  /** Lab section 1's step: the Vagrantfile, written as Configure Vagrantfile does (the lab feature runs it). */
  readonly vagrantfileStep: typeof vagrantfileStep;
  readonly commands: readonly Command[];
}

/** The Machines view and the commands on machines: the local lab, SSH hosts, Vagrant and its Vagrantfile. */
export function register(context: vscode.ExtensionContext, { log, view, model }: MachinesDeps): MachinesFeature {
  const { machines, localLab, localEngine, sshTrust, vagrant } = model;
  const machinesTree = new MachinesTreeProvider(machines);
  machinesTree.attach(view as vscode.TreeView<Machine>);
  context.subscriptions.push(machinesTree);
  return {
    machinesTree,
    vagrantfileStep,
    commands: [
      checkDockerConnectionCommand(localEngine, log),
      startLocalLabCommand(localLab, context.extensionUri, log),
      stopLocalLabCommand(localLab),
      refreshMachinesCommand(machines, sshTrust),
      openMachineTerminalCommand(machines, localLab, model.knownHostsFile),
      addSshHostCommand(),
      ...vagrantActionCommands(vagrant, log),
      configureVagrantfileCommand(),
    ],
  };
}

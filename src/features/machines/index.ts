import * as vscode from 'vscode';
import type { Command } from '../../editor/command';
import { refresh } from '../../editor/refresh';
import type { Machine } from '../../core/machines/machine';
import type { MachineConnectionOptions } from '../../clients/machines/machineConnection';
import { addSshHostCommand } from './commands/addSshHost';
import { checkDockerConnectionCommand } from './commands/checkDockerConnection';
import { configureVagrantfileCommand, vagrantfileStep } from './commands/configureVagrantfile';
import { openMachineTerminalCommand } from './commands/openMachineTerminal';
import { refreshMachinesCommand } from './commands/refreshMachines';
import { startLocalLabCommand } from './commands/startLocalLab';
import { stopLocalLabCommand } from './commands/stopLocalLab';
import { vagrantActionCommands } from './commands/vagrantActions';
import { LocalDockerEngine } from './localDockerEngine';
import { LocalLabService } from './localLabService';
import { MachineRegistry } from './machineRegistry';
import { MachinesTreeProvider } from './machinesTreeProvider';
import { SshHostsSource } from './sshHostsSource';
import { SshTrust } from './sshTrust';
import { VagrantSource } from './vagrantSource';

export type { LocalDockerEngine } from './localDockerEngine';
export type { LocalLabService } from './localLabService';
export type { MachineRegistry } from './machineRegistry';
export type { MachinesTreeProvider } from './machinesTreeProvider';

export interface MachinesDeps {
  readonly log: vscode.LogOutputChannel;
  /** The Machines view the activation entry created. */
  readonly view: vscode.TreeView<unknown>;
}

/** What the machines feature gives the others: the machines, the local lab and engine, and section 1's step. */
export interface MachinesFeature {
  readonly machines: MachineRegistry;
  readonly localLab: LocalLabService;
  readonly localEngine: LocalDockerEngine;
  readonly machinesTree: MachinesTreeProvider;
  /** The known_hosts file the SSH connections check host keys against (terminals use it too). */
  readonly knownHostsFile: () => string;
  /** Lab section 1's step: the Vagrantfile, written by Configure Vagrantfile. */
  readonly vagrantfileStep: typeof vagrantfileStep;
  readonly commands: readonly Command[];
}

/**
 * The machines of every source (the local lab, SSH hosts, Vagrant), the
 * Machines view, and the commands on machines. Nothing connects here: the
 * registry probes when the view is first shown or a command asks.
 */
export function register(context: vscode.ExtensionContext, { log, view }: MachinesDeps): MachinesFeature {
  const sshTrust = new SshTrust(log);
  const connection = (): MachineConnectionOptions => ({
    hostKeys: sshTrust.hostKeys,
    identities: sshTrust.identities,
  });
  const localEngine = new LocalDockerEngine(log, connection);
  const localLab = new LocalLabService(context.globalStorageUri, log);
  const sshHosts = new SshHostsSource();
  const vagrant = new VagrantSource(log);
  const machines = new MachineRegistry([localLab, sshHosts, vagrant], connection, log);
  const machinesTree = new MachinesTreeProvider(machines);
  machinesTree.attach(view as vscode.TreeView<Machine>);
  context.subscriptions.push(localEngine, localLab, sshHosts, vagrant, sshTrust, machines, machinesTree);
  const read = (): Promise<void> =>
    machines.refresh().catch((error: unknown) => log.warn(`machines: ${String(error)}`));
  context.subscriptions.push(
    // The machines are read on demand: each view's first look, and a compose file's when none is known yet.
    refresh().onFirstShow((view) => {
      if (view !== 'compose' || machines.machines().length === 0) {
        void read();
      }
    }),
    // After a lab run, roles, engines and swarm may have changed.
    refresh().readAfterRun(read),
    // Their states, for machines coming back to be announced (their engines are asked again at once).
    machines.onDidChange(() => refresh().machineStates(new Map(machines.machines().map((m) => [m.id, m.state.kind])))),
  );
  const knownHostsFile = (): string => sshTrust.hostKeys.knownHostsFile;
  return {
    machines,
    localLab,
    localEngine,
    machinesTree,
    knownHostsFile,
    vagrantfileStep,
    commands: [
      checkDockerConnectionCommand(localEngine, log),
      startLocalLabCommand(localLab, context.extensionUri, log),
      stopLocalLabCommand(localLab),
      refreshMachinesCommand(machines, sshTrust),
      openMachineTerminalCommand(machines, localLab, knownHostsFile),
      addSshHostCommand(),
      ...vagrantActionCommands(vagrant, log),
      configureVagrantfileCommand(),
    ],
  };
}

import * as vscode from 'vscode';
import { registerCommands } from './commands/command';
import { checkDockerConnectionCommand } from './commands/checkDockerConnection';
import { inspectContainerCommand } from './commands/inspectContainer';
import { openSettingsCommand } from './commands/openSettings';
import { refreshContainersCommand } from './commands/refreshContainers';
import { showContainerLogsCommand } from './commands/showContainerLogs';
import { showLogCommand } from './commands/showLog';
import { INSPECT_SCHEME, InspectDocumentProvider } from './documents/inspectDocumentProvider';
import { LocalDockerEngine } from './services/localDockerEngine';
import { LocalLabService } from './services/localLabService';
import { MachinesTreeProvider } from './views/machinesTreeProvider';
import { openMachineTerminalCommand } from './commands/openMachineTerminal';
import { refreshMachinesCommand } from './commands/refreshMachines';
import { startLocalLabCommand } from './commands/startLocalLab';
import { stopLocalLabCommand } from './commands/stopLocalLab';
import { ContainersNode, ContainersTreeProvider } from './views/containersTreeProvider';

/** What the extension exposes to other extensions and to its own tests. */
export interface SwarmLabApi {
  readonly containersTree: ContainersTreeProvider;
  readonly localEngine: LocalDockerEngine;
  readonly machinesTree: MachinesTreeProvider;
  readonly localLab: LocalLabService;
}

/**
 * Builds the objects and registers them; nothing here talks to a machine.
 * Connections start when a view is first shown or a command runs.
 */
export function activate(context: vscode.ExtensionContext): SwarmLabApi {
  const log = vscode.window.createOutputChannel('Swarm Lab', { log: true });
  const localEngine = new LocalDockerEngine(log);
  const containersTree = new ContainersTreeProvider(localEngine);
  const containersView = vscode.window.createTreeView('swarmLab.containers', {
    treeDataProvider: containersTree,
    showCollapseAll: true,
  });
  containersTree.attach(containersView);
  const selection = (): readonly ContainersNode[] => containersView.selection;
  const localLab = new LocalLabService(context.globalStorageUri, log);
  const machinesTree = new MachinesTreeProvider(localLab);

  context.subscriptions.push(
    log,
    localEngine,
    containersTree,
    containersView,
    localLab,
    machinesTree,
    vscode.window.registerTreeDataProvider('swarmLab.machines', machinesTree),
    vscode.workspace.registerTextDocumentContentProvider(INSPECT_SCHEME, new InspectDocumentProvider(localEngine)),
    ...registerCommands(
      [
        refreshContainersCommand(localEngine),
        showContainerLogsCommand(localEngine, selection),
        inspectContainerCommand(localEngine, selection),
        checkDockerConnectionCommand(localEngine, log),
        showLogCommand(log),
        openSettingsCommand(context.extension.id),
        startLocalLabCommand(localLab, context.extensionUri),
        stopLocalLabCommand(localLab),
        refreshMachinesCommand(localLab),
        openMachineTerminalCommand(localLab),
      ],
      log,
    ),
  );
  return { containersTree, localEngine, machinesTree, localLab };
}

export function deactivate(): void {
  // Everything is released through context.subscriptions.
}

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
import { ContainerHosts } from './services/containerHosts';
import { MachinesTreeProvider } from './views/machinesTreeProvider';
import { openMachineTerminalCommand } from './commands/openMachineTerminal';
import { refreshMachinesCommand } from './commands/refreshMachines';
import { startLocalLabCommand } from './commands/startLocalLab';
import { stopLocalLabCommand } from './commands/stopLocalLab';
import { refreshSwarmCommand } from './commands/refreshSwarm';
import { scaleServiceCommand } from './commands/scaleService';
import { SwarmService } from './services/swarmService';
import { forceUpdateServiceCommand } from './commands/forceUpdateService';
import { rollbackServiceCommand } from './commands/rollbackService';
import { removeServiceCommand } from './commands/removeService';
import { showServiceLogsCommand } from './commands/showServiceLogs';
import { nodeActionCommands } from './commands/nodeActions';
import { editNodeLabelsCommand } from './commands/editNodeLabels';
import { containerActionCommands } from './commands/containerActions';
import { revealTaskContainerCommand } from './commands/revealTaskContainer';
import { openContainerShellCommand } from './commands/openContainerShell';
import { enterContainerNamespacesCommand } from './commands/enterContainerNamespaces';
import { SwarmTreeProvider } from './views/swarmTreeProvider';
import { ContainersNode, ContainersTreeProvider } from './views/containersTreeProvider';
import { LabPanels } from './labPanel/labPanels';
import { openLabCommand } from './commands/openLab';
import { importReportCommand } from './commands/importReport';
import { exportReportCommands } from './commands/exportReport';

/** What the extension exposes to other extensions and to its own tests. */
export interface SwarmLabApi {
  readonly containersTree: ContainersTreeProvider;
  readonly localEngine: LocalDockerEngine;
  readonly containerHosts: ContainerHosts;
  readonly machinesTree: MachinesTreeProvider;
  readonly localLab: LocalLabService;
  readonly swarmTree: SwarmTreeProvider;
  readonly swarm: SwarmService;
  /** The lab panel; the step engine plugs in with labPanels.registerActions. */
  readonly labPanels: LabPanels;
}

/**
 * Builds the objects and registers them; nothing here talks to a machine.
 * Connections start when a view is first shown or a command runs.
 */
export function activate(context: vscode.ExtensionContext): SwarmLabApi {
  const log = vscode.window.createOutputChannel('Swarm Lab', { log: true });
  const localEngine = new LocalDockerEngine(log);
  const localLab = new LocalLabService(context.globalStorageUri, log);
  const containerHosts = new ContainerHosts(localEngine, localLab, log);
  const containersTree = new ContainersTreeProvider(containerHosts);
  const containersView = vscode.window.createTreeView('swarmLab.containers', {
    treeDataProvider: containersTree,
    showCollapseAll: true,
  });
  containersTree.attach(containersView);
  const selection = (): readonly ContainersNode[] => containersView.selection;
  const machinesTree = new MachinesTreeProvider(localLab);
  const swarm = new SwarmService(localLab, log);
  const swarmTree = new SwarmTreeProvider(swarm, localLab);
  const swarmView = vscode.window.createTreeView('swarmLab.swarm', {
    treeDataProvider: swarmTree,
    showCollapseAll: true,
  });
  swarmTree.attach(swarmView);
  const revealTaskContainer = revealTaskContainerCommand(localLab, containersTree, containersView);
  // Selecting a task shows its container on its node, without taking the focus away.
  const followSelection = swarmView.onDidChangeSelection((e) => {
    const [item] = e.selection;
    if (item?.kind === 'task' && item.task.containerId) {
      void Promise.resolve(revealTaskContainer.execute(item, { focus: false })).catch((error: unknown) =>
        log.warn(`reveal of task ${item.task.id} failed: ${String(error)}`),
      );
    }
  });

  const labPanels = new LabPanels(context.extensionUri, log);

  context.subscriptions.push(
    log,
    localEngine,
    containerHosts,
    containersTree,
    containersView,
    localLab,
    machinesTree,
    swarm,
    swarmTree,
    swarmView,
    followSelection,
    vscode.window.registerTreeDataProvider('swarmLab.machines', machinesTree),
    vscode.workspace.registerTextDocumentContentProvider(INSPECT_SCHEME, new InspectDocumentProvider(containerHosts)),
    ...registerCommands(
      [
        refreshContainersCommand(containerHosts),
        showContainerLogsCommand(containerHosts, selection),
        inspectContainerCommand(containerHosts, selection),
        checkDockerConnectionCommand(localEngine, log),
        showLogCommand(log),
        openSettingsCommand(context.extension.id),
        startLocalLabCommand(localLab, context.extensionUri),
        stopLocalLabCommand(localLab),
        refreshMachinesCommand(localLab),
        openMachineTerminalCommand(localLab),
        refreshSwarmCommand(swarm),
        scaleServiceCommand(swarm),
        forceUpdateServiceCommand(swarm),
        rollbackServiceCommand(swarm),
        removeServiceCommand(swarm),
        showServiceLogsCommand(swarm),
        ...nodeActionCommands(swarm),
        editNodeLabelsCommand(swarm),
        ...containerActionCommands(containerHosts, selection),
        revealTaskContainer,
        openContainerShellCommand(containerHosts, selection),
        enterContainerNamespacesCommand(containerHosts, selection),
        openLabCommand(labPanels),
        importReportCommand(labPanels, context.extensionUri),
        ...exportReportCommands(labPanels, context.extensionUri),
      ],
      log,
    ),
    labPanels,
  );
  return { containersTree, localEngine, containerHosts, machinesTree, localLab, swarmTree, swarm, labPanels };
}

export function deactivate(): void {
  // Everything is released through context.subscriptions.
}

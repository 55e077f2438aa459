import * as vscode from 'vscode';
import { runCommand, type Command } from './commands/command';
import type { Machine } from './core/machines/machine';
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
import { MachineRegistry } from './services/machines/machineRegistry';
import { SshHostsSource } from './services/machines/sshHostsSource';
import { VagrantSource } from './services/machines/vagrantSource';
import { SshTrust } from './services/machines/sshTrust';
import { addSshHostCommand } from './commands/addSshHost';
import { vagrantActionCommands } from './commands/vagrantActions';
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
import { SwarmTreeProvider, type SwarmItem } from './views/swarmTreeProvider';
import { ContainersNode, ContainersTreeProvider } from './views/containersTreeProvider';
import { ComposeLenses } from './lenses/composeLenses';
import { LabStepService } from './services/labActions';
import type { LabActions } from './core/labPanel/labActions';
import { DryRunDocumentProvider } from './documents/dryRunDocumentProvider';
import { runLabStepCommand } from './commands/runLabStep';
import { runLabSectionCommand } from './commands/runLabSection';
import { runLabStepOnNodeCommand } from './commands/runLabStepOnNode';
import { dryRunLabStepCommand } from './commands/dryRunLabStep';
import { swarmInitJoinCommand } from './commands/swarmInitJoin';
import { LabPanels } from './labPanel/labPanels';
import { loadImagesFromArchivesCommand } from './commands/loadImagesFromArchives';
import { openLabCommand } from './commands/openLab';
import { importReportCommand } from './commands/importReport';
import { exportReportCommands } from './commands/exportReport';
import { configureVagrantfileCommand, vagrantfileStep } from './commands/configureVagrantfile';
import { dataDiskCheck, machinesReachableCheck } from './services/prerequisiteChecks';
import { onDidNotify, type ShownNotification, useNotificationLog } from './editor/notify';
import { ClusterMapSource } from './clusterMap/clusterMapSource';
import { ClusterMapPanels } from './clusterMap/clusterMapPanel';
import { showClusterMapCommand } from './commands/showClusterMap';
import { settingsDisposable } from './editor/settings';
import { requireCommandTrust } from './editor/trust';

/** What the extension exposes to other extensions and to its own tests. */
export interface SwarmLabApi {
  readonly containersTree: ContainersTreeProvider;
  readonly localEngine: LocalDockerEngine;
  readonly containerHosts: ContainerHosts;
  readonly machinesTree: MachinesTreeProvider;
  readonly localLab: LocalLabService;
  readonly machines: MachineRegistry;
  readonly swarmTree: SwarmTreeProvider;
  readonly swarm: SwarmService;
  readonly compose: ComposeLenses;
  /** The lab's steps and checks by id (the lab panel runs them through this). */
  readonly labActions: LabActions;
  readonly labSteps: LabStepService;
  /** The lab panel; the step engine plugs in with labPanels.registerActions. */
  readonly labPanels: LabPanels;
  /** The cluster map: its model and text now (feed), and its panel when open (current). */
  readonly clusterMap: ClusterMapPanels;
  /** Every command the features implement, contributed or not. */
  readonly commandIds: readonly string[];
  /** Every notification shown, as the user reads it (refusals, failures, results). */
  readonly onDidNotify: vscode.Event<ShownNotification>;
}

/** The views the activation entry created (with stand-in providers), for the features to fill. */
export interface FeatureViews {
  readonly machines: vscode.TreeView<unknown>;
  readonly swarm: vscode.TreeView<unknown>;
  readonly containers: vscode.TreeView<unknown>;
}

export interface Features {
  readonly api: SwarmLabApi;
  /** Runs a command by id, as registered with VS Code (errors shown once and logged). */
  run(id: string, args: readonly unknown[]): Promise<unknown>;
}

/**
 * Builds the objects and registers what the activation entry did not
 * (extension.ts registers the contributed commands, the views and the
 * panel serializer, and loads this module on their first use); nothing
 * here talks to a machine. Connections start when a view is first shown
 * or a command runs.
 */
export function startFeatures(
  context: vscode.ExtensionContext,
  log: vscode.LogOutputChannel,
  views: FeatureViews,
  registered: ReadonlySet<string>,
): Features {
  // Notifications whose caller has no log at hand write their full text here, and Show Log opens it.
  context.subscriptions.push(useNotificationLog(log));
  // The one swarmLab.* configuration listener (editor/settings), released with the features.
  context.subscriptions.push(settingsDisposable);
  const sshTrust = new SshTrust(log);
  const localEngine = new LocalDockerEngine(log, () => ({
    hostKeys: sshTrust.hostKeys,
    identities: sshTrust.identities,
  }));
  const localLab = new LocalLabService(context.globalStorageUri, log);
  const sshHosts = new SshHostsSource();
  const vagrant = new VagrantSource(log);
  const machines = new MachineRegistry(
    [localLab, sshHosts, vagrant],
    () => ({ hostKeys: sshTrust.hostKeys, identities: sshTrust.identities }),
    log,
  );
  const containerHosts = new ContainerHosts(localEngine, machines, log);
  const containersTree = new ContainersTreeProvider(containerHosts);
  const containersView = views.containers as vscode.TreeView<ContainersNode>;
  containersTree.attach(containersView);
  const selection = (): readonly ContainersNode[] => containersView.selection;
  const machinesTree = new MachinesTreeProvider(machines);
  const machinesView = views.machines as vscode.TreeView<Machine>;
  machinesTree.attach(machinesView);
  const swarm = new SwarmService(machines, log);
  const swarmTree = new SwarmTreeProvider(swarm, machines);
  const swarmView = views.swarm as vscode.TreeView<SwarmItem>;
  swarmTree.attach(swarmView);
  const revealTaskContainer = revealTaskContainerCommand(machines, containersTree, containersView);
  // Selecting a task shows its container on its node, without taking the focus away.
  const followSelection = swarmView.onDidChangeSelection((e) => {
    const [item] = e.selection;
    if (item?.kind === 'task' && item.task.containerId) {
      void Promise.resolve(revealTaskContainer.execute(item, { focus: false })).catch((error: unknown) =>
        log.warn(`reveal of task ${item.task.id} failed: ${String(error)}`),
      );
    }
  });

  const compose = new ComposeLenses(containerHosts, machines, log);

  const labSteps = new LabStepService(localLab, machines, swarm, context.extensionUri, context.secrets);
  const dryRuns = new DryRunDocumentProvider();
  // Section 1 is done in VS Code: the Vagrantfile, and checks of what VS Code already knows.
  const vagrantfiles = vscode.workspace.createFileSystemWatcher('**/Vagrantfile');
  const vagrantfileChanged = new vscode.EventEmitter<void>();
  for (const event of [vagrantfiles.onDidCreate, vagrantfiles.onDidChange, vagrantfiles.onDidDelete]) {
    context.subscriptions.push(event(() => vagrantfileChanged.fire()));
  }

  context.subscriptions.push(
    labSteps,
    dryRuns,
    vagrantfiles,
    vagrantfileChanged,
    labSteps.registerSideStep('vagrant.file', vagrantfileStep),
    labSteps.registerSideCheck('machines.reachable', machinesReachableCheck(machines)),
    labSteps.registerSideCheck('vagrant.data-disk', dataDiskCheck(vagrantfileChanged.event)),
  );
  const stepCommands: Command[] = [
    runLabStepCommand(labSteps),
    runLabSectionCommand(labSteps),
    runLabStepOnNodeCommand(labSteps),
    dryRunLabStepCommand(labSteps, dryRuns),
    swarmInitJoinCommand(labSteps),
  ];

  // One map for its own panel and the lab panel, rebuilt on the swarm's, machines' and images' events.
  const clusterMapSource = new ClusterMapSource(swarm, machines, compose.presence);
  const clusterMap = new ClusterMapPanels(clusterMapSource, context.extensionUri, log);
  // The activation entry registered the panels' serializers: they restore panels through labPanels and clusterMap.
  const labPanels = new LabPanels(context.extensionUri, log, clusterMapSource);
  context.subscriptions.push(
    log,
    localEngine,
    containerHosts,
    containersTree,
    localLab,
    sshHosts,
    vagrant,
    sshTrust,
    machines,
    machinesTree,
    swarm,
    swarmTree,
    followSelection,
    vscode.workspace.registerTextDocumentContentProvider(INSPECT_SCHEME, new InspectDocumentProvider(containerHosts)),
  );
  const commands = new Map<string, Command>(
    [
      ...stepCommands,
      refreshContainersCommand(containerHosts),
      showContainerLogsCommand(containerHosts, selection),
      inspectContainerCommand(containerHosts, selection),
      checkDockerConnectionCommand(localEngine, log),
      showLogCommand(log),
      openSettingsCommand(context.extension.id),
      startLocalLabCommand(localLab, context.extensionUri, log),
      stopLocalLabCommand(localLab),
      refreshMachinesCommand(machines, sshTrust),
      openMachineTerminalCommand(machines, localLab, () => sshTrust.hostKeys.knownHostsFile),
      addSshHostCommand(),
      ...vagrantActionCommands(vagrant, log),
      configureVagrantfileCommand(),
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
      enterContainerNamespacesCommand(containerHosts, selection, () => sshTrust.hostKeys.knownHostsFile),
      ...compose.commands,
      loadImagesFromArchivesCommand(compose.presence, log),
      openLabCommand(labPanels),
      importReportCommand(labPanels, context.extensionUri),
      ...exportReportCommands(labPanels, context.extensionUri),
      showClusterMapCommand(clusterMap),
    ].map((c) => [c.id, c]),
  );
  const run = (id: string, args: readonly unknown[]): Promise<unknown> => {
    const command = commands.get(id);
    if (!command) {
      return Promise.reject(new Error(vscode.l10n.t('Swarm Lab has no command {0}.', id)));
    }
    // Workspace Trust first: the command's declared kind decides (core/trust/commandTrust.ts).
    if (!requireCommandTrust(id)) {
      return Promise.resolve(undefined);
    }
    return runCommand(command, args, log);
  };
  // Commands the package does not contribute (a lens's, a tree item's) are registered here.
  for (const id of commands.keys()) {
    if (!registered.has(id)) {
      context.subscriptions.push(vscode.commands.registerCommand(id, (...args: unknown[]) => run(id, args)));
    }
  }
  context.subscriptions.push(compose, clusterMapSource, clusterMap, labPanels, labPanels.registerActions(labSteps));
  const api: SwarmLabApi = {
    containersTree,
    localEngine,
    containerHosts,
    machinesTree,
    localLab,
    machines,
    swarmTree,
    swarm,
    compose,
    labActions: labSteps,
    labSteps,
    labPanels,
    clusterMap,
    commandIds: [...commands.keys()],
    onDidNotify,
  };
  return { api, run };
}

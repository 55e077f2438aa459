import * as vscode from 'vscode';
import { runCommand, type Command } from './editor/command';
import { onDidNotify, type ShownNotification, useNotificationLog } from './editor/notify';
import { refreshDisposable } from './editor/refresh';
import { settingsDisposable } from './editor/settings';
import { requireCommandTrust } from './editor/trust';
import * as compose from './features/compose';
import type { ComposeLenses } from './features/compose/composeLenses';
import * as containers from './features/containers';
import type { ContainersTreeProvider } from './features/containers/containersTreeProvider';
import * as extension from './features/extension';
import * as images from './features/images';
import * as lab from './features/lab';
import type { LabPanels } from './features/lab/panel/labPanels';
import type { LabStepService } from './features/lab/steps/labStepService';
import * as machines from './features/machines';
import type { MachinesTreeProvider } from './features/machines/machinesTreeProvider';
import * as swarm from './features/swarm';
import type { ClusterMapPanels } from './features/swarm/clusterMap/clusterMapPanel';
import type { SwarmTreeProvider } from './features/swarm/swarmTreeProvider';
import { createModel } from './model';
import type { ContainerHosts } from './model/containers/containerHosts';
import type { LocalDockerEngine } from './model/machines/localDockerEngine';
import type { LocalLabService } from './model/machines/localLabService';
import type { MachineRegistry } from './model/machines/machineRegistry';
import type { SwarmService } from './model/swarm/swarmService';
import type { LabActions } from './core/labPanel/labActions';

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
  context.subscriptions.push(log, useNotificationLog(log));
  // The one swarmLab.* configuration listener (editor/settings), released with the features.
  context.subscriptions.push(settingsDisposable);
  // Every trigger of a re-read (settings, file sets, first shows, runs, machines back) in one place.
  context.subscriptions.push(refreshDisposable);

  // The live model every feature reads; then each feature in its room, handed what it shows and acts on.
  const model = createModel(context, log);
  const m = machines.register(context, { log, view: views.machines, model });
  const c = containers.register(context, { log, view: views.containers, model });
  const i = images.register(context, { log, model });
  const s = swarm.register(context, { log, view: views.swarm, model, revealTaskContainer: c.revealTaskContainer });
  const k = compose.register(context, { log, model });
  const l = lab.register(context, { log, model, vagrantfileStep: m.vagrantfileStep });
  const e = extension.register(context, { log });

  const commands = new Map<string, Command>(
    [m, c, i, s, k, l, e].flatMap((f) => f.commands).map((command) => [command.id, command]),
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
  const api: SwarmLabApi = {
    containersTree: c.containersTree,
    localEngine: model.localEngine,
    containerHosts: model.containerHosts,
    machinesTree: m.machinesTree,
    localLab: model.localLab,
    machines: model.machines,
    swarmTree: s.swarmTree,
    swarm: model.swarm,
    compose: k.compose,
    labActions: l.labSteps,
    labSteps: l.labSteps,
    labPanels: l.labPanels,
    clusterMap: s.clusterMap,
    commandIds: [...commands.keys()],
    onDidNotify,
  };
  return { api, run };
}

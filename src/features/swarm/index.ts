import * as vscode from 'vscode';
import type { Command } from '../../editor/command';
import { ClusterMapPanels } from './clusterMap/clusterMapPanel';
import { editNodeLabelsCommand } from './commands/editNodeLabels';
import { forceUpdateServiceCommand } from './commands/forceUpdateService';
import { nodeActionCommands } from './commands/nodeActions';
import { refreshSwarmCommand } from './commands/refreshSwarm';
import { removeServiceCommand } from './commands/removeService';
import { rollbackServiceCommand } from './commands/rollbackService';
import { scaleServiceCommand } from './commands/scaleService';
import { showClusterMapCommand } from './commands/showClusterMap';
import { showMoreSwarmCommand } from './commands/showMoreSwarm';
import { showServiceLogsCommand } from './commands/showServiceLogs';
import type { LiveModel } from '../../model';
import { type SwarmItem, SwarmTreeProvider } from './swarmTreeProvider';

export interface SwarmDeps {
  readonly log: vscode.LogOutputChannel;
  /** The Swarm view the activation entry created. */
  readonly view: vscode.TreeView<unknown>;
  readonly model: LiveModel;
  /** Selecting a task shows its container (the containers feature's command). */
  readonly revealTaskContainer: Command;
}

export interface SwarmFeature {
  readonly swarmTree: SwarmTreeProvider;
  /** The cluster map's own panel. */
  readonly clusterMap: ClusterMapPanels;
  readonly commands: readonly Command[];
}

/** The Swarm view, the cluster map's panel, and the commands on nodes and services (the swarm is the model's). */
export function register(context: vscode.ExtensionContext, deps: SwarmDeps): SwarmFeature {
  const { log, model, revealTaskContainer } = deps;
  const { swarm } = model;
  const swarmTree = new SwarmTreeProvider(swarm);
  const view = deps.view as vscode.TreeView<SwarmItem>;
  swarmTree.attach(view);
  // Selecting a task shows its container on its node, without taking the focus away.
  const followSelection = view.onDidChangeSelection((e) => {
    const [item] = e.selection;
    if (item?.kind === 'task' && item.task.containerId) {
      void Promise.resolve(revealTaskContainer.execute(item, { focus: false })).catch((error: unknown) =>
        log.warn(`reveal of task ${item.task.id} failed: ${String(error)}`),
      );
    }
  });
  // The map's own panel; the map (the model's) is rebuilt on the swarm's, machines' and images' events.
  const clusterMap = new ClusterMapPanels(model.clusterMap, context.extensionUri, log);
  context.subscriptions.push(swarmTree, followSelection, clusterMap);
  return {
    swarmTree,
    clusterMap,
    commands: [
      refreshSwarmCommand(swarm),
      scaleServiceCommand(swarm),
      forceUpdateServiceCommand(swarm),
      rollbackServiceCommand(swarm),
      removeServiceCommand(swarm),
      showServiceLogsCommand(swarm),
      ...nodeActionCommands(swarm),
      editNodeLabelsCommand(swarm),
      showClusterMapCommand(clusterMap),
      showMoreSwarmCommand(swarmTree),
    ],
  };
}

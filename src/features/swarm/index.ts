import * as vscode from 'vscode';
import type { Command } from '../../editor/command';
import type { ImagePresenceService } from '../images';
import type { MachineRegistry } from '../machines';
import { ClusterMapPanels } from './clusterMap/clusterMapPanel';
import { ClusterMapSource } from './clusterMap/clusterMapSource';
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
import { SwarmService } from './swarmService';
import { type SwarmItem, SwarmTreeProvider } from './swarmTreeProvider';

export type { ClusterMapFeed } from './clusterMap/clusterMapSource';
export type { ClusterMapPanels } from './clusterMap/clusterMapPanel';
export type { SwarmService } from './swarmService';
export type { SwarmItem, SwarmTreeProvider } from './swarmTreeProvider';

export interface SwarmDeps {
  readonly log: vscode.LogOutputChannel;
  /** The Swarm view the activation entry created. */
  readonly view: vscode.TreeView<unknown>;
  readonly machines: MachineRegistry;
  readonly presence: ImagePresenceService;
  /** Selecting a task shows its container (the containers feature's command). */
  readonly revealTaskContainer: Command;
}

export interface SwarmFeature {
  readonly swarm: SwarmService;
  readonly swarmTree: SwarmTreeProvider;
  /** The map's model and text (the lab panel shows it too), and its own panel. */
  readonly clusterMapSource: ClusterMapSource;
  readonly clusterMap: ClusterMapPanels;
  readonly commands: readonly Command[];
}

/** The swarm followed from its managers' events, the Swarm view, the cluster map, and the commands on nodes and services. */
export function register(context: vscode.ExtensionContext, deps: SwarmDeps): SwarmFeature {
  const { log, machines, presence, revealTaskContainer } = deps;
  const swarm = new SwarmService(machines, log);
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
  // One map for its own panel and the lab panel, rebuilt on the swarm's, machines' and images' events.
  const clusterMapSource = new ClusterMapSource(swarm, machines, presence);
  const clusterMap = new ClusterMapPanels(clusterMapSource, context.extensionUri, log);
  context.subscriptions.push(swarm, swarmTree, followSelection, clusterMapSource, clusterMap);
  return {
    swarm,
    swarmTree,
    clusterMapSource,
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

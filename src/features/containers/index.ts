import * as vscode from 'vscode';
import type { Command } from '../../editor/command';
import { refresh } from '../../editor/refresh';
import type { LocalDockerEngine, MachineRegistry } from '../machines';
import { containerActionCommands } from './commands/containerActions';
import { enterContainerNamespacesCommand } from './commands/enterContainerNamespaces';
import { inspectContainerCommand } from './commands/inspectContainer';
import { openContainerShellCommand } from './commands/openContainerShell';
import { refreshContainersCommand } from './commands/refreshContainers';
import { revealTaskContainerCommand } from './commands/revealTaskContainer';
import { showContainerLogsCommand } from './commands/showContainerLogs';
import { showMoreContainersCommand } from './commands/showMoreContainers';
import { ContainerHosts } from './containerHosts';
import { type ContainersNode, ContainersTreeProvider } from './containersTreeProvider';
import { INSPECT_SCHEME, InspectDocumentProvider } from './inspectDocumentProvider';

export type { ContainerHost, ContainerHosts } from './containerHosts';
export type { ContainersNode, ContainersTreeProvider } from './containersTreeProvider';

export interface ContainersDeps {
  readonly log: vscode.LogOutputChannel;
  /** The Containers view the activation entry created. */
  readonly view: vscode.TreeView<unknown>;
  readonly machines: MachineRegistry;
  readonly localEngine: LocalDockerEngine;
  readonly knownHostsFile: () => string;
}

export interface ContainersFeature {
  readonly containerHosts: ContainerHosts;
  readonly containersTree: ContainersTreeProvider;
  /** Shows a Swarm view task's container in the Containers view (the Swarm view follows its selection with it). */
  readonly revealTaskContainer: Command;
  readonly commands: readonly Command[];
}

/** Each machine's containers (and the local engine's), the Containers view, and the commands on containers. */
export function register(context: vscode.ExtensionContext, deps: ContainersDeps): ContainersFeature {
  const { log, machines, localEngine, knownHostsFile } = deps;
  const containerHosts = new ContainerHosts(localEngine, machines, log);
  const containersTree = new ContainersTreeProvider(containerHosts);
  const view = deps.view as vscode.TreeView<ContainersNode>;
  containersTree.attach(view);
  const selection = (): readonly ContainersNode[] => view.selection;
  const revealTaskContainer = revealTaskContainerCommand(machines, containersTree, view);
  context.subscriptions.push(
    containerHosts,
    containersTree,
    // The view's first look starts this computer's watcher; a machine back has its engine asked at once.
    refresh().onFirstShow((shown) => {
      if (shown === 'containers') {
        containerHosts.local.watch();
      }
    }),
    refresh().onMachinesBack((ids) => containerHosts.machinesBack(ids)),
    vscode.workspace.registerTextDocumentContentProvider(INSPECT_SCHEME, new InspectDocumentProvider(containerHosts)),
  );
  return {
    containerHosts,
    containersTree,
    revealTaskContainer,
    commands: [
      refreshContainersCommand(containerHosts),
      showContainerLogsCommand(containerHosts, selection),
      inspectContainerCommand(containerHosts, selection),
      ...containerActionCommands(containerHosts, selection),
      revealTaskContainer,
      openContainerShellCommand(containerHosts, selection),
      enterContainerNamespacesCommand(containerHosts, selection, knownHostsFile),
      showMoreContainersCommand(containersTree),
    ],
  };
}

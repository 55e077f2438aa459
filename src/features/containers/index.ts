import * as vscode from 'vscode';
import type { Command } from '../../editor/command';
import type { LiveModel } from '../../model';
import { containerActionCommands } from './commands/containerActions';
import { enterContainerNamespacesCommand } from './commands/enterContainerNamespaces';
import { inspectContainerCommand } from './commands/inspectContainer';
import { openContainerShellCommand } from './commands/openContainerShell';
import { refreshContainersCommand } from './commands/refreshContainers';
import { revealTaskContainerCommand } from './commands/revealTaskContainer';
import { showContainerLogsCommand } from './commands/showContainerLogs';
import { showMoreContainersCommand } from './commands/showMoreContainers';
import { type ContainersNode, ContainersTreeProvider } from './containersTreeProvider';
import { INSPECT_SCHEME, InspectDocumentProvider } from './inspectDocumentProvider';

export interface ContainersDeps {
  readonly log: vscode.LogOutputChannel;
  /** The Containers view the activation entry created. */
  readonly view: vscode.TreeView<unknown>;
  readonly model: LiveModel;
}

export interface ContainersFeature {
  readonly containersTree: ContainersTreeProvider;
  /** Shows a Swarm view task's container in the Containers view (the Swarm view follows its selection with it). */
  readonly revealTaskContainer: Command;
  readonly commands: readonly Command[];
}

/** The Containers view (each machine's containers and this computer's), and the commands on containers. */
export function register(
  context: vscode.ExtensionContext,
  { view: treeView, model }: ContainersDeps,
): ContainersFeature {
  const { containerHosts, machines, knownHostsFile } = model;
  const containersTree = new ContainersTreeProvider(containerHosts);
  const view = treeView as vscode.TreeView<ContainersNode>;
  containersTree.attach(view);
  const selection = (): readonly ContainersNode[] => view.selection;
  const revealTaskContainer = revealTaskContainerCommand(machines, containersTree, view);
  context.subscriptions.push(
    containersTree,
    vscode.workspace.registerTextDocumentContentProvider(INSPECT_SCHEME, new InspectDocumentProvider(containerHosts)),
  );
  return {
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

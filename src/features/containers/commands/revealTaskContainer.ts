import * as vscode from 'vscode';
import { notifyInfo } from '../../../editor/notify';
import type { ContainerHost } from '../../../model/containers/containerHosts';
import type { MachineRegistry } from '../../../model/machines/machineRegistry';
import type { ContainersNode, ContainersTreeProvider } from '../containersTreeProvider';
import { Command } from '../../../editor/command';

/** A Swarm view's task item, as much of it as this command reads. */
interface TaskItem {
  readonly kind: string;
  readonly task?: { readonly containerId?: string; readonly nodeId?: string; readonly nodeName?: string };
}

/**
 * Shows a swarm task's container in the Containers view, under the machine
 * the task runs on (matched by the node ID each machine's engine reports).
 * Returns the container's node, or undefined with a message saying why not.
 */
export function revealTaskContainerCommand(
  lab: MachineRegistry,
  tree: ContainersTreeProvider,
  view: vscode.TreeView<ContainersNode>,
): Command {
  return {
    id: 'swarmLab.swarm.revealTaskContainer',
    async execute(arg: unknown, options?: unknown) {
      const task = (arg as TaskItem | undefined)?.kind === 'task' ? (arg as TaskItem).task : undefined;
      if (!task?.containerId || !task.nodeId) {
        return undefined;
      }
      const { nodeId, containerId, nodeName } = task;
      const host = await machineHost(lab, tree, nodeId);
      if (!host) {
        void notifyInfo(
          vscode.l10n.t('The node {0} running this task is not one of your machines.', nodeName ?? nodeId),
        );
        return undefined;
      }
      const node = await findContainer(tree, host, containerId);
      if (!node) {
        void notifyInfo(vscode.l10n.t('The container of this task is not on {0} any more.', host.label));
        return undefined;
      }
      // From a selection in the Swarm view, keep the focus there.
      const focus = (options as { focus?: boolean } | undefined)?.focus ?? true;
      await view.reveal(node, { select: true, focus, expand: true });
      return node;
    },
  };
}

/**
 * The machine's host in the Containers view. A node's swarm ID is read when
 * its machine is probed, and a node that joined a swarm since has a new one:
 * one refresh of the machines before giving up.
 */
async function machineHost(
  lab: MachineRegistry,
  tree: ContainersTreeProvider,
  nodeId: string,
): Promise<ContainerHost | undefined> {
  const find = (): ContainerHost | undefined => {
    const machine = lab.machines().find((m) => m.state.kind === 'running' && m.state.swarmNodeId === nodeId);
    return machine ? tree.host(machine.id) : undefined;
  };
  const found = find();
  if (found) {
    return found;
  }
  await lab.refresh();
  return find();
}

/** The container may have started a moment before its event reached us: one re-list before giving up. */
async function findContainer(
  tree: ContainersTreeProvider,
  host: ContainerHost,
  id: string,
): Promise<ContainersNode | undefined> {
  const found = tree.containerNode(host.key, id);
  if (found) {
    return found;
  }
  await host.refresh();
  return tree.containerNode(host.key, id);
}

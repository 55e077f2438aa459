import * as vscode from 'vscode';
import { ContainerSummary } from '../../../core/containers/containerSummary';
import type { ContainerHost, ContainerHosts } from '../../../model/containers/containerHosts';
import type { ContainersNode } from '../containersTreeProvider';

export interface ContainerTarget {
  readonly container: ContainerSummary;
  readonly host: ContainerHost;
}

/**
 * Container commands run from a tree item (the node is the argument), from a
 * keybinding (the view's selection) or with an ID/name string (tests, URIs),
 * optionally with the engine's key as second argument (default: this computer).
 */
export async function resolveContainer(
  arg: unknown,
  hosts: ContainerHosts,
  selection: readonly ContainersNode[] | undefined,
  engineKey?: unknown,
): Promise<ContainerTarget | undefined> {
  const node = isContainerNode(arg) ? arg : selection?.find(isContainerNode);
  if (node) {
    const host = hosts.host(node.engineKey);
    return host ? { container: node.container, host } : undefined;
  }
  if (typeof arg === 'string') {
    const host = hosts.host(typeof engineKey === 'string' ? engineKey : 'local');
    if (!host) {
      return undefined;
    }
    const container = host.model.find(arg) ?? (await (await host.engine()).getContainer(arg));
    return container ? { container, host } : undefined;
  }
  const all = hosts.hosts();
  const picked = await vscode.window.showQuickPick(
    all.flatMap((host) =>
      host.model.list().map((c) => ({
        label: c.name,
        description: all.length > 1 ? `${c.image} · ${host.label}` : c.image,
        detail: c.status,
        target: { container: c, host },
      })),
    ),
    { placeHolder: vscode.l10n.t('Select a container') },
  );
  return picked?.target;
}

function isContainerNode(x: unknown): x is Extract<ContainersNode, { kind: 'container' }> {
  return typeof x === 'object' && x !== null && (x as ContainersNode).kind === 'container';
}

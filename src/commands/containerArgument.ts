import * as vscode from 'vscode';
import { ContainerSummary } from '../core/containers/containerSummary';
import { LocalDockerEngine } from '../services/localDockerEngine';
import type { ContainersNode } from '../views/containersTreeProvider';

/**
 * Container commands run from a tree item (the node is the argument), from a
 * keybinding (the view's selection) or with an ID/name string (tests, URIs).
 */
export async function resolveContainer(
  arg: unknown,
  local: LocalDockerEngine,
  selection: readonly ContainersNode[] | undefined,
): Promise<ContainerSummary | undefined> {
  const node = isContainerNode(arg) ? arg : selection?.find(isContainerNode);
  if (node) {
    return node.container;
  }
  if (typeof arg === 'string') {
    return local.model.find(arg) ?? (await local.engine().getContainer(arg));
  }
  const picked = await vscode.window.showQuickPick(
    local.model.list().map((c) => ({ label: c.name, description: c.image, detail: c.status, container: c })),
    { placeHolder: vscode.l10n.t('Select a container') },
  );
  return picked?.container;
}

function isContainerNode(x: unknown): x is Extract<ContainersNode, { kind: 'container' }> {
  return typeof x === 'object' && x !== null && (x as ContainersNode).kind === 'container';
}

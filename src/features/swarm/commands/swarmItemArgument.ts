import * as vscode from 'vscode';
import type { SwarmNode, SwarmService as SwarmServiceModel } from '../../../core/cluster/swarmSnapshot';
import type { SwarmService } from '../../../model/swarm/swarmService';
import type { SwarmItem } from '../swarmTreeProvider';

/** The service of a Swarm view item, or one picked from the swarm (palette). */
export async function resolveService(arg: unknown, swarm: SwarmService): Promise<SwarmServiceModel | undefined> {
  const item = arg as SwarmItem | undefined;
  if (item?.kind === 'service' || item?.kind === 'task') {
    return item.service;
  }
  const s = swarm.snapshot;
  const all = s ? [...s.stacks.flatMap((x) => x.services), ...s.services] : [];
  const picked = await vscode.window.showQuickPick(
    all.map((service) => ({ label: service.name, description: service.image, service })),
    { placeHolder: vscode.l10n.t('Select a service') },
  );
  return picked?.service;
}

/** The node of a Swarm view item, or one picked from the swarm (palette). */
export async function resolveNode(arg: unknown, swarm: SwarmService): Promise<SwarmNode | undefined> {
  const item = arg as SwarmItem | undefined;
  if (item?.kind === 'node') {
    return item.node;
  }
  const picked = await vscode.window.showQuickPick(
    (swarm.snapshot?.nodes ?? []).map((node) => ({ label: node.hostname, description: node.role, node })),
    { placeHolder: vscode.l10n.t('Select a node') },
  );
  return picked?.node;
}

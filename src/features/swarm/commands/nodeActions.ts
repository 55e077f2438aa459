import * as vscode from 'vscode';
import type { NodeSpec } from '../../../clients/docker/swarmOperations';
import { SwarmService } from '../../../model/swarm/swarmService';
import { Command } from '../../../editor/command';
import { resolveNode } from './swarmItemArgument';
import { requireTrust } from '../../../editor/trust';

/**
 * Drain, activate, promote, demote: one command each, each a change of one
 * field of the node's spec. Draining moves the node's tasks elsewhere;
 * demoting the last managers is refused by the engine itself, whose message
 * the user sees.
 */
export function nodeActionCommands(swarm: SwarmService): Command[] {
  const actions: [string, (spec: NodeSpec) => NodeSpec][] = [
    ['swarmLab.swarm.drainNode', (spec) => ({ ...spec, Availability: 'drain' })],
    ['swarmLab.swarm.activateNode', (spec) => ({ ...spec, Availability: 'active' })],
    ['swarmLab.swarm.promoteNode', (spec) => ({ ...spec, Role: 'manager' })],
    ['swarmLab.swarm.demoteNode', (spec) => ({ ...spec, Role: 'worker' })],
  ];
  return actions.map(([id, change]) => ({
    id,
    async execute(arg: unknown) {
      const node = await resolveNode(arg, swarm);
      if (!node || !requireTrust('remote-commands', vscode.l10n.t('Changing a node'))) {
        return false;
      }
      await swarm.updateNode(node.id, change);
      return true;
    },
  }));
}

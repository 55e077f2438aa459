import * as vscode from 'vscode';
import { SwarmService } from '../../../model/swarm/swarmService';
import { Command } from '../../../editor/command';
import { resolveService } from './swarmItemArgument';
import { requireTrust } from '../../../editor/trust';

/** Recreates a service's tasks with the same spec (`docker service update --force`). */
export function forceUpdateServiceCommand(swarm: SwarmService): Command {
  return {
    id: 'swarmLab.swarm.forceUpdateService',
    async execute(arg: unknown) {
      const service = await resolveService(arg, swarm);
      if (!service || !requireTrust('remote-commands', vscode.l10n.t('Updating a service'))) {
        return false;
      }
      await swarm.forceUpdate(service.id);
      return true;
    },
  };
}

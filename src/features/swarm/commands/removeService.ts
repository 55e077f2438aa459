import * as vscode from 'vscode';
import { notifyWarning } from '../../../editor/notify';
import { SwarmService } from '../../../model/swarm/swarmService';
import { Command } from '../../../editor/command';
import { resolveService } from './swarmItemArgument';
import { requireTrust } from '../../../editor/trust';

/** Removes a service after a modal confirmation (skipped when called with `true` as second argument). */
export function removeServiceCommand(swarm: SwarmService): Command {
  return {
    id: 'swarmLab.swarm.removeService',
    async execute(arg: unknown, confirmed?: unknown) {
      const service = await resolveService(arg, swarm);
      if (!service || !requireTrust('remote-commands', vscode.l10n.t('Removing a service'))) {
        return false;
      }
      if (confirmed !== true) {
        const remove = vscode.l10n.t('Remove');
        const answer = await notifyWarning(vscode.l10n.t('Remove the service {0}?', service.name), {
          modal: true,
          detail: vscode.l10n.t('Its {0} tasks are stopped on every node.', service.tasks.length),
          actions: [remove],
        });
        if (answer !== remove) {
          return false;
        }
      }
      await swarm.removeService(service.id);
      return true;
    },
  };
}

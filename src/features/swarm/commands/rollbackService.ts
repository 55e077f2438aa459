import * as vscode from 'vscode';
import { NoPreviousSpecError } from '../../../clients/docker/swarmOperations';
import { notifyInfo } from '../../../editor/notify';
import { SwarmService } from '../../../model/swarm/swarmService';
import { Command } from '../../../editor/command';
import { resolveService } from './swarmItemArgument';
import { requireTrust } from '../../../editor/trust';

/** Goes back to the service's previous spec (`docker service rollback`). */
export function rollbackServiceCommand(swarm: SwarmService): Command {
  return {
    id: 'swarmLab.swarm.rollbackService',
    async execute(arg: unknown) {
      const service = await resolveService(arg, swarm);
      if (!service || !requireTrust('remote-commands', vscode.l10n.t('Rolling back a service'))) {
        return false;
      }
      try {
        await swarm.rollback(service.id);
        return true;
      } catch (error) {
        if (error instanceof NoPreviousSpecError) {
          void notifyInfo(vscode.l10n.t('{0} has no earlier version to roll back to.', service.name));
          return false;
        }
        throw error;
      }
    },
  };
}

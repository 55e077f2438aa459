import * as vscode from 'vscode';
import { SwarmService } from '../../../model/swarm/swarmService';
import { showTerminal } from '../../../editor/followingTerminal';
import { ServiceLogsTerminal } from '../serviceLogsTerminal';
import { Command } from '../../../editor/command';
import { resolveService } from './swarmItemArgument';

/** A terminal with a service's logs merged from every task, followed. */
export function showServiceLogsCommand(swarm: SwarmService): Command {
  return {
    id: 'swarmLab.swarm.showServiceLogs',
    async execute(arg: unknown) {
      const service = await resolveService(arg, swarm);
      if (!service) {
        return undefined;
      }
      const name = vscode.l10n.t('Service logs: {0}', service.name);
      return showTerminal(name, () => new ServiceLogsTerminal(swarm, service));
    },
  };
}

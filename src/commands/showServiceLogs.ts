import * as vscode from 'vscode';
import { SwarmService } from '../services/swarmService';
import { ServiceLogsTerminal } from '../terminals/serviceLogsTerminal';
import { Command } from './command';
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
      const existing = vscode.window.terminals.find((t) => t.name === name);
      if (existing) {
        existing.show();
        return existing;
      }
      const terminal = vscode.window.createTerminal({
        name,
        pty: new ServiceLogsTerminal(swarm, service),
        iconPath: new vscode.ThemeIcon('output'),
      });
      terminal.show();
      return terminal;
    },
  };
}

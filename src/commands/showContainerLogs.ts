import * as vscode from 'vscode';
import type { ContainerHosts } from '../services/containerHosts';
import { ContainerLogsTerminal } from '../terminals/containerLogsTerminal';
import type { ContainersNode } from '../views/containersTreeProvider';
import { Command } from './command';
import { resolveContainer } from './containerArgument';

export function showContainerLogsCommand(
  hosts: ContainerHosts,
  selection: () => readonly ContainersNode[] | undefined,
): Command {
  return {
    id: 'swarmLab.containers.showLogs',
    async execute(arg: unknown, engineKey?: unknown) {
      const target = await resolveContainer(arg, hosts, selection(), engineKey);
      if (!target) {
        return undefined;
      }
      const { container, host } = target;
      const name =
        host.key === 'local'
          ? vscode.l10n.t('Logs: {0}', container.name)
          : vscode.l10n.t('Logs: {0} on {1}', container.name, host.label);
      // One terminal per container: showing the logs again focuses it.
      const existing = vscode.window.terminals.find((t) => t.name === name);
      if (existing) {
        existing.show();
        return existing;
      }
      const terminal = vscode.window.createTerminal({
        name,
        pty: new ContainerLogsTerminal(await host.engine(), container),
        iconPath: new vscode.ThemeIcon('output'),
      });
      terminal.show();
      return terminal;
    },
  };
}

import * as vscode from 'vscode';
import { LocalDockerEngine } from '../services/localDockerEngine';
import { ContainerLogsTerminal } from '../terminals/containerLogsTerminal';
import type { ContainersNode } from '../views/containersTreeProvider';
import { Command } from './command';
import { resolveContainer } from './containerArgument';

export function showContainerLogsCommand(
  local: LocalDockerEngine,
  selection: () => readonly ContainersNode[] | undefined,
): Command {
  return {
    id: 'swarmLab.containers.showLogs',
    async execute(arg: unknown) {
      const container = await resolveContainer(arg, local, selection());
      if (!container) {
        return undefined;
      }
      const name = vscode.l10n.t('Logs: {0}', container.name);
      // One terminal per container: showing the logs again focuses it.
      const existing = vscode.window.terminals.find((t) => t.name === name);
      if (existing) {
        existing.show();
        return existing;
      }
      const terminal = vscode.window.createTerminal({
        name,
        pty: new ContainerLogsTerminal(local.engine(), container),
        iconPath: new vscode.ThemeIcon('output'),
      });
      terminal.show();
      return terminal;
    },
  };
}

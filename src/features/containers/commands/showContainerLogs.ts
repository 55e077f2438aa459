import * as vscode from 'vscode';
import type { ContainerHosts } from '../../../model/containers/containerHosts';
import { ContainerLogsTerminal } from '../containerLogsTerminal';
import { showTerminal } from '../../../editor/followingTerminal';
import type { ContainersNode } from '../containersTreeProvider';
import { Command } from '../../../editor/command';
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
      const engine = await host.engine();
      return showTerminal(name, () => new ContainerLogsTerminal(engine, container));
    },
  };
}

import * as vscode from 'vscode';
import type { ContainerHosts } from '../../../model/containers/containerHosts';
import { ContainerShellTerminal } from '../containerShellTerminal';
import type { ContainersNode } from '../containersTreeProvider';
import { Command } from '../../../editor/command';
import { resolveContainer } from './containerArgument';
import { requireTrust } from '../../../editor/trust';

/** A shell in a running container (`docker exec -it … sh`), on whichever machine it runs. */
export function openContainerShellCommand(
  hosts: ContainerHosts,
  selection: () => readonly ContainersNode[] | undefined,
): Command {
  return {
    id: 'swarmLab.containers.openShell',
    async execute(arg: unknown, engineKey?: unknown) {
      const target = await resolveContainer(arg, hosts, selection(), engineKey);
      // A shell can change anything in the container.
      if (!target || !requireTrust('remote-commands', vscode.l10n.t('A shell in a container'))) {
        return undefined;
      }
      const { container, host } = target;
      const terminal = vscode.window.createTerminal({
        name: host.key === 'local' ? container.name : `${container.name} @ ${host.label}`,
        pty: new ContainerShellTerminal(await host.engine(), container),
        iconPath: new vscode.ThemeIcon('terminal'),
      });
      terminal.show();
      return terminal;
    },
  };
}

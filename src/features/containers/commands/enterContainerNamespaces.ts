import * as path from 'node:path';
import * as vscode from 'vscode';
import { NamespaceScope, nsenterInvocation } from '../../../core/containers/nsenterCommand';
import type { ContainerHosts } from '../../../model/containers/containerHosts';
import type { ContainersNode } from '../containersTreeProvider';
import { Command } from '../../../editor/command';
import { resolveContainer } from './containerArgument';
import { requireTrust } from '../../../editor/trust';

/**
 * A terminal on the container's node running `nsenter` into its namespaces
 * (the lab's Q6: what a container shares with its host, and the virtual IP as
 * seen from inside its network namespace). The scope is asked, or given as
 * the third argument ('network' | 'all').
 */
export function enterContainerNamespacesCommand(
  hosts: ContainerHosts,
  selection: () => readonly ContainersNode[] | undefined,
  /** swarmLab.knownHostsFile as the host key policy reads it: ssh checks the same file. */
  knownHostsFile: () => string,
): Command {
  return {
    id: 'swarmLab.containers.enterNamespaces',
    async execute(arg: unknown, engineKey?: unknown, scopeArg?: unknown) {
      const target = await resolveContainer(arg, hosts, selection(), engineKey);
      if (!target || !requireTrust('remote-commands', vscode.l10n.t('Entering a container’s namespaces'))) {
        return undefined;
      }
      const { container, host } = target;
      const scope = scopeArg === 'network' || scopeArg === 'all' ? scopeArg : await pickScope();
      if (!scope) {
        return undefined;
      }
      const info = await (await host.engine()).inspectContainer(container.id);
      const pid = info.State?.Pid ?? 0;
      if (!info.State?.Running || pid <= 0) {
        throw new Error(vscode.l10n.t('{0} is not running: it has no namespaces to enter.', container.name));
      }
      const m = host.machine;
      // This computer's own engine: its containers' PIDs are ours. A local lab node is a
      // machine of its own (its own PID namespace), reached by SSH as a VM is.
      const here = host.key === 'local';
      const { command, args } = nsenterInvocation(
        pid,
        scope,
        here || !m
          ? { kind: 'here', isRoot: process.getuid?.() === 0 }
          : {
              kind: 'ssh',
              user: m.user,
              host: m.host,
              port: m.port,
              identityFile: m.identityFile,
              // A local lab node's key is pinned in the lab's own known_hosts, beside its key (labLayout).
              knownHostsFile:
                m.source === 'local-lab' ? path.join(path.dirname(m.identityFile), 'known_hosts') : knownHostsFile(),
            },
      );
      const terminal = vscode.window.createTerminal({
        name: vscode.l10n.t('Namespaces of {0}', container.name),
        shellPath: command,
        shellArgs: args,
        iconPath: new vscode.ThemeIcon('symbol-namespace'),
      });
      terminal.show();
      return terminal;
    },
  };
}

async function pickScope(): Promise<NamespaceScope | undefined> {
  const picked = await vscode.window.showQuickPick(
    [
      {
        label: vscode.l10n.t('Network namespace only'),
        detail: vscode.l10n.t(
          'The node’s tools (ip, ss) inside the container’s network: its addresses, the virtual IP',
        ),
        scope: 'network' as const,
      },
      {
        label: vscode.l10n.t('All namespaces'),
        detail: vscode.l10n.t('The container’s own filesystem, processes and network, with its shell'),
        scope: 'all' as const,
      },
    ],
    { placeHolder: vscode.l10n.t('Which namespaces to enter?') },
  );
  return picked?.scope;
}

import * as vscode from 'vscode';
import { ContainerAction, runContainerAction } from '../../../clients/docker/containerOperations';
import { notifyWarning } from '../../../editor/notify';
import type { ContainerHosts } from '../../../model/containers/containerHosts';
import type { ContainersNode } from '../containersTreeProvider';
import { Command } from '../../../editor/command';
import { resolveContainer } from './containerArgument';
import { requireTrust } from '../../../editor/trust';

/**
 * Start, stop, restart and remove: one command each, built alike. The view
 * updates from the engine's events, not from the command's result. Remove
 * asks first, unless called with `true` as its third argument (tests, scripts).
 */
export function containerActionCommands(
  hosts: ContainerHosts,
  selection: () => readonly ContainersNode[] | undefined,
): Command[] {
  const actions: [ContainerAction, string][] = [
    ['start', 'swarmLab.containers.start'],
    ['stop', 'swarmLab.containers.stop'],
    ['restart', 'swarmLab.containers.restart'],
    ['remove', 'swarmLab.containers.remove'],
  ];
  return actions.map(([action, id]) => ({
    id,
    async execute(arg: unknown, engineKey?: unknown, confirmed?: unknown) {
      const target = await resolveContainer(arg, hosts, selection(), engineKey);
      if (!target || !requireTrust('remote-commands', vscode.l10n.t('Changing a container'))) {
        return false;
      }
      const { container, host } = target;
      if (action === 'remove' && confirmed !== true) {
        const remove = vscode.l10n.t('Remove');
        const answer = await notifyWarning(
          vscode.l10n.t('Remove the container {0} on {1}?', container.name, host.label),
          {
            modal: true,
            detail: vscode.l10n.t('A running container is stopped first. Its data outside volumes is lost.'),
            actions: [remove],
          },
        );
        if (answer !== remove) {
          return false;
        }
      }
      await runContainerAction(await host.engine(), container.id, action);
      return true;
    },
  }));
}

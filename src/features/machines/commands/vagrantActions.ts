import * as vscode from 'vscode';
import { VagrantError } from '../../../clients/vagrant/vagrantCli';
import { Machine } from '../../../core/machines/machine';
import { VagrantAction } from '../../../core/vagrant/vagrantMachines';
import { notifyWarning } from '../../../editor/notify';
import { VagrantSource } from '../../../model/machines/vagrantSource';
import { Command } from '../../../editor/command';
import { requireTrust } from '../../../editor/trust';

const ACTIONS: VagrantAction[] = ['up', 'halt', 'reload', 'provision', 'destroy'];

/**
 * `vagrant up|halt|reload|provision|destroy` on a machine of the Machines
 * view: one command each, with a cancellable progress notification and
 * Vagrant's lines in the log. Destroy asks first (skipped with `true` as
 * second argument, for tests and scripts).
 */
export function vagrantActionCommands(vagrant: VagrantSource, log: vscode.LogOutputChannel): Command[] {
  return ACTIONS.map((action) => ({
    id: `swarmLab.vagrant.${action}`,
    async execute(arg: unknown, confirmed?: unknown) {
      const m = arg as Machine | undefined;
      const source = m?.vagrant ? vagrant.sourceFor(m.vagrant.dir) : undefined;
      if (!m?.vagrant || !source) {
        return false;
      }
      if (!requireTrust('local-program', vscode.l10n.t('vagrant {0}', action))) {
        return false;
      }
      if (action === 'destroy' && confirmed !== true) {
        const destroy = vscode.l10n.t('Destroy');
        const answer = await notifyWarning(vscode.l10n.t('Destroy the Vagrant machine {0}?', m.name), {
          modal: true,
          detail: vscode.l10n.t('Its disk and everything on it are deleted.'),
          actions: [destroy],
        });
        if (answer !== destroy) {
          return false;
        }
      }
      const name = m.vagrant.machine;
      return vscode.window.withProgress(
        {
          location: vscode.ProgressLocation.Notification,
          title: `vagrant ${action} ${name}`,
          cancellable: true,
        },
        async (progress, token) => {
          const abort = new AbortController();
          const sub = token.onCancellationRequested(() => abort.abort());
          try {
            await source.run(action, [name], {
              signal: abort.signal,
              onOutput: (line) => {
                log.info(`[vagrant ${name}] ${line}`);
                progress.report({ message: line.replace(/^==> [^:]+: /, '') });
              },
            });
            return true;
          } catch (error) {
            if (error instanceof VagrantError) {
              log.error(error.details);
              throw new Error(error.message, { cause: error });
            }
            throw error;
          } finally {
            sub.dispose();
          }
        },
      );
    },
  }));
}

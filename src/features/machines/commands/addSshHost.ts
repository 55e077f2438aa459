import * as vscode from 'vscode';
import { listHostAliases, readSshConfig } from '../../../core/ssh/sshConfig';
import { Command } from '../../../editor/command';

/**
 * Adds machines to `swarmLab.hosts` (user settings): a Host alias picked from
 * ~/.ssh/config, or `user@host:port` typed in. Swarm Lab then reaches them
 * as ssh would (HostName, User, Port, IdentityFile from the config).
 */
export function addSshHostCommand(): Command {
  return {
    id: 'swarmLab.machines.addSshHost',
    async execute(value?: unknown) {
      const config = vscode.workspace.getConfiguration('swarmLab');
      const current = config.get<unknown[]>('hosts', []);
      let entries: string[];
      if (typeof value === 'string') {
        entries = [value];
      } else {
        const aliases = await listHostAliases(await readSshConfig(undefined, undefined, vscode.l10n));
        const typed = vscode.l10n.t('Type user@host:port…');
        const picked = await vscode.window.showQuickPick(
          [
            ...aliases.map((a) => ({ label: a, description: '~/.ssh/config', picked: false })),
            { label: typed, description: '', picked: false },
          ],
          { canPickMany: true, placeHolder: vscode.l10n.t('Machines to add to swarmLab.hosts') },
        );
        if (!picked || picked.length === 0) {
          return undefined;
        }
        entries = picked.filter((p) => p.label !== typed).map((p) => p.label);
        if (picked.some((p) => p.label === typed)) {
          const host = await vscode.window.showInputBox({
            prompt: vscode.l10n.t('user@host:port (port optional)'),
            validateInput: (v) => (/^[^\s@]+@[^\s@:]+(:\d+)?$/.test(v.trim()) ? undefined : 'user@host:port'),
          });
          if (host) {
            entries.push(host.trim());
          }
        }
      }
      const added = entries.filter((e) => !current.includes(e));
      await config.update('hosts', [...current, ...added], vscode.ConfigurationTarget.Global);
      return added;
    },
  };
}

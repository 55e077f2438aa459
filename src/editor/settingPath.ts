import * as os from 'node:os';
import * as vscode from 'vscode';
import { resolveSettingPath } from '../core/settings/settingPaths';
import { notifyWarningOnce } from './notify';

/**
 * A `swarmLab.*` path setting in force, resolved (core/settings/settingPaths):
 * undefined when unset or refused. A refusal is said once, by name, and the
 * caller uses its default. Who wrote the value is read from `inspect`: in an
 * untrusted workspace VS Code ignores the workspace's value of these
 * (restricted) settings, so the value in force is then the user's.
 */
export function settingPath(
  name: 'labPath' | 'knownHostsFile' | 'localLab.stateDir' | 'localLab.imageCache',
): string | undefined {
  const config = vscode.workspace.getConfiguration('swarmLab');
  const value = (config.get<string>(name, '') ?? '').trim();
  if (value === '') {
    return undefined;
  }
  const inspected = config.inspect<string>(name);
  const fromWorkspace =
    vscode.workspace.isTrusted &&
    (inspected?.workspaceFolderValue !== undefined || inspected?.workspaceValue !== undefined);
  const resolved = resolveSettingPath(
    {
      key: `swarmLab.${name}`,
      value,
      scope: fromWorkspace ? 'workspace' : 'user',
      folder: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath,
      home: os.homedir(),
    },
    vscode.l10n,
  );
  if ('path' in resolved) {
    return resolved.path;
  }
  notifyWarningOnce(resolved.problem);
  return undefined;
}

/**
 * What the lab's steps get from VS Code beyond the settings (sections 4 and
 * 14): Weave Scope's service token, kept in SecretStorage only (asked once,
 * never in settings, logs or the report), the workspace's backups folder,
 * and the fresh local lab the restore rehearsal starts.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LocalLabStepsOptions } from '../clients/steps/localLabCluster';

/** The SecretStorage key of Weave Scope's service token. */
const SCOPE_TOKEN_KEY = 'swarmLab.scope.serviceToken';
/** The local-lab instance of the backup's restore rehearsal (the user's lab is 0, the tests' 1). */
const REHEARSAL_INSTANCE = 2;

export async function labSecretOptions(
  secrets: vscode.SecretStorage | undefined,
  labStateDir: string,
  extensionUri: vscode.Uri,
): Promise<Pick<LocalLabStepsOptions, 'scopeToken' | 'knownSecrets' | 'backupFolder' | 'rehearsal'>> {
  const token = (await secrets?.get(SCOPE_TOKEN_KEY)) ?? '';
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  const userInstance = Number(process.env['SWARM_LAB_INSTANCE'] ?? 0);
  return {
    ...(token ? { scopeToken: token, knownSecrets: [token] } : {}),
    ...(folder ? { backupFolder: path.join(folder, 'backups') } : {}),
    rehearsal: {
      stateDir: `${labStateDir}-rehearsal`,
      // Beside the user's lab, never on it.
      instance: userInstance === 0 ? REHEARSAL_INSTANCE : userInstance + 1,
      cacheDir: path.join(path.dirname(labStateDir), 'lab-images'),
      samplesDir: path.join(extensionUri.fsPath, 'samples', 'tp1'),
    },
  };
}

/** Asks for the Scope token once (a password box); empty means Scope stand-alone. Kept in SecretStorage only. */
export async function askScopeToken(secrets: vscode.SecretStorage | undefined): Promise<void> {
  if (!secrets || (await secrets.get(SCOPE_TOKEN_KEY)) !== undefined) {
    return;
  }
  const token = await vscode.window.showInputBox({
    password: true,
    ignoreFocusOut: true,
    title: vscode.l10n.t('Weave Scope service token'),
    prompt: vscode.l10n.t('Leave empty to run Scope stand-alone (its web interface on port 4040 of each node).'),
  });
  if (token !== undefined) {
    await secrets.store(SCOPE_TOKEN_KEY, token.trim());
  }
}

/**
 * What the lab's steps get from VS Code beyond the settings (sections 4 and
 * 14): Weave Scope's service token, kept in SecretStorage only (asked once,
 * never in settings, logs or the report), the workspace's backups folder,
 * the fresh local lab the restore rehearsal starts, and where rehearsals are
 * recorded (the extension's storage).
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LocalLabStepsOptions } from '../../../clients/steps/localLabCluster';
import type { LocalLabService } from '../../../model/machines/localLabService';

/** The SecretStorage key of Weave Scope's service token. */
const SCOPE_TOKEN_KEY = 'swarmLab.scope.serviceToken';
/** The SecretStorage key of Harbor's administrator password (section 13). */
const HARBOR_PASSWORD_KEY = 'swarmLab.harbor.adminPassword';
/** The local-lab instance of the backup's restore rehearsal (the user's lab is 0, the tests' 1). */
const REHEARSAL_INSTANCE = 2;

export async function labSecretOptions(
  secrets: vscode.SecretStorage | undefined,
  lab: Pick<LocalLabService, 'stateDir' | 'imageCacheDir' | 'rehearsalRecordsDir'>,
  extensionUri: vscode.Uri,
): Promise<
  Pick<
    LocalLabStepsOptions,
    'scopeToken' | 'harborPassword' | 'knownSecrets' | 'backupFolder' | 'rehearsal' | 'rehearsalRecords'
  >
> {
  const token = (await secrets?.get(SCOPE_TOKEN_KEY)) ?? '';
  const harborPassword = (await secrets?.get(HARBOR_PASSWORD_KEY)) ?? '';
  const known = [token, harborPassword].filter((s) => s !== '');
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  const userInstance = Number(process.env['SWARM_LAB_INSTANCE'] ?? 0);
  return {
    ...(token ? { scopeToken: token } : {}),
    ...(harborPassword ? { harborPassword } : {}),
    ...(known.length > 0 ? { knownSecrets: known } : {}),
    ...(folder ? { backupFolder: path.join(folder, 'backups') } : {}),
    rehearsalRecords: lab.rehearsalRecordsDir(),
    rehearsal: {
      stateDir: `${lab.stateDir()}-rehearsal`,
      // Beside the user's lab, never on it.
      instance: userInstance === 0 ? REHEARSAL_INSTANCE : userInstance + 1,
      cacheDir: lab.imageCacheDir(),
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

/** Harbor's rule for its administrator password: 8 to 128 characters with an upper-case letter, a lower-case one and a digit. */
function harborPasswordProblem(value: string): string | undefined {
  return value.length >= 8 && value.length <= 128 && /[A-Z]/.test(value) && /[a-z]/.test(value) && /\d/.test(value)
    ? undefined
    : vscode.l10n.t(
        'Harbor wants 8 to 128 characters with at least one upper-case letter, one lower-case letter and one digit.',
      );
}

/** Asks for Harbor's administrator password once (a password box); kept in SecretStorage only, masked in logs. */
export async function askHarborPassword(secrets: vscode.SecretStorage | undefined): Promise<void> {
  if (!secrets || (await secrets.get(HARBOR_PASSWORD_KEY))) {
    return;
  }
  const password = await vscode.window.showInputBox({
    password: true,
    ignoreFocusOut: true,
    title: vscode.l10n.t('Harbor administrator password'),
    prompt: vscode.l10n.t(
      'The password of Harbor’s admin user, written into harbor.yml on the node; kept in VS Code’s secret storage.',
    ),
    validateInput: harborPasswordProblem,
  });
  if (password) {
    await secrets.store(HARBOR_PASSWORD_KEY, password);
  }
}

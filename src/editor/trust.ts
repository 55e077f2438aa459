import * as vscode from 'vscode';
import { commandTrust, needsTrust, type TrustKind } from '../core/trust/commandTrust';
import { notifyWarning } from './notify';

/**
 * Workspace Trust, decided here and nowhere else: commands by their
 * declared kind (core/trust/commandTrust.ts), and the steps, checks and
 * sources that ask before they run a program, a remote command, or write
 * into the workspace.
 */

export type { TrustKind } from '../core/trust/commandTrust';

export function workspaceTrusted(): boolean {
  return vscode.workspace.isTrusted;
}

/** Fires once the user trusts the workspace: what was held back can be asked for now. */
export function onDidGrantTrust(listener: () => void): vscode.Disposable {
  return vscode.workspace.onDidGrantWorkspaceTrust(listener);
}

/** Why `what` does not run in this workspace, in one sentence. */
export function trustRefusal(kind: TrustKind, what: string): string {
  switch (kind) {
    case 'local-program':
      return vscode.l10n.t(
        '{0} runs a program of this computer on the workspace’s files: trust this workspace first (Workspaces: Manage Workspace Trust).',
        what,
      );
    case 'workspace-write':
      return vscode.l10n.t(
        '{0} writes into the workspace: trust this workspace first (Workspaces: Manage Workspace Trust).',
        what,
      );
    default:
      return vscode.l10n.t(
        '{0} runs commands on the machines: trust this workspace first (Workspaces: Manage Workspace Trust).',
        what,
      );
  }
}

/** What a check says instead of running while the workspace is not trusted. */
export function checkRefusal(): string {
  return vscode.l10n.t('Not checked: a check runs commands on the machines. Trust the workspace to check.');
}

/** Whether an action of this kind may run; when not, says why once (a warning) and returns false. */
export function requireTrust(kind: TrustKind, what: string): boolean {
  if (!needsTrust(kind) || workspaceTrusted()) {
    return true;
  }
  void notifyWarning(trustRefusal(kind, what));
  return false;
}

/**
 * The gate every command goes through (features.ts): its declared kind
 * decides; a command the table does not know runs only when trusted.
 */
export function requireCommandTrust(id: string): boolean {
  if (workspaceTrusted()) {
    return true;
  }
  const kind = commandTrust(id);
  if (kind === undefined) {
    void notifyWarning(vscode.l10n.t('{0} runs only in a trusted workspace (Workspaces: Manage Workspace Trust).', id));
    return false;
  }
  return requireTrust(kind, vscode.l10n.t('This command'));
}

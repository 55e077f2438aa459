import * as vscode from 'vscode';

/**
 * Steps that change machines run only in a trusted workspace: a folder from
 * elsewhere must not start or stop anything by opening it.
 */
export function requireMachineChanges(what: string): boolean {
  if (vscode.workspace.isTrusted) {
    return true;
  }
  void vscode.window.showWarningMessage(
    vscode.l10n.t('{0} changes machines: trust this workspace first (Workspaces: Manage Workspace Trust).', what),
  );
  return false;
}

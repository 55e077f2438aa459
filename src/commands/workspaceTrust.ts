import * as vscode from 'vscode';
import { notifyWarning } from '../editor/notify';

/**
 * Steps that change machines run only in a trusted workspace: a folder from
 * elsewhere must not start or stop anything by opening it.
 */
export function requireMachineChanges(what: string): boolean {
  if (vscode.workspace.isTrusted) {
    return true;
  }
  void notifyWarning(
    vscode.l10n.t('{0} changes machines: trust this workspace first (Workspaces: Manage Workspace Trust).', what),
  );
  return false;
}

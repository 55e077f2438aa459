import * as vscode from 'vscode';
import type { LabPanels } from './labPanels';
import { loadConfiguredLab, type LoadedLab } from './labSource';

/**
 * What the report commands share: the lab the report follows (the panel's,
 * in the language it shows, else VS Code's) and writing a whole file so that
 * nothing it held is lost.
 */

export async function reportLab(panels: LabPanels, extensionUri: vscode.Uri): Promise<LoadedLab> {
  return panels.current?.lab ?? loadConfiguredLab(extensionUri, vscode.env.language);
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

/**
 * A file beside `uri` that does not exist yet: `rendu-tp1.md` → `rendu-tp1.orig.md`,
 * else `rendu-tp1.orig-2.md`… (never over an earlier copy); `ext` replaces the extension.
 */
export async function freeSibling(uri: vscode.Uri, suffix: string, ext?: string): Promise<vscode.Uri> {
  const name = uri.path.split('/').pop() ?? 'report.md';
  const dot = name.lastIndexOf('.');
  const [stem, own] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
  const middle = suffix === '' ? '' : `.${suffix}`;
  for (let n = 1; ; n++) {
    const candidate = vscode.Uri.joinPath(uri, '..', `${stem}${middle}${n === 1 ? '' : `-${n}`}${ext ?? own}`);
    if (!(await exists(candidate))) {
      return candidate;
    }
  }
}

/**
 * Replaces a file's whole text. An existing file is edited through its
 * document (undoable, then saved), after its current text (unsaved changes
 * included) is copied beside it; returns that copy, if any.
 */
export async function replaceKeepingOriginal(uri: vscode.Uri, text: string): Promise<vscode.Uri | undefined> {
  if (!(await exists(uri))) {
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
    return undefined;
  }
  const doc = await vscode.workspace.openTextDocument(uri);
  const before = doc.getText();
  if (before === text) {
    return undefined;
  }
  const kept = await freeSibling(uri, 'orig');
  await vscode.workspace.fs.writeFile(kept, new TextEncoder().encode(before));
  const edit = new vscode.WorkspaceEdit();
  edit.replace(uri, new vscode.Range(doc.positionAt(0), doc.positionAt(before.length)), text);
  if (!(await vscode.workspace.applyEdit(edit))) {
    throw new Error(vscode.l10n.t('VS Code did not apply the edit to {0}.', vscode.workspace.asRelativePath(uri)));
  }
  await doc.save();
  return kept;
}

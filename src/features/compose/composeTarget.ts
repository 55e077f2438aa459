import * as vscode from 'vscode';
import { ComposeAnalysis, ComposeService } from '../../core/compose/composeImages';
import { TextEdit } from '../../core/text/textEdit';
import { notifyError, notifyInfo, notifyWarning } from '../../editor/notify';
import { ComposeAnalyses } from './composeAnalyses';
import { isComposeDocument } from './composeSettings';

/** A compose file as a command sees it: the document, the version analysed, the analysis. */
export interface ComposeTarget {
  readonly document: vscode.TextDocument;
  readonly version: number;
  readonly analysis: ComposeAnalysis;
}

/**
 * The compose file a command works on: the lens's argument, else the active
 * editor's. A malformed file is refused: it is never edited.
 */
export async function openCompose(uriArg: unknown, analyses: ComposeAnalyses): Promise<ComposeTarget | undefined> {
  const uri = uriArg instanceof vscode.Uri ? uriArg : vscode.window.activeTextEditor?.document.uri;
  const document = uri ? await vscode.workspace.openTextDocument(uri) : undefined;
  if (!document || (!(uriArg instanceof vscode.Uri) && !isComposeDocument(document))) {
    void notifyInfo(vscode.l10n.t('Open a compose file first.'));
    return undefined;
  }
  const version = document.version;
  const analysis = await analyses.analyze(document);
  if (!analysis.valid) {
    void notifyError(
      vscode.l10n.t(
        '{0} is not valid YAML: Swarm Lab leaves it untouched (see the Problems view).',
        vscode.workspace.asRelativePath(document.uri),
      ),
    );
    return undefined;
  }
  return { document, version, analysis };
}

/** The service named by the lens, or one picked among those `fits` accepts. */
export async function pickService(
  target: ComposeTarget,
  name: unknown,
  fits: (s: ComposeService) => boolean,
  placeHolder: string,
): Promise<ComposeService | undefined> {
  if (typeof name === 'string') {
    const found = target.analysis.services.find((s) => s.name === name);
    if (!found) {
      void notifyError(vscode.l10n.t('There is no service {0} in this file any more.', name));
    }
    return found;
  }
  const candidates = target.analysis.services.filter(fits);
  if (candidates.length === 0) {
    void notifyInfo(vscode.l10n.t('No service of this file fits.'));
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    candidates.map((s) => ({ label: s.name, description: s.image?.value ?? '', service: s })),
    { placeHolder },
  );
  return picked?.service;
}

/** A compose file opened and one of its services chosen (named by the lens, or picked among those that fit). */
export async function openService(
  uri: unknown,
  analyses: ComposeAnalyses,
  name: unknown,
  fits: (s: ComposeService) => boolean,
  placeHolder: string,
): Promise<{ target: ComposeTarget; service: ComposeService } | undefined> {
  const target = await openCompose(uri, analyses);
  const service = target && (await pickService(target, name, fits, placeHolder));
  return target && service ? { target, service } : undefined;
}

/**
 * Applies edits computed on `target.version` as one WorkspaceEdit (one undo
 * step). If the file changed in between, nothing is applied: offsets from
 * another version would land on the wrong bytes.
 */
export async function applyComposeEdits(target: ComposeTarget, edits: readonly TextEdit[]): Promise<boolean> {
  const { document } = target;
  if (document.version !== target.version) {
    void notifyWarning(vscode.l10n.t('The file changed meanwhile: nothing was changed, try again.'));
    return false;
  }
  if (edits.length === 0) {
    return false;
  }
  const edit = new vscode.WorkspaceEdit();
  for (const e of edits) {
    edit.replace(
      document.uri,
      new vscode.Range(document.positionAt(e.offset), document.positionAt(e.offset + e.length)),
      e.newText,
    );
  }
  return vscode.workspace.applyEdit(edit);
}

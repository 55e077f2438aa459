import * as vscode from 'vscode';
import { formatReport } from '../../../core/report/reportFormat';
import { answeredCount, previewRows, type PreviewGroup, type PreviewRow } from '../../../core/report/importPreviewRows';
import { importReport, type ImportPreview, type LineSpan } from '../../../core/report/reportImport';
import { notifyInfo } from '../../../editor/notify';
import type { LabPanels } from '../panel/labPanels';
import { replaceKeepingOriginal, reportLab } from '../panel/reportWrites';
import { Command } from '../../../editor/command';

interface PreviewItem extends vscode.QuickPickItem {
  readonly action?: 'write' | 'cancel';
  readonly lines?: LineSpan;
}

/**
 * Import a hand-written report: its text is mapped onto the lab's questions
 * (importReport), the mapping is shown first, and only a confirmation
 * writes. The report file's previous content, if any, is kept beside it as
 * `<name>.orig.md`; the source file is never changed.
 * Arguments (for automation): a source URI, and `{ confirm: true }` to skip
 * the preview.
 */
export function importReportCommand(panels: LabPanels, extensionUri: vscode.Uri): Command {
  return {
    id: 'swarmLab.report.import',
    async execute(source?: unknown, options?: unknown) {
      const target = panels.report.uri();
      if (!target) {
        throw new Error((await panels.report.status()).problem);
      }
      const from =
        source instanceof vscode.Uri
          ? source
          : (
              await vscode.window.showOpenDialog({
                title: vscode.l10n.t('Import a report written by hand'),
                defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
                filters: { Markdown: ['md', 'markdown', 'txt'] },
                openLabel: vscode.l10n.t('Import'),
              })
            )?.[0];
      if (!from) {
        return undefined;
      }
      const lab = await reportLab(panels, extensionUri);
      const sourceDoc = await vscode.workspace.openTextDocument(from);
      const preview = importReport(sourceDoc.getText(), lab.outline, lab.l10n, lab.headings);
      const skipPreview =
        typeof options === 'object' && options !== null && 'confirm' in options && options.confirm === true;
      const exists = await panels.report.exists();
      if (!skipPreview && !(await confirmImport(preview, sourceDoc, target, exists))) {
        return undefined;
      }
      const kept = await replaceKeepingOriginal(target, formatReport(preview.model));
      const answered = answeredCount(preview);
      const name = vscode.workspace.asRelativePath(target, false);
      void notifyInfo(
        kept
          ? vscode.l10n.t(
              '{0} answers imported into {1}; what it held before is kept in {2}.',
              answered,
              name,
              vscode.workspace.asRelativePath(kept, false),
            )
          : vscode.l10n.t('{0} answers imported into {1}.', answered, name),
      );
      // Beside the lab panel when it is shown: in its group the report would hide it.
      await vscode.window.showTextDocument(target, {
        preview: false,
        ...(panels.current?.panel.visible ? { viewColumn: vscode.ViewColumn.Beside } : {}),
      });
      return target;
    },
  };
}

/** The mapping, row by row; choosing a row shows its lines in the source; only "Write" writes. */
function confirmImport(
  preview: ImportPreview,
  source: vscode.TextDocument,
  target: vscode.Uri,
  targetExists: boolean,
): Promise<boolean> {
  const name = vscode.workspace.asRelativePath(target, false);
  const rows = previewRows(preview, vscode.l10n);
  const answered = answeredCount(preview);
  const items: PreviewItem[] = [
    {
      label: `$(check) ${vscode.l10n.t('Write {0}', name)}`,
      description: targetExists
        ? vscode.l10n.t(
            '{0} answers, {1} passages kept under Other notes; what {2} holds now is kept beside it',
            answered,
            preview.unmapped.length,
            name,
          )
        : vscode.l10n.t('{0} answers, {1} passages kept under Other notes', answered, preview.unmapped.length),
      action: 'write',
    },
    { label: `$(close) ${vscode.l10n.t('Cancel')}`, action: 'cancel' },
    ...group(vscode.l10n.t('Answers'), rowsOf(rows, 'answers')),
    ...group(vscode.l10n.t('Sections'), rowsOf(rows, 'sections')),
    ...group(vscode.l10n.t("Kept in a section's notes"), rowsOf(rows, 'sectionNotes')),
    ...group(vscode.l10n.t('Other notes'), rowsOf(rows, 'otherNotes')),
  ];
  return new Promise<boolean>((resolve) => {
    const pick = vscode.window.createQuickPick<PreviewItem>();
    pick.title = vscode.l10n.t(
      'Import {0}: check the mapping, then write',
      vscode.workspace.asRelativePath(source.uri, false),
    );
    pick.items = items;
    pick.ignoreFocusOut = true;
    pick.matchOnDescription = true;
    pick.matchOnDetail = true;
    let decided = false;
    pick.onDidAccept(() => {
      const item = pick.selectedItems[0] ?? pick.activeItems[0];
      if (item?.action) {
        decided = true;
        resolve(item.action === 'write');
        pick.hide();
      } else if (item?.lines) {
        const last = source.lineAt(Math.min(item.lines.last, source.lineCount) - 1);
        const selection = new vscode.Range(item.lines.first - 1, 0, last.lineNumber, last.range.end.character);
        void vscode.window.showTextDocument(source, {
          viewColumn: vscode.ViewColumn.Beside,
          preserveFocus: true,
          selection,
          preview: true,
        });
      }
    });
    pick.onDidHide(() => {
      pick.dispose();
      if (!decided) {
        resolve(false);
      }
    });
    pick.show();
  });
}

/** A titled group of rows; nothing when it has none. */
function group(title: string, rows: PreviewItem[]): PreviewItem[] {
  return rows.length === 0 ? [] : [{ label: title, kind: vscode.QuickPickItemKind.Separator }, ...rows];
}

function rowsOf(rows: readonly PreviewRow[], kind: PreviewGroup): PreviewItem[] {
  return rows
    .filter((r) => r.group === kind)
    .map((r) => ({
      label: r.label,
      description: r.description,
      ...(r.detail !== undefined ? { detail: r.detail } : {}),
      lines: r.lines,
    }));
}

import * as vscode from 'vscode';
import { formatReport } from '../core/report/reportFormat';
import { importReport, type ImportPreview } from '../core/report/reportImport';
import { notifyInfo } from '../editor/notify';
import type { LabPanels } from '../labPanel/labPanels';
import { replaceKeepingOriginal, reportLab } from '../labPanel/reportWrites';
import { Command } from './command';

interface PreviewItem extends vscode.QuickPickItem {
  readonly action?: 'write' | 'cancel';
  readonly range?: { start: number; end: number };
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
      const name = vscode.workspace.asRelativePath(target, false);
      void notifyInfo(
        kept
          ? vscode.l10n.t(
              '{0} answers imported into {1}; what it held before is kept in {2}.',
              preview.mappings.length,
              name,
              vscode.workspace.asRelativePath(kept, false),
            )
          : vscode.l10n.t('{0} answers imported into {1}.', preview.mappings.length, name),
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

/** The mapping, row by row; choosing a row shows its text in the source; only "Write" writes. */
function confirmImport(
  preview: ImportPreview,
  source: vscode.TextDocument,
  target: vscode.Uri,
  targetExists: boolean,
): Promise<boolean> {
  const name = vscode.workspace.asRelativePath(target, false);
  const items: PreviewItem[] = [
    {
      label: `$(check) ${vscode.l10n.t('Write {0}', name)}`,
      description: targetExists
        ? vscode.l10n.t(
            '{0} answers, {1} passages kept under Other notes; what {2} holds now is kept beside it',
            preview.mappings.length,
            preview.unmapped.length,
            name,
          )
        : vscode.l10n.t(
            '{0} answers, {1} passages kept under Other notes',
            preview.mappings.length,
            preview.unmapped.length,
          ),
      action: 'write',
    },
    { label: `$(close) ${vscode.l10n.t('Cancel')}`, action: 'cancel' },
    ...group(
      vscode.l10n.t('Answers'),
      preview.mappings.map((m) => ({
        label: m.questionId,
        description: m.excerpt,
        detail: `${confidenceLabel(m.confidence)} · ${m.why}`,
        range: m.sourceRange,
      })),
    ),
    ...group(
      vscode.l10n.t('Sections'),
      preview.sections.map((s) => ({
        label: s.heading,
        description: `→ ${s.sectionNumber}`,
        detail: s.why,
        range: s.sourceRange,
      })),
    ),
    ...group(
      vscode.l10n.t('Other notes'),
      preview.unmapped.map((u) => ({ label: u.excerpt, detail: u.why, range: u.sourceRange })),
    ),
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
      } else if (item?.range) {
        const selection = new vscode.Range(source.positionAt(item.range.start), source.positionAt(item.range.end));
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

function confidenceLabel(confidence: 'high' | 'medium' | 'low'): string {
  switch (confidence) {
    case 'high':
      return vscode.l10n.t('sure');
    case 'medium':
      return vscode.l10n.t('likely');
    case 'low':
      return vscode.l10n.t('a guess');
  }
}

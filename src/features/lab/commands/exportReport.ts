import * as fs from 'node:fs/promises';
import * as vscode from 'vscode';
import { isInside, resolveInside } from '../../../core/labPanel/insideRoots';
import { exportHtml, exportMarkdown } from '../../../core/report/reportExport';
import { parseReport } from '../../../core/report/reportParse';
import { notifyInfo } from '../../../editor/notify';
import type { LabPanels } from '../panel/labPanels';
import { freeSibling, reportLab } from '../panel/reportWrites';
import { Command } from '../../../editor/command';

type Format = 'markdown' | 'html';

/**
 * Export the report to hand it in: one clean Markdown file (questions left
 * blank are left out), or one HTML page that opens anywhere, images inlined.
 * The report as the editor has it (unsaved changes included) is exported;
 * the report itself is not touched. Argument (for automation): the target URI.
 */
export function exportReportCommands(panels: LabPanels, extensionUri: vscode.Uri): Command[] {
  const command = (id: string, format: Format): Command => ({
    id,
    async execute(target?: unknown) {
      const doc = await panels.report.document();
      if (!doc) {
        throw new Error(
          vscode.l10n.t('There is no report to export yet: {0} does not exist.', (await panels.report.status()).path),
        );
      }
      const lab = await reportLab(panels, extensionUri);
      const model = parseReport(doc.getText(), lab.outline, lab.headings);
      const out =
        target instanceof vscode.Uri
          ? target
          : await vscode.window.showSaveDialog({
              title:
                format === 'html'
                  ? vscode.l10n.t('Export the report as HTML')
                  : vscode.l10n.t('Export the report as Markdown'),
              defaultUri: await (format === 'html'
                ? freeSibling(doc.uri, '', '.html')
                : freeSibling(doc.uri, 'export')),
              filters: format === 'html' ? { HTML: ['html'] } : { Markdown: ['md'] },
            });
      if (!out) {
        return undefined;
      }
      if (out.toString() === doc.uri.toString()) {
        throw new Error(vscode.l10n.t('Export to another file: the report itself stays as it is.'));
      }
      const text =
        format === 'markdown'
          ? exportMarkdown(model)
          : await exportHtml(model, {
              title: titleOf(model.preamble) ?? lab.outline.title ?? vscode.workspace.asRelativePath(doc.uri),
              lang: lab.lab.language,
              readImage: (path) => readImageInside(doc.uri, path),
              l10n: lab.l10n,
            });
      await vscode.workspace.fs.writeFile(out, new TextEncoder().encode(text));
      void notifyInfo(vscode.l10n.t('Report exported to {0}.', vscode.workspace.asRelativePath(out, false)));
      return out;
    },
  });
  return [command('swarmLab.report.exportMarkdown', 'markdown'), command('swarmLab.report.exportHtml', 'html')];
}

function titleOf(preamble: string): string | undefined {
  return /^#[ \t]+(.+?)[ \t#]*$/m.exec(preamble)?.[1];
}

/**
 * An image named in the report, read only when it is inside a workspace
 * folder, symbolic links resolved: a handed-in page must not carry files
 * from elsewhere on the student's computer.
 */
async function readImageInside(report: vscode.Uri, path: string): Promise<Uint8Array | undefined> {
  const roots = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri).filter((u) => u.scheme === report.scheme);
  const dir = vscode.Uri.joinPath(report, '..').path;
  const resolved = resolveInside(
    dir,
    path,
    roots.map((r) => r.path),
  );
  if (resolved === undefined) {
    return undefined;
  }
  const uri = report.with({ path: resolved });
  try {
    if (uri.scheme === 'file') {
      const real = await fs.realpath(uri.fsPath);
      const realRoots = await Promise.all(roots.map((r) => fs.realpath(r.fsPath).catch(() => r.fsPath)));
      if (!realRoots.some((r) => isInside(vscode.Uri.file(real).path, vscode.Uri.file(r).path))) {
        return undefined;
      }
    }
    return await vscode.workspace.fs.readFile(uri);
  } catch {
    return undefined;
  }
}

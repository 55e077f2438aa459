import * as vscode from 'vscode';
import type { LabOutline } from '../../../core/report/labOutline';
import { setAnswer } from '../../../core/report/reportEdit';
import { formatReport } from '../../../core/report/reportFormat';
import { newReport, type ReportHeadings } from '../../../core/report/reportModel';
import { parseReport } from '../../../core/report/reportParse';
import { normalizeAnswer } from '../../../core/labPanel/answerSync';
import { isInside } from '../../../core/labPanel/insideRoots';
import type { ReportStatus } from '../../../core/labPanel/protocol';
import { settings } from '../../../editor/settings';
import { refresh } from '../../../editor/refresh';
import { Disposable } from '../../../platform/disposable';

/**
 * The report file, the source of truth for answers: swarmLab.reportFile
 * (default rendu-tp1.md) in the first workspace folder. Answers are written
 * into its TextDocument with a WorkspaceEdit (undoable, unsaved typing in an
 * editor kept), and any change of the document or the file is announced so
 * the panel follows.
 */

export type AnswerWrite =
  { readonly kind: 'saved'; readonly text: string } | { readonly kind: 'conflict'; readonly fileText: string };

export interface ReportLab {
  readonly outline: LabOutline;
  readonly headings: ReportHeadings;
}

const DEFAULT_REPORT = 'rendu-tp1.md';
/** Attempts when the document keeps changing while an answer is written. */
const WRITE_ATTEMPTS = 5;

export class ReportFile extends Disposable {
  private readonly changed = this._register(new vscode.EventEmitter<void>());
  /** The document's text, the file on disk, its dirty state or the setting changed. */
  readonly onDidChange = this.changed.event;
  private watcher: vscode.Disposable | undefined;

  constructor() {
    super();
    this._register(
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (this.is(e.document.uri)) {
          this.changed.fire();
        }
      }),
    );
    this._register(
      vscode.workspace.onDidSaveTextDocument((d) => {
        if (this.is(d.uri)) {
          this.changed.fire();
        }
      }),
    );
    this._register(
      refresh().onSettings(['reportFile'], () => {
        this.watch();
        this.changed.fire();
      }),
    );
    this._register(
      vscode.workspace.onDidChangeWorkspaceFolders(() => {
        this.watch();
        this.changed.fire();
      }),
    );
    this._register({
      dispose: () => {
        this.watcher?.dispose();
      },
    });
    this.watch();
  }

  /**
   * The report's URI, inside the first workspace folder; undefined when no
   * folder is open or the setting points outside it (a folder's settings
   * must not make the panel write into a file elsewhere, ~/.bashrc say).
   */
  uri(): vscode.Uri | undefined {
    return this.resolve().uri;
  }

  private resolve(): { uri?: vscode.Uri; problem?: string } {
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (!folder) {
      return { problem: vscode.l10n.t('Open a folder: the report is a file in it.') };
    }
    const name = settings().reportFile();
    const file = name === '' ? DEFAULT_REPORT : name.replace(/\\/g, '/');
    const uri = vscode.Uri.joinPath(folder.uri, file);
    if (/^([/]|[a-z]:)/i.test(file) || !isInside(uri.path, folder.uri.path) || uri.path === folder.uri.path) {
      return {
        problem: vscode.l10n.t(
          'The setting swarmLab.reportFile must name a file inside the workspace folder, not "{0}".',
          name,
        ),
      };
    }
    return { uri };
  }

  private is(uri: vscode.Uri): boolean {
    return uri.toString() === this.uri()?.toString();
  }

  /** Created, changed or deleted on disk (by git, another tool) while no editor has it open. */
  private watch(): void {
    this.watcher?.dispose();
    this.watcher = undefined;
    const uri = this.uri();
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (!uri || !folder) {
      return;
    }
    const rel = vscode.workspace.asRelativePath(uri, false);
    this.watcher = refresh().onFiles(
      { id: `report:${uri.fsPath}`, pattern: new vscode.RelativePattern(folder, rel) },
      () => this.changed.fire(),
    );
  }

  async exists(): Promise<boolean> {
    const uri = this.uri();
    if (!uri) {
      return false;
    }
    try {
      await vscode.workspace.fs.stat(uri);
      return true;
    } catch {
      return false;
    }
  }

  async status(): Promise<ReportStatus> {
    const { uri, problem } = this.resolve();
    if (!uri) {
      return { path: DEFAULT_REPORT, exists: false, dirty: false, problem: problem ?? '' };
    }
    const open = vscode.workspace.textDocuments.find((d) => this.is(d.uri));
    return {
      path: vscode.workspace.asRelativePath(uri, false),
      exists: await this.exists(),
      dirty: open?.isDirty ?? false,
    };
  }

  /** The document (unsaved changes included); undefined when the file does not exist. */
  async document(): Promise<vscode.TextDocument | undefined> {
    const uri = this.uri();
    if (!uri) {
      return undefined;
    }
    const open = vscode.workspace.textDocuments.find((d) => this.is(d.uri));
    if (open) {
      return open;
    }
    return (await this.exists()) ? vscode.workspace.openTextDocument(uri) : undefined;
  }

  /** Every answer of the report, by question id. */
  async answers(lab: ReportLab): Promise<Map<string, string>> {
    const doc = await this.document();
    const answers = new Map<string, string>();
    if (doc) {
      for (const [id, a] of parseReport(doc.getText(), lab.outline, lab.headings).answers) {
        answers.set(id, a.text);
      }
    }
    return answers;
  }

  /** A new report with every section and question heading; never overwrites a file. */
  async create(lab: ReportLab): Promise<vscode.Uri> {
    const { uri, problem } = this.resolve();
    if (!uri) {
      throw new Error(problem);
    }
    if (!(await this.exists())) {
      await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(formatReport(newReport(lab.outline))));
    }
    this.changed.fire();
    return uri;
  }

  /**
   * Writes one answer as setAnswer's minimal edit, computed against the
   * document as it is now; when the document changes between computing and
   * applying (typing in an editor), it is computed again. `base` is the answer
   * the panel's text was typed over: a file that says something else now wins
   * a conflict unless `force`. Saves only a document that had no unsaved
   * changes of the student's own.
   */
  async setAnswer(lab: ReportLab, id: string, text: string, base: string, force: boolean): Promise<AnswerWrite> {
    for (let attempt = 0; attempt < WRITE_ATTEMPTS; attempt++) {
      const doc = await this.document();
      if (!doc) {
        throw new Error(vscode.l10n.t('The report file {0} does not exist.', (await this.status()).path));
      }
      const before = doc.getText();
      const current = parseReport(before, lab.outline, lab.headings).answers.get(id)?.text ?? '';
      const wanted = normalizeAnswer(text);
      if (current === wanted) {
        return { kind: 'saved', text: current };
      }
      if (!force && current !== base) {
        return { kind: 'conflict', fileText: current };
      }
      const edit = setAnswer(before, id, text, lab.outline, lab.headings);
      if (!edit) {
        return { kind: 'saved', text: current };
      }
      const wasDirty = doc.isDirty;
      const version = doc.version;
      const change = new vscode.WorkspaceEdit();
      change.replace(
        doc.uri,
        new vscode.Range(doc.positionAt(edit.offset), doc.positionAt(edit.offset + edit.length)),
        edit.newText,
      );
      // VS Code refuses an edit made for an older version of the document.
      const applied =
        doc.version === version && (await vscode.workspace.applyEdit(change).then(undefined, () => false));
      if (!applied) {
        if (doc.version === version) {
          // Not a race with typing: VS Code refused the edit itself (read-only file system…).
          throw new Error(vscode.l10n.t('VS Code did not apply the edit to {0}.', (await this.status()).path));
        }
        continue;
      }
      if (!wasDirty) {
        await doc.save();
      }
      return { kind: 'saved', text: parseReport(doc.getText(), lab.outline, lab.headings).answers.get(id)?.text ?? '' };
    }
    throw new Error(vscode.l10n.t('The report kept changing while the answer was written: try again.'));
  }
}

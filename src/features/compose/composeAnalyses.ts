import * as vscode from 'vscode';
import { ComposeAnalysis, ComposeDiagnostic } from '../../core/compose/composeImages';
import { ComposeParser, ComposeVersions, parseComposeText, ParsedCompose } from '../../core/compose/composeVersions';
import { refresh } from '../../editor/refresh';
import { Disposable } from '../../platform/disposable';
import { isComposeDocument, labRegistry } from './composeSettings';

/** Typing pauses this long before a background file is analysed again (visible ones are asked by their lenses). */
const SETTLE_MS = 300;

const versioned = (document: vscode.TextDocument): { key: string; version: number; getText(): string } => ({
  key: document.uri.toString(),
  version: document.version,
  getText: () => document.getText(),
});

/**
 * The analysis of each open compose file, from one parse per document
 * version, or per text (an undo back to the text parsed before costs
 * nothing): parsing a 300-service file takes tens of milliseconds on a
 * small machine, so lenses, hovers, diagnostics, the image-presence checks
 * and commands share it. Its problems become diagnostics; a malformed file
 * gets nothing else. Dropped when the document closes.
 */
export class ComposeAnalyses extends Disposable {
  private readonly versions: ComposeVersions;
  /** Per document, the analysis whose diagnostics are (being) published. */
  private readonly published = new Map<string, Promise<ComposeAnalysis>>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly diagnostics = this._register(vscode.languages.createDiagnosticCollection('swarmLab.compose'));
  private readonly changed = this._register(new vscode.EventEmitter<vscode.Uri>());
  /** Fires once a document's analysis has been published (its diagnostics set). */
  readonly onDidAnalyze = this.changed.event;

  constructor(
    private readonly log: vscode.LogOutputChannel,
    parse: ComposeParser = parseComposeText,
  ) {
    super();
    this.versions = new ComposeVersions(parse);
    this._register(vscode.workspace.onDidOpenTextDocument((d) => this.schedule(d, 0)));
    this._register(vscode.workspace.onDidChangeTextDocument((e) => this.schedule(e.document, SETTLE_MS)));
    this._register(vscode.workspace.onDidCloseTextDocument((d) => this.forget(d.uri)));
    this._register(
      refresh().onSettings(['composeFiles', 'registry'], (keys) => {
        // A new registry is analysed from the parses kept; other globs may make other files compose files.
        if (keys.has('composeFiles')) {
          this.versions.clear();
        }
        this.published.clear();
        this.diagnostics.clear();
        vscode.workspace.textDocuments.forEach((d) => this.schedule(d, 0));
      }),
    );
    this._register({ dispose: () => [...this.timers.values()].forEach(clearTimeout) });
    vscode.workspace.textDocuments.forEach((d) => this.schedule(d, 0));
  }

  /** Texts really parsed (not served from the cache): tests check that unchanged versions are not parsed again. */
  get computed(): number {
    return this.versions.parses;
  }

  /** The parse of the document as it is now (the same one the analysis is made from). */
  parsed(document: vscode.TextDocument): Promise<ParsedCompose> {
    return this.versions.parsed(versioned(document));
  }

  /** The analysis of the document as it is now (cached per version and registry). */
  analyze(document: vscode.TextDocument): Promise<ComposeAnalysis> {
    const key = document.uri.toString();
    const analysis = this.versions.analyze(versioned(document), { registry: labRegistry(), l10n: vscode.l10n });
    if (this.published.get(key) !== analysis) {
      // A new version, an undo back to a text analysed before, or a new registry: its diagnostics hold now.
      this.published.set(key, analysis);
      analysis.then(
        (a) => {
          if (this.published.get(key) === analysis && this.versions.isCurrent(key, analysis)) {
            this.publish(document.uri, a.diagnostics);
          }
        },
        (error: unknown) => this.log.error(`analysis of ${document.uri.fsPath} failed`, error),
      );
    }
    return analysis;
  }

  private schedule(document: vscode.TextDocument, delayMs: number): void {
    if (!isComposeDocument(document)) {
      return;
    }
    const key = document.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        if (!document.isClosed) {
          void this.analyze(document);
        }
      }, delayMs),
    );
  }

  private publish(uri: vscode.Uri, found: readonly ComposeDiagnostic[]): void {
    this.diagnostics.set(
      uri,
      found.map((d) => {
        const range = new vscode.Range(
          d.range.start.line,
          d.range.start.character,
          d.range.end.line,
          d.range.end.character,
        );
        const diagnostic = new vscode.Diagnostic(
          range,
          d.message,
          d.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning,
        );
        diagnostic.source = 'Swarm Lab';
        return diagnostic;
      }),
    );
    this.changed.fire(uri);
  }

  private forget(uri: vscode.Uri): void {
    const key = uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
    this.versions.forget(key);
    this.published.delete(key);
    this.diagnostics.delete(uri);
  }
}

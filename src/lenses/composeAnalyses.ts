import * as vscode from 'vscode';
import { analyzeCompose, ComposeAnalysis, ComposeDiagnostic } from '../core/compose/composeImages';
import { Disposable } from '../platform/disposable';
import { isComposeDocument, labRegistry } from './composeSettings';

interface Entry {
  version: number;
  /** The text analysed: an undo back to it is a new version with the same text. */
  readonly text: string;
  readonly registry: string;
  readonly analysis: Promise<ComposeAnalysis>;
}

/** Analyses kept per document: the current one and the one before (what an undo goes back to). */
const KEPT = 2;

/** Typing pauses this long before a background file is analysed again (visible ones are asked by their lenses). */
const SETTLE_MS = 300;

/**
 * The analysis of each open compose file, computed once per document
 * version, or per text (an undo back to the text analysed before costs
 * nothing): parsing a 300-service file takes a few hundred milliseconds on
 * a small machine, so lenses, hovers, diagnostics and commands share one.
 * Its problems become diagnostics; a malformed file gets nothing else.
 */
export class ComposeAnalyses extends Disposable {
  /** Per document, most recent first. */
  private readonly entries = new Map<string, Entry[]>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly diagnostics = this._register(vscode.languages.createDiagnosticCollection('swarmLab.compose'));
  private readonly changed = this._register(new vscode.EventEmitter<vscode.Uri>());
  /** Fires once a document's analysis has been published (its diagnostics set). */
  readonly onDidAnalyze = this.changed.event;
  /** Analyses really computed (not served from the cache): tests check that unchanged versions are not parsed again. */
  computed = 0;

  constructor(private readonly log: vscode.LogOutputChannel) {
    super();
    this._register(vscode.workspace.onDidOpenTextDocument((d) => this.schedule(d, 0)));
    this._register(vscode.workspace.onDidChangeTextDocument((e) => this.schedule(e.document, SETTLE_MS)));
    this._register(vscode.workspace.onDidCloseTextDocument((d) => this.forget(d.uri)));
    this._register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('swarmLab.registry') || e.affectsConfiguration('swarmLab.composeFiles')) {
          this.entries.clear();
          this.diagnostics.clear();
          vscode.workspace.textDocuments.forEach((d) => this.schedule(d, 0));
        }
      }),
    );
    this._register({ dispose: () => [...this.timers.values()].forEach(clearTimeout) });
    vscode.workspace.textDocuments.forEach((d) => this.schedule(d, 0));
  }

  /** The analysis of the document as it is now (cached per version and registry). */
  analyze(document: vscode.TextDocument): Promise<ComposeAnalysis> {
    const registry = labRegistry();
    const key = document.uri.toString();
    const kept = (this.entries.get(key) ?? []).filter((e) => e.registry === registry);
    const current = kept[0];
    if (current?.version === document.version) {
      return current.analysis;
    }
    const text = document.getText();
    const again = kept.find((e) => e.text === text);
    if (again) {
      again.version = document.version;
      this.entries.set(key, [again, ...kept.filter((e) => e !== again)]);
      // Its diagnostics were replaced meanwhile: they hold again.
      void again.analysis.then(
        (a) => this.publishIfCurrent(key, document.uri, again.analysis, a),
        () => undefined,
      );
      return again.analysis;
    }
    this.computed++;
    const analysis = analyzeCompose(text, { registry, l10n: vscode.l10n });
    this.entries.set(key, [{ version: document.version, text, registry, analysis }, ...kept].slice(0, KEPT));
    analysis.then(
      (a) => this.publishIfCurrent(key, document.uri, analysis, a),
      (error: unknown) => this.log.error(`analysis of ${document.uri.fsPath} failed`, error),
    );
    return analysis;
  }

  private publishIfCurrent(key: string, uri: vscode.Uri, analysis: Promise<ComposeAnalysis>, a: ComposeAnalysis): void {
    if (this.entries.get(key)?.[0]?.analysis === analysis) {
      this.publish(uri, a.diagnostics);
    }
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
    this.entries.delete(key);
    this.diagnostics.delete(uri);
  }
}

import * as vscode from 'vscode';
import { LabLoadError } from '../../../core/lab/labContent';
import type { LabActions } from '../../../core/labPanel/labActions';
import { markdownRenderer } from '../../../core/labPanel/panelMarkdown';
import { newNonce, panelHtml } from '../../../core/labPanel/panelHtml';
import { pickSection, sectionView, summarizeSections } from '../../../core/labPanel/panelModel';
import {
  parseWebviewMessage,
  type HostMessage,
  type LabPanelState,
  type SetAnswerMessage,
  type WebviewMessage,
} from '../../../core/labPanel/protocol';
import { WriteQueue } from '../../../core/labPanel/writeQueue';
import { ReportConflictError } from '../../../core/report/reportEdit';
import { pageOf, webviewOptions } from '../../../editor/webviewPanel';
import { notifyError } from '../../../editor/notify';
import { refresh } from '../../../editor/refresh';
import { onDidGrantTrust, workspaceTrusted } from '../../../editor/trust';
import { Disposable } from '../../../platform/disposable';
import type { ClusterMapFeed } from '../../../model/swarm/clusterMapSource';
import { LabClusterMap } from './labClusterMap';
import { LabRuns } from './labRuns';
import { loadConfiguredLab, type LoadedLab } from './labSource';
import { panelStrings } from './panelStrings';
import type { ReportFile } from './reportFile';

export interface LabPanelDeps {
  readonly extensionUri: vscode.Uri;
  readonly log: vscode.LogOutputChannel;
  readonly report: ReportFile;
  /** The actions plugged in now (the step engine once it is registered). */
  readonly actions: () => LabActions;
  readonly onDidChangeActions: vscode.Event<void>;
  /** The cluster map shown above the section; none: no map. */
  readonly clusterMap?: ClusterMapFeed;
}

/**
 * One lab panel: the lab on the left and in the middle, the report file
 * behind the answer boxes. The webview is a view: it asks, this class
 * decides (reads the lab, writes the report, runs steps) and tells it what
 * to show.
 */
export class LabPanel extends Disposable {
  private loaded: LoadedLab | undefined;
  private sectionId: string | undefined;
  /** The language switched to in the panel; VS Code's display language until then. */
  private language: string | undefined;
  /** Counts load() calls, so that only the newest one applies what it read. */
  private loadGeneration = 0;
  private answers = new Map<string, string>();
  /** One write at a time; a failed one is reported once and the later ones still run. */
  private readonly writes = new WriteQueue((error) => this.fail(error));
  /**
   * Writing an answer makes the document dirty, then saves it: the change
   * events in between are told once, after the write, so the webview does not
   * flash "unsaved changes" at each pause in typing.
   */
  private writing = 0;
  private changedWhileWriting = false;
  private readonly runs: LabRuns;
  private readonly map: LabClusterMap | undefined;
  private readonly posted = this._register(new vscode.EventEmitter<HostMessage>());
  /** Every message sent to the webview (tests follow the panel through it). */
  readonly onDidPostMessage = this.posted.event;
  private readonly closed = this._register(new vscode.EventEmitter<void>());
  readonly onDidDispose = this.closed.event;
  /** The nonce of the page shown now. */
  nonce = '';

  constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly deps: LabPanelDeps,
    state: LabPanelState,
  ) {
    super();
    this.sectionId = state.sectionId;
    this.language = state.language;
    this._register({
      dispose: () => {
        panel.dispose();
      },
    });
    this.runs = this._register(
      new LabRuns(
        deps.actions,
        (m) => this.post(m),
        deps.log,
        () => this.postProgress(),
      ),
    );
    this.map = deps.clusterMap && this._register(new LabClusterMap(deps.clusterMap, (m) => this.post(m)));
    panel.webview.options = webviewOptions(deps.extensionUri);
    panel.iconPath = vscode.Uri.joinPath(deps.extensionUri, 'media', 'swarm-lab.svg');
    this._register(panel.onDidDispose(() => this.dispose()));
    this._register(panel.webview.onDidReceiveMessage((m: unknown) => void this.handleMessage(m)));
    this._register(deps.report.onDidChange(() => void this.reportChanged().catch((e: unknown) => this.fail(e))));
    this._register(
      refresh().onSettings(['labPath'], () => {
        void this.load().catch((err: unknown) => this.fail(err));
      }),
    );
    let actionEvents = this.subscribeActions();
    this._register(
      deps.onDidChangeActions(() => {
        actionEvents.forEach((e) => e?.dispose());
        actionEvents = this.subscribeActions();
        void this.evaluateSectionChecks();
      }),
    );
    this._register({ dispose: () => actionEvents.forEach((e) => e?.dispose()) });
    this._register(onDidGrantTrust(() => void this.evaluateSectionChecks()));
    this.render();
  }

  override dispose(): void {
    if (!this.isDisposed) {
      this.closed.fire();
    }
    super.dispose();
  }

  /** A fresh page, with a new nonce; the webview then says `ready` and gets the lab. */
  render(): void {
    this.nonce = newNonce();
    this.panel.webview.html = panelHtml(pageOf(this.panel, this.deps.extensionUri, 'labPanel', this.nonce));
  }

  get lab(): LoadedLab | undefined {
    return this.loaded;
  }

  /** The report's answers as last sent to the webview. */
  knownAnswers(): ReadonlyMap<string, string> {
    return this.answers;
  }

  reveal(): void {
    this.panel.reveal(undefined, false);
  }

  /** Everything the webview sends arrives here, checked first: it is input, not trusted code. */
  async handleMessage(raw: unknown): Promise<void> {
    const message = parseWebviewMessage(raw);
    if (!message) {
      this.deps.log.warn(`lab panel: ignored a malformed message ${JSON.stringify(raw)?.slice(0, 200)}`);
      return;
    }
    try {
      await this.dispatch(message);
    } catch (error) {
      this.fail(error);
    }
  }

  private async dispatch(m: WebviewMessage): Promise<void> {
    switch (m.type) {
      case 'ready':
        this.sectionId = m.state?.sectionId ?? this.sectionId;
        this.language = m.state?.language ?? this.language;
        this.map?.pageReady();
        return this.load();
      case 'showSection':
        this.sectionId = m.sectionId;
        this.runs.cancelChecks();
        await this.postLab();
        return this.evaluateSectionChecks();
      case 'setLanguage':
        this.language = m.language;
        return this.load();
      case 'setAnswer':
        return this.writeAnswer(m);
      case 'createReport':
        if (this.loaded) {
          await this.deps.report.create(this.loaded);
          await this.reportChanged();
        }
        return;
      case 'openReport': {
        const uri = this.deps.report.uri();
        if (uri && (await this.deps.report.exists())) {
          await vscode.window.showTextDocument(uri, { viewColumn: vscode.ViewColumn.Beside, preview: false });
        }
        return;
      }
      case 'runStep': {
        // Only what the lab names: the page is not trusted to choose what runs.
        const section = this.loaded?.lab.sections.find((s) => s.steps.includes(m.stepId));
        if (this.loaded && section) {
          return this.runs.runStep(m.stepId, this.loaded.l10n, section.checks);
        }
        return this.deps.log.warn(`lab panel: no step ${m.stepId} in this lab`);
      }
      case 'cancelStep':
        return this.runs.cancel(m.stepId);
      case 'runCheck':
        if (this.loaded?.lab.sections.some((s) => s.checks.includes(m.checkId))) {
          return this.runs.evaluate([m.checkId], this.loaded.l10n);
        }
        return this.deps.log.warn(`lab panel: no check ${m.checkId} in this lab`);
      case 'renderPreview': {
        const render = await markdownRenderer();
        this.post({ type: 'preview', requestId: m.requestId, html: render(m.text) });
        return;
      }
    }
  }

  private section(): LoadedLab['lab']['sections'][number] | undefined {
    return this.loaded ? pickSection(this.loaded.lab.sections, this.sectionId) : undefined;
  }

  /** (Re)reads the lab in the language asked for, and shows the section. */
  private async load(): Promise<void> {
    // Loads overlap (a language switch while labPath changes): the one asked
    // last wins, so an older read finishing late never replaces it.
    const generation = ++this.loadGeneration;
    let loaded: LoadedLab;
    try {
      loaded = await loadConfiguredLab(this.deps.extensionUri, this.language ?? vscode.env.language);
    } catch (error) {
      if (generation !== this.loadGeneration) {
        return;
      }
      this.loaded = undefined;
      if (!(error instanceof LabLoadError)) {
        throw error;
      }
      error.problems.forEach((p) => this.deps.log.error(p.message));
      this.post({ type: 'labError', message: error.message, strings: panelStrings() });
      return;
    }
    if (generation !== this.loadGeneration) {
      return;
    }
    this.loaded = loaded;
    loaded.lab.problems.forEach((p) => this.deps.log.warn(p.message));
    const answers = await this.deps.report.answers(loaded);
    if (generation !== this.loadGeneration) {
      return;
    }
    this.answers = answers;
    await this.postLab();
    await this.evaluateSectionChecks();
  }

  private async postLab(): Promise<void> {
    const loaded = this.loaded;
    const section = this.section();
    if (!loaded || !section) {
      return;
    }
    this.sectionId = section.id;
    const render = await markdownRenderer();
    const ids = section.blocks.flatMap((b) => (b.kind === 'step' || b.kind === 'check' ? [b.id] : []));
    const environment = await this.deps
      .actions()
      .availability?.(ids)
      .catch((error: unknown) => {
        this.deps.log.warn(`the availability of section ${section.id} is unknown: ${String(error)}`);
        return undefined;
      });
    this.post({
      type: 'lab',
      language: loaded.lab.language,
      languages: loaded.lab.languages,
      ...(loaded.lab.notice !== undefined ? { notice: loaded.lab.notice } : {}),
      sections: summarizeSections(loaded.lab.sections, this.answers, this.runs.checks),
      section: sectionView(section, render, this.runs.checks, vscode.l10n, environment),
      answers: Object.fromEntries(this.answers),
      report: await this.deps.report.status(),
      strings: panelStrings(),
    });
  }

  private postProgress(): void {
    if (this.loaded) {
      this.post({
        type: 'progress',
        sections: summarizeSections(this.loaded.lab.sections, this.answers, this.runs.checks),
      });
    }
  }

  private async evaluateSectionChecks(ids?: readonly string[]): Promise<void> {
    const section = this.section();
    if (this.loaded && section && section.checks.length > 0) {
      const wanted = ids ? section.checks.filter((c) => ids.includes(c)) : section.checks;
      if (!workspaceTrusted()) {
        // Checks run commands on the machines: not by themselves in a workspace not trusted.
        this.runs.holdBack(wanted);
        return;
      }
      await this.runs.evaluate(wanted, this.loaded.l10n);
    }
  }

  /** The current actions' events: checks to evaluate again, and machines that came or went. */
  private subscribeActions(): Array<{ dispose(): void } | undefined> {
    const actions = this.deps.actions();
    return [
      actions.onDidChangeChecks?.((ids) => void this.evaluateSectionChecks(ids)),
      // The section says again where it runs, and whether Run can, without reopening.
      actions.onDidChangeAvailability?.(() => void this.postLab().catch((e: unknown) => this.fail(e))),
    ];
  }

  /** The report changed (in an editor, on disk, by the panel itself): answers and progress follow. */
  private async reportChanged(): Promise<void> {
    if (!this.loaded || this.isDisposed) {
      return;
    }
    if (this.writing > 0) {
      this.changedWhileWriting = true;
      return;
    }
    this.answers = await this.deps.report.answers(this.loaded);
    this.post({ type: 'answers', answers: Object.fromEntries(this.answers), report: await this.deps.report.status() });
    this.postProgress();
  }

  /** One write at a time: each is computed against the document as the previous one left it. */
  private writeAnswer(m: SetAnswerMessage): Promise<void> {
    return this.writes.run(async () => {
      const loaded = this.loaded;
      if (!loaded) {
        return;
      }
      this.writing++;
      try {
        const result = await this.deps.report.setAnswer(loaded, m.questionId, m.text, m.base, m.force === true);
        if (result.kind === 'saved') {
          this.post({ type: 'answerSaved', questionId: m.questionId, seq: m.seq, text: result.text });
        } else {
          this.post({ type: 'answerConflict', questionId: m.questionId, seq: m.seq, fileText: result.fileText });
        }
      } catch (error) {
        const message =
          error instanceof ReportConflictError
            ? vscode.l10n.t(
                'The heading of {0} is inside a code block of the report: close the code block above it first.',
                m.questionId,
              )
            : error instanceof Error
              ? error.message
              : String(error);
        this.deps.log.error(`lab panel: writing ${m.questionId} failed: ${message}`);
        this.post({ type: 'answerFailed', questionId: m.questionId, seq: m.seq, message });
      } finally {
        this.writing--;
      }
      if (this.writing === 0 && this.changedWhileWriting) {
        this.changedWhileWriting = false;
        await this.reportChanged();
      }
    });
  }

  private post(message: HostMessage): void {
    if (this.isDisposed) {
      return;
    }
    this.posted.fire(message);
    void this.panel.webview.postMessage(message);
  }

  private fail(error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    this.deps.log.error(`lab panel: ${message}`, error);
    void notifyError(message, { log: this.deps.log, logged: true });
  }
}

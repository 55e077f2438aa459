import * as vscode from 'vscode';
import type { Localizer } from '../../../core/l10n';
import { formatEvidence } from '../../../core/labPanel/evidence';
import type { CheckOutcome, LabActions } from '../../../core/labPanel/labActions';
import type { CheckView, HostMessage, OutputLine } from '../../../core/labPanel/protocol';
import { checkRefusal, requireTrust } from '../../../editor/trust';
import { Disposable } from '../../../platform/disposable';

/** Output lines are sent to the webview in batches: a chatty step must not flood the message channel. */
const OUTPUT_BATCH_MS = 100;

/**
 * Running the panel's steps and checks through the LabActions plugged in
 * (the step engine, or the placeholder that says it is not there yet):
 * output streamed to the panel and to the log, states kept for progress,
 * everything cancelled when the panel goes away.
 */
export class LabRuns extends Disposable {
  private readonly steps = new Map<string, AbortController>();
  private readonly checkRuns = new Map<string, AbortController>();
  /** The last state of every check evaluated, across sections (the progress counts them). */
  readonly checks = new Map<string, CheckView>();

  constructor(
    private readonly actions: () => LabActions,
    private readonly post: (message: HostMessage) => void,
    private readonly log: vscode.LogOutputChannel,
    /** After a check changes state: progress to recount. */
    private readonly onCheck: () => void,
  ) {
    super();
    this._register({
      dispose: () => {
        this.steps.forEach((c) => c.abort());
        this.cancelChecks();
      },
    });
  }

  isRunning(stepId: string): boolean {
    return this.steps.has(stepId);
  }

  cancel(stepId: string): void {
    this.steps.get(stepId)?.abort();
  }

  /** Runs a step (in a trusted workspace only); its checks are evaluated again after. */
  async runStep(stepId: string, l10n: Localizer, thenCheck: readonly string[]): Promise<void> {
    if (this.steps.has(stepId) || this.isDisposed) {
      return;
    }
    if (!requireTrust('remote-commands', vscode.l10n.t('The step "{0}"', stepId))) {
      this.post({
        type: 'stepFinished',
        stepId,
        ok: false,
        summary: vscode.l10n.t('Not run: steps change machines, and this workspace is not trusted.'),
      });
      return;
    }
    const controller = new AbortController();
    this.steps.set(stepId, controller);
    this.post({ type: 'stepStarted', stepId });
    this.log.info(`==> ${stepId}`);
    let batch: OutputLine[] = [];
    let timer: ReturnType<typeof setTimeout> | undefined;
    const flush = (): void => {
      if (timer) {
        clearTimeout(timer);
        timer = undefined;
      }
      if (batch.length > 0 && !this.isDisposed) {
        this.post({ type: 'stepOutput', stepId, lines: batch });
      }
      batch = [];
    };
    const onOutput = (line: OutputLine): void => {
      this.log.info(`${line.node !== undefined ? `[${line.node}] ` : ''}${line.text}`);
      batch.push(line);
      timer ??= setTimeout(flush, OUTPUT_BATCH_MS);
    };
    try {
      const outcome = await this.actions()
        .runStep(stepId, onOutput, controller.signal)
        .catch((error: unknown) => ({ ok: false, summary: messageOf(error), evidence: undefined }));
      flush();
      this.log.info(`<== ${stepId}: ${outcome.ok ? 'ok' : 'failed'}: ${outcome.summary}`);
      const evidence = outcome.evidence?.length ? formatEvidence(outcome.evidence, { l10n }) : undefined;
      if (!this.isDisposed) {
        this.post({
          type: 'stepFinished',
          stepId,
          ok: outcome.ok,
          summary: outcome.summary,
          ...(evidence !== undefined ? { evidence } : {}),
        });
      }
    } finally {
      this.steps.delete(stepId);
    }
    if (thenCheck.length > 0) {
      await this.evaluate(thenCheck, l10n);
    }
  }

  /** Checks being evaluated are of no interest any more (another section is shown). */
  cancelChecks(): void {
    this.checkRuns.forEach((c) => c.abort());
    this.checkRuns.clear();
  }

  /** Checks not run (the workspace is not trusted): each says how to have it run. */
  holdBack(checkIds: readonly string[]): void {
    for (const checkId of checkIds) {
      this.checkRuns.get(checkId)?.abort();
      this.checkRuns.delete(checkId);
      const check: CheckView = { state: 'unknown', why: checkRefusal() };
      this.checks.set(checkId, check);
      this.post({ type: 'checkState', checkId, check });
    }
    this.onCheck();
  }

  /**
   * Evaluates checks (a section being shown, a student asking, the engine
   * saying the cluster moved); a check asked again cancels its own earlier
   * evaluation, never another check's.
   */
  async evaluate(checkIds: readonly string[], l10n: Localizer): Promise<void> {
    await Promise.all(
      checkIds.map(async (checkId) => {
        this.checkRuns.get(checkId)?.abort();
        const controller = new AbortController();
        this.checkRuns.set(checkId, controller);
        const outcome: CheckOutcome = await this.actions()
          .runCheck(checkId, controller.signal)
          .catch((error: unknown) => ({ state: 'unknown', why: messageOf(error) }));
        if (controller.signal.aborted || this.isDisposed) {
          return;
        }
        this.checkRuns.delete(checkId);
        const evidence = outcome.evidence?.length ? formatEvidence(outcome.evidence, { l10n }) : undefined;
        const check: CheckView = { state: outcome.state, why: outcome.why, ...(evidence ? { evidence } : {}) };
        this.checks.set(checkId, check);
        this.post({ type: 'checkState', checkId, check });
        this.onCheck();
      }),
    );
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

import * as vscode from 'vscode';
import { OUTCOME_WORDS } from '../../../core/steps/logFormat';
import type { LabStep } from '../../../core/labSteps/labConfig';
import { notifyInfo, notifyWarning } from '../../../editor/notify';
import type { LabStepService, RunOptions, StepRun } from '../steps/labStepService';

/** Shared by the step commands: choosing a step, and running with a cancellable progress notification. */

export async function pickLabStep(steps: LabStepService, placeHolder: string): Promise<LabStep | undefined> {
  const picked = await vscode.window.showQuickPick(
    steps.steps().map((step) => ({
      label: step.title,
      description: step.id,
      detail: vscode.l10n.t('Section {0}', step.section),
      step,
    })),
    { placeHolder, matchOnDescription: true },
  );
  return picked?.step;
}

export async function pickLabNode(steps: LabStepService): Promise<string | undefined> {
  const names = steps.nodeNames();
  if (names.length === 0) {
    throw new Error(vscode.l10n.t('No lab machines: start the local lab first (Swarm Lab: Start Local Lab).'));
  }
  return vscode.window.showQuickPick(names, { placeHolder: vscode.l10n.t('Run it on which node?') });
}

/**
 * Runs with a notification that counts the nodes done, cancellable (the
 * remote commands are stopped), the log shown; ends with a one-line summary.
 */
export function runWithProgress(
  steps: LabStepService,
  title: string,
  work: (options: RunOptions) => Promise<StepRun>,
): Thenable<StepRun> {
  steps.channel.show(true);
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title, cancellable: true },
    async (progress, token) => {
      const abort = new AbortController();
      const cancel = token.onCancellationRequested(() => abort.abort());
      let total = 0;
      let done = 0;
      try {
        const result = await work({
          signal: abort.signal,
          events: {
            stepStarted: (e) => {
              total = e.nodes.length;
              done = 0;
              progress.report({ message: e.step.title });
            },
            nodeFinished: (e) => {
              done++;
              progress.report({
                message: `${e.step.title}: ${e.node} ${OUTCOME_WORDS[e.outcome.kind]} (${done}/${total})`,
                increment: total > 0 ? 100 / total : 0,
              });
            },
          },
        });
        const message = abort.signal.aborted
          ? vscode.l10n.t('{0}: cancelled. The log says what was left in which state.', title)
          : result.ok
            ? vscode.l10n.t('{0}: done.', title)
            : vscode.l10n.t('{0}: failed on some nodes. See the log.', title);
        // Each node's outcome is in the steps' channel: a failure offers it.
        void (result.ok
          ? notifyInfo(message, { log: steps.channel, logged: true })
          : notifyWarning(message, { log: steps.channel, logged: true, offerLog: true }));
        return result;
      } finally {
        cancel.dispose();
      }
    },
  );
}

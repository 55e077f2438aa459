import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LabImagesProgress } from '../../../localLab/images/labImages';
import { notifyError, notifyInfo } from '../../../editor/notify';
import { checkHost, hostRequirementsMessage, missingPieceLines } from '../../../localLab/hostRequirements';
import { LabConflictError, NodeStartError } from '../../../localLab/localLab';
import { LocalLabService } from '../../../model/machines/localLabService';
import { Command } from '../../../editor/command';
import { requireTrust } from '../../../editor/trust';

/**
 * Brings the local lab up (nodes, then the lab's images: from the cache, or
 * built the first time), with progress per image and cancellation. A lab
 * already running on this machine, wherever it was started, is the lab.
 * Returns the sentence shown when the computer lacks something (for tests).
 */
export function startLocalLabCommand(
  lab: LocalLabService,
  extensionUri: vscode.Uri,
  log: vscode.LogOutputChannel,
): Command {
  return {
    id: 'swarmLab.localLab.start',
    async execute() {
      if (!requireTrust('local-program', vscode.l10n.t('Starting the local lab'))) {
        return undefined;
      }
      // Before anything starts: a missing piece is one sentence with its apt-get line, not a failure halfway.
      const host = await checkHost();
      const problem = hostRequirementsMessage(host, vscode.l10n);
      if (problem !== undefined) {
        missingPieceLines(host, vscode.l10n).forEach((line) => log.warn(`[local lab] missing: ${line}`));
        void notifyError(problem, { log });
        return problem;
      }
      const samplesDir = path.join(extensionUri.fsPath, 'samples', 'tp1');
      const cacheDir = lab.imageCacheDir();
      return vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Local lab'), cancellable: true },
        async (bar, token) => {
          const progress = {
            report: (value: { message: string }): void => {
              bar.report(value);
              lab.reportProgress(value.message);
            },
          };
          const abort = new AbortController();
          const cancelled = token.onCancellationRequested(() => abort.abort());
          let nodes: string[] = [];
          try {
            await lab.change(async (l) => {
              progress.report({ message: vscode.l10n.t('starting the nodes…') });
              const { layout } = await l.up(l.nodeCount(), {
                signal: abort.signal,
                onNodeBase: () =>
                  progress.report({
                    message: vscode.l10n.t("making the nodes' base system (debootstrap and apt, a few minutes, once)…"),
                  }),
              });
              nodes = layout.nodes.map((n) => n.name);
              if (fs.existsSync(samplesDir)) {
                progress.report({ message: vscode.l10n.t('loading the lab images…') });
                await l.loadImages(layout, {
                  cacheDir,
                  samplesDir,
                  signal: abort.signal,
                  onProgress: (p) => progress.report({ message: progressText(p) }),
                });
              }
            });
          } catch (error) {
            showStartFailure(error, abort.signal.aborted, log);
            return undefined;
          } finally {
            cancelled.dispose();
          }
          void notifyInfo(vscode.l10n.t('The local lab is up: {0}.', nodes.join(', ')));
          return undefined;
        },
      );
    },
  };
}

function progressText(p: LabImagesProgress): string {
  switch (p.stage) {
    case 'base':
      return vscode.l10n.t(
        'building the lab images ({0}/{1}): the Debian base (debootstrap, a few minutes, once)…',
        p.done + 1,
        p.total,
      );
    case 'image':
      return vscode.l10n.t('building the lab images ({0}/{1}): {2}…', p.done + 1, p.total, p.image);
    case 'save':
      return vscode.l10n.t('saving the lab images to the cache…');
  }
}

/** One or two sentences in the notification; the details (a node's log, a stack) stay in the log. */
function showStartFailure(error: unknown, cancelled: boolean, log: vscode.LogOutputChannel): void {
  log.error('Start Local Lab failed', error);
  let message: string;
  if (cancelled) {
    message = vscode.l10n.t('Start Local Lab cancelled: the nodes that came up keep running; start again to finish.');
  } else if (error instanceof LabConflictError) {
    message = vscode.l10n.t(
      'Another local lab, in {0}, holds this lab’s nodes and is not healthy: stop it first, then start again.',
      error.otherStateDir,
    );
  } else if (error instanceof NodeStartError) {
    message = vscode.l10n.t('{0} did not come up: see the log for its last lines, then start again.', error.node);
  } else {
    message = vscode.l10n.t('The local lab could not start: {0}', firstLine(error));
  }
  // The details (a node's log, a stack) were just written to the log: Show Log opens them.
  void notifyError(message, { log, logged: true, offerLog: true });
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0].slice(0, 200);
}

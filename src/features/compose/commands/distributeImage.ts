import * as vscode from 'vscode';
import { buildAndDistribute } from '../../../clients/images/imageDistribution';
import { ComposeAnalyses } from '../composeAnalyses';
import { ImagePresenceService } from '../../../model/images/imagePresenceService';
import { Command } from '../../../editor/command';
import { nodeProgress, reportOutcomes, withImageProgress } from '../../../editor/imageJobs';
import { imageBuildCommand } from './imageJob';

/** Progress text at most this often while bytes flow. */
const BYTES_EVERY_MS = 250;

/**
 * Builds once on the first machine, then streams the image from its engine
 * to every other machine that lacks that image ID, all at once.
 */
export function distributeImageCommand(
  analyses: ComposeAnalyses,
  presence: ImagePresenceService,
  log: vscode.LogOutputChannel,
): Command {
  return imageBuildCommand(
    'swarmLab.images.buildAndDistribute',
    () => vscode.l10n.t('Building and distributing an image'),
    analyses,
    presence,
    ({ job, nodes, unreachable }) => {
      const what = vscode.l10n.t('Distribution of {0}', job.reference);
      log.info(
        `${what}: built on ${nodes[0].name}, then streamed to ${
          nodes
            .slice(1)
            .map((n) => n.name)
            .join(', ') || 'no other node'
        }`,
      );
      return withImageProgress(
        vscode.l10n.t('Building {0} once and distributing it', job.reference),
        async (progress, signal) => {
          let shownAt = 0;
          const outcomes = await buildAndDistribute(nodes, job.request, {
            signal,
            log: (line) => log.info(line),
            onNode: nodeProgress(progress, nodes.length),
            onBytes: (bytes) => {
              if (Date.now() - shownAt >= BYTES_EVERY_MS) {
                shownAt = Date.now();
                progress.report({ message: vscode.l10n.t('{0} MB streamed', (bytes / 1e6).toFixed(1)) });
              }
            },
          });
          reportOutcomes(what, outcomes, unreachable, log);
          return outcomes;
        },
      );
    },
  );
}

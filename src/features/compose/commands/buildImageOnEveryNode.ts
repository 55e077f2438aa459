import * as vscode from 'vscode';
import { buildOnEach } from '../../../clients/images/imageDistribution';
import { ComposeAnalyses } from '../composeAnalyses';
import { ImagePresenceService } from '../../../model/images/imagePresenceService';
import { Command } from '../../../editor/command';
import { nodeProgress, reportOutcomes, withImageProgress } from '../../../editor/imageJobs';
import { imageBuildCommand } from './imageJob';

/** The seed's way, in parallel: the build context uploaded to every node and built there. */
export function buildImageOnEveryNodeCommand(
  analyses: ComposeAnalyses,
  presence: ImagePresenceService,
  log: vscode.LogOutputChannel,
): Command {
  return imageBuildCommand(
    'swarmLab.images.buildOnEveryNode',
    () => vscode.l10n.t('Building an image on every node'),
    analyses,
    presence,
    ({ job, nodes, unreachable }) => {
      const what = vscode.l10n.t('Build of {0}', job.reference);
      log.info(
        `${what}: ${job.request.contextDir} (${job.request.files.length} files) on ${nodes.map((n) => n.name).join(', ')}`,
      );
      return withImageProgress(vscode.l10n.t('Building {0} on every node', job.reference), async (progress, signal) => {
        const outcomes = await buildOnEach(nodes, job.request, {
          signal,
          log: (line) => log.info(line),
          onNode: nodeProgress(progress, nodes.length),
        });
        reportOutcomes(what, outcomes, unreachable, log);
        return outcomes;
      });
    },
  );
}

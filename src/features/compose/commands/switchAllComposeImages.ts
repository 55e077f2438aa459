import * as vscode from 'vscode';
import { flipAll, FlipScope, FlipTarget } from '../../../core/compose/composeImages';
import { notifyInfo } from '../../../editor/notify';
import { ComposeAnalyses } from '../composeAnalyses';
import { applyComposeEdits, openCompose } from '../composeTarget';
import { Command } from '../../../editor/command';

/**
 * Every image of the file to one form: by default the services that build
 * their image, with scope `all` every switchable one. One undo step.
 */
export function switchAllComposeImagesCommand(analyses: ComposeAnalyses, log: vscode.LogOutputChannel): Command {
  return {
    id: 'swarmLab.compose.switchAllImages',
    async execute(uri?: unknown, toArg?: unknown, scopeArg?: unknown) {
      const target = await openCompose(uri, analyses);
      if (!target) {
        return false;
      }
      let to = toArg as FlipTarget | undefined;
      if (to !== 'registry' && to !== 'local') {
        const picked = await vscode.window.showQuickPick(
          [
            { label: vscode.l10n.t('All images → registry'), to: 'registry' as const },
            { label: vscode.l10n.t('All images → local'), to: 'local' as const },
          ],
          { placeHolder: vscode.l10n.t('Switch the images of the services that build them') },
        );
        if (!picked) {
          return false;
        }
        to = picked.to;
      }
      const scope: FlipScope = scopeArg === 'all' ? 'all' : 'built';
      const bulk = flipAll(target.analysis, to, scope);
      for (const s of bulk.skipped) {
        log.info(`compose: ${s.service.name} left as it is: ${s.reason}`);
      }
      if (bulk.edits.length === 0) {
        void notifyInfo(vscode.l10n.t('No image of this file needs switching.'));
        return false;
      }
      const applied = await applyComposeEdits(target, bulk.edits);
      if (applied && bulk.skipped.length > 0) {
        void notifyInfo(
          vscode.l10n.t(
            '{0} images switched; {1} left as they are (see the log).',
            bulk.services.length,
            bulk.skipped.length,
          ),
        );
      }
      return applied;
    },
  };
}

import * as vscode from 'vscode';
import { FlipTarget } from '../../../core/compose/composeImages';
import { notifyInfo } from '../../../editor/notify';
import { ComposeAnalyses } from '../composeAnalyses';
import { applyComposeEdits, openService } from '../composeTarget';
import { Command } from '../../../editor/command';

/** One service's image to its other form (the lens above `image:`); only that scalar changes. */
export function switchComposeImageCommand(analyses: ComposeAnalyses): Command {
  return {
    id: 'swarmLab.compose.switchImage',
    async execute(uri?: unknown, serviceName?: unknown, to?: unknown) {
      const picked = await openService(
        uri,
        analyses,
        serviceName,
        (s) => s.flip !== undefined,
        vscode.l10n.t('The service whose image to switch'),
      );
      if (!picked) {
        return false;
      }
      const { target, service } = picked;
      if (!service.flip) {
        void notifyInfo(service.reason ?? vscode.l10n.t('{0} has no image to switch.', service.name));
        return false;
      }
      if (to !== undefined && service.flip.to !== (to as FlipTarget)) {
        // The lens was drawn for an older version of the file.
        void notifyInfo(vscode.l10n.t('The image of {0} is already in that form.', service.name));
        return false;
      }
      return applyComposeEdits(target, service.flip.edits);
    },
  };
}

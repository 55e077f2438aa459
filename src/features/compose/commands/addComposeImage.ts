import * as vscode from 'vscode';
import { FlipTarget } from '../../../core/compose/composeImages';
import { notifyInfo } from '../../../editor/notify';
import { ComposeAnalyses } from '../composeAnalyses';
import { applyComposeEdits, openService } from '../composeTarget';
import { Command } from '../../../editor/command';

/** `image:` for a service that builds one without naming it (a swarm deploys images, not builds). */
export function addComposeImageCommand(analyses: ComposeAnalyses): Command {
  return {
    id: 'swarmLab.compose.addImage',
    async execute(uri?: unknown, serviceName?: unknown, formArg?: unknown) {
      const picked = await openService(
        uri,
        analyses,
        serviceName,
        (s) => s.addImage !== undefined,
        vscode.l10n.t('The service that needs an image: name'),
      );
      if (!picked) {
        return false;
      }
      const { target, service } = picked;
      if (!service.addImage) {
        void notifyInfo(service.reason ?? vscode.l10n.t('{0} already has an image.', service.name));
        return false;
      }
      let form = formArg as FlipTarget | undefined;
      if (form !== 'local' && form !== 'registry') {
        const picked = await vscode.window.showQuickPick(
          (['local', 'registry'] as const).map((f) => ({ label: service.addImage![f].newText.trim(), form: f })),
          { placeHolder: vscode.l10n.t('The image: to add') },
        );
        if (!picked) {
          return false;
        }
        form = picked.form;
      }
      return applyComposeEdits(target, [service.addImage[form]]);
    },
  };
}

import * as vscode from 'vscode';
import { LocalLabService } from '../../../model/machines/localLabService';
import { Command } from '../../../editor/command';
import { requireTrust } from '../../../editor/trust';

/** Stops every node of the local lab; their Docker data stays for the next start. */
export function stopLocalLabCommand(lab: LocalLabService): Command {
  return {
    id: 'swarmLab.localLab.stop',
    async execute() {
      if (!requireTrust('local-program', vscode.l10n.t('Stopping the local lab'))) {
        return undefined;
      }
      await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Stopping the local lab…') },
        () => lab.change((l) => l.down()),
      );
      return undefined;
    },
  };
}

import * as vscode from 'vscode';
import { Command } from '../../../editor/command';

/** The presence lens of a built image: how to get it onto the nodes. */
export function chooseImageActionCommand(): Command {
  return {
    id: 'swarmLab.images.chooseAction',
    async execute(uri?: unknown, serviceName?: unknown) {
      const picked = await vscode.window.showQuickPick(
        [
          {
            label: vscode.l10n.t('Build once and distribute'),
            detail: vscode.l10n.t('Build on the first node, then stream the image to the others in parallel'),
            command: 'swarmLab.images.buildAndDistribute',
          },
          {
            label: vscode.l10n.t('Build on every node'),
            detail: vscode.l10n.t('Upload the build context to every node and build there in parallel'),
            command: 'swarmLab.images.buildOnEveryNode',
          },
          {
            label: vscode.l10n.t('Push to the registry'),
            detail: vscode.l10n.t(
              'Tag it in registry form, push it to the lab registry, switch the file to registry form',
            ),
            command: 'swarmLab.images.pushToRegistry',
          },
        ],
        { placeHolder: typeof serviceName === 'string' ? serviceName : undefined },
      );
      return picked ? vscode.commands.executeCommand(picked.command, uri, serviceName) : undefined;
    },
  };
}

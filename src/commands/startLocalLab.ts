import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { DEFAULT_NODES } from '../localLab/labLayout';
import { LocalLabService } from '../services/localLabService';
import { Command } from './command';
import { requireMachineChanges } from './workspaceTrust';

/** Brings the local lab up (nodes, then the lab's images), with progress. */
export function startLocalLabCommand(lab: LocalLabService, extensionUri: vscode.Uri): Command {
  return {
    id: 'swarmLab.localLab.start',
    async execute() {
      if (!requireMachineChanges(vscode.l10n.t('Starting the local lab'))) {
        return undefined;
      }
      if (process.getuid?.() !== 0) {
        void vscode.window.showErrorMessage(
          vscode.l10n.t(
            'The local lab needs root (network namespaces): run VS Code as root in a VM or container, or use `sudo npm run lab -- up`.',
          ),
        );
        return undefined;
      }
      const samplesDir = path.join(extensionUri.fsPath, 'samples', 'tp1');
      return vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Local lab'), cancellable: false },
        async (progress) => {
          await lab.change(async (l) => {
            progress.report({ message: vscode.l10n.t('starting {0} nodes…', DEFAULT_NODES) });
            const { layout } = await l.up(l.nodeCount());
            if (fs.existsSync(samplesDir)) {
              progress.report({ message: vscode.l10n.t('loading the lab images…') });
              // Beside the lab's folder, as `npm run lab` keeps it: one image cache for all labs.
              await l.loadImages(layout, { cacheDir: path.join(path.dirname(l.stateDir), 'lab-images'), samplesDir });
            }
          });
          void vscode.window.showInformationMessage(vscode.l10n.t('The local lab is up.'));
        },
      );
    },
  };
}

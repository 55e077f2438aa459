import * as vscode from 'vscode';
import { sectionSteps } from '../../../core/labSteps/labSteps';
import type { LabStepService } from '../steps/labStepService';
import { Command } from '../../../editor/command';
import { runWithProgress } from './labStepRun';
import { requireTrust } from '../../../editor/trust';

/** "Run Section…": a section's steps in order, stopping after one that failed. The section number may be given. */
export function runLabSectionCommand(steps: LabStepService): Command {
  return {
    id: 'swarmLab.steps.runSection',
    async execute(sectionArg?: unknown) {
      const all = steps.steps();
      const sections = [...new Set(all.map((s) => s.section))];
      const section =
        typeof sectionArg === 'number'
          ? sectionArg
          : (
              await vscode.window.showQuickPick(
                sections.map((n) => ({
                  label: vscode.l10n.t('Section {0}', n),
                  detail: sectionSteps(all, n)
                    .map((s) => s.title)
                    .join(' → '),
                  n,
                })),
                { placeHolder: vscode.l10n.t('Which section of the lab?') },
              )
            )?.n;
      if (section === undefined || !requireTrust('remote-commands', vscode.l10n.t('Section {0}', section))) {
        return undefined;
      }
      return runWithProgress(steps, vscode.l10n.t('Section {0}', section), (options) =>
        steps.runSectionSteps(section, options),
      );
    },
  };
}

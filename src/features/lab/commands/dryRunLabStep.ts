import * as vscode from 'vscode';
import type { DryRunDocumentProvider } from '../steps/dryRunDocumentProvider';
import type { LabStepService } from '../steps/labStepService';
import { Command } from '../../../editor/command';
import { pickLabStep } from './labStepRun';

/**
 * "Dry Run Step…": checks every node (reading only) and shows, in a
 * read-only document, exactly what the step would run where: each command
 * as sent, each file with its content. Allowed in an untrusted workspace.
 */
export function dryRunLabStepCommand(steps: LabStepService, documents: DryRunDocumentProvider): Command {
  return {
    id: 'swarmLab.steps.dryRun',
    async execute(idArg?: unknown) {
      const step =
        typeof idArg === 'string'
          ? steps.steps().find((s) => s.id === idArg)
          : await pickLabStep(steps, vscode.l10n.t('Which step to dry-run?'));
      if (!step) {
        return undefined;
      }
      const lines: string[] = [
        `# ${vscode.l10n.t('Dry run of {0} [{1}]: nothing was changed; the checks only read.', step.title, step.id)}`,
        '',
      ];
      const run = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Dry run: {0}', step.title) },
        () => steps.runStepById(step.id, { dryRun: true, onOutput: (line) => lines.push(line) }),
      );
      for (const report of run.reports) {
        for (const node of report.nodes) {
          if (node.outcome.kind !== 'planned') {
            continue;
          }
          for (const action of node.outcome.actions) {
            if (action.kind === 'upload') {
              lines.push(
                '',
                `# ${vscode.l10n.t('{0}: {1} would contain:', node.node, action.path)}`,
                action.content.trimEnd(),
              );
            }
          }
        }
      }
      return documents.show(`${step.id}.dry-run.log`, `${lines.join('\n')}\n`);
    },
  };
}

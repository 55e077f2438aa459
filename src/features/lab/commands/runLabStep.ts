import * as vscode from 'vscode';
import type { LabStepService } from '../steps/labStepService';
import { Command } from '../../../editor/command';
import { pickLabStep, runWithProgress } from './labStepRun';
import { requireTrust } from '../../../editor/trust';

/** "Run Step…": one of the lab's steps on all its nodes at once. The step's id may be given as argument. */
export function runLabStepCommand(steps: LabStepService): Command {
  return {
    id: 'swarmLab.steps.run',
    async execute(idArg?: unknown) {
      const step =
        typeof idArg === 'string'
          ? steps.steps().find((s) => s.id === idArg)
          : await pickLabStep(steps, vscode.l10n.t('Which step?'));
      if (!step) {
        return undefined;
      }
      if (step.phases.some((p) => p.changesMachines) && !requireTrust('remote-commands', step.title)) {
        return undefined;
      }
      return runWithProgress(steps, step.title, (options) => steps.runStepById(step.id, options));
    },
  };
}

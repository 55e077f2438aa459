import * as vscode from 'vscode';
import type { LabStepService } from '../steps/labStepService';
import { Command } from '../../../editor/command';
import { pickLabNode, pickLabStep, runWithProgress } from './labStepRun';
import { requireTrust } from '../../../editor/trust';

/** "Run Step on a Node…": a step on the chosen node only (what it needs elsewhere first, such as the swarm's init, runs where it must). */
export function runLabStepOnNodeCommand(steps: LabStepService): Command {
  return {
    id: 'swarmLab.steps.runOnNode',
    async execute(idArg?: unknown, nodeArg?: unknown) {
      const step =
        typeof idArg === 'string'
          ? steps.steps().find((s) => s.id === idArg)
          : await pickLabStep(steps, vscode.l10n.t('Which step?'));
      const node = step && (typeof nodeArg === 'string' ? nodeArg : await pickLabNode(steps));
      if (!step || !node) {
        return undefined;
      }
      if (step.phases.some((p) => p.changesMachines) && !requireTrust('remote-commands', step.title)) {
        return undefined;
      }
      return runWithProgress(steps, vscode.l10n.t('{0} on {1}', step.title, node), (options) =>
        steps.runStepById(step.id, { ...options, only: node }),
      );
    },
  };
}

import * as vscode from 'vscode';
import type { LabStepService } from '../steps/labStepService';
import { Command } from '../../../editor/command';
import { runWithProgress } from './labStepRun';
import { requireTrust } from '../../../editor/trust';

/** "Swarm: Init and Join": the swarm.init-join step from the palette; the Swarm view fills in as nodes join. */
export function swarmInitJoinCommand(steps: LabStepService): Command {
  return {
    id: 'swarmLab.steps.swarmInitJoin',
    execute() {
      const title = vscode.l10n.t('Swarm: init and join');
      if (!requireTrust('remote-commands', title)) {
        return undefined;
      }
      return runWithProgress(steps, title, (options) => steps.runStepById('swarm.init-join', options));
    },
  };
}

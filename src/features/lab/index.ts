import * as vscode from 'vscode';
import type { Command } from '../../editor/command';
import type { LiveModel } from '../../model';
import { refresh, VAGRANTFILES } from '../../editor/refresh';
import type { SideStep } from '../../core/labRunner/ports';
import { dryRunLabStepCommand } from './commands/dryRunLabStep';
import { exportReportCommands } from './commands/exportReport';
import { importReportCommand } from './commands/importReport';
import { openLabCommand } from './commands/openLab';
import { runLabSectionCommand } from './commands/runLabSection';
import { runLabStepCommand } from './commands/runLabStep';
import { runLabStepOnNodeCommand } from './commands/runLabStepOnNode';
import { swarmInitJoinCommand } from './commands/swarmInitJoin';
import { LabPanels } from './panel/labPanels';
import { DryRunDocumentProvider } from './steps/dryRunDocumentProvider';
import { LabStepService } from './steps/labStepService';
import { dataDiskCheck, machinesReachableCheck } from './steps/prerequisiteChecks';

export interface LabDeps {
  readonly log: vscode.LogOutputChannel;
  readonly model: LiveModel;
  /** Section 1's step, done in VS Code: the Vagrantfile (the machines feature writes it). */
  readonly vagrantfileStep: SideStep;
}

export interface LabFeature {
  readonly labSteps: LabStepService;
  readonly labPanels: LabPanels;
  readonly commands: readonly Command[];
}

/**
 * The lab: its panel (sections, answers in the student's report, the
 * cluster map), its steps and checks run on the lab's machines, and the
 * report's import and export.
 */
export function register(context: vscode.ExtensionContext, deps: LabDeps): LabFeature {
  const { log } = deps;
  const { localLab, machines, swarm } = deps.model;
  const labSteps = new LabStepService(localLab, machines, swarm, context.extensionUri, context.secrets);
  const dryRuns = new DryRunDocumentProvider();
  const vagrantfileChanged = new vscode.EventEmitter<void>();
  // The activation entry registered the panel's serializer: it restores panels through labPanels.
  const labPanels = new LabPanels(context.extensionUri, log, deps.model.clusterMap);
  context.subscriptions.push(
    labSteps,
    dryRuns,
    // Section 1 is done in VS Code: the Vagrantfile, and checks of what VS Code already knows.
    labSteps.registerSideStep('vagrant.file', deps.vagrantfileStep),
    labSteps.registerSideCheck('machines.reachable', machinesReachableCheck(machines)),
    vagrantfileChanged,
    refresh().onFiles(VAGRANTFILES, () => vagrantfileChanged.fire()),
    labSteps.registerSideCheck('vagrant.data-disk', dataDiskCheck(vagrantfileChanged.event)),
    labPanels,
    labPanels.registerActions(labSteps),
  );
  return {
    labSteps,
    labPanels,
    commands: [
      runLabStepCommand(labSteps),
      runLabSectionCommand(labSteps),
      runLabStepOnNodeCommand(labSteps),
      dryRunLabStepCommand(labSteps, dryRuns),
      swarmInitJoinCommand(labSteps),
      openLabCommand(labPanels),
      importReportCommand(labPanels, context.extensionUri),
      ...exportReportCommands(labPanels, context.extensionUri),
    ],
  };
}

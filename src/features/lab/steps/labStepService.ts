import * as path from 'node:path';
import * as vscode from 'vscode';
import { labEnvironment, sharedConfig, type LocalLabStepsOptions } from '../../../clients/steps/localLabCluster';
import type { CheckOutcome, LabActions, StepOutcome } from '../../../core/labPanel/labActions';
import type { OutputLine, SectionEnvironment } from '../../../core/labPanel/protocol';
import type { LabCheck, LabStep, LabStepConfig } from '../../../core/labSteps/labConfig';
import { LabRunner } from '../../../core/labRunner/labRunner';
import {
  realTimer,
  type LabRunnerPort,
  type RunOptions,
  type SideCheck,
  type SideStep,
  type StepRun,
} from '../../../core/labRunner/ports';
import { refresh } from '../../../editor/refresh';
import { checkRefusal, trustRefusal, workspaceTrusted } from '../../../editor/trust';
import { Disposable } from '../../../platform/disposable';
import { askHarborPassword, askScopeToken, labSecretOptions } from './labSecrets';
import { labSettings } from './labSettings';
import type { LocalLabService } from '../../../model/machines/localLabService';
import type { MachineRegistry } from '../../../model/machines/machineRegistry';
import type { SwarmService } from '../../../model/swarm/swarmService';

export type { RunOptions, SideCheck, SideStep, StepResult, StepRun } from '../../../core/labRunner/ports';

/**
 * The lab runner (core/labRunner) in VS Code: the settings, the secrets in
 * SecretStorage, Workspace Trust, the steps' output channel (language
 * swarm-lab-log) and the registry's machines and connections plugged into
 * its port; running, checking and re-checking are the runner's.
 */
export class LabStepService extends Disposable implements LabActions {
  readonly channel: vscode.OutputChannel;
  private readonly runner: LabRunner;

  constructor(
    private readonly lab: LocalLabService,
    private readonly machines: MachineRegistry,
    swarm: SwarmService,
    private readonly extensionUri: vscode.Uri,
    /** Where the Scope token is kept (never settings, logs or the report). */
    private readonly secrets?: vscode.SecretStorage,
  ) {
    super();
    // Each method below is the runner's (core/labRunner/labRunner.ts), whose comments say what it does.
    this.channel = this._register(vscode.window.createOutputChannel('Swarm Lab Steps', 'swarm-lab-log'));
    const port: LabRunnerPort = {
      l10n: vscode.l10n,
      machines,
      refreshMachines: () => machines.refresh(),
      runFinished: () => void refresh().runFinished(),
      swarmChanged: (listener) => swarm.onDidChange(listener),
      settings: labSettings,
      sharedConfig: async () => sharedConfig(await this.stepsOptions(undefined)),
      openEnvironment: async (labMachines) =>
        labEnvironment(
          labMachines,
          { lab: () => this.lab.lab(), connection: (id) => this.machines.connection(id) },
          await this.stepsOptions(this.secrets),
        ),
      askSecret: (secret) => (secret === 'scope-token' ? askScopeToken(this.secrets) : askHarborPassword(this.secrets)),
      trust: {
        trusted: workspaceTrusted,
        runRefusal: (what) => trustRefusal('remote-commands', what),
        checkRefusal,
      },
      timer: realTimer,
      log: (line) => this.channel.appendLine(line),
    };
    this.runner = new LabRunner(port);
  }

  /** The steps' options from the settings and the workspace; the secrets only when given their storage. */
  private async stepsOptions(secrets: vscode.SecretStorage | undefined): Promise<LocalLabStepsOptions> {
    const { managers, virtualIp, images } = labSettings();
    return {
      managers,
      virtualIp,
      images,
      projectDir: path.join(this.extensionUri.fsPath, 'samples', 'tp1'),
      l10n: vscode.l10n,
      ...(await labSecretOptions(secrets, this.lab, this.extensionUri)),
    };
  }

  registerSideStep(id: string, step: SideStep): vscode.Disposable {
    return vscode.Disposable.from(this.runner.registerSideStep(id, step));
  }

  registerSideCheck(id: string, check: SideCheck): vscode.Disposable {
    return vscode.Disposable.from(this.runner.registerSideCheck(id, check));
  }

  steps(config?: LabStepConfig): LabStep[] {
    return this.runner.steps(config);
  }

  checks(config?: LabStepConfig): LabCheck[] {
    return this.runner.checks(config);
  }

  availability(ids: readonly string[]): Promise<SectionEnvironment> {
    return this.runner.availability(ids);
  }

  nodeNames(): string[] {
    return this.runner.nodeNames();
  }

  runStepById(id: string, options: RunOptions = {}): Promise<StepRun> {
    return this.runner.runStepById(id, options);
  }

  runSectionSteps(section: number, options: RunOptions = {}): Promise<StepRun> {
    return this.runner.runSectionSteps(section, options);
  }

  runStep(id: string, onOutput: (line: OutputLine) => void, signal: AbortSignal): Promise<StepOutcome> {
    return this.runner.runStep(id, onOutput, signal);
  }

  runCheck(id: string, signal?: AbortSignal): Promise<CheckOutcome> {
    return this.runner.runCheck(id, signal);
  }

  onDidChangeAvailability(listener: () => void): vscode.Disposable {
    return vscode.Disposable.from(this.runner.onDidChangeAvailability(listener));
  }

  onDidChangeChecks(listener: (ids: readonly string[]) => void): vscode.Disposable {
    return vscode.Disposable.from(this.runner.onDidChangeChecks(listener));
  }
}

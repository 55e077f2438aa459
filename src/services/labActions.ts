import * as path from 'node:path';
import * as vscode from 'vscode';
import { localLabSteps, vmLabSteps } from '../clients/steps/localLabCluster';
import type { Machine } from '../core/machines/machine';
import type { CheckState, LabCheck, LabStep, LabStepConfig } from '../core/labSteps/labConfig';
import { labChecks, labSteps, runLabCheck, runLabStep, sectionSteps } from '../core/labSteps/labSteps';
import type { StepEvents } from '../core/steps/engine';
import { stepLog } from '../core/steps/logFormat';
import { RunValues } from '../core/steps/runValues';
import { stepSucceeded, type Cluster, type StepReport } from '../core/steps/step';
import { Disposable } from '../platform/disposable';
import type { LocalLabService } from './localLabService';
import type { MachineRegistry } from './machines/machineRegistry';

/**
 * What the lab panel runs: a step by its id (labs/tp1/ids.md) with its
 * output as it comes, and a check's verdict. The panel defines the same
 * shape; this is the implementation to plug in.
 */
export interface LabActions {
  runStep(id: string, onOutput: (line: string) => void, signal: AbortSignal): Promise<StepResult>;
  runCheck(id: string): Promise<{ readonly state: CheckState; readonly why: string }>;
}

export interface StepResult {
  readonly ok: boolean;
  /** The steps' evidence for the report, per node. */
  readonly evidence?: string;
}

export interface RunOptions {
  readonly onOutput?: (line: string) => void;
  readonly signal?: AbortSignal;
  /** Run on this node only. */
  readonly only?: string;
  readonly dryRun?: boolean;
  /** More progress listeners (the progress notification). */
  readonly events?: StepEvents;
}

export interface StepRun extends StepResult {
  readonly reports: readonly StepReport[];
}

/**
 * Runs the lab's steps and checks on the local lab's machines, with the
 * settings (swarm layout, virtual IP), logging to the steps' output channel
 * (language swarm-lab-log). Steps that change machines are refused in an
 * untrusted workspace; dry runs and checks are not.
 */
export class LabStepService extends Disposable implements LabActions {
  readonly channel: vscode.OutputChannel;
  /** Values produced by earlier steps of the session (join tokens…): a later join needs no second init. */
  private readonly values = new RunValues();

  constructor(
    private readonly lab: LocalLabService,
    private readonly machines: MachineRegistry,
    private readonly extensionUri: vscode.Uri,
  ) {
    super();
    this.channel = this._register(vscode.window.createOutputChannel('Swarm Lab Steps', 'swarm-lab-log'));
  }

  /** The steps with the current settings (titles only need no connection). */
  steps(config?: LabStepConfig): LabStep[] {
    return labSteps(config ?? this.placeholderConfig(), vscode.l10n);
  }

  checks(config?: LabStepConfig): LabCheck[] {
    return labChecks(config ?? this.placeholderConfig(), vscode.l10n);
  }

  /** The nodes of the lab, for "Run Step on a Node…". */
  nodeNames(): string[] {
    return this.labMachines().map((m) => m.name);
  }

  /**
   * The machines the steps run on: the local lab's when it has any, else
   * the Vagrant machines, else the SSH hosts; in name order (core-01 first).
   */
  private labMachines(): Machine[] {
    const all = this.machines.machines();
    for (const source of ['local-lab', 'vagrant', 'ssh'] as const) {
      const mine = all.filter((m) => m.source === source && m.state.kind !== 'stopped');
      if (mine.length > 0) {
        return mine.sort((a, b) => a.name.localeCompare(b.name));
      }
    }
    return [];
  }

  private settings(): { managers: number; virtualIp: string } {
    const c = vscode.workspace.getConfiguration('swarmLab');
    return { managers: c.get<number>('swarm.managers', 3), virtualIp: c.get<string>('virtualIp', '').trim() };
  }

  private placeholderConfig(): LabStepConfig {
    return {
      environment: 'local-lab',
      virtualIp: this.settings().virtualIp,
      interface: 'eth1',
      registry: 'm1.swarm:5000',
      stackName: 'python_dirty_app',
      project: [],
      composeUrl: '',
      timeouts: { converge: 0, engine: 0, failover: 0 },
      sessionOf: () => Promise.reject(new Error('not connected')),
    };
  }

  private async environment(): Promise<{ cluster: Cluster; config: LabStepConfig; close(): void }> {
    await this.machines.refresh();
    const machines = this.labMachines();
    if (machines.length === 0) {
      throw new Error(vscode.l10n.t('No lab machines: start the local lab first (Swarm Lab: Start Local Lab).'));
    }
    const { managers, virtualIp } = this.settings();
    const common = {
      managers,
      virtualIp,
      projectDir: path.join(this.extensionUri.fsPath, 'samples', 'tp1'),
      l10n: vscode.l10n,
    };
    if (machines[0].source === 'local-lab') {
      return localLabSteps(this.lab.lab(), { ...common, connection: (m) => this.machines.connection(m.id) });
    }
    // VMs are reached through the registry's connections, which carry the host key policy and passphrases.
    return vmLabSteps(
      machines.flatMap((definition) => {
        const connection = this.machines.connection(definition.id);
        return connection ? [{ definition, connection }] : [];
      }),
      common,
    );
  }

  /** Runs one lab step by id; the result says whether every node succeeded, with the evidence. */
  async runStepById(id: string, options: RunOptions = {}): Promise<StepRun> {
    return this.run([id], options);
  }

  /** Runs a section's steps in order, stopping after a step that failed. */
  async runSectionSteps(section: number, options: RunOptions = {}): Promise<StepRun> {
    return this.run(
      sectionSteps(this.steps(), section).map((s) => s.id),
      options,
    );
  }

  private async run(ids: readonly string[], options: RunOptions): Promise<StepRun> {
    const env = await this.environment();
    const log = stepLog(
      (line) => {
        this.channel.appendLine(line);
        options.onOutput?.(line);
      },
      { l10n: vscode.l10n },
    );
    const events: StepEvents = {
      stepStarted: (e) => {
        log.stepStarted?.(e);
        options.events?.stepStarted?.(e);
      },
      line: (e) => log.line?.(e),
      nodeFinished: (e) => {
        log.nodeFinished?.(e);
        options.events?.nodeFinished?.(e);
      },
      stepFinished: (e) => log.stepFinished?.(e),
    };
    const reports: StepReport[] = [];
    try {
      const steps = labSteps(env.config, vscode.l10n);
      for (const id of ids) {
        const step = steps.find((s) => s.id === id);
        if (!step) {
          throw new Error(vscode.l10n.t('There is no lab step {0}.', id));
        }
        const done = await runLabStep(step, env.cluster, this.values, {
          l10n: vscode.l10n,
          allowMachineChanges: vscode.workspace.isTrusted,
          events,
          ...(options.signal ? { signal: options.signal } : {}),
          ...(options.only ? { only: options.only } : {}),
          ...(options.dryRun ? { dryRun: true } : {}),
        });
        reports.push(...done);
        if (!done.every(stepSucceeded) || options.signal?.aborted) {
          break;
        }
      }
    } finally {
      env.close();
      if (!options.dryRun) {
        // Roles, engines and swarm may have changed: the views read them again.
        void this.machines.refresh();
      }
    }
    const evidence = reports
      .flatMap((r) =>
        r.nodes.map((n) => (n.outcome.kind === 'ok' && n.outcome.evidence ? `[${n.node}]\n${n.outcome.evidence}` : '')),
      )
      .filter((e) => e !== '')
      .join('\n\n');
    const ok = reports.length > 0 && reports.every(stepSucceeded) && !options.signal?.aborted;
    return { ok, reports, ...(evidence ? { evidence } : {}) };
  }

  runStep(id: string, onOutput: (line: string) => void, signal: AbortSignal): Promise<StepResult> {
    return this.runStepById(id, { onOutput, signal }).then(({ ok, evidence }) => ({
      ok,
      ...(evidence ? { evidence } : {}),
    }));
  }

  async runCheck(id: string): Promise<{ state: CheckState; why: string }> {
    let env: Awaited<ReturnType<LabStepService['environment']>>;
    try {
      env = await this.environment();
    } catch (error) {
      return { state: 'unknown', why: error instanceof Error ? error.message : String(error) };
    }
    try {
      const check = labChecks(env.config, vscode.l10n).find((c) => c.id === id);
      if (!check) {
        return { state: 'unknown', why: vscode.l10n.t('There is no lab check {0}.', id) };
      }
      const { state, why } = await runLabCheck(check, env.cluster, vscode.l10n);
      return { state, why };
    } finally {
      env.close();
    }
  }
}

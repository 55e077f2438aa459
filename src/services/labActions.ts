import * as path from 'node:path';
import * as vscode from 'vscode';
import { localLabSteps, sharedConfig, vmLabSteps, type LocalLabStepsOptions } from '../clients/steps/localLabCluster';
import type { Machine } from '../core/machines/machine';
import type { LabCheck, LabStep, LabStepConfig } from '../core/labSteps/labConfig';
import { labChecks, labSteps, runLabCheck, runLabStep, sectionSteps } from '../core/labSteps/labSteps';
import { labPlaceWords, unavailableHere } from '../core/labSteps/availability';
import type { StepEvents } from '../core/steps/engine';
import { stepLog } from '../core/steps/logFormat';
import { RunValues } from '../core/steps/runValues';
import { stepSucceeded, type Cluster, type StepReport } from '../core/steps/step';
import { Disposable } from '../platform/disposable';
import type { CheckOutcome, LabActions, StepOutcome } from '../core/labPanel/labActions';
import type { OutputLine, SectionEnvironment } from '../core/labPanel/protocol';
import { outcomeLine, panelLine, panelStepOutcome } from '../core/labPanel/stepOutcome';
import { askHarborPassword, askScopeToken, labSecretOptions } from './labSecrets';
import type { LocalLabService } from './localLabService';
import { labMachines, onDidChangeLabMachines } from '../core/labRunner/labMachines';
import { labSettings, type LabSettings } from './labSettings';
import { checkRefusal, trustRefusal, workspaceTrusted } from '../editor/trust';
import type { MachineRegistry } from './machines/machineRegistry';
import type { SwarmService } from './swarmService';

export interface StepResult {
  readonly ok: boolean;
  /** The steps' evidence for the report, per node. */
  readonly evidence?: string;
}

export interface RunOptions {
  /** The log's lines as the output channel shows them. */
  readonly onOutput?: (line: string) => void;
  /** The engine's lines and each node's outcome, unformatted (the lab panel). */
  readonly onLine?: (line: OutputLine) => void;
  readonly signal?: AbortSignal;
  /** Run on this node only. */
  readonly only?: string;
  readonly dryRun?: boolean;
  /** More progress listeners (the progress notification). */
  readonly events?: StepEvents;
}

/** A step of the lab done in VS Code itself (the Vagrantfile), not by the engine on the machines. */
export type SideStep = (onOutput: (line: OutputLine) => void, signal: AbortSignal) => Promise<StepOutcome>;

/** A check answered from what VS Code already knows; `changes` fires when its answer may have changed. */
export interface SideCheck {
  run(signal?: AbortSignal): Promise<CheckOutcome>;
  readonly changes?: vscode.Event<unknown>;
}

export interface StepRun extends StepResult {
  readonly reports: readonly StepReport[];
}

/**
 * Runs the lab's steps and checks on the local lab's machines, with the
 * settings (swarm layout, virtual IP), logging to the steps' output channel
 * (language swarm-lab-log). In an untrusted workspace no step, dry run or
 * check runs on the machines (editor/trust.ts); side checks, which read what
 * VS Code knows, still answer.
 */
/** Swarm and machine events come in bursts (a deploy, a node returning): checks are evaluated after it. */
const CHECKS_SETTLE_MS = 1_500;

export class LabStepService extends Disposable implements LabActions {
  readonly channel: vscode.OutputChannel;
  /** Values produced by earlier steps of the session (join tokens…): a later join needs no second init. */
  private readonly values = new RunValues();
  private readonly sideSteps = new Map<string, SideStep>();
  private readonly sideChecks = new Map<string, SideCheck>();
  /** The machines read for the checks when none was known (see environment). */
  private firstRead: Promise<void> | undefined;

  constructor(
    private readonly lab: LocalLabService,
    private readonly machines: MachineRegistry,
    private readonly swarm: SwarmService,
    private readonly extensionUri: vscode.Uri,
    /** Where the Scope token is kept (never settings, logs or the report). */
    private readonly secrets?: vscode.SecretStorage,
  ) {
    super();
    this.channel = this._register(vscode.window.createOutputChannel('Swarm Lab Steps', 'swarm-lab-log'));
  }

  /** Adds a step done in VS Code (the lab panel runs it by its id like the others). */
  registerSideStep(id: string, step: SideStep): vscode.Disposable {
    this.sideSteps.set(id, step);
    return new vscode.Disposable(() => this.sideSteps.delete(id));
  }

  registerSideCheck(id: string, check: SideCheck): vscode.Disposable {
    this.sideChecks.set(id, check);
    return new vscode.Disposable(() => this.sideChecks.delete(id));
  }

  /** The steps with the current settings (titles only need no connection). */
  steps(config?: LabStepConfig): LabStep[] {
    return labSteps(config ?? this.placeholderConfig(), vscode.l10n);
  }

  checks(config?: LabStepConfig): LabCheck[] {
    return labChecks(config ?? this.placeholderConfig(), vscode.l10n);
  }

  /**
   * Whether these steps and checks can run on the lab's machines as they are
   * (the local lab, VMs, or none yet), and why not, without connecting.
   */
  async availability(ids: readonly string[]): Promise<SectionEnvironment> {
    if (this.labMachines().length === 0) {
      this.firstRead ??= this.machines.refresh();
      await this.firstRead;
    }
    const source = this.labMachines()[0]?.source;
    const config = await this.knownConfig();
    const sideIds = new Set([...this.sideSteps.keys(), ...this.sideChecks.keys()]);
    const sources = {
      steps: this.steps(config),
      checks: this.checks(config),
      sideIds,
      noMachines: source === undefined,
    };
    const unavailable = unavailableHere(ids, sources, vscode.l10n);
    const where = labPlaceWords(source, vscode.l10n);
    return { where, ...(source === undefined ? { noMachines: true } : {}), unavailable };
  }

  /** The steps' options from the settings and the workspace; the secrets only when given their storage. */
  private async stepsOptions(secrets: vscode.SecretStorage | undefined): Promise<LocalLabStepsOptions> {
    const { managers, virtualIp, images } = this.settings();
    return {
      managers,
      virtualIp,
      images,
      projectDir: path.join(this.extensionUri.fsPath, 'samples', 'tp1'),
      l10n: vscode.l10n,
      ...(await labSecretOptions(secrets, this.lab, this.extensionUri)),
    };
  }

  /** Whether a step can run on the lab's machines as they are known (no connection). */
  private async runsHere(id: string): Promise<boolean> {
    const step = this.steps(await this.knownConfig()).find((s) => s.id === id);
    return step !== undefined && step.unavailable === undefined;
  }

  /**
   * The config for the environment the known machines make (the local lab
   * when none), from the settings and the workspace: what decides whether a
   * step can run there (its images, the backups' folder), no secret.
   */
  private async knownConfig(): Promise<LabStepConfig> {
    const source = this.labMachines()[0]?.source;
    return {
      ...this.placeholderConfig(),
      environment: source === 'local-lab' || source === undefined ? 'local-lab' : 'vm',
      images: this.settings().images,
      ...sharedConfig(await this.stepsOptions(undefined)),
    };
  }

  /** The nodes of the lab, for "Run Step on a Node…". */
  nodeNames(): string[] {
    return this.labMachines().map((m) => m.name);
  }

  private labMachines(): Machine[] {
    return labMachines(this.machines);
  }

  private settings(): LabSettings {
    return labSettings();
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

  /**
   * Steps read the machines afresh (one may just have been started); checks
   * use what is known, but the machines are read once when nothing is known
   * yet: the registry reads its sources only on demand (a view shown), and
   * the lab panel may be the first thing opened, its checks asked first.
   */
  private async environment(fresh = true): Promise<{ cluster: Cluster; config: LabStepConfig; close(): void }> {
    if (fresh) {
      await this.machines.refresh();
    } else if (this.labMachines().length === 0) {
      // Once: a lab that is really absent must not have every check read the sources again.
      this.firstRead ??= this.machines.refresh();
      await this.firstRead;
    }
    const machines = this.labMachines();
    if (machines.length === 0) {
      throw new Error(vscode.l10n.t('No lab machines: start the local lab first (Swarm Lab: Start Local Lab).'));
    }
    const common = await this.stepsOptions(this.secrets);
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
    // An unknown id is said at once, before any machine is reached.
    const known = new Set(this.steps().map((s) => s.id));
    const unknown = ids.find((id) => !known.has(id));
    if (unknown !== undefined) {
      throw new Error(
        vscode.l10n.t('Swarm Lab cannot run the step {0} yet: run its commands by hand, as the section says.', unknown),
      );
    }
    // Untrusted, nothing runs on the machines, dry runs included (they read them with commands),
    // and backup.now writes nothing into the workspace.
    if (!workspaceTrusted()) {
      throw new Error(trustRefusal('remote-commands', vscode.l10n.t('The step "{0}"', ids.join(', '))));
    }
    // Secrets are asked only for a step that will run here (Scope has no image in the local lab
    // unless one is set; Harbor runs on VMs only): never a prompt for nothing.
    if (ids.includes('scope.launch') && !options.dryRun && (await this.runsHere('scope.launch'))) {
      await askScopeToken(this.secrets);
    }
    if (ids.includes('harbor.install') && !options.dryRun && this.labMachines()[0]?.source !== 'local-lab') {
      // Without its password Harbor's step is unavailable: ask before judging.
      await askHarborPassword(this.secrets);
    }
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
      line: (e) => {
        log.line?.(e);
        options.onLine?.(panelLine(e.node, e.kind, e.text));
      },
      nodeFinished: (e) => {
        log.nodeFinished?.(e);
        options.onLine?.(outcomeLine(e.node, e.outcome, vscode.l10n));
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
          allowMachineChanges: workspaceTrusted(),
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

  /** The lab panel's Run: lines as they come, one sentence at the end, the evidence as items. */
  async runStep(id: string, onOutput: (line: OutputLine) => void, signal: AbortSignal): Promise<StepOutcome> {
    try {
      const side = this.sideSteps.get(id);
      if (side) {
        return await side(onOutput, signal);
      }
      const { ok, reports } = await this.runStepById(id, { onLine: onOutput, signal });
      return panelStepOutcome(reports, ok, vscode.l10n);
    } catch (error) {
      return { ok: false, summary: error instanceof Error ? error.message : String(error) };
    }
  }

  /**
   * Checks may have changed when the swarm did (its events, a node lost or
   * back): the panel evaluates its section's checks again once the burst of
   * events is over. Not on the machines' changes: a check reads them, and
   * every refresh fires, which would evaluate the checks again, forever.
   */
  onDidChangeAvailability(listener: () => void): vscode.Disposable {
    const subscription = onDidChangeLabMachines(this.machines, listener);
    return new vscode.Disposable(() => subscription.dispose());
  }

  onDidChangeChecks(listener: (ids: readonly string[]) => void): vscode.Disposable {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const fire = (): void => {
      clearTimeout(timer);
      timer = setTimeout(() => listener(this.checks().map((c) => c.id)), CHECKS_SETTLE_MS);
    };
    const subscription = this.swarm.onDidChange(fire);
    // A side check reads no machine: its own events, as they come.
    const sides: vscode.Disposable[] = [...this.sideChecks].flatMap(([id, check]) =>
      check.changes ? [check.changes(() => listener([id]))] : [],
    );
    return new vscode.Disposable(() => {
      clearTimeout(timer);
      subscription.dispose();
      for (const side of sides) {
        side.dispose();
      }
    });
  }

  async runCheck(id: string, signal?: AbortSignal): Promise<CheckOutcome> {
    if (signal?.aborted) {
      return { state: 'unknown', why: vscode.l10n.t('Cancelled.') };
    }
    const side = this.sideChecks.get(id);
    if (side) {
      return side.run(signal);
    }
    if (!workspaceTrusted()) {
      return { state: 'unknown', why: checkRefusal() };
    }
    let env: Awaited<ReturnType<LabStepService['environment']>>;
    try {
      env = await this.environment(false);
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

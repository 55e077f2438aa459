/**
 * Runs the lab's steps and checks on the lab's machines, through a port
 * (ports.ts) that brings the settings, secrets, trust, log and clusters:
 * the heart of the product, with no VS Code in it, so that the unit tests
 * drive it with fakes. In an untrusted workspace no step, dry run or check
 * runs on the machines; side checks, which read what VS Code knows, still
 * answer.
 */
import type { CheckOutcome, StepOutcome } from '../labPanel/labActions';
import type { OutputLine, SectionEnvironment } from '../labPanel/protocol';
import { panelStepOutcome } from '../labPanel/stepOutcome';
import { labPlaceWords, unavailableHere } from '../labSteps/availability';
import type { LabCheck, LabStep, LabStepConfig } from '../labSteps/labConfig';
import { labChecks, labSteps, runLabCheck, runLabStep, sectionSteps } from '../labSteps/labSteps';
import type { Machine } from '../machines/machine';
import { RunValues } from '../steps/runValues';
import { stepSucceeded, type StepReport } from '../steps/step';
import { labMachines, onDidChangeLabMachines } from './labMachines';
import type { Disposer, LabEnvironment, LabRunnerPort, RunOptions, SideCheck, SideStep, StepRun } from './ports';
import { runEvents } from './runEvents';
import { CHECKS_SETTLE_MS, settled } from './settled';
import { knownConfig, placeholderConfig } from './stepConfig';

export class LabRunner {
  /** Values produced by earlier steps of the session (join tokens…): a later join needs no second init. */
  private readonly values = new RunValues();
  private readonly sideSteps = new Map<string, SideStep>();
  private readonly sideChecks = new Map<string, SideCheck>();
  /** The machines read for the checks when none was known (see environment). */
  private firstRead: Promise<void> | undefined;

  constructor(private readonly port: LabRunnerPort) {}

  /** Adds a step done in VS Code (the lab panel runs it by its id like the others). */
  registerSideStep(id: string, step: SideStep): Disposer {
    this.sideSteps.set(id, step);
    return { dispose: () => this.sideSteps.delete(id) };
  }

  registerSideCheck(id: string, check: SideCheck): Disposer {
    this.sideChecks.set(id, check);
    return { dispose: () => this.sideChecks.delete(id) };
  }

  /** The steps with the current settings (titles only need no connection). */
  steps(config?: LabStepConfig): LabStep[] {
    return labSteps(config ?? placeholderConfig(this.port.settings()), this.port.l10n);
  }

  checks(config?: LabStepConfig): LabCheck[] {
    return labChecks(config ?? placeholderConfig(this.port.settings()), this.port.l10n);
  }

  labMachines(): Machine[] {
    return labMachines(this.port.machines);
  }

  /** The nodes of the lab, for "Run Step on a Node…". */
  nodeNames(): string[] {
    return this.labMachines().map((m) => m.name);
  }

  /**
   * Whether these steps and checks can run on the lab's machines as they are
   * (the local lab, VMs, or none yet), and why not, without connecting.
   */
  async availability(ids: readonly string[]): Promise<SectionEnvironment> {
    await this.readOnce();
    const source = this.labMachines()[0]?.source;
    const config = await this.knownConfig();
    const sources = {
      steps: this.steps(config),
      checks: this.checks(config),
      sideIds: new Set([...this.sideSteps.keys(), ...this.sideChecks.keys()]),
      noMachines: source === undefined,
    };
    const unavailable = unavailableHere(ids, sources, this.port.l10n);
    const where = labPlaceWords(source, this.port.l10n);
    return { where, ...(source === undefined ? { noMachines: true } : {}), unavailable };
  }

  /** Runs one lab step by id; the result says whether every node succeeded, with the evidence. */
  runStepById(id: string, options: RunOptions = {}): Promise<StepRun> {
    return this.run([id], options);
  }

  /**
   * Runs a section's steps in order, stopping after a step that failed.
   * Which steps can run is judged for the lab's machines as they are known
   * (as availability does), not with the placeholder: that one is the local
   * lab without backups or images, which would run GlusterFS on VMs instead
   * of Ceph, and leave out backup.now where a backups folder is set.
   */
  async runSectionSteps(section: number, options: RunOptions = {}): Promise<StepRun> {
    await this.readOnce();
    return this.run(
      sectionSteps(this.steps(await this.knownConfig()), section).map((s) => s.id),
      options,
    );
  }

  /** The lab panel's Run: lines as they come, one sentence at the end, the evidence as items. */
  async runStep(id: string, onOutput: (line: OutputLine) => void, signal: AbortSignal): Promise<StepOutcome> {
    try {
      const side = this.sideSteps.get(id);
      if (side) {
        return await side(onOutput, signal);
      }
      const { ok, reports } = await this.runStepById(id, { onLine: onOutput, signal });
      return panelStepOutcome(reports, ok, this.port.l10n);
    } catch (error) {
      return { ok: false, summary: error instanceof Error ? error.message : String(error) };
    }
  }

  async runCheck(id: string, signal?: AbortSignal): Promise<CheckOutcome> {
    const { l10n } = this.port;
    if (signal?.aborted) {
      return { state: 'unknown', why: l10n.t('Cancelled.') };
    }
    const side = this.sideChecks.get(id);
    if (side) {
      return side.run(signal);
    }
    if (!this.port.trust.trusted()) {
      return { state: 'unknown', why: this.port.trust.checkRefusal() };
    }
    let env: LabEnvironment;
    try {
      env = await this.environment(false);
    } catch (error) {
      return { state: 'unknown', why: error instanceof Error ? error.message : String(error) };
    }
    try {
      const check = labChecks(env.config, l10n).find((c) => c.id === id);
      if (!check) {
        return { state: 'unknown', why: l10n.t('There is no lab check {0}.', id) };
      }
      const { state, why } = await runLabCheck(check, env.cluster, l10n);
      return { state, why };
    } finally {
      env.close();
    }
  }

  /** The lab's machines changed (which source, which names): what availability answers may have too. */
  onDidChangeAvailability(listener: () => void): Disposer {
    return onDidChangeLabMachines(this.port.machines, listener);
  }

  /**
   * Checks may have changed when the swarm did (its events, a node lost or
   * back): the checks are evaluated again once the burst of events is over.
   * Not on the machines' changes: a check reads them, and every refresh
   * fires, which would evaluate the checks again, forever.
   */
  onDidChangeChecks(listener: (ids: readonly string[]) => void): Disposer {
    const later = settled(this.port.timer, CHECKS_SETTLE_MS, () => listener(this.checks().map((c) => c.id)));
    const subscription = this.port.swarmChanged(() => later.poke());
    // A side check reads no machine: its own events, as they come.
    const sides = [...this.sideChecks].flatMap(([id, check]) =>
      check.changes ? [check.changes(() => listener([id]))] : [],
    );
    return {
      dispose: () => {
        later.cancel();
        subscription.dispose();
        sides.forEach((s) => s.dispose());
      },
    };
  }

  private async run(ids: readonly string[], options: RunOptions): Promise<StepRun> {
    const { l10n } = this.port;
    // An unknown id is said at once, before any machine is reached.
    const known = new Set(this.steps().map((s) => s.id));
    const unknown = ids.find((id) => !known.has(id));
    if (unknown !== undefined) {
      throw new Error(
        l10n.t('Swarm Lab cannot run the step {0} yet: run its commands by hand, as the section says.', unknown),
      );
    }
    // Untrusted, nothing runs on the machines, dry runs included (they read them with commands),
    // and backup.now writes nothing into the workspace.
    if (!this.port.trust.trusted()) {
      throw new Error(this.port.trust.runRefusal(l10n.t('The step "{0}"', ids.join(', '))));
    }
    await this.askSecrets(ids, options);
    const env = await this.environment();
    const events = runEvents((line) => this.port.log(line), options, l10n);
    const reports: StepReport[] = [];
    try {
      const steps = labSteps(env.config, l10n);
      for (const id of ids) {
        const step = steps.find((s) => s.id === id);
        if (!step) {
          throw new Error(l10n.t('There is no lab step {0}.', id));
        }
        const done = await runLabStep(step, env.cluster, this.values, {
          l10n,
          allowMachineChanges: this.port.trust.trusted(),
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
        this.port.runFinished();
      }
    }
    const ok = reports.length > 0 && reports.every(stepSucceeded) && !options.signal?.aborted;
    const evidence = evidenceOf(reports);
    return { ok, reports, ...(evidence ? { evidence } : {}) };
  }

  /**
   * Secrets are asked only for a step that will run here (Scope has no
   * image in the local lab unless one is set; Harbor runs on VMs only):
   * never a prompt for nothing, and none for a dry run.
   */
  private async askSecrets(ids: readonly string[], options: RunOptions): Promise<void> {
    if (options.dryRun) {
      return;
    }
    if (ids.includes('scope.launch') && (await this.runsHere('scope.launch'))) {
      await this.port.askSecret('scope-token');
    }
    if (ids.includes('harbor.install') && this.labMachines()[0]?.source !== 'local-lab') {
      // Without its password Harbor's step is unavailable: ask before judging.
      await this.port.askSecret('harbor-password');
    }
  }

  /** Whether a step can run on the lab's machines as they are known (no connection). */
  private async runsHere(id: string): Promise<boolean> {
    const step = this.steps(await this.knownConfig()).find((s) => s.id === id);
    return step !== undefined && step.unavailable === undefined;
  }

  private async knownConfig(): Promise<LabStepConfig> {
    return knownConfig(this.labMachines()[0]?.source, this.port.settings(), await this.port.sharedConfig());
  }

  /**
   * The registry reads its sources only on demand (a view shown), and the
   * lab panel may be the first thing opened: when no machine is known, the
   * machines are read, once (a lab that is really absent must not have
   * every check read the sources again).
   */
  private async readOnce(): Promise<void> {
    if (this.labMachines().length === 0) {
      this.firstRead ??= this.port.refreshMachines();
      await this.firstRead;
    }
  }

  /** Steps read the machines afresh (one may just have been started); checks use what is known. */
  private async environment(fresh = true): Promise<LabEnvironment> {
    await (fresh ? this.port.refreshMachines() : this.readOnce());
    const machines = this.labMachines();
    if (machines.length === 0) {
      throw new Error(this.port.l10n.t('No lab machines: start the local lab first (Swarm Lab: Start Local Lab).'));
    }
    return this.port.openEnvironment(machines);
  }
}

/** The steps' evidence for the report, per node. */
function evidenceOf(reports: readonly StepReport[]): string {
  return reports
    .flatMap((r) =>
      r.nodes.map((n) => (n.outcome.kind === 'ok' && n.outcome.evidence ? `[${n.node}]\n${n.outcome.evidence}` : '')),
    )
    .filter((e) => e !== '')
    .join('\n\n');
}

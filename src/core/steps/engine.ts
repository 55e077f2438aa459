/**
 * The step engine: runs a step on its nodes in parallel (with a limit),
 * each node independently, and a section's steps in order. Pure: nodes are
 * reached through the Cluster it is given, progress goes out through
 * StepEvents, and nothing here knows about VS Code.
 */
import { setMaxListeners } from 'node:events';
import type { Localizer } from '../l10n';
import { runOnNode, type LineKind } from './nodeRun';
import { RunValues } from './runValues';
import {
  stepSucceeded,
  type Cluster,
  type NodeOutcome,
  type NodeReport,
  type NodeTarget,
  type Section,
  type SectionReport,
  type Step,
  type StepReport,
} from './step';
import { resolveTargets } from './targets';

export interface StepInfo {
  readonly id: string;
  readonly title: string;
}

/** Progress, for a VS Code adapter (progress notification, output channel with per-node prefixes). */
export interface StepEvents {
  stepStarted?(e: { readonly step: StepInfo; readonly nodes: readonly string[]; readonly dryRun: boolean }): void;
  nodeStarted?(e: { readonly step: StepInfo; readonly node: string }): void;
  line?(e: { readonly step: StepInfo; readonly node: string; readonly kind: LineKind; readonly text: string }): void;
  nodeFinished?(e: { readonly step: StepInfo; readonly node: string; readonly outcome: NodeOutcome }): void;
  stepFinished?(e: { readonly report: StepReport }): void;
}

export interface EngineOptions {
  readonly l10n: Localizer;
  /**
   * False in an untrusted workspace: steps that change machines are refused
   * (a dry run is still allowed: it only reads).
   */
  readonly allowMachineChanges: boolean;
  /** Nodes worked on at once; 5 by default (the lab's size). */
  readonly concurrency?: number;
  /** Check and plan, run nothing: the report says exactly what would run where. */
  readonly dryRun?: boolean;
  readonly signal?: AbortSignal;
  readonly events?: StepEvents;
}

export interface StepRunOptions extends EngineOptions {
  /** Run the step on this node only ("run a step on a chosen node"); it must be one of its targets. */
  readonly only?: string;
}

export type OnFailure =
  /** Stop the section after a step that failed on any node (default). */
  | 'stop'
  /** Go on, but leave out the nodes a step failed on. */
  | 'skip-failed-nodes'
  /** Go on with every node. */
  | 'continue';

export interface SectionRunOptions extends EngineOptions {
  readonly onFailure?: OnFailure;
}

export const DEFAULT_CONCURRENCY = 5;

/**
 * Runs one step. In a dry run, produced values go to a copy of `values`
 * (placeholders such as `<swarm.token.worker>` would otherwise leak into the
 * real run).
 */
export function runStep(
  step: Step<unknown>,
  cluster: Cluster,
  values: RunValues,
  options: StepRunOptions,
): Promise<StepReport> {
  return runOneStep(step, cluster, options.dryRun ? values.copy() : values, options, new Map());
}

/** Runs a section's steps in order; see OnFailure for what a failure does. */
export async function runSection(
  section: Section,
  cluster: Cluster,
  values: RunValues,
  options: SectionRunOptions,
): Promise<SectionReport> {
  const onFailure = options.onFailure ?? 'stop';
  const runValues = options.dryRun ? values.copy() : values;
  // Nodes left out of the next steps (skip-failed-nodes), with the reason.
  const leftOut = new Map<string, string>();
  const reports: StepReport[] = [];
  for (const [i, step] of section.steps.entries()) {
    const report = await runOneStep(step, cluster, runValues, options, leftOut);
    reports.push(report);
    const notRun = section.steps.slice(i + 1).map((s) => s.id);
    if (options.signal?.aborted) {
      return { sectionId: section.id, steps: reports, stoppedAfter: step.id, cancelled: true, notRun };
    }
    // A step that could not run at all (refused, no such target) leaves
    // nothing for the next steps to build on, unless told to go on anyway.
    const stop = onFailure === 'stop' || (onFailure === 'skip-failed-nodes' && report.error !== undefined);
    if (!stepSucceeded(report) && stop && notRun.length > 0) {
      return { sectionId: section.id, steps: reports, stoppedAfter: step.id, cancelled: false, notRun };
    }
    if (onFailure === 'skip-failed-nodes') {
      for (const n of report.nodes.filter((r) => r.outcome.kind === 'failed')) {
        leftOut.set(n.node, options.l10n.t('Left out: the step "{0}" failed on this node.', step.title));
      }
    }
  }
  return { sectionId: section.id, steps: reports, cancelled: false, notRun: [] };
}

async function runOneStep(
  step: Step<unknown>,
  cluster: Cluster,
  values: RunValues,
  options: StepRunOptions,
  leftOut: ReadonlyMap<string, string>,
): Promise<StepReport> {
  const { l10n, events } = options;
  const dryRun = options.dryRun ?? false;
  const info: StepInfo = { id: step.id, title: step.title };
  const base = { stepId: step.id, title: step.title, dryRun };
  const finish = (report: StepReport): StepReport => {
    events?.stepFinished?.({ report });
    return report;
  };

  const resolved = resolveTargets(step.targets, cluster.nodes, l10n, options.only);
  if (!resolved.ok) {
    events?.stepStarted?.({ step: info, nodes: [], dryRun });
    return finish({ ...base, error: resolved.error, nodes: [] });
  }
  const targets = resolved.nodes;
  events?.stepStarted?.({ step: info, nodes: targets.map((n) => n.name), dryRun });

  if (step.changesMachines && !options.allowMachineChanges && !dryRun) {
    const refusal = l10n.t(
      '{0} changes machines: trust this workspace first (Workspaces: Manage Workspace Trust).',
      step.title,
    );
    const nodes = targets.map((n) => report(n.name, { kind: 'skipped', reason: refusal }));
    return finish({ ...base, error: refusal, nodes });
  }

  const { signal, release } = stepSignal(options.signal);
  const nodes = await mapLimit(targets, options.concurrency ?? DEFAULT_CONCURRENCY, async (node: NodeTarget) => {
    const reason = leftOut.get(node.name);
    if (reason !== undefined) {
      return report(node.name, { kind: 'skipped', reason });
    }
    if (!signal.aborted) {
      events?.nodeStarted?.({ step: info, node: node.name });
    }
    const outcome = await runOnNode({
      step,
      node,
      cluster,
      targets,
      values,
      signal,
      l10n,
      dryRun,
      emit: (kind, text) => events?.line?.({ step: info, node: node.name, kind, text }),
    });
    return report(node.name, outcome);
  }).finally(release);
  return finish({ ...base, nodes });

  function report(node: string, outcome: NodeOutcome): NodeReport {
    events?.nodeFinished?.({ step: info, node, outcome });
    return { node, outcome };
  }
}

/**
 * The step's own signal, following the caller's. Each node in flight
 * listens to it several times (the engine, the SSH channel): many more than
 * Node's default of 10 listeners, which would warn about a leak that is not
 * one. Listeners are removed as each wait ends.
 */
function stepSignal(outer: AbortSignal | undefined): { signal: AbortSignal; release: () => void } {
  const controller = new AbortController();
  setMaxListeners(0, controller.signal);
  const follow = (): void => controller.abort(outer?.reason);
  if (outer?.aborted) {
    follow();
  }
  outer?.addEventListener('abort', follow, { once: true });
  return { signal: controller.signal, release: () => outer?.removeEventListener('abort', follow) };
}

/**
 * Maps with at most `limit` calls in flight, results in input order. `fn`
 * must not throw (runOnNode turns everything into an outcome); if it does
 * anyway, the whole step rejects rather than hiding a bug.
 */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
    }
  };
  const workers = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker);
  await Promise.all(workers);
  return results;
}

/**
 * The lab's steps and checks by id (labs/tp1/ids.md), and how they run: a
 * lab step's phases in order through the step engine; a check on its nodes
 * in parallel, read-only, giving one verdict.
 */
import type { Localizer } from '../l10n';
import { runSection, type SectionRunOptions } from '../steps/engine';
import type { RunValues } from '../steps/runValues';
import type { Cluster, SectionReport, StepReport } from '../steps/step';
import { resolveTargets } from '../steps/targets';
import { backupArchiveCheck, backupNowStep, backupRehearseStep, backupRestoreCheck } from './backup';
import { harborHealthyCheck, harborInstallStep } from './harbor';
import { composeInstallStep, composePresentCheck } from './compose';
import { dockerConfigCheck, dockerConfigStep } from './dockerConfig';
import {
  keepalivedDeployStep,
  keepalivedFailoverStep,
  keepalivedNsenterStep,
  keepalivedRunningCheck,
  vipSingleCheck,
} from './keepalived';
import type { CheckVerdict, LabCheck, LabStep, LabStepConfig, NodeCheck } from './labConfig';
import { metricsEngineEndpointCheck, metricsStackStep, metricsTargetsUpCheck } from './metrics';
import { proxyCertificateStep, proxyDeployStep, proxyRunningCheck, proxyTlsCheck } from './proxy';
import { proxyAppHttpsCheck, proxyAppRedirectCheck, stackBehindProxyStep } from './proxyApp';
import { registryAnswersCheck, registryCatalogCheck, registryDeployStep, registryPushStep } from './registry';
import { registryBehindProxyStep, registryHttpsCheck } from './registryProxy';
import {
  stackAppAnswersCheck,
  stackBuildLocalStep,
  stackConvergedCheck,
  stackDeployRegistryStep,
  stackDeployStep,
} from './stack';
import { scopeInspectStep, scopeLaunchStep, scopeRunningCheck } from './scope';
import { cephMdsStep, cephMgrStep, cephMonStep, cephOsdStep } from './storageCeph';
import { cephFsStep, cephHealthyCheck, cephMountStep } from './storageCephFs';
import { dataMountedCheck, dataSharedCheck } from './storageChecks';
import { glusterStep } from './storageGluster';
import { swarmInitJoinStep, swarmNodesReadyCheck } from './swarm';

/** Every step this module implements, in the lab's order. */
export function labSteps(config: LabStepConfig, l10n: Localizer): LabStep[] {
  return [
    dockerConfigStep(config, l10n),
    swarmInitJoinStep(config, l10n),
    composeInstallStep(config, l10n),
    stackBuildLocalStep(config, l10n),
    stackDeployStep(config, l10n),
    scopeLaunchStep(config, l10n),
    scopeInspectStep(config, l10n),
    cephMonStep(config, l10n),
    cephMgrStep(config, l10n),
    cephOsdStep(config, l10n),
    cephMdsStep(config, l10n),
    cephFsStep(config, l10n),
    cephMountStep(config, l10n),
    glusterStep(config, l10n),
    registryDeployStep(config, l10n),
    registryPushStep(config, l10n),
    stackDeployRegistryStep(config, l10n),
    keepalivedDeployStep(config, l10n),
    keepalivedNsenterStep(config, l10n),
    keepalivedFailoverStep(config, l10n),
    metricsStackStep(config, l10n),
    proxyCertificateStep(config, l10n),
    proxyDeployStep(config, l10n),
    stackBehindProxyStep(config, l10n),
    registryBehindProxyStep(config, l10n),
    harborInstallStep(config, l10n),
    backupNowStep(config, l10n),
    backupRehearseStep(config, l10n),
  ];
}

export function labChecks(config: LabStepConfig, l10n: Localizer): LabCheck[] {
  return [
    dockerConfigCheck(l10n),
    swarmNodesReadyCheck(l10n),
    composePresentCheck(l10n),
    stackConvergedCheck(config, l10n),
    stackAppAnswersCheck(l10n),
    scopeRunningCheck(config, l10n),
    cephHealthyCheck(config, l10n),
    dataMountedCheck(l10n),
    dataSharedCheck(config, l10n),
    registryAnswersCheck(l10n),
    registryCatalogCheck(config, l10n),
    keepalivedRunningCheck(l10n),
    vipSingleCheck(config, l10n),
    metricsEngineEndpointCheck(l10n),
    metricsTargetsUpCheck(config, l10n),
    proxyRunningCheck(config, l10n),
    proxyTlsCheck(config, l10n),
    proxyAppHttpsCheck(config, l10n),
    proxyAppRedirectCheck(config, l10n),
    registryHttpsCheck(config, l10n),
    harborHealthyCheck(config, l10n),
    backupArchiveCheck(config, l10n),
    backupRestoreCheck(config, l10n),
  ];
}

/** Steps a section's run leaves out: the fail-over exercise, the restore rehearsal (a whole lab started). */
const ON_DEMAND = new Set(['keepalived.failover', 'backup.rehearse']);

/**
 * The steps of a section of the lab, in order ("Run Section…"): the
 * on-demand exercises (the fail-over, the restore rehearsal) are not part of
 * a run, nor are steps that cannot run in this environment (section 5's Ceph
 * in the local lab): a run stops after a step that did not succeed, and the
 * section's runnable option comes after.
 */
export function sectionSteps(steps: readonly LabStep[], section: number): LabStep[] {
  return steps.filter((s) => s.section === section && !ON_DEMAND.has(s.id) && s.unavailable === undefined);
}

export interface LabStepRunOptions extends SectionRunOptions {
  /** Run on this node only; phases that do not run there (the swarm's init) run where they must. */
  readonly only?: string;
}

/**
 * Runs a lab step: its phases in order, stopping after a phase that failed
 * anywhere (a join needs the init's tokens). Returns one report per phase run.
 */
export async function runLabStep(
  step: LabStep,
  cluster: Cluster,
  values: RunValues,
  options: LabStepRunOptions,
): Promise<StepReport[]> {
  if (step.unavailable !== undefined) {
    // Nothing runs: the reason is the report (the panel and the log say it).
    return [
      { stepId: step.id, title: step.title, dryRun: options.dryRun === true, error: step.unavailable, nodes: [] },
    ];
  }
  if (options.only === undefined) {
    const report = await runSection({ id: step.id, title: step.title, steps: step.phases }, cluster, values, options);
    return [...report.steps];
  }
  const reports: StepReport[] = [];
  const runValues = options.dryRun ? values.copy() : values;
  const { only, ...elsewhere } = options;
  for (const phase of step.phases) {
    const runsThere = resolveTargets(phase.targets, cluster.nodes, options.l10n, only).ok;
    const report: SectionReport = await runSection(
      { id: step.id, title: step.title, steps: [phase] },
      cluster,
      runValues,
      // runSection hands its options to each step run, which honours `only`.
      (runsThere ? { ...elsewhere, only } : elsewhere) as SectionRunOptions,
    );
    reports.push(...report.steps);
    const failed = report.steps.some(
      (r) =>
        r.error !== undefined || r.nodes.some((n) => n.outcome.kind === 'failed' || n.outcome.kind === 'cancelled'),
    );
    if (failed || options.signal?.aborted) {
      break;
    }
  }
  return reports;
}

/** Runs a check on its nodes in parallel and gives the verdict; a node that cannot be asked makes it unknown. */
export async function runLabCheck(
  check: LabCheck,
  cluster: Cluster,
  l10n: Localizer,
  signal: AbortSignal = new AbortController().signal,
): Promise<CheckVerdict & { readonly nodes: ReadonlyMap<string, NodeCheck> }> {
  if (check.unavailable !== undefined) {
    return { state: 'unknown', why: check.unavailable, nodes: new Map() };
  }
  const resolved = resolveTargets(check.targets, cluster.nodes, l10n);
  if (!resolved.ok) {
    return { state: 'unknown', why: resolved.error, nodes: new Map() };
  }
  const results = new Map<string, NodeCheck>();
  const errors: string[] = [];
  await Promise.all(
    resolved.nodes.map(async (node) => {
      try {
        const session = await cluster.openSession(node, signal);
        results.set(node.name, await check.node({ node, nodes: cluster.nodes, session, signal, l10n }));
      } catch (error) {
        errors.push(`${node.name}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }),
  );
  const ordered = new Map(resolved.nodes.filter((n) => results.has(n.name)).map((n) => [n.name, results.get(n.name)!]));
  if (errors.length > 0) {
    return { state: 'unknown', why: errors.join('; '), nodes: ordered };
  }
  if (check.verdict) {
    return { ...check.verdict(ordered, l10n), nodes: ordered };
  }
  const failing = [...ordered].filter(([, r]) => !r.ok);
  const why = (list: Array<[string, NodeCheck]>): string => list.map(([n, r]) => `${n}: ${r.why}`).join('; ');
  return failing.length === 0
    ? { state: 'pass', why: why([...ordered]), nodes: ordered }
    : { state: 'fail', why: why(failing), nodes: ordered };
}

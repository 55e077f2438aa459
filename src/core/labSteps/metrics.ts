/**
 * Section 9: every engine's metrics endpoint (set up by docker.config), the
 * monitoring stack deployed from a manager (metricsStack.ts writes its
 * files), and the proof that it works: Prometheus's own API says every
 * node's engine and node exporter targets are up. The step waits for that
 * too, so a stack that runs but scrapes nothing never counts as done.
 */
import type { Localizer } from '../l10n';
import { sh } from '../shell/shellQuote';
import type { Action, CheckResult, NodeContext, NodeSession, NodeTarget, Step } from '../steps/step';
import { convergeAction, converged, describeServices } from './convergence';
import type { LabCheck, LabStep, LabStepConfig, NodeCheck } from './labConfig';
import { singlePhaseStep } from './labConfig';
import { labSession, pollUntil, type LabDocker } from './labSession';
import {
  ENGINE_METRICS_PORT,
  METRICS_DIR,
  METRICS_STACK,
  metricsStack,
  PROMETHEUS_PORT,
  type ExpectedTarget,
  type MetricsStack,
} from './metricsStack';
import { normalizeImage, posixJoin } from './stackProject';
import { imagesOnNodesAction } from './imagesOnNodes';

const ENGINE_URL = `http://127.0.0.1:${ENGINE_METRICS_PORT}/metrics`;
const TARGETS_URL = `http://127.0.0.1:${PROMETHEUS_PORT}/api/v1/targets`;
const PROMETHEUS_SERVICE = `${METRICS_STACK}_prometheus`;

function stackFor(config: LabStepConfig, nodes: readonly NodeTarget[]): MetricsStack {
  return metricsStack(
    config,
    nodes.map((n) => ({ name: n.name, address: n.address })),
  );
}

/** A target as Prometheus's `/api/v1/targets` lists it (the fields the check reads). */
export interface ActiveTarget {
  readonly labels: Readonly<Record<string, string>>;
  readonly health: string;
  readonly lastError?: string;
}

export interface TargetsReport {
  readonly ok: boolean;
  readonly why: string;
}

/**
 * Every expected target (each node's engine and node exporter) is up, and no
 * other target (Prometheus itself, cAdvisor) is down; otherwise which ones
 * are down or missing, and why.
 */
export function targetsReport(body: string, expected: readonly ExpectedTarget[], l10n: Localizer): TargetsReport {
  let active: ActiveTarget[];
  try {
    active = (JSON.parse(body) as { data?: { activeTargets?: ActiveTarget[] } }).data?.activeTargets ?? [];
  } catch {
    return { ok: false, why: l10n.t('Prometheus answered something else than its targets: {0}', body.slice(0, 200)) };
  }
  const name = (t: ActiveTarget): string =>
    t.labels.node !== undefined
      ? `${t.labels.job} ${l10n.t('on')} ${t.labels.node}`
      : `${t.labels.job} ${t.labels.instance}`;
  const problems: string[] = [];
  for (const e of expected) {
    const found = active.find((t) => t.labels.job === e.job && t.labels.instance === e.instance);
    if (!found) {
      problems.push(l10n.t('{0} on {1} ({2}): not a target', e.job, e.node, e.instance));
    }
  }
  for (const t of active.filter((x) => x.health !== 'up')) {
    problems.push(
      t.health === 'down'
        ? l10n.t('{0} ({1}) is down: {2}', name(t), t.labels.instance, t.lastError ?? '')
        : l10n.t('{0} ({1}) is not scraped yet', name(t), t.labels.instance),
    );
  }
  if (problems.length > 0) {
    return { ok: false, why: problems.join('; ') };
  }
  // Sorted: Prometheus lists its targets in no stable order.
  const jobs = [...new Set(active.map((t) => t.labels.job))].sort();
  const up = jobs.map((job) => `${job} ${active.filter((t) => t.labels.job === job).length}`).join(', ');
  return { ok: true, why: l10n.t('{0} targets up: {1}', active.length, up) };
}

/** The node the Prometheus task runs on, from a manager's view of the stack's tasks. */
async function prometheusNode(docker: LabDocker): Promise<string | undefined> {
  const tasks = await docker.tasks(METRICS_STACK);
  return tasks.find((t) => t.service === PROMETHEUS_SERVICE && t.state === 'running' && t.desiredState === 'running')
    ?.node;
}

/** Asks Prometheus (on the node its task runs on: its port is published in host mode in the local lab). */
async function askTargets(
  config: LabStepConfig,
  manager: NodeSession,
  expected: readonly ExpectedTarget[],
  signal: AbortSignal,
  l10n: Localizer,
): Promise<TargetsReport> {
  const where = await prometheusNode(labSession(manager).docker);
  if (where === undefined) {
    return { ok: false, why: l10n.t('no Prometheus task runs: run metrics.stack first') };
  }
  const session = await config.sessionOf(where, signal);
  const out = await session.exec(['curl', '-fsS', '-m', '5', TARGETS_URL], { signal });
  if (out.code !== 0) {
    return {
      ok: false,
      why: l10n.t('Prometheus does not answer on {0} ({1})', `${where}:${PROMETHEUS_PORT}`, out.stderr.trim()),
    };
  }
  const report = targetsReport(out.stdout, expected, l10n);
  return { ok: report.ok, why: `${l10n.t('Prometheus on {0}', where)}: ${report.why}` };
}

type StackState = { readonly kind: 'absent' | 'other' | 'converging' | 'done'; readonly why: string };

/** The deployed stack against the one wanted: the same services, images and config names, converged. */
async function stackState(ctx: NodeContext, wanted: MetricsStack): Promise<StackState> {
  const docker = labSession(ctx.session).docker;
  const [services, tasks] = await Promise.all([docker.services(METRICS_STACK), docker.tasks(METRICS_STACK)]);
  if (services.length === 0) {
    return { kind: 'absent', why: ctx.l10n.t('the stack {0} is not deployed', METRICS_STACK) };
  }
  const full = new Map([...wanted.services].map(([name, image]) => [`${METRICS_STACK}_${name}`, image]));
  const images = [...full].every(([name, image]) => {
    const s = services.find((x) => x.name === name);
    return s !== undefined && normalizeImage(s.image) === normalizeImage(image);
  });
  const extra = services.filter((s) => !full.has(s.name)).map((s) => s.name);
  if (!images || extra.length > 0) {
    return {
      kind: 'other',
      why: ctx.l10n.t(
        'the stack differs from the one wanted: {0}',
        services.map((s) => `${s.name} ${s.image}`).join(', '),
      ),
    };
  }
  // A config is immutable and named after its content: another name is another configuration (a node added).
  const withConfigs = [...wanted.configs].filter(([, names]) => names.length > 0);
  const out = await ctx.session.exec(
    sh`docker service inspect --format '{{.Spec.Name}}{{range .Spec.TaskTemplate.ContainerSpec.Configs}} {{.ConfigName}}{{end}}' ${withConfigs.map(([n]) => `${METRICS_STACK}_${n}`)}`,
    { signal: ctx.signal },
  );
  const deployed = out.stdout.trim().split('\n');
  const stale = withConfigs.filter(
    ([name, names]) => !deployed.includes([`${METRICS_STACK}_${name}`, ...names].join(' ')),
  );
  if (out.code !== 0 || stale.length > 0) {
    return {
      kind: 'other',
      why: ctx.l10n.t('the configuration of {0} changed', stale.map(([n]) => n).join(', ') || METRICS_STACK),
    };
  }
  return converged(services, [...full.keys()], tasks)
    ? { kind: 'done', why: ctx.l10n.t('deployed and converged: {0}', describeServices(services)) }
    : { kind: 'converging', why: ctx.l10n.t('not converged yet: {0}', describeServices(services)) };
}

function waitTargetsAction(ctx: NodeContext, config: LabStepConfig, wanted: MetricsStack): Action {
  return {
    kind: 'call',
    description: ctx.l10n.t('wait until Prometheus has every node target up ({0})', TARGETS_URL),
    evidence: true,
    async run(session, io) {
      let last: TargetsReport = { ok: false, why: '' };
      const report = await pollUntil(
        async () => {
          last = await askTargets(config, session, wanted.expected, io.signal, ctx.l10n);
          return last.ok ? last : undefined;
        },
        { timeoutMs: config.timeouts.converge, intervalMs: 2_000, signal: io.signal },
      );
      if (report === undefined) {
        throw new Error(ctx.l10n.t('Not every target is up: {0}', last.why));
      }
      io.log(report.why);
      return report.why;
    },
  };
}

export function metricsStackStep(config: LabStepConfig, l10n: Localizer): LabStep {
  const local = config.environment === 'local-lab';
  const step: Step<'wait'> = {
    id: 'metrics.stack',
    title: l10n.t('Monitoring stack'),
    targets: 'firstManager',
    changesMachines: true,
    async check(ctx): Promise<CheckResult<'wait'>> {
      const state = await stackState(ctx, stackFor(config, ctx.cluster));
      if (state.kind === 'done') {
        // Converged is not enough: the stack is done when Prometheus sees every target up.
        const targets = await askTargets(
          config,
          ctx.session,
          stackFor(config, ctx.cluster).expected,
          ctx.signal,
          ctx.l10n,
        );
        return targets.ok
          ? { state: 'done', reason: `${state.why}; ${targets.why}` }
          : { state: 'todo', reason: targets.why, memo: 'wait' };
      }
      return state.kind === 'converging'
        ? { state: 'todo', reason: state.why, memo: 'wait' }
        : { state: 'todo', reason: state.why };
    },
    plan(ctx, memo) {
      const wanted = stackFor(config, ctx.cluster);
      const expect = [...wanted.services.keys()].map((s) => `${METRICS_STACK}_${s}`);
      const follow: Action[] = [
        convergeAction({ stack: METRICS_STACK, expect }, config.timeouts.converge, ctx.l10n),
        waitTargetsAction(ctx, config, wanted),
      ];
      if (memo === 'wait') {
        return follow;
      }
      if (wanted.leftOut.length > 0) {
        ctx.log(
          ctx.l10n.t(
            'No image for {0} here (the swarmLab.images setting can name one): left out of the stack',
            wanted.leftOut.join(', '),
          ),
        );
      }
      const compose = posixJoin(METRICS_DIR, 'docker-compose.yml');
      const resolve = local ? ['--resolve-image', 'never'] : [];
      return [
        // The local lab pulls nothing: its images come from Start Local Lab.
        ...(local
          ? [
              imagesOnNodesAction(ctx, config, [...new Set(wanted.services.values())], (problems) =>
                ctx.l10n.t('Images missing; the local lab loads them when it starts (Start Local Lab): {0}', problems),
              ),
            ]
          : []),
        { kind: 'exec', command: sh`mkdir -p -- ${METRICS_DIR}` },
        ...wanted.files.map((f): Action => ({
          kind: 'upload',
          path: posixJoin(METRICS_DIR, f.path),
          content: f.content,
        })),
        {
          kind: 'exec',
          // --prune: a service the settings no longer give (an image role emptied) leaves the stack.
          command: sh`docker stack deploy --prune ${resolve} -c ${compose} ${METRICS_STACK}`,
          evidence: true,
        },
        ...follow,
      ];
    },
  };
  return singlePhaseStep(step, 9);
}

export function metricsEngineEndpointCheck(l10n: Localizer): LabCheck {
  return {
    id: 'metrics.engine-endpoint',
    title: l10n.t('Every engine serves its metrics on :9323'),
    section: 9,
    targets: 'all',
    async node(ctx): Promise<NodeCheck> {
      const out = await ctx.session.exec(['curl', '-fsS', '-m', '5', ENGINE_URL], { signal: ctx.signal });
      if (out.code !== 0) {
        return {
          ok: false,
          why: ctx.l10n.t(
            'no metrics on :9323 ({0}): run docker.config (metrics-addr 0.0.0.0:9323)',
            out.stderr.trim() || String(out.code),
          ),
        };
      }
      const samples = out.stdout.split('\n').filter((l) => l !== '' && !l.startsWith('#')).length;
      return samples > 0
        ? { ok: true, why: ctx.l10n.t('{0} samples on :9323/metrics', samples) }
        : { ok: false, why: ctx.l10n.t(':9323/metrics answers without any sample') };
    },
  };
}

export function metricsTargetsUpCheck(config: LabStepConfig, l10n: Localizer): LabCheck {
  return {
    id: 'metrics.targets-up',
    title: l10n.t('Prometheus sees every node target up'),
    section: 9,
    targets: 'firstManager',
    async node(ctx): Promise<NodeCheck> {
      return askTargets(config, ctx.session, stackFor(config, ctx.nodes).expected, ctx.signal, ctx.l10n);
    },
  };
}

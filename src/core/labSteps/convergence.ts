/**
 * Following a stack (or a service) until every service has all its tasks
 * running, with one log line per task state change: what `docker stack ps`
 * shows, as it happens. Bounded: a task that cannot start (an image missing
 * on its node, a placement nobody satisfies) ends the wait with its error.
 */
import type { Localizer } from '../l10n';
import type { Action } from '../steps/step';
import type { LabDocker, ServiceFact, TaskFact } from './labSession';
import { labSession, pollUntil } from './labSession';

export interface ConvergeOptions {
  /** The stack's namespace, or undefined with `service` for a lone service. */
  readonly stack?: string;
  readonly service?: string;
  /** Services that must exist (full names); the wait fails if one never appears. */
  readonly expect?: readonly string[];
  readonly timeoutMs: number;
  readonly intervalMs?: number;
  readonly signal: AbortSignal;
  readonly log: (text: string) => void;
  readonly l10n: Localizer;
}

/**
 * Every expected service exists, runs exactly as many tasks as it wants and
 * is not in the middle of an update; with the tasks given, each task meant
 * to run does, with its service's current image (right after a deploy the
 * counts are still those of the old tasks).
 */
export function converged(
  services: readonly ServiceFact[],
  expect: readonly string[] = [],
  tasks?: readonly TaskFact[],
): boolean {
  return (
    services.length > 0 &&
    expect.every((name) => services.some((s) => s.name === name)) &&
    services.every((s) => s.desired > 0 && s.running === s.desired && !s.updating) &&
    (tasks === undefined ||
      tasks
        .filter((t) => t.desiredState === 'running')
        .every((t) => {
          const service = services.find((s) => s.name === t.service);
          return (
            t.state === 'running' &&
            (service === undefined || t.image === undefined || sameImage(t.image, service.image))
          );
        }))
  );
}

/** The service's image may carry a digest its tasks also carry, or not: compare names. */
function sameImage(a: string, b: string): boolean {
  return a.split('@')[0] === b.split('@')[0];
}

export function describeServices(services: readonly ServiceFact[]): string {
  return services.map((s) => `${s.name} ${s.running}/${s.desired}`).join(', ');
}

function taskName(t: TaskFact): string {
  return t.slot !== undefined ? `${t.service}.${t.slot}` : `${t.service}.${t.node ?? '?'}`;
}

/** Resolves with the services once converged; rejects with the reason otherwise. */
export async function waitConverged(docker: LabDocker, options: ConvergeOptions): Promise<ServiceFact[]> {
  const { l10n, log } = options;
  const seen = new Map<string, string>();
  let last: ServiceFact[] = [];
  let lastTasks: TaskFact[] = [];
  const started = Date.now();
  const done = await pollUntil(
    async () => {
      const [services, tasks] = await Promise.all([docker.services(options.stack), docker.tasks(options.stack)]);
      const mine = options.service ? services.filter((s) => s.name === options.service) : services;
      const mineTasks = options.service ? tasks.filter((t) => t.service === options.service) : tasks;
      for (const t of mineTasks.filter((x) => x.desiredState === 'running' || seen.has(x.id))) {
        const state = `${t.state}${t.error ? ` (${t.error})` : ''}`;
        if (seen.get(t.id) !== state) {
          seen.set(t.id, state);
          log(`${taskName(t)} ${l10n.t('on')} ${t.node ?? '?'}: ${state}`);
        }
      }
      last = mine;
      lastTasks = mineTasks;
      return converged(mine, options.expect, mineTasks) ? mine : undefined;
    },
    { timeoutMs: options.timeoutMs, intervalMs: options.intervalMs ?? 1_000, signal: options.signal },
  );
  if (done) {
    log(l10n.t('converged in {0} s: {1}', ((Date.now() - started) / 1000).toFixed(1), describeServices(done)));
    return done;
  }
  const errors = [...new Set(lastTasks.filter((t) => t.error).map((t) => `${taskName(t)}: ${t.error}`))].slice(-5);
  const missing = (options.expect ?? []).filter((n) => !last.some((s) => s.name === n));
  throw new Error(
    [
      l10n.t('Not converged after {0} s: {1}', Math.round(options.timeoutMs / 1000), describeServices(last) || '-'),
      ...(missing.length > 0 ? [l10n.t('Missing services: {0}', missing.join(', '))] : []),
      ...errors,
    ].join('\n'),
  );
}

/** What a converge action follows: every service of a stack, or one service (alone, or the one of its stack). */
export type ConvergeTarget =
  | { readonly stack: string; readonly expect: readonly string[] }
  | { readonly service: string; readonly inStack?: string };

/**
 * The step action that follows the tasks (waitConverged, one log line per
 * task state change) until the stack or service runs, and then says how
 * its services run, with `note` on a line of its own.
 */
export function convergeAction(
  target: ConvergeTarget,
  timeoutMs: number,
  l10n: Localizer,
  options: { readonly evidence?: boolean; readonly note?: string } = {},
): Action {
  const follow: Pick<ConvergeOptions, 'stack' | 'service' | 'expect'> =
    'service' in target
      ? target.inStack !== undefined
        ? { stack: target.inStack, expect: [target.service] }
        : { service: target.service, expect: [target.service] }
      : target;
  return {
    kind: 'call',
    description:
      'service' in target
        ? l10n.t('follow the tasks of {0} until it runs (docker service ps)', target.service)
        : l10n.t('follow the tasks of {0} until every service runs (docker stack ps)', target.stack),
    ...(options.evidence ? { evidence: true } : {}),
    async run(session, io) {
      const done = await waitConverged(labSession(session).docker, {
        ...follow,
        timeoutMs,
        signal: io.signal,
        log: (text) => io.log(text),
        l10n,
      });
      return [describeServices(done), options.note].filter((l) => l !== undefined).join('\n');
    },
  };
}

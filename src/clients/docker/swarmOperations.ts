import type { Readable } from 'node:stream';
import type { DockerEngine } from './dockerEngine';

/**
 * Changes to a swarm's services and nodes, through a manager's engine. Each
 * reads the object, changes its spec and sends it back at the version read:
 * a concurrent change makes the engine refuse (409 "update out of sequence")
 * rather than silently undo it.
 *
 * dockerode would put the whole spec in the query string too; `_query` and
 * `_body` keep the request as the Docker CLI sends it.
 */

interface Versioned<Spec> {
  Version: { Index: number };
  Spec: Spec;
  PreviousSpec?: Spec;
}

type ServiceSpec = {
  Mode?: { Replicated?: { Replicas?: number }; Global?: object };
  TaskTemplate?: { ForceUpdate?: number };
} & Record<string, unknown>;

export type NodeSpec = {
  Role?: 'manager' | 'worker';
  Availability?: 'active' | 'pause' | 'drain';
  Labels?: Record<string, string>;
} & Record<string, unknown>;

export class NoPreviousSpecError extends Error {}

async function updateService(
  engine: DockerEngine,
  id: string,
  change: (spec: ServiceSpec, info: Versioned<ServiceSpec>) => ServiceSpec,
  query: Record<string, string> = {},
): Promise<void> {
  const service = (await engine.docker()).getService(id);
  const info = (await service.inspect({ abortSignal: engine.deadline() } as object)) as Versioned<ServiceSpec>;
  await service.update({
    _query: { version: info.Version.Index, ...query },
    _body: change(info.Spec, info),
    abortSignal: engine.deadline(),
  });
}

/** Sets a replicated service's replica count. */
export function scaleService(engine: DockerEngine, id: string, replicas: number): Promise<void> {
  return updateService(engine, id, (spec) => ({ ...spec, Mode: { Replicated: { Replicas: replicas } } }));
}

/** Recreates every task with the same spec (`docker service update --force`). */
export function forceUpdateService(engine: DockerEngine, id: string): Promise<void> {
  return updateService(engine, id, (spec) => ({
    ...spec,
    TaskTemplate: { ...spec.TaskTemplate, ForceUpdate: (spec.TaskTemplate?.ForceUpdate ?? 0) + 1 },
  }));
}

/** Goes back to the spec before the last update (`docker service rollback`). */
export function rollbackService(engine: DockerEngine, id: string): Promise<void> {
  return updateService(
    engine,
    id,
    (spec, info) => {
      if (!info.PreviousSpec) {
        throw new NoPreviousSpecError(id);
      }
      return spec;
    },
    { rollback: 'previous' },
  );
}

export async function removeService(engine: DockerEngine, id: string): Promise<void> {
  await (await engine.docker()).getService(id).remove({ abortSignal: engine.deadline() } as object);
}

/**
 * Every task's logs merged, followed (`docker service logs -f`). With
 * `details`, each line starts with the task's and node's IDs, which the
 * caller turns into readable prefixes. Multiplexed unless the service has a TTY.
 */
export async function serviceLogs(
  engine: DockerEngine,
  id: string,
  opts: { tail: number },
  signal: AbortSignal,
): Promise<Readable> {
  const stream = await (await engine.docker()).getService(id).logs({
    follow: true,
    stdout: true,
    stderr: true,
    details: true,
    timestamps: false,
    tail: opts.tail,
    abortSignal: signal,
  } as object);
  return stream as unknown as Readable;
}

export async function updateNode(
  engine: DockerEngine,
  id: string,
  change: (spec: NodeSpec) => NodeSpec,
): Promise<void> {
  const node = (await engine.docker()).getNode(id);
  const info = (await node.inspect({ abortSignal: engine.deadline() } as object)) as Versioned<NodeSpec>;
  await node.update({
    _query: { version: info.Version.Index },
    _body: change(info.Spec),
    abortSignal: engine.deadline(),
  } as object);
}

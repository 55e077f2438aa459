import type { SwarmService } from './swarmSnapshot';

/**
 * `docker service logs --details` lines start with the task's labels:
 * `com.docker.swarm.node.id=…,com.docker.swarm.service.id=…,com.docker.swarm.task.id=… message`.
 * These turn them into `whoami.2@core-02 | message`, the prefix users know
 * from the CLI, with names taken from the swarm snapshot.
 */

export interface ServiceLogLine {
  readonly taskId?: string;
  readonly nodeId?: string;
  readonly message: string;
}

export function parseServiceLogLine(line: string): ServiceLogLine {
  const space = line.indexOf(' ');
  const head = space < 0 ? line : line.slice(0, space);
  if (!head.includes('com.docker.swarm.')) {
    return { message: line };
  }
  const labels = new Map(
    head.split(',').map((pair) => {
      const eq = pair.indexOf('=');
      return [pair.slice(0, eq), pair.slice(eq + 1)] as const;
    }),
  );
  const taskId = labels.get('com.docker.swarm.task.id');
  const nodeId = labels.get('com.docker.swarm.node.id');
  return {
    ...(taskId ? { taskId } : {}),
    ...(nodeId ? { nodeId } : {}),
    message: space < 0 ? '' : line.slice(space + 1),
  };
}

/** `name.slot@node` (global services: `name@node`), falling back to short IDs for tasks already gone. */
export function serviceLogPrefix(
  line: ServiceLogLine,
  service: SwarmService,
  nodeNames: ReadonlyMap<string, string>,
): string {
  const task = service.tasks.find((t) => t.id === line.taskId);
  const node = (line.nodeId && nodeNames.get(line.nodeId)) ?? line.nodeId?.slice(0, 12) ?? '?';
  const name =
    service.mode === 'global' || task?.slot === undefined
      ? task
        ? service.name
        : `${service.name}.${line.taskId?.slice(0, 12) ?? '?'}`
      : `${service.name}.${task.slot}`;
  return `${name}@${node}`;
}

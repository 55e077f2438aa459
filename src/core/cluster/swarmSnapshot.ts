/**
 * The swarm as the Swarm view shows it, built from what a manager answers to
 * `GET /nodes`, `GET /services` and `GET /tasks`: nodes, then stacks →
 * services → tasks, each task with the name of the node it runs on.
 * Pure: unit-tested on recorded API answers.
 */

export interface SwarmNode {
  readonly id: string;
  readonly hostname: string;
  readonly role: 'manager' | 'worker';
  readonly leader: boolean;
  readonly availability: string;
  readonly state: string;
  readonly address: string;
  readonly engineVersion: string;
  readonly labels: Readonly<Record<string, string>>;
}

export interface SwarmTask {
  readonly id: string;
  readonly serviceId: string;
  readonly slot?: number;
  readonly nodeId?: string;
  /** The node's host name, when the task has been placed. */
  readonly nodeName?: string;
  readonly state: string;
  readonly desiredState: string;
  readonly error?: string;
  readonly containerId?: string;
  readonly updatedAt: string;
}

export interface SwarmService {
  readonly id: string;
  readonly name: string;
  readonly stack?: string;
  readonly mode: 'replicated' | 'global';
  /** Replicas wanted (for global: one per node that should run it). */
  readonly desired: number;
  readonly running: number;
  readonly image: string;
  /** "updating", "rollback_started", … while an update is in progress. */
  readonly updateState?: string;
  readonly tasks: readonly SwarmTask[];
}

export interface SwarmStack {
  readonly name: string;
  readonly services: readonly SwarmService[];
}

/** A swarm-scoped network, config or secret (a secret's value is never read: the API does not give it). */
export interface SwarmResource {
  readonly id: string;
  readonly name: string;
  /** Networks: their driver (overlay…); configs and secrets: their creation date. */
  readonly detail: string;
  readonly stack?: string;
}

export interface SwarmResources {
  readonly networks: readonly SwarmResource[];
  readonly configs: readonly SwarmResource[];
  readonly secrets: readonly SwarmResource[];
}

export interface SwarmSnapshot {
  readonly nodes: readonly SwarmNode[];
  readonly resources: SwarmResources;
  readonly stacks: readonly SwarmStack[];
  /** Services created outside any stack (`docker service create`). */
  readonly services: readonly SwarmService[];
}

export interface RawNode {
  ID: string;
  Description?: { Hostname?: string; Engine?: { EngineVersion?: string } };
  Spec?: { Role?: string; Availability?: string; Labels?: Record<string, string> };
  Status?: { State?: string; Addr?: string };
  ManagerStatus?: { Leader?: boolean };
}

export interface RawService {
  ID: string;
  Spec?: {
    Name?: string;
    Labels?: Record<string, string>;
    Mode?: { Replicated?: { Replicas?: number }; Global?: object };
    TaskTemplate?: { ContainerSpec?: { Image?: string } };
  };
  UpdateStatus?: { State?: string };
}

export interface RawTask {
  ID: string;
  ServiceID: string;
  Slot?: number;
  NodeID?: string;
  DesiredState?: string;
  UpdatedAt?: string;
  Status?: { State?: string; Err?: string; ContainerStatus?: { ContainerID?: string } };
}

export interface RawNetwork {
  Id: string;
  Name: string;
  Driver?: string;
  Scope?: string;
  Labels?: Record<string, string> | null;
}

export interface RawConfigOrSecret {
  ID: string;
  CreatedAt?: string;
  Spec?: { Name?: string; Labels?: Record<string, string> };
}

const STACK_LABEL = 'com.docker.stack.namespace';

function toResources(raw: {
  networks?: readonly RawNetwork[];
  configs?: readonly RawConfigOrSecret[];
  secrets?: readonly RawConfigOrSecret[];
}): SwarmResources {
  const byName = (a: SwarmResource, b: SwarmResource): number => a.name.localeCompare(b.name);
  const named = (x: RawConfigOrSecret): SwarmResource => {
    const stack = x.Spec?.Labels?.[STACK_LABEL];
    return {
      id: x.ID,
      name: x.Spec?.Name ?? x.ID.slice(0, 12),
      detail: x.CreatedAt?.slice(0, 19).replace('T', ' ') ?? '',
      ...(stack ? { stack } : {}),
    };
  };
  return {
    networks: (raw.networks ?? [])
      .filter((n) => n.Scope === 'swarm')
      .map((n): SwarmResource => {
        const stack = n.Labels?.[STACK_LABEL];
        return { id: n.Id, name: n.Name, detail: n.Driver ?? '', ...(stack ? { stack } : {}) };
      })
      .sort(byName),
    configs: (raw.configs ?? []).map(named).sort(byName),
    secrets: (raw.secrets ?? []).map(named).sort(byName),
  };
}

/** The image as users wrote it: Docker appends "@sha256:…" once it resolved it. */
function shortImage(image: string): string {
  return image.replace(/@sha256:[0-9a-f]{64}$/, '');
}

function toNode(raw: RawNode): SwarmNode {
  return {
    id: raw.ID,
    hostname: raw.Description?.Hostname ?? raw.ID.slice(0, 12),
    role: raw.Spec?.Role === 'manager' ? 'manager' : 'worker',
    leader: raw.ManagerStatus?.Leader ?? false,
    availability: raw.Spec?.Availability ?? 'active',
    state: raw.Status?.State ?? 'unknown',
    address: raw.Status?.Addr ?? '',
    engineVersion: raw.Description?.Engine?.EngineVersion ?? '',
    labels: raw.Spec?.Labels ?? {},
  };
}

/**
 * The tasks worth showing: those meant to run, and for a slot (or a node, in
 * global mode) with none, its latest task, so a failure stays visible with
 * its error instead of vanishing.
 */
function currentTasks(tasks: readonly SwarmTask[]): SwarmTask[] {
  const wanted = tasks.filter((t) => t.desiredState === 'running' || t.desiredState === 'ready');
  const covered = new Set(wanted.map((t) => String(t.slot ?? t.nodeId)));
  const latest = new Map<string, SwarmTask>();
  for (const t of tasks) {
    const key = String(t.slot ?? t.nodeId);
    if (!covered.has(key) && (!latest.has(key) || latest.get(key)!.updatedAt < t.updatedAt)) {
      latest.set(key, t);
    }
  }
  return [...wanted, ...latest.values()].sort(
    (a, b) => (a.slot ?? 0) - (b.slot ?? 0) || (a.nodeName ?? '').localeCompare(b.nodeName ?? ''),
  );
}

export function buildSwarmSnapshot(raw: {
  nodes: readonly RawNode[];
  services: readonly RawService[];
  tasks: readonly RawTask[];
  networks?: readonly RawNetwork[];
  configs?: readonly RawConfigOrSecret[];
  secrets?: readonly RawConfigOrSecret[];
}): SwarmSnapshot {
  const nodes = raw.nodes.map(toNode).sort((a, b) => a.hostname.localeCompare(b.hostname));
  const nodeNames = new Map(nodes.map((n) => [n.id, n.hostname]));
  const tasksByService = new Map<string, SwarmTask[]>();
  for (const t of raw.tasks) {
    const task: SwarmTask = {
      id: t.ID,
      serviceId: t.ServiceID,
      ...(t.Slot !== undefined ? { slot: t.Slot } : {}),
      ...(t.NodeID ? { nodeId: t.NodeID, nodeName: nodeNames.get(t.NodeID) ?? t.NodeID.slice(0, 12) } : {}),
      state: t.Status?.State ?? 'unknown',
      desiredState: t.DesiredState ?? 'unknown',
      ...(t.Status?.Err ? { error: t.Status.Err } : {}),
      ...(t.Status?.ContainerStatus?.ContainerID ? { containerId: t.Status.ContainerStatus.ContainerID } : {}),
      updatedAt: t.UpdatedAt ?? '',
    };
    const list = tasksByService.get(t.ServiceID);
    if (list) {
      list.push(task);
    } else {
      tasksByService.set(t.ServiceID, [task]);
    }
  }
  const services = raw.services.map((s): SwarmService => {
    const tasks = currentTasks(tasksByService.get(s.ID) ?? []);
    const global = s.Spec?.Mode?.Global !== undefined;
    const wanted = tasks.filter((t) => t.desiredState === 'running');
    const stack = s.Spec?.Labels?.[STACK_LABEL];
    const update = s.UpdateStatus?.State;
    return {
      id: s.ID,
      name: s.Spec?.Name ?? s.ID.slice(0, 12),
      ...(stack ? { stack } : {}),
      mode: global ? 'global' : 'replicated',
      desired: global ? wanted.length : (s.Spec?.Mode?.Replicated?.Replicas ?? 0),
      running: wanted.filter((t) => t.state === 'running').length,
      image: shortImage(s.Spec?.TaskTemplate?.ContainerSpec?.Image ?? ''),
      ...(update && update !== 'completed' ? { updateState: update } : {}),
      tasks,
    };
  });
  const byName = (a: { name: string }, b: { name: string }): number => a.name.localeCompare(b.name);
  const stacks = new Map<string, SwarmService[]>();
  for (const s of services) {
    if (s.stack) {
      const list = stacks.get(s.stack);
      if (list) {
        list.push(s);
      } else {
        stacks.set(s.stack, [s]);
      }
    }
  }
  return {
    nodes,
    resources: toResources(raw),
    stacks: [...stacks].map(([name, list]) => ({ name, services: list.sort(byName) })).sort(byName),
    services: services.filter((s) => !s.stack).sort(byName),
  };
}

/** True while some service has tasks not yet in their desired state (worth a short follow-up). */
export function isConverging(snapshot: SwarmSnapshot): boolean {
  const all = [...snapshot.services, ...snapshot.stacks.flatMap((s) => s.services)];
  return all.some((s) => s.updateState !== undefined || s.running !== s.desired);
}

/** "2/3 replicas" or "3/3 global": what `docker service ls` shows. */
export function describeReplicas(s: SwarmService): string {
  return `${s.running}/${s.desired} ${s.mode === 'global' ? 'global' : 'replicas'}${s.updateState ? ` · ${s.updateState}` : ''}`;
}

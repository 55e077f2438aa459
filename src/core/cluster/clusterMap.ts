/**
 * The cluster map: where a student would rather look than read. Each node
 * (and each lab machine not in the swarm yet) with its role, leader,
 * availability and state, the tasks placed on it, whether it holds the
 * virtual IP or runs the registry, and which of the stacks' images it holds.
 * Pure: built from the swarm snapshot, the machines and the image presence
 * model, unit-tested on recorded API answers; clusterMapText is its text
 * alternative, clusterMapHtml (its own module) its picture.
 */
import { english, Localizer } from '../l10n';
import type { PresenceReport } from '../images/imagePresence';
import { DOCKER_HUB, parseImageReference } from '../images/imageReference';
import type { Machine } from '../machines/machine';
import type { SwarmNode, SwarmService, SwarmSnapshot, SwarmTask } from './swarmSnapshot';

/** What the map needs of a machine: its name, where SSH reaches it, and its probed state. */
export type MapMachine = Pick<Machine, 'name' | 'host' | 'state'>;

/** Where a stack image is: a function (the presence model's `report`) or a map by image reference. */
export type PresenceLookup = ((image: string) => PresenceReport | undefined) | ReadonlyMap<string, PresenceReport>;

export interface ClusterMapInput {
  /** Undefined while no manager is followed (no swarm yet, or being read). */
  readonly snapshot: SwarmSnapshot | undefined;
  readonly machines: readonly MapMachine[];
  readonly presence?: PresenceLookup;
}

/** `stale`: the node holds the tag, but another build of it than most nodes do. */
export type ImageState = 'present' | 'missing' | 'unknown' | 'stale';

export interface MapImage {
  /** The reference as the stack names it, digest left out: `m1.swarm:5000/python-app:latest`. */
  readonly image: string;
  /** What the map writes: `python-app`, `redis:7`. */
  readonly name: string;
  readonly state: ImageState;
}

export interface MapTask {
  /** `python-app.1` (the stack's prefix left out); a global service's task is named after its service. */
  readonly name: string;
  /** The service's full name, as `docker service ls` shows it. */
  readonly service: string;
  readonly slot?: number;
  readonly state: string;
  /** failed or rejected: kept in view with its error rather than hidden. */
  readonly failed: boolean;
  readonly error?: string;
  /** For a task on no node of the map: the node it names, if any. */
  readonly node?: string;
}

export interface MapNode {
  readonly name: string;
  /** False for a lab machine the swarm does not list (yet). */
  readonly inSwarm: boolean;
  readonly role?: 'manager' | 'worker';
  readonly leader: boolean;
  /** active, pause, drain: for swarm nodes only. */
  readonly availability?: string;
  /** The swarm's word for a node (ready, down); the machine's for one not in it (running, stopped…). */
  readonly state: string;
  readonly address: string;
  readonly holdsVip: boolean;
  readonly runsRegistry: boolean;
  readonly tasks: readonly MapTask[];
  readonly images: readonly MapImage[];
}

export interface MapService {
  /** Without the stack's prefix: `python-app` for `tp1_python-app`. */
  readonly name: string;
  readonly fullName: string;
  readonly stack?: string;
  readonly mode: 'replicated' | 'global';
  readonly image: string;
  readonly running: number;
  readonly desired: number;
  readonly registry: boolean;
  /** The nodes its tasks are placed on, in node order, once each. */
  readonly nodes: readonly string[];
}

export interface ClusterMapModel {
  readonly nodes: readonly MapNode[];
  readonly services: readonly MapService[];
  /** Tasks meant to run that sit on no node of the map: not placed yet (pending), or on a node gone. */
  readonly unplaced: readonly MapTask[];
  /** The stacks' images (digests left out), in name order. */
  readonly images: readonly string[];
  readonly registry: {
    /** Registry services (named …registry, or running a registry image). */
    readonly services: readonly string[];
    /** The nodes running one of their tasks. */
    readonly nodes: readonly string[];
    /** The registries the stacks' images come from: `m1.swarm:5000`. */
    readonly hosts: readonly string[];
  };
  /** known: some machine was checked for the virtual IP (setting swarmLab.virtualIp set). */
  readonly vip: { readonly known: boolean; readonly holders: readonly string[] };
}

const FAILED = new Set(['failed', 'rejected']);

/** The reference without the digest Docker appends once it resolved a tag. */
export function withoutDigest(image: string): string {
  return image.replace(/@sha256:[0-9a-f]{64}$/, '');
}

function parsed(image: string): { domain?: string; path: string; tag?: string } | undefined {
  const result = parseImageReference(withoutDigest(image));
  return result.ok ? result.ref : undefined;
}

/** `m1.swarm:5000/python-app:latest` → `python-app`; `redis:7` stays `redis:7`. */
export function imageLabel(image: string): string {
  const ref = parsed(image);
  if (!ref) {
    return withoutDigest(image);
  }
  const name = ref.path.split('/').at(-1) ?? ref.path;
  return ref.tag === undefined || ref.tag === 'latest' ? name : `${name}:${ref.tag}`;
}

/** The registry service: named `registry` (or `…_registry`, `…-registry`), or running a registry image. */
export function isRegistryService(s: Pick<SwarmService, 'name' | 'image'>): boolean {
  const repository = parsed(s.image)?.path.split('/').at(-1) ?? '';
  return s.name.endsWith('registry') || repository.includes('registry');
}

function shortName(s: SwarmService): string {
  return s.stack && s.name.startsWith(`${s.stack}_`) ? s.name.slice(s.stack.length + 1) : s.name;
}

function mapTask(service: SwarmService, t: SwarmTask): MapTask {
  const name = shortName(service);
  return {
    name: service.mode === 'global' || t.slot === undefined ? name : `${name}.${t.slot}`,
    service: service.name,
    ...(t.slot !== undefined ? { slot: t.slot } : {}),
    state: t.state,
    failed: FAILED.has(t.state),
    ...(t.error !== undefined ? { error: t.error } : {}),
  };
}

/** The tasks the map shows: those meant to run, and failed ones (their error is the news). */
function shown(t: SwarmTask): boolean {
  return t.desiredState === 'running' || FAILED.has(t.state);
}

function machineFor(node: SwarmNode, machines: readonly MapMachine[]): MapMachine | undefined {
  return (
    machines.find((m) => m.state.kind === 'running' && m.state.swarmNodeId === node.id) ??
    machines.find((m) => m.name === node.hostname)
  );
}

function holdsVip(m: MapMachine | undefined): boolean {
  return m?.state.kind === 'running' && m.state.holdsVirtualIp === true;
}

function imageState(report: PresenceReport | undefined, node: string): ImageState {
  if (!report) {
    return 'unknown';
  }
  if (report.present.some((p) => p.node === node)) {
    return report.differing.some((p) => p.node === node) ? 'stale' : 'present';
  }
  return report.missing.includes(node) ? 'missing' : 'unknown';
}

export function clusterMap(input: ClusterMapInput): ClusterMapModel {
  const snapshot = input.snapshot;
  const stackServices = snapshot?.stacks.flatMap((s) => s.services) ?? [];
  const services = [...stackServices, ...(snapshot?.services ?? [])];
  const images = [...new Set(stackServices.map((s) => withoutDigest(s.image)).filter((i) => i !== ''))].sort();
  const lookup = input.presence;
  const reports = new Map(images.map((i) => [i, typeof lookup === 'function' ? lookup(i) : lookup?.get(i)] as const));
  const imagesOn = (presenceName: string): MapImage[] =>
    images.map((image) => ({
      image,
      name: imageLabel(image),
      state: imageState(reports.get(image), presenceName),
    }));

  const swarmNodes = snapshot?.nodes ?? [];
  const byNodeId = new Map<string, MapTask[]>(swarmNodes.map((n) => [n.id, []]));
  const unplaced: MapTask[] = [];
  for (const service of services) {
    for (const t of service.tasks.filter(shown)) {
      const onNode = t.nodeId !== undefined ? byNodeId.get(t.nodeId) : undefined;
      if (onNode) {
        onNode.push(mapTask(service, t));
      } else {
        unplaced.push({ ...mapTask(service, t), ...(t.nodeName !== undefined ? { node: t.nodeName } : {}) });
      }
    }
  }
  const registryServices = services.filter(isRegistryService);
  const registryNames = new Set(registryServices.map((s) => s.name));
  const runsRegistry = (tasks: readonly MapTask[]): boolean =>
    tasks.some((t) => registryNames.has(t.service) && !t.failed);

  const matched = new Set<MapMachine>();
  const nodes: MapNode[] = swarmNodes.map((n) => {
    const machine = machineFor(n, input.machines);
    if (machine) {
      matched.add(machine);
    }
    const tasks = byNodeId.get(n.id) ?? [];
    return {
      name: n.hostname,
      inSwarm: true,
      role: n.role,
      leader: n.leader,
      availability: n.availability,
      state: n.state,
      address: n.address || machine?.host || '',
      holdsVip: holdsVip(machine),
      runsRegistry: runsRegistry(tasks),
      tasks,
      images: imagesOn(machine?.name ?? n.hostname),
    };
  });
  for (const m of input.machines.filter((x) => !matched.has(x))) {
    // Not listed by the swarm: not joined yet, or the swarm is still being read.
    const joined = m.state.kind === 'running' && m.state.swarmRole !== 'none';
    nodes.push({
      name: m.name,
      inSwarm: joined,
      ...(m.state.kind === 'running' && m.state.swarmRole !== 'none' ? { role: m.state.swarmRole } : {}),
      leader: m.state.kind === 'running' && m.state.isLeader === true,
      state: m.state.kind,
      address: m.host,
      holdsVip: holdsVip(m),
      runsRegistry: false,
      tasks: [],
      images: imagesOn(m.name),
    });
  }
  nodes.sort((a, b) => a.name.localeCompare(b.name));

  const nodeOrder = nodes.map((n) => n.name);
  const hosts = images.flatMap((i) => {
    const domain = parsed(i)?.domain;
    return domain !== undefined && domain !== DOCKER_HUB ? [domain] : [];
  });
  return {
    nodes,
    services: services.map((s) => ({
      name: shortName(s),
      fullName: s.name,
      ...(s.stack !== undefined ? { stack: s.stack } : {}),
      mode: s.mode,
      image: withoutDigest(s.image),
      running: s.running,
      desired: s.desired,
      registry: registryNames.has(s.name),
      nodes: nodeOrder.filter((name) =>
        nodes.find((n) => n.name === name)?.tasks.some((t) => t.service === s.name && !t.failed),
      ),
    })),
    unplaced,
    images,
    registry: {
      services: [...registryNames],
      nodes: nodes.filter((n) => n.runsRegistry).map((n) => n.name),
      hosts: [...new Set(hosts)].sort(),
    },
    vip: {
      known: input.machines.some((m) => m.state.kind === 'running' && m.state.holdsVirtualIp !== undefined),
      holders: nodes.filter((n) => n.holdsVip).map((n) => n.name),
    },
  };
}

/** "manager (leader), active, ready" or "not in the swarm, stopped": what a node is, in words. */
export function describeMapNode(n: MapNode, l10n: Localizer = english): string {
  const parts: string[] = [];
  if (!n.inSwarm) {
    parts.push(l10n.t('not in the swarm'));
  } else if (n.role === 'manager') {
    parts.push(n.leader ? l10n.t('manager (leader)') : l10n.t('manager'));
  } else if (n.role === 'worker') {
    parts.push(l10n.t('worker'));
  }
  if (n.availability !== undefined) {
    parts.push(n.availability);
  }
  parts.push(n.state);
  return parts.join(', ');
}

/** "python-app.1 running", "python-app.3 failed (task: non-zero exit (1))". */
export function describeMapTask(t: MapTask): string {
  return `${t.name} ${t.state}${t.error !== undefined && t.state !== 'running' ? ` (${t.error})` : ''}`;
}

export function describeImageState(state: ImageState, l10n: Localizer = english): string {
  switch (state) {
    case 'present':
      return l10n.t('present');
    case 'missing':
      return l10n.t('missing');
    case 'stale':
      return l10n.t('another build');
    case 'unknown':
      return l10n.t('unknown');
  }
}

/** A node in one line: what it is, its tasks, the virtual IP and registry, its images. */
export function clusterMapNodeLine(n: MapNode, l10n: Localizer = english): string {
  const parts = [`${n.name}: ${describeMapNode(n, l10n)}`];
  if (n.inSwarm) {
    parts.push(n.tasks.length > 0 ? n.tasks.map(describeMapTask).join(', ') : l10n.t('no tasks'));
  }
  if (n.holdsVip) {
    parts.push(l10n.t('holds the virtual IP'));
  }
  if (n.runsRegistry) {
    parts.push(l10n.t('runs the registry'));
  }
  if (n.images.length > 0) {
    const list = n.images.map((i) => `${i.name} ${describeImageState(i.state, l10n)}`).join(', ');
    parts.push(l10n.t('images: {0}', list));
  }
  return parts.join(' — ');
}

/** One line per node, then what is not placed, the services, the registry and the virtual IP. */
export function clusterMapText(model: ClusterMapModel, l10n: Localizer = english): string {
  if (model.nodes.length === 0) {
    return l10n.t('No machines or swarm nodes to show yet.');
  }
  const lines = model.nodes.map((n) => clusterMapNodeLine(n, l10n));
  if (model.unplaced.length > 0) {
    const list = model.unplaced.map((t) =>
      t.node !== undefined
        ? `${describeMapTask(t)} ${l10n.t('on {0}, a node the swarm no longer lists', t.node)}`
        : describeMapTask(t),
    );
    lines.push(l10n.t('Not placed on any node: {0}', list.join(', ')));
  }
  if (model.services.length > 0) {
    const list = model.services.map((s) => `${s.name} ${s.running}/${s.desired}`).join(', ');
    lines.push(l10n.t('Services: {0}', list));
  }
  const registry = model.registry;
  if (registry.services.length > 0 || registry.hosts.length > 0) {
    const name = registry.hosts.length > 0 ? registry.hosts.join(', ') : registry.services.join(', ');
    lines.push(
      registry.nodes.length > 0
        ? l10n.t('Registry {0}: runs on {1}', name, registry.nodes.join(', '))
        : l10n.t('Registry {0}: runs on no node', name),
    );
  }
  if (model.vip.known) {
    lines.push(
      model.vip.holders.length > 0
        ? l10n.t('Virtual IP: held by {0}', model.vip.holders.join(', '))
        : l10n.t('Virtual IP: no node holds it'),
    );
  }
  return lines.join('\n');
}

/**
 * A simulated swarm at scale, as the Docker Engine API answers it (the JSON
 * of /info, /nodes, /services, /tasks and each machine's /containers/json),
 * and the walk of the three views' plain items built from it: what
 * cluster.model_5000_50nodes_ms times and test/unit/viewsAtScale checks.
 */
import { buildSwarmSnapshot, RawNode, RawService, RawTask, SwarmSnapshot } from '../../src/core/cluster/swarmSnapshot';
import { ContainerModel } from '../../src/core/containers/containerModel';
import { fromListEntry, RawContainerListEntry } from '../../src/core/containers/containerSummary';
import type { Localizer } from '../../src/core/l10n';
import { Machine, swarmRoleOf } from '../../src/core/machines/machine';
import { containersNodeItem, ContainersNode, engineChildren, EngineView } from '../../src/core/views/containerItems';
import { machineItem } from '../../src/core/views/machineItems';
import type { MoreItem, Paging, PlainTreeItem } from '../../src/core/views/plainTreeItem';
import { swarmChildren, SwarmItem, swarmTreeItem } from '../../src/core/views/swarmItems';

export interface ScaleLayout {
  readonly nodes: number;
  /** Each service: its stack (none: created outside any stack) and its replicas. */
  readonly services: ReadonlyArray<{ readonly stack?: string; readonly replicas: number }>;
  /** The node (its index) a task runs on, by the task's index over all tasks. */
  nodeOf(taskIndex: number): number;
}

/** 50 nodes; 50 stacks of 10 services of 10 replicas (5,000 tasks), spread evenly: 100 containers a machine. */
export const EVEN_LAYOUT: ScaleLayout = {
  nodes: 50,
  services: Array.from({ length: 500 }, (_, i) => ({
    stack: `stack${String(Math.floor(i / 10)).padStart(2, '0')}`,
    replicas: 10,
  })),
  nodeOf: (i) => i % 50,
};

/**
 * 50 nodes and 5,000 tasks, lopsided where a view would overflow: one service
 * of 1,500 replicas, one stack of 150 services, 200 services outside any
 * stack (the view's root), and 2,000 of the containers on the first machine.
 */
export const SKEWED_LAYOUT: ScaleLayout = {
  nodes: 50,
  services: [
    { stack: 'big', replicas: 1500 },
    ...Array.from({ length: 150 }, () => ({ stack: 'wide', replicas: 10 })),
    ...Array.from({ length: 200 }, () => ({ replicas: 10 })),
  ],
  nodeOf: (i) => (i < 2000 ? 0 : 1 + (i % 49)),
};

/** What the engines answered, as text (the bench parses it in the timed part). */
export interface ScaleAnswers {
  /** Each machine's /info. */
  readonly infos: readonly string[];
  readonly nodes: string;
  readonly services: string;
  readonly tasks: string;
  /** Each machine's /containers/json?all=1. */
  readonly containers: readonly string[];
}

const hex = (prefix: string, i: number, length: number): string => `${prefix}${i.toString(16)}`.padStart(length, '0');
const nodeId = (n: number): string => hex('a', n, 25);
const STACK_LABEL = 'com.docker.stack.namespace';

export function scaleAnswers(layout: ScaleLayout): ScaleAnswers {
  const nodes = Array.from({ length: layout.nodes }, (_, n): RawNode => ({
    ID: nodeId(n),
    Description: { Hostname: `node-${String(n).padStart(2, '0')}`, Engine: { EngineVersion: '24.0.7' } },
    Spec: {
      Role: n < 3 ? 'manager' : 'worker',
      Availability: 'active',
      Labels: n % 5 ? {} : { zone: `z${n % 3}` },
    },
    Status: { State: 'ready', Addr: `10.0.${n >> 8}.${n & 255}` },
    ...(n < 3 ? { ManagerStatus: { Leader: n === 0 } } : {}),
  }));
  const services: RawService[] = [];
  const tasks: RawTask[] = [];
  const containers: RawContainerListEntry[][] = Array.from({ length: layout.nodes }, () => []);
  layout.services.forEach((s, i) => {
    const id = hex('b', i, 25);
    const name = s.stack ? `${s.stack}_svc${i}` : `svc${i}`;
    const image = `registry.lab:5000/app-${i % 13}:1.${i % 7}`;
    services.push({
      ID: id,
      Spec: {
        Name: name,
        Labels: s.stack ? { [STACK_LABEL]: s.stack } : {},
        Mode: { Replicated: { Replicas: s.replicas } },
        TaskTemplate: { ContainerSpec: { Image: `${image}@sha256:${'5'.repeat(64)}` } },
      },
    });
    for (let slot = 1; slot <= s.replicas; slot++) {
      const t = tasks.length;
      const taskId = hex('c', t, 25);
      const containerId = hex('d', t, 64);
      const node = layout.nodeOf(t);
      const running = t % 97 !== 0;
      tasks.push({
        ID: taskId,
        ServiceID: id,
        Slot: slot,
        NodeID: nodeId(node),
        DesiredState: 'running',
        UpdatedAt: '2026-12-05T04:00:00.000000000Z',
        Status: {
          State: running ? 'running' : 'failed',
          ...(running ? {} : { Err: 'task: non-zero exit (1)' }),
          ContainerStatus: { ContainerID: containerId },
        },
      });
      containers[node].push({
        Id: containerId,
        Names: [`/${name}.${slot}.${taskId}`],
        Image: image,
        State: running ? 'running' : 'exited',
        Status: running ? 'Up 3 hours' : 'Exited (1) 2 minutes ago',
        Created: 1764900000 + t,
        Ports: t % 10 ? [] : [{ PrivatePort: 8080, Type: 'tcp' }],
        Labels: {
          ...(s.stack ? { [STACK_LABEL]: s.stack } : {}),
          'com.docker.swarm.service.name': name,
          'com.docker.swarm.task.id': taskId,
        },
      });
    }
  });
  return {
    infos: nodes.map((n, i) =>
      JSON.stringify({
        ServerVersion: '24.0.7',
        Swarm: { LocalNodeState: 'active', ControlAvailable: i < 3, NodeID: n.ID },
      }),
    ),
    nodes: JSON.stringify(nodes),
    services: JSON.stringify(services),
    tasks: JSON.stringify(tasks),
    containers: containers.map((c) => JSON.stringify(c)),
  };
}

export interface ScaleModels {
  readonly machines: readonly Machine[];
  readonly snapshot: SwarmSnapshot;
  readonly engines: readonly EngineView[];
}

interface RawInfo {
  ServerVersion: string;
  Swarm: { LocalNodeState: string; ControlAvailable: boolean; NodeID: string };
}

/** The engines' answers parsed into the models the views render (the extension's own parsers). */
export function scaleModels(a: ScaleAnswers): ScaleModels {
  const machines = a.infos.map((text, i): Machine => {
    const info = JSON.parse(text) as RawInfo;
    const name = `node-${String(i).padStart(2, '0')}`;
    return {
      id: `ssh:${name}`,
      name,
      source: 'ssh',
      host: `10.0.${i >> 8}.${i & 255}`,
      port: 22,
      user: 'core',
      identityFile: '',
      state: {
        kind: 'running',
        engineVersion: info.ServerVersion,
        swarmRole: swarmRoleOf(info),
        swarmNodeId: info.Swarm.NodeID,
      },
    };
  });
  const snapshot = buildSwarmSnapshot({
    nodes: JSON.parse(a.nodes) as RawNode[],
    services: JSON.parse(a.services) as RawService[],
    tasks: JSON.parse(a.tasks) as RawTask[],
  });
  const engines = a.containers.map((text, i): EngineView => {
    const model = new ContainerModel();
    model.replaceAll((JSON.parse(text) as RawContainerListEntry[]).map(fromListEntry));
    const m = machines[i];
    return {
      key: m.id,
      label: m.name,
      address: m.host,
      state: { kind: 'live' },
      size: model.size,
      list: () => model.list(),
    };
  });
  return { machines, snapshot, engines };
}

export interface Walk {
  /** Every item built, in the views' order. */
  readonly items: PlainTreeItem[];
  /** How many children each parent gave, each time it was asked. */
  readonly childCounts: number[];
}

/**
 * Builds the plain item of every node of the three views, as far as
 * `paging` shows them; with `expand`, clicks every "Show more" item (and
 * asks the parent again) until each parent shows all its children.
 */
export function walkViews(m: ScaleModels, paging: Paging, l10n: Localizer, expand: boolean): Walk {
  const items: PlainTreeItem[] = [];
  const childCounts: number[] = [];
  const children = <T extends { kind: string }>(get: () => T[]): T[] => {
    for (let before = -1; ;) {
      const got = get();
      if (got.length <= before) {
        throw new Error(`"Show more" showed nothing more (${got.length} children)`);
      }
      before = got.length;
      childCounts.push(got.length);
      const more = got.find((x) => x.kind === 'more') as MoreItem | undefined;
      if (!expand || !more) {
        return got;
      }
      paging.showMore(more.parentId);
    }
  };
  // Machines: one level.
  items.push(
    ...children(() => [...m.machines].map((x) => ({ kind: 'machine', x }))).map((n) =>
      machineItem(n.x, '10.0.9.9', l10n),
    ),
  );
  // Swarm: nodes, stacks → services → tasks, resources.
  const visitSwarm = (item: SwarmItem | undefined): void => {
    for (const child of children(() => swarmChildren(m.snapshot, item, paging))) {
      const plain = swarmTreeItem(child, l10n);
      items.push(plain);
      if (plain.collapsible !== 'none') {
        visitSwarm(child);
      }
    }
  };
  visitSwarm(undefined);
  // Containers: engines → containers.
  const byKey = new Map(m.engines.map((e) => [e.key, e]));
  childCounts.push(m.engines.length);
  for (const engine of m.engines) {
    items.push(containersNodeItem({ kind: 'engine', key: engine.key }, (k) => byKey.get(k), l10n));
    for (const child of children((): ContainersNode[] => engineChildren(engine, paging))) {
      items.push(containersNodeItem(child, (k) => byKey.get(k), l10n));
    }
  }
  return { items, childCounts };
}

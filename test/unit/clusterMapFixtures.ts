/**
 * A lab swarm for the cluster map's tests: the services a manager answered
 * GET /services with for the lab's stack (recorded for the backup tests),
 * nodes and tasks as Docker 20.10 answers GET /nodes and GET /tasks
 * (trimmed), the lab's machines, and what their engines hold.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { clusterMap, type ClusterMapModel, type MapMachine } from '../../src/core/cluster/clusterMap';
import { buildSwarmSnapshot, type RawNode, type RawService, type RawTask } from '../../src/core/cluster/swarmSnapshot';
import { ImagePresence } from '../../src/core/images/imagePresence';

const FIXTURES = path.join(__dirname, '..', '..', '..', 'test', 'fixtures', 'backup');
export const recorded = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'cluster.json'), 'utf8')) as {
  services: RawService[];
};

export const rawNode = (i: number, over: { state?: string; availability?: string } = {}): RawNode => ({
  ID: `node${i}`,
  Description: { Hostname: `core-0${i}`, Engine: { EngineVersion: '20.10.24+dfsg1' } },
  Spec: { Role: i === 1 ? 'manager' : 'worker', Availability: over.availability ?? 'active', Labels: {} },
  Status: { State: over.state ?? 'ready', Addr: `10.213.8.10${i}` },
  ...(i === 1 ? { ManagerStatus: { Leader: true } } : {}),
});

export const task = (
  id: string,
  service: string,
  node: string | undefined,
  state: string,
  desired: string,
  slot?: number,
  err?: string,
): RawTask => ({
  ID: id,
  ServiceID: service,
  ...(node !== undefined ? { NodeID: node } : {}),
  DesiredState: desired,
  UpdatedAt: '2026-11-25T10:00:00Z',
  Status: { State: state, ...(err !== undefined ? { Err: err } : {}) },
  ...(slot !== undefined ? { Slot: slot } : {}),
});

export const NO_NODE = 'no suitable node (scheduling constraints not satisfied on 3 nodes)';
export const tasks: RawTask[] = [
  task('a1', 'svc-app', 'node2', 'running', 'running', 1),
  task('a2', 'svc-app', 'node3', 'running', 'running', 2),
  task('a3', 'svc-app', undefined, 'pending', 'running', 3, NO_NODE),
  task('a1old', 'svc-app', 'node3', 'shutdown', 'shutdown', 1),
  task('p1', 'svc-proxy', 'node1', 'running', 'running'),
  task('p2', 'svc-proxy', 'node2', 'running', 'running'),
  task('p3', 'svc-proxy', 'node3', 'running', 'running'),
  task('d1', 'svc-db', 'node1', 'running', 'running', 1),
  // The registry is constrained to the manager: one task.
  task('r1', 'svc-registry', 'node1', 'running', 'running'),
];

export const running = (name: string, i: number, holdsVirtualIp: boolean): MapMachine => ({
  name,
  host: `10.213.8.10${i}`,
  state: {
    kind: 'running',
    engineVersion: '20.10.24',
    swarmRole: i === 1 ? 'manager' : 'worker',
    ...(i === 1 ? { isLeader: true } : {}),
    swarmNodeId: `node${i}`,
    holdsVirtualIp,
  },
});
export const machines: MapMachine[] = [
  running('core-01', 1, false),
  running('core-02', 2, true),
  running('core-03', 3, false),
  {
    name: 'core-04',
    host: '10.213.8.104',
    state: { kind: 'running', engineVersion: '20.10.24', swarmRole: 'none', holdsVirtualIp: false },
  },
];

const image = (id: string, tag: string, created = 1_700_000_000) => ({ id, tags: [tag], created });

/** core-01 lacks python-app, core-03 holds another build of it, core-04's images are not known yet. */
export function presence(): ImagePresence {
  const p = new ImagePresence();
  p.setNodes(['core-01', 'core-02', 'core-03', 'core-04']);
  p.replaceImages('core-01', [image('sha256:proxy', 'm1.swarm:5000/app-proxy:latest'), image('sha256:redis', 'redis')]);
  p.replaceImages('core-02', [
    image('sha256:app1', 'm1.swarm:5000/python-app:latest'),
    image('sha256:proxy', 'm1.swarm:5000/app-proxy:latest'),
  ]);
  p.replaceImages('core-03', [
    image('sha256:app0', 'm1.swarm:5000/python-app:latest', 1_600_000_000),
    image('sha256:app1', 'm1.swarm:5000/python-app:v2'),
    image('sha256:proxy', 'm1.swarm:5000/app-proxy:latest'),
  ]);
  return p;
}

export function labMap(nodes = [rawNode(1), rawNode(2), rawNode(3)], rawTasks = tasks): ClusterMapModel {
  const snapshot = buildSwarmSnapshot({ nodes, services: recorded.services, tasks: rawTasks });
  const p = presence();
  return clusterMap({ snapshot, machines, presence: (i) => p.report(i) });
}

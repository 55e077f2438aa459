import * as assert from 'node:assert/strict';
import {
  buildSwarmSnapshot,
  describeReplicas,
  isConverging,
  RawNode,
  RawService,
  RawTask,
} from '../../src/core/cluster/swarmSnapshot';

// Shapes as Docker 20.10 answers GET /nodes, /services and /tasks (trimmed).
const nodes: RawNode[] = ['core-01', 'core-02', 'core-03'].map((h, i) => ({
  ID: `node${i + 1}`,
  Description: { Hostname: h, Engine: { EngineVersion: '20.10.24+dfsg1' } },
  Spec: { Role: i === 0 ? 'manager' : 'worker', Availability: 'active', Labels: {} },
  Status: { State: 'ready', Addr: `10.213.8.10${i + 1}` },
  ...(i === 0 ? { ManagerStatus: { Leader: true } } : {}),
}));
const services: RawService[] = [
  {
    ID: 'svcApp',
    Spec: {
      Name: 'tp1_python-app',
      Labels: { 'com.docker.stack.namespace': 'tp1' },
      Mode: { Replicated: { Replicas: 3 } },
      TaskTemplate: { ContainerSpec: { Image: `m1.swarm:5000/python-app:latest@sha256:${'a'.repeat(64)}` } },
    },
  },
  {
    ID: 'svcProxy',
    Spec: {
      Name: 'tp1_app-proxy',
      Labels: { 'com.docker.stack.namespace': 'tp1' },
      Mode: { Global: {} },
      TaskTemplate: { ContainerSpec: { Image: 'm1.swarm:5000/app-proxy:latest' } },
    },
  },
  {
    ID: 'svcReg',
    Spec: { Name: 'registry', Mode: { Replicated: { Replicas: 1 } } },
    UpdateStatus: { State: 'updating' },
  },
];
const task = (
  id: string,
  service: string,
  node: string,
  state: string,
  desired: string,
  slot?: number,
  at = '2026-11-25T10:00:00Z',
): RawTask => ({
  ID: id,
  ServiceID: service,
  NodeID: node,
  DesiredState: desired,
  UpdatedAt: at,
  Status: { State: state, ...(state === 'failed' ? { Err: 'task: non-zero exit (1)' } : {}) },
  ...(slot !== undefined ? { Slot: slot } : {}),
});
const tasks: RawTask[] = [
  task('t1', 'svcApp', 'node2', 'running', 'running', 1),
  task('t2', 'svcApp', 'node3', 'running', 'running', 2),
  task('t3old', 'svcApp', 'node2', 'failed', 'shutdown', 3, '2026-11-25T09:00:00Z'),
  task('t3', 'svcApp', 'node3', 'starting', 'running', 3),
  task('t4old', 'svcApp', 'node2', 'shutdown', 'shutdown', 1, '2026-11-25T08:00:00Z'),
  task('p1', 'svcProxy', 'node1', 'running', 'running'),
  task('p2', 'svcProxy', 'node2', 'running', 'running'),
  task('p3', 'svcProxy', 'node3', 'running', 'running'),
  task('r1', 'svcReg', 'node1', 'failed', 'shutdown', 1),
];

describe('SwarmSnapshot', () => {
  const s = buildSwarmSnapshot({ nodes, services, tasks });

  it('lists the nodes with role, leader, state and engine', () => {
    assert.deepEqual(
      s.nodes.map((n) => [n.hostname, n.role, n.leader, n.state, n.engineVersion]),
      [
        ['core-01', 'manager', true, 'ready', '20.10.24+dfsg1'],
        ['core-02', 'worker', false, 'ready', '20.10.24+dfsg1'],
        ['core-03', 'worker', false, 'ready', '20.10.24+dfsg1'],
      ],
    );
  });

  it('groups services by stack, and keeps the others apart', () => {
    assert.deepEqual(
      s.stacks.map((st) => [st.name, st.services.map((x) => x.name)]),
      [['tp1', ['tp1_app-proxy', 'tp1_python-app']]],
    );
    assert.deepEqual(
      s.services.map((x) => x.name),
      ['registry'],
    );
  });

  it("counts replicas as `docker service ls` does, and names each task's node", () => {
    const [proxy, app] = s.stacks[0].services;
    assert.equal(describeReplicas(app), '2/3 replicas');
    assert.equal(describeReplicas(proxy), '3/3 global');
    assert.equal(app.image, 'm1.swarm:5000/python-app:latest', 'the resolved digest is not shown');
    assert.deepEqual(
      app.tasks.map((t) => [t.slot, t.nodeName, t.state, t.desiredState]),
      [
        [1, 'core-02', 'running', 'running'],
        [2, 'core-03', 'running', 'running'],
        [3, 'core-03', 'starting', 'running'],
      ],
      'old tasks of a slot that has a current one are history, not shown',
    );
  });

  it('keeps a failed slot visible with its error, and marks an update in progress', () => {
    const [registry] = s.services;
    assert.equal(describeReplicas(registry), '0/1 replicas · updating');
    assert.deepEqual(
      registry.tasks.map((t) => [t.state, t.error]),
      [['failed', 'task: non-zero exit (1)']],
    );
    assert.equal(isConverging(s), true);
  });

  it('is at rest when every service has what it wants', () => {
    const rest = buildSwarmSnapshot({
      nodes,
      services: [services[1]],
      tasks: tasks.filter((t) => t.ServiceID === 'svcProxy'),
    });
    assert.equal(isConverging(rest), false);
  });
});

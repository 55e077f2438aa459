import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  clusterMap,
  clusterMapText,
  imageLabel,
  isRegistryService,
  type MapMachine,
} from '../../src/core/cluster/clusterMap';
import { buildSwarmSnapshot, type RawNode, type RawService, type RawTask } from '../../src/core/cluster/swarmSnapshot';
import { ImagePresence } from '../../src/core/images/imagePresence';

// The services as a manager answered GET /services for the lab's stack (recorded for the backup tests),
// nodes and tasks as Docker 20.10 answers GET /nodes and GET /tasks (trimmed).
const FIXTURES = path.join(__dirname, '..', '..', '..', 'test', 'fixtures', 'backup');
const recorded = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'cluster.json'), 'utf8')) as {
  services: RawService[];
};

const rawNode = (i: number, over: { state?: string; availability?: string } = {}): RawNode => ({
  ID: `node${i}`,
  Description: { Hostname: `core-0${i}`, Engine: { EngineVersion: '20.10.24+dfsg1' } },
  Spec: { Role: i === 1 ? 'manager' : 'worker', Availability: over.availability ?? 'active', Labels: {} },
  Status: { State: over.state ?? 'ready', Addr: `10.213.8.10${i}` },
  ...(i === 1 ? { ManagerStatus: { Leader: true } } : {}),
});

const task = (
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

const NO_NODE = 'no suitable node (scheduling constraints not satisfied on 3 nodes)';
const tasks: RawTask[] = [
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

const running = (name: string, i: number, holdsVirtualIp: boolean): MapMachine => ({
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
const machines: MapMachine[] = [
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
function presence(): ImagePresence {
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

function labMap(nodes = [rawNode(1), rawNode(2), rawNode(3)], rawTasks = tasks) {
  const snapshot = buildSwarmSnapshot({ nodes, services: recorded.services, tasks: rawTasks });
  const p = presence();
  return clusterMap({ snapshot, machines, presence: (i) => p.report(i) });
}

describe('cluster map: the model', () => {
  it('lists the nodes in name order with role, leader, availability, state, address and the virtual IP', () => {
    const map = labMap();
    assert.deepEqual(
      map.nodes.map((n) => [n.name, n.inSwarm, n.role, n.leader, n.availability, n.state, n.address, n.holdsVip]),
      [
        ['core-01', true, 'manager', true, 'active', 'ready', '10.213.8.101', false],
        ['core-02', true, 'worker', false, 'active', 'ready', '10.213.8.102', true],
        ['core-03', true, 'worker', false, 'active', 'ready', '10.213.8.103', false],
        ['core-04', false, undefined, false, undefined, 'running', '10.213.8.104', false],
      ],
    );
    assert.deepEqual(map.vip, { known: true, holders: ['core-02'] });
  });

  it("places each service's tasks on their nodes (Q4: python-app runs on core-02 and core-03)", () => {
    const map = labMap();
    assert.deepEqual(
      map.nodes.map((n) => [n.name, n.tasks.map((t) => `${t.name} ${t.state}`)]),
      [
        ['core-01', ['app-proxy running', 'database.1 running', 'registry running']],
        ['core-02', ['app-proxy running', 'python-app.1 running']],
        ['core-03', ['app-proxy running', 'python-app.2 running']],
        ['core-04', []],
      ],
    );
    assert.deepEqual(
      map.services.map((s) => [s.name, s.stack, `${s.running}/${s.desired}`, s.nodes]),
      [
        ['app-proxy', 'python_dirty_app', '3/3', ['core-01', 'core-02', 'core-03']],
        ['database', 'python_dirty_app', '1/1', ['core-01']],
        ['python-app', 'python_dirty_app', '2/3', ['core-02', 'core-03']],
        ['probe', undefined, '0/0', []],
        ['registry', undefined, '1/1', ['core-01']],
      ],
    );
  });

  it('lists a task the scheduler could not place as not placed, with its reason', () => {
    assert.deepEqual(labMap().unplaced, [
      {
        name: 'python-app.3',
        service: 'python_dirty_app_python-app',
        slot: 3,
        state: 'pending',
        failed: false,
        error: NO_NODE,
      },
    ]);
  });

  it('says where the registry runs and which registry the stack pulls from', () => {
    const map = labMap();
    assert.deepEqual(map.registry, { services: ['registry'], nodes: ['core-01'], hosts: ['m1.swarm:5000'] });
    assert.deepEqual(
      map.nodes.map((n) => n.runsRegistry),
      [true, false, false, false],
    );
  });

  it("shows per node whether it holds each of the stack's images (digest left out of the key)", () => {
    const map = labMap();
    assert.deepEqual(map.images, ['m1.swarm:5000/app-proxy:latest', 'm1.swarm:5000/python-app:latest', 'redis']);
    assert.deepEqual(
      map.nodes.map((n) => [n.name, n.images.map((i) => `${i.name}=${i.state}`)]),
      [
        ['core-01', ['app-proxy=present', 'python-app=missing', 'redis=present']],
        ['core-02', ['app-proxy=present', 'python-app=present', 'redis=missing']],
        ['core-03', ['app-proxy=present', 'python-app=stale', 'redis=missing']],
        ['core-04', ['app-proxy=unknown', 'python-app=unknown', 'redis=unknown']],
      ],
    );
  });

  it('reads presence from a plain map too; an image it does not list is unknown', () => {
    const p = presence();
    const snapshot = buildSwarmSnapshot({ nodes: [rawNode(1)], services: recorded.services, tasks: [] });
    const only = new Map([['redis', p.report('redis')!]]);
    const map = clusterMap({ snapshot, machines: machines.slice(0, 1), presence: only });
    assert.deepEqual(
      map.nodes[0].images.map((i) => `${i.name}=${i.state}`),
      ['app-proxy=unknown', 'python-app=unknown', 'redis=present'],
    );
  });

  it('keeps a failed task in view, flagged, and drops the ones shut down', () => {
    const map = labMap(undefined, [
      task('a1', 'svc-app', 'node2', 'failed', 'shutdown', 1, 'task: non-zero exit (1)'),
      task('a2', 'svc-app', 'node3', 'shutdown', 'shutdown', 2),
      task('a2new', 'svc-app', 'node2', 'running', 'running', 2),
    ]);
    assert.deepEqual(
      map.nodes[1].tasks.map((t) => [t.name, t.state, t.failed]),
      [
        ['python-app.1', 'failed', true],
        ['python-app.2', 'running', false],
      ],
    );
    assert.deepEqual(map.nodes[2].tasks, []);
    assert.deepEqual(map.services.find((s) => s.name === 'python-app')?.nodes, ['core-02']);
  });

  it('shows a task still placed on a node that went down on that node, the node marked down', () => {
    const map = labMap([rawNode(1), rawNode(2, { state: 'down' }), rawNode(3, { availability: 'drain' })]);
    const core02 = map.nodes[1];
    assert.equal(core02.state, 'down');
    assert.deepEqual(
      core02.tasks.map((t) => t.name),
      ['app-proxy', 'python-app.1'],
    );
    assert.equal(
      clusterMapText(map).split('\n')[1],
      'core-02: worker, active, down — app-proxy running, python-app.1 running — holds the virtual IP — ' +
        'images: app-proxy present, python-app present, redis missing',
    );
    assert.equal(map.nodes[2].availability, 'drain');
  });

  it('before the swarm: the machines, each "not in the swarm", no virtual IP line when none is checked', () => {
    const before: MapMachine[] = ['core-02', 'core-01'].map((name, i) => ({
      name,
      host: `10.213.8.10${2 - i}`,
      state: i === 0 ? { kind: 'stopped' } : { kind: 'running', engineVersion: '20.10.24', swarmRole: 'none' },
    }));
    const map = clusterMap({ snapshot: undefined, machines: before });
    assert.deepEqual(
      map.nodes.map((n) => [n.name, n.inSwarm, n.state]),
      [
        ['core-01', false, 'running'],
        ['core-02', false, 'stopped'],
      ],
    );
    assert.equal(map.vip.known, false);
    assert.equal(clusterMapText(map), 'core-01: not in the swarm, running\ncore-02: not in the swarm, stopped');
  });

  it('says so when there is nothing to show', () => {
    assert.equal(
      clusterMapText(clusterMap({ snapshot: undefined, machines: [] })),
      'No machines or swarm nodes to show yet.',
    );
  });
});

describe('cluster map: the text alternative', () => {
  it('reads one line per node, then what is not placed, the services, the registry and the virtual IP', () => {
    assert.equal(
      clusterMapText(labMap()),
      [
        'core-01: manager (leader), active, ready — app-proxy running, database.1 running, registry running — ' +
          'runs the registry — images: app-proxy present, python-app missing, redis present',
        'core-02: worker, active, ready — app-proxy running, python-app.1 running — holds the virtual IP — ' +
          'images: app-proxy present, python-app present, redis missing',
        'core-03: worker, active, ready — app-proxy running, python-app.2 running — ' +
          'images: app-proxy present, python-app another build, redis missing',
        'core-04: not in the swarm, running — images: app-proxy unknown, python-app unknown, redis unknown',
        `Not placed on any node: python-app.3 pending (${NO_NODE})`,
        'Services: app-proxy 3/3, database 1/1, python-app 2/3, probe 0/0, registry 1/1',
        'Registry m1.swarm:5000: runs on core-01',
        'Virtual IP: held by core-02',
      ].join('\n'),
    );
  });

  it('says when no node holds the virtual IP (keepalived stopped everywhere)', () => {
    const snapshot = buildSwarmSnapshot({ nodes: [rawNode(1)], services: [], tasks: [] });
    const map = clusterMap({ snapshot, machines: [running('core-01', 1, false)] });
    assert.equal(
      clusterMapText(map),
      'core-01: manager (leader), active, ready — no tasks\nVirtual IP: no node holds it',
    );
  });

  it('goes through the Localizer', () => {
    const shout = { t: (m: string, ...args: Array<string | number | boolean>) => `«${m}»${args.join('|')}` };
    const map = clusterMap({ snapshot: undefined, machines: machines.slice(3) });
    assert.equal(clusterMapText(map, shout), 'core-04: «not in the swarm», running\n«Virtual IP: no node holds it»');
  });
});

describe('cluster map: names', () => {
  it('names an image by its repository, with its tag unless latest', () => {
    assert.equal(imageLabel(`m1.swarm:5000/python-app:latest@sha256:${'a'.repeat(64)}`), 'python-app');
    assert.equal(imageLabel('redis:7'), 'redis:7');
    assert.equal(imageLabel('weaveworks/scope:1.13.2'), 'scope:1.13.2');
  });

  it('tells the registry service by its name or its image, not by the registry an image comes from', () => {
    assert.equal(isRegistryService({ name: 'registry', image: 'registry:2' }), true);
    assert.equal(isRegistryService({ name: 'lab_registry', image: 'm1.swarm:5000/mirror:1' }), true);
    assert.equal(isRegistryService({ name: 'cache', image: 'registry:2' }), true);
    assert.equal(isRegistryService({ name: 'app', image: 'myregistry.example.com/app:1' }), false);
  });
});

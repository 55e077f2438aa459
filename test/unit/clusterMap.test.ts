import * as assert from 'node:assert/strict';
import {
  clusterMap,
  clusterMapText,
  imageLabel,
  isRegistryService,
  type MapMachine,
} from '../../src/core/cluster/clusterMap';
import { buildSwarmSnapshot } from '../../src/core/cluster/swarmSnapshot';
import { labMap, machines, NO_NODE, presence, rawNode, recorded, running, task } from './clusterMapFixtures';

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

  it('lists a task on a node the swarm no longer lists as not placed, naming that node', () => {
    const map = labMap(undefined, [task('a1', 'svc-app', 'node9', 'running', 'running', 1)]);
    assert.deepEqual(
      map.unplaced.map((t) => [t.name, t.node]),
      [['python-app.1', 'node9']],
    );
    assert.match(
      clusterMapText(map),
      /^Not placed on any node: python-app\.1 running on node9, a node the swarm no longer lists$/m,
    );
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

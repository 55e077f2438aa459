import * as assert from 'node:assert/strict';
import { english } from '../../src/core/l10n';
import { runSection, runStep } from '../../src/core/steps/engine';
import { RunValues } from '../../src/core/steps/runValues';
import type { Section, Step, StepTargets } from '../../src/core/steps/step';
import { describeTargets, resolveTargets } from '../../src/core/steps/targets';
import { FakeCluster, labNodes } from './stepFakes';

const options = { l10n: english, allowMachineChanges: true };

/** A step that runs `touch <id>` and fails on the given nodes. */
function touch(id: string, failOn: string[] = [], targets: StepTargets = 'all'): Step<undefined> {
  return {
    id,
    title: `Touch ${id}`,
    targets,
    changesMachines: true,
    plan: (ctx) => [{ kind: 'exec', command: failOn.includes(ctx.node.name) ? ['false', id] : ['touch', id] }],
  };
}

function lab(): FakeCluster {
  return new FakeCluster(labNodes(3), { script: (_n, c) => (c.startsWith('false') ? { code: 1 } : {}) });
}

describe('step engine: sections', () => {
  const section: Section = { id: 'swarm', title: 'Swarm', steps: [touch('a'), touch('b', ['core-02']), touch('c')] };

  it('stops after a step that failed on any node, by default', async () => {
    const cluster = lab();
    const report = await runSection(section, cluster, new RunValues(), options);
    assert.deepEqual(
      report.steps.map((s) => s.stepId),
      ['a', 'b'],
    );
    assert.equal(report.stoppedAfter, 'b');
    assert.deepEqual(report.notRun, ['c']);
    assert.equal(report.cancelled, false);
    // The failure did not stop b on the other nodes.
    assert.deepEqual(cluster.commandsOf('core-03'), ['touch a', 'touch b']);
  });

  it('can go on, with every node or without the nodes that failed', async () => {
    const all = await runSection(section, lab(), new RunValues(), { ...options, onFailure: 'continue' });
    assert.deepEqual(
      all.steps[2].nodes.map((n) => n.outcome.kind),
      ['ok', 'ok', 'ok'],
    );
    assert.deepEqual(all.notRun, []);

    const cluster = lab();
    const some = await runSection(section, cluster, new RunValues(), { ...options, onFailure: 'skip-failed-nodes' });
    assert.deepEqual(
      some.steps[2].nodes.map((n) => n.outcome),
      [
        { kind: 'ok', produces: undefined, evidence: undefined },
        { kind: 'skipped', reason: 'Left out: the step "Touch b" failed on this node.' },
        { kind: 'ok', produces: undefined, evidence: undefined },
      ],
    );
    assert.deepEqual(cluster.commandsOf('core-02'), ['touch a', 'false b']);
  });

  it('stops after a step that could not run at all, unless told to go on', async () => {
    const refused: Section = { id: 's', title: 'S', steps: [touch('a', [], { node: 'core-09' }), touch('b')] };
    const stop = await runSection(refused, lab(), new RunValues(), { ...options, onFailure: 'skip-failed-nodes' });
    assert.equal(stop.steps[0].error, 'There is no node named core-09 in the lab.');
    assert.deepEqual(stop.notRun, ['b']);
    const go = await runSection(refused, lab(), new RunValues(), { ...options, onFailure: 'continue' });
    assert.equal(go.steps.length, 2);
  });

  it('keeps evidence of the actions marked so', async () => {
    const cluster = new FakeCluster(labNodes(1), {
      script: () => ({ stdout: '3: eth1: <UP>\n    inet 172.17.8.100/32\n' }),
    });
    const step: Step<undefined> = {
      id: 'vip',
      title: 'VIP',
      targets: 'all',
      changesMachines: false,
      plan: () => [{ kind: 'exec', command: ['ip', 'a', 'show', 'eth1'], evidence: true }],
    };
    const report = await runStep(step, cluster, new RunValues(), options);
    assert.deepEqual(report.nodes[0].outcome, {
      kind: 'ok',
      produces: undefined,
      evidence: '$ ip a show eth1\n3: eth1: <UP>\n    inet 172.17.8.100/32',
    });
  });

  it('runs Docker API calls as described actions, their results as values', async () => {
    const cluster = new FakeCluster(labNodes(2, 1), { script: () => ({}) });
    const step: Step<undefined> = {
      id: 'swarm.init',
      title: 'Init',
      targets: 'firstManager',
      changesMachines: true,
      plan: (ctx) => [
        {
          kind: 'call',
          description: `POST /swarm/init (AdvertiseAddr ${ctx.node.address})`,
          run: (_session, io) => {
            io.log('initialising');
            return Promise.resolve('node-id-1');
          },
          produces: 'swarm.nodeId',
        },
        { kind: 'upload', path: '/tmp/x', content: 'é', mode: 0o600 },
      ],
    };
    const values = new RunValues();
    const lines: string[] = [];
    await runStep(step, cluster, values, { ...options, events: { line: (e) => lines.push(`${e.kind} ${e.text}`) } });
    assert.equal(values.of('core-01', 'swarm.nodeId'), 'node-id-1');
    assert.deepEqual(lines, [
      'action POST /swarm/init (AdvertiseAddr 172.17.8.101)',
      'info initialising',
      'action upload /tmp/x (2 bytes)',
    ]);
    assert.deepEqual(cluster.uploads.get('core-01'), [{ path: '/tmp/x', content: 'é', mode: 0o600 }]);
  });
});

describe('step engine: targets', () => {
  const nodes = labNodes(5, 3);
  const names = (t: StepTargets, only?: string): string[] | string => {
    const r = resolveTargets(t, nodes, english, only);
    return r.ok ? r.nodes.map((n) => n.name) : r.error;
  };

  it('resolves all, managers, workers, the first manager and a chosen node', () => {
    assert.deepEqual(names('all'), ['core-01', 'core-02', 'core-03', 'core-04', 'core-05']);
    assert.deepEqual(names('managers'), ['core-01', 'core-02', 'core-03']);
    assert.deepEqual(names('workers'), ['core-04', 'core-05']);
    assert.deepEqual(names('firstManager'), ['core-01']);
    assert.deepEqual(names({ node: 'core-04' }), ['core-04']);
  });

  it('runs a step on one chosen node only if it is one of its targets', () => {
    assert.deepEqual(names('workers', 'core-05'), ['core-05']);
    assert.equal(names('workers', 'core-01'), 'This step does not run on core-01 (it runs on: the workers).');
    assert.equal(names('all', 'core-07'), 'There is no node named core-07 in the lab.');
  });

  it('says so when there is no manager, and finds no work in no workers', () => {
    const onlyWorkers = labNodes(2, 0);
    const r = resolveTargets('firstManager', onlyWorkers, english);
    assert.deepEqual(r, { ok: false, error: 'The lab has no manager node.' });
    assert.deepEqual(resolveTargets('workers', labNodes(3, 3), english), { ok: true, nodes: [] });
    assert.equal(describeTargets({ node: 'core-02' }, english), 'core-02');
    assert.equal(describeTargets('all', english), 'all nodes');
  });

  it('runs the chosen node alone', async () => {
    const cluster = lab();
    const report = await runStep(touch('a'), cluster, new RunValues(), { ...options, only: 'core-02' });
    assert.deepEqual(
      report.nodes.map((n) => n.node),
      ['core-02'],
    );
    assert.deepEqual(cluster.sessionsOpened, ['core-02']);
  });
});

describe('run values', () => {
  it('answers a key when the nodes that produced it agree, per node otherwise', () => {
    const v = new RunValues();
    v.set('core-01', 'token', 'A');
    assert.equal(v.get('token'), 'A');
    v.set('core-02', 'token', 'A');
    assert.equal(v.require('token', english), 'A');
    v.set('core-03', 'token', 'B');
    assert.equal(v.get('token'), undefined);
    assert.equal(v.of('core-03', 'token'), 'B');
    assert.throws(
      () => v.require('token', english),
      /The nodes core-01, core-02, core-03 produced different values of token\./,
    );
    assert.throws(() => v.require('other', english), /No earlier step produced other/);
    const copy = v.copy();
    copy.set('core-01', 'extra', 'x');
    assert.equal(v.has('extra'), false);
    assert.equal(copy.of('core-03', 'token'), 'B');
  });

  it('fails the nodes of a step whose needed value is missing', async () => {
    const cluster = new FakeCluster(labNodes(3, 2), { script: () => ({}) });
    const step: Step<undefined> = {
      id: 'join',
      title: 'Join',
      targets: 'workers',
      changesMachines: true,
      plan: (ctx) => [
        { kind: 'exec', command: ['docker', 'swarm', 'join', '--token', ctx.values.require('t', ctx.l10n)] },
      ],
    };
    const report = await runStep(step, cluster, new RunValues(), options);
    assert.deepEqual(report.nodes[0].outcome, {
      kind: 'failed',
      stage: 'plan',
      reason: 'No earlier step produced t: run the steps before this one first.',
    });
    // Nothing ran on the node, only its session was opened.
    assert.deepEqual(cluster.commandsOf('core-03'), []);
  });
});

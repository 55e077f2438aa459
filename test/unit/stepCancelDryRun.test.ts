import * as assert from 'node:assert/strict';
import { english } from '../../src/core/l10n';
import { sh } from '../../src/core/shell/shellQuote';
import { runSection, runStep } from '../../src/core/steps/engine';
import { RunValues } from '../../src/core/steps/runValues';
import type { NodeOutcome, Section, Step } from '../../src/core/steps/step';
import { FakeCluster, labNodes } from './stepFakes';

const options = { l10n: english, allowMachineChanges: true };

/** Two commands per node: a quick one, then one the test holds. */
const twoActions: Step<undefined> = {
  id: 'engine.restart',
  title: 'Restart the engine',
  targets: 'all',
  changesMachines: true,
  plan: () => [
    { kind: 'exec', command: ['sudo', 'systemctl', 'restart', 'docker'] },
    { kind: 'exec', command: sh`until docker info >/dev/null 2>&1; do sleep 1; done` },
  ],
};

describe('step engine: cancellation', () => {
  it('stops the running commands and says where each node was left', async () => {
    const cluster = new FakeCluster(labNodes(3), {
      script: (_node, command) => (command.startsWith('until') ? 'hold' : {}),
      // core-02's connection ignores the signal: the engine must not wait for it.
      deaf: new Set(['core-02']),
    });
    const abort = new AbortController();
    const running = runStep(twoActions, cluster, new RunValues(), { ...options, concurrency: 2, signal: abort.signal });
    const held = [await cluster.held.next(), await cluster.held.next()];
    assert.deepEqual(
      held.map((h) => h.node),
      ['core-01', 'core-02'],
    );
    abort.abort();
    const report = await running;
    const waiting = 'until docker info >/dev/null 2>&1; do sleep 1; done';
    assert.deepEqual(
      report.nodes.map((n) => n.outcome),
      [
        { kind: 'cancelled', at: { stage: 'run', done: 1, of: 2, interrupted: waiting } },
        { kind: 'cancelled', at: { stage: 'run', done: 1, of: 2, interrupted: waiting } },
        { kind: 'cancelled', at: { stage: 'not-started' } },
      ],
    );
    // The sessions were handed the signal, so the remote commands were stopped.
    assert.ok(cluster.signals.get('core-01')?.every((s) => s.aborted));
    assert.ok(cluster.signals.get('core-02')?.every((s) => s.aborted));
    assert.deepEqual(cluster.commandsOf('core-03'), []);
  });

  it('treats an abort error from the session as a cancellation, not a failure', async () => {
    const cluster = new FakeCluster(labNodes(1), { script: () => 'hold' });
    const abort = new AbortController();
    const running = runStep(twoActions, cluster, new RunValues(), { ...options, signal: abort.signal });
    const held = await cluster.held.next();
    abort.abort();
    const error = new Error('aborted');
    error.name = 'AbortError';
    held.fail(error);
    const outcome = (await running).nodes[0].outcome;
    assert.equal(outcome.kind, 'cancelled');
  });

  it('reports a node cancelled while checking as untouched', async () => {
    const cluster = new FakeCluster(labNodes(1), { script: () => 'hold' });
    const abort = new AbortController();
    const step: Step<undefined> = {
      ...twoActions,
      check: async (ctx) => {
        await ctx.session.exec(['test', '-f', '/etc/docker/daemon.json'], { signal: ctx.signal });
        return { state: 'todo' };
      },
    };
    const running = runStep(step, cluster, new RunValues(), { ...options, signal: abort.signal });
    await cluster.held.next();
    abort.abort();
    assert.deepEqual((await running).nodes[0].outcome, { kind: 'cancelled', at: { stage: 'check' } });
  });

  it('runs nothing when cancelled before the start', async () => {
    const cluster = new FakeCluster(labNodes(2), { script: () => ({}) });
    const abort = new AbortController();
    abort.abort();
    const report = await runStep(twoActions, cluster, new RunValues(), { ...options, signal: abort.signal });
    assert.ok(report.nodes.every((n) => n.outcome.kind === 'cancelled'));
    assert.deepEqual(cluster.sessionsOpened, []);
  });

  it('stops a section when cancelled and lists the steps that never started', async () => {
    const cluster = new FakeCluster(labNodes(2), { script: (_n, c) => (c.startsWith('until') ? 'hold' : {}) });
    const abort = new AbortController();
    const section: Section = {
      id: 'docker',
      title: 'Docker',
      steps: [twoActions, { ...twoActions, id: 'after' }],
    };
    const running = runSection(section, cluster, new RunValues(), { ...options, signal: abort.signal });
    await cluster.held.next();
    await cluster.held.next();
    abort.abort();
    const report = await running;
    assert.equal(report.cancelled, true);
    assert.equal(report.stoppedAfter, 'engine.restart');
    assert.deepEqual(report.notRun, ['after']);
  });
});

describe('step engine: dry run', () => {
  const daemonJson: Step<string> = {
    id: 'docker.config',
    title: 'Docker config',
    targets: 'all',
    changesMachines: true,
    check: async (ctx) => {
      const r = await ctx.session.exec(['cat', '/etc/docker/daemon.json'], { signal: ctx.signal });
      return r.stdout.includes('metrics-addr')
        ? { state: 'done', reason: 'metrics-addr is set' }
        : { state: 'todo', reason: 'metrics-addr is missing', memo: r.stdout };
    },
    plan: (_ctx, current) => [
      { kind: 'upload', path: '/etc/docker/daemon.json', content: `${current ?? ''}+metrics` },
      { kind: 'exec', command: ['sudo', 'systemctl', 'restart', 'docker'] },
    ],
  };
  const readToken: Step<undefined> = {
    id: 'swarm.tokens',
    title: 'Read the join token',
    targets: 'firstManager',
    changesMachines: false,
    plan: () => [{ kind: 'exec', command: ['docker', 'swarm', 'join-token', '-q', 'worker'], produces: 'token' }],
  };
  const join: Step<undefined> = {
    id: 'swarm.join',
    title: 'Join',
    targets: 'workers',
    changesMachines: true,
    plan: (ctx) => [
      {
        kind: 'exec',
        command: sh`docker swarm join --token ${ctx.values.require('token', ctx.l10n)} 172.17.8.101:2377`,
      },
    ],
  };

  function configuredLab(): FakeCluster {
    return new FakeCluster(labNodes(3, 1), {
      script: (node, command) =>
        command === 'cat /etc/docker/daemon.json'
          ? { stdout: node === 'core-02' ? '{"metrics-addr":"0.0.0.0:9323"}' : '{}' }
          : { stdout: 'SWMTKN-real\n' },
    });
  }

  it('runs the read-only checks, then shows exactly what would run where, running none of it', async () => {
    const cluster = configuredLab();
    const report = await runStep(daemonJson, cluster, new RunValues(), { ...options, dryRun: true });
    const outcomes: NodeOutcome[] = report.nodes.map((n) => n.outcome);
    const planned: NodeOutcome = {
      kind: 'planned',
      reason: 'metrics-addr is missing',
      actions: [
        { kind: 'upload', path: '/etc/docker/daemon.json', content: '{}+metrics', mode: undefined },
        { kind: 'exec', command: 'sudo systemctl restart docker' },
      ],
    };
    assert.deepEqual(outcomes, [planned, { kind: 'already-done', reason: 'metrics-addr is set' }, planned]);
    assert.equal(report.dryRun, true);
    // Only the checks' reads reached the nodes; nothing was written.
    for (const node of ['core-01', 'core-02', 'core-03']) {
      assert.deepEqual(cluster.commandsOf(node), ['cat /etc/docker/daemon.json']);
    }
    assert.equal(cluster.uploads.size, 0);
  });

  it('carries placeholders for values a planned step would produce, never into the real values', async () => {
    const cluster = configuredLab();
    const values = new RunValues();
    const report = await runSection({ id: 's', title: 'S', steps: [readToken, join] }, cluster, values, {
      ...options,
      dryRun: true,
    });
    assert.deepEqual(
      report.steps[1].nodes.map((n) => n.outcome),
      [
        {
          kind: 'planned',
          reason: undefined,
          actions: [{ kind: 'exec', command: `docker swarm join --token '<token>' 172.17.8.101:2377` }],
        },
        {
          kind: 'planned',
          reason: undefined,
          actions: [{ kind: 'exec', command: `docker swarm join --token '<token>' 172.17.8.101:2377` }],
        },
      ],
    );
    assert.equal(values.has('token'), false);
    assert.deepEqual([...cluster.commands.values()].flat(), []);
  });

  it('is allowed in an untrusted workspace, which refuses the real run', async () => {
    const untrusted = { l10n: english, allowMachineChanges: false };
    const dry = await runStep(daemonJson, configuredLab(), new RunValues(), { ...untrusted, dryRun: true });
    assert.equal(dry.error, undefined);
    const cluster = configuredLab();
    const real = await runStep(daemonJson, cluster, new RunValues(), untrusted);
    const refusal = 'Docker config changes machines: trust this workspace first (Workspaces: Manage Workspace Trust).';
    assert.equal(real.error, refusal);
    assert.deepEqual(
      real.nodes.map((n) => n.outcome),
      Array(3).fill({ kind: 'skipped', reason: refusal }),
    );
    assert.deepEqual(cluster.sessionsOpened, []);
    // A step that only reads still runs.
    const read = await runStep(readToken, cluster, new RunValues(), untrusted);
    assert.equal(read.nodes[0].outcome.kind, 'ok');
  });

  it('lets the real run use values produced by the steps before', async () => {
    const cluster = configuredLab();
    const values = new RunValues();
    const report = await runSection({ id: 's', title: 'S', steps: [readToken, join] }, cluster, values, options);
    assert.deepEqual(report.steps[0].nodes[0].outcome, {
      kind: 'ok',
      produces: { token: 'SWMTKN-real' },
      evidence: undefined,
    });
    assert.deepEqual(cluster.commandsOf('core-02'), ['docker swarm join --token SWMTKN-real 172.17.8.101:2377']);
    assert.equal(values.get('token'), 'SWMTKN-real');
  });
});

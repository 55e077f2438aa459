import * as assert from 'node:assert/strict';
import { english } from '../../src/core/l10n';
import { sh } from '../../src/core/shell/shellQuote';
import { runStep, type StepEvents } from '../../src/core/steps/engine';
import { RunValues } from '../../src/core/steps/runValues';
import type { NodeOutcome, Step, StepReport } from '../../src/core/steps/step';
import { FakeCluster, labNodes, settle, type Answer } from './stepFakes';

const STATE_CMD = `docker info --format '{{.Swarm.LocalNodeState}}'`;

/** Nodes' swarm state as the fake engine answers it; `broken` nodes fail to join. */
function swarmLab(opts: { joined?: string[]; broken?: Map<string, string>; hold?: boolean } = {}) {
  const joined = new Set(opts.joined ?? []);
  const broken = opts.broken ?? new Map<string, string>();
  const script = (node: string, command: string): Answer => {
    if (command === STATE_CMD) {
      return { stdout: joined.has(node) ? 'active\n' : 'inactive\n' };
    }
    if (command.startsWith('docker swarm join')) {
      if (opts.hold) {
        return 'hold';
      }
      const why = broken.get(node);
      if (why !== undefined) {
        return { code: 1, stderr: `${why}\n` };
      }
      joined.add(node);
      return { stdout: 'This node joined a swarm as a worker.\n' };
    }
    return { code: 127, stderr: `unexpected command ${command}\n` };
  };
  return { joined, broken, cluster: new FakeCluster(labNodes(), { script }) };
}

const joinStep: Step<undefined> = {
  id: 'swarm.join',
  title: 'Join the swarm',
  targets: 'all',
  changesMachines: true,
  async check(ctx) {
    const r = await ctx.session.exec(['docker', 'info', '--format', '{{.Swarm.LocalNodeState}}'], {
      signal: ctx.signal,
    });
    return r.stdout.trim() === 'active'
      ? { state: 'done', reason: 'already in the swarm' }
      : { state: 'todo', reason: 'not in a swarm yet' };
  },
  plan(ctx) {
    const token = ctx.values.require('swarm.token.worker', ctx.l10n);
    return [{ kind: 'exec', command: sh`docker swarm join --token ${token} 172.17.8.101:2377`, redact: [token] }];
  },
};

const TOKEN = 'SWMTKN-1-secret';
const values = (): RunValues => new RunValues({ 'swarm.token.worker': TOKEN }, 'core-01');
const options = { l10n: english, allowMachineChanges: true };
const kinds = (r: StepReport): string[] => r.nodes.map((n) => `${n.node} ${n.outcome.kind}`);

/** Events as lines of text, for order checks. */
function recorder(): { events: StepEvents; seen: string[] } {
  const seen: string[] = [];
  return {
    seen,
    events: {
      stepStarted: (e) => seen.push(`step ${e.step.id} on ${e.nodes.join(',')}`),
      nodeStarted: (e) => seen.push(`start ${e.node}`),
      line: (e) => seen.push(`${e.node} ${e.kind} ${e.text}`),
      nodeFinished: (e) => seen.push(`end ${e.node} ${e.outcome.kind}`),
      stepFinished: (e) => seen.push(`done ${e.report.stepId}`),
    },
  };
}

describe('step engine: one step on many nodes', () => {
  it('runs the step on every target and reports each node in target order', async () => {
    const { cluster } = swarmLab();
    const { events, seen } = recorder();
    const report = await runStep(joinStep, cluster, values(), { ...options, events });
    assert.deepEqual(kinds(report), ['core-01 ok', 'core-02 ok', 'core-03 ok', 'core-04 ok', 'core-05 ok']);
    assert.deepEqual(cluster.commandsOf('core-02'), [
      STATE_CMD,
      `docker swarm join --token ${TOKEN} 172.17.8.101:2377`,
    ]);
    // The secret is masked in what is shown, not in what is sent.
    assert.ok(seen.includes('core-02 command docker swarm join --token *** 172.17.8.101:2377'));
    assert.ok(!seen.some((l) => l.includes(TOKEN)));
    assert.deepEqual(
      seen.filter((l) => l.startsWith('core-03 ')),
      [
        'core-03 info not in a swarm yet',
        'core-03 command docker swarm join --token *** 172.17.8.101:2377',
        'core-03 out This node joined a swarm as a worker.',
      ],
    );
    assert.equal(seen[0], 'step swarm.join on core-01,core-02,core-03,core-04,core-05');
    assert.equal(seen.at(-1), 'done swarm.join');
  });

  it('works on all nodes at once, up to the concurrency limit', async () => {
    const { cluster } = swarmLab({ hold: true });
    const running = runStep(joinStep, cluster, values(), { ...options, concurrency: 2 });
    const first = [await cluster.held.next(), await cluster.held.next()];
    await settle();
    assert.equal(cluster.inFlight, 2);
    assert.deepEqual(cluster.sessionsOpened, ['core-01', 'core-02']);
    first[0].answer({ stdout: 'joined\n' });
    const third = await cluster.held.next();
    assert.equal(third.node, 'core-03');
    first[1].answer({});
    third.answer({});
    for (let i = 0; i < 2; i++) {
      (await cluster.held.next()).answer({});
    }
    const report = await running;
    assert.equal(cluster.maxInFlight, 2);
    assert.deepEqual(kinds(report).filter((k) => k.endsWith(' ok')).length, 5);
  });

  it('runs five nodes in parallel by default', async () => {
    const { cluster } = swarmLab({ hold: true });
    const running = runStep(joinStep, cluster, values(), options);
    const held = await Promise.all(Array.from({ length: 5 }, () => cluster.held.next()));
    assert.equal(cluster.inFlight, 5);
    held.forEach((h) => h.answer({}));
    await running;
  });

  it('lets a failure on one node leave the others alone, and says why it failed', async () => {
    const { cluster } = swarmLab({
      broken: new Map([['core-04', 'Error response from daemon: dial tcp: i/o timeout']]),
    });
    const report = await runStep(joinStep, cluster, values(), options);
    assert.deepEqual(kinds(report), ['core-01 ok', 'core-02 ok', 'core-03 ok', 'core-04 failed', 'core-05 ok']);
    const failed = report.nodes[3].outcome as Extract<NodeOutcome, { kind: 'failed' }>;
    assert.equal(failed.stage, 'run');
    assert.equal(
      failed.reason,
      'docker swarm join --token *** 172.17.8.101:2377 exited with code 1: Error response from daemon: dial tcp: i/o timeout',
    );
  });

  it('completes only what is missing when run again after a fix', async () => {
    const lab = swarmLab({ joined: ['core-01'], broken: new Map([['core-04', 'Error: no route to host']]) });
    const first = await runStep(joinStep, lab.cluster, values(), options);
    assert.deepEqual(kinds(first), [
      'core-01 already-done',
      'core-02 ok',
      'core-03 ok',
      'core-04 failed',
      'core-05 ok',
    ]);
    lab.broken.clear();
    lab.cluster.commands.clear();
    const second = await runStep(joinStep, lab.cluster, values(), options);
    assert.deepEqual(kinds(second), [
      'core-01 already-done',
      'core-02 already-done',
      'core-03 already-done',
      'core-04 ok',
      'core-05 already-done',
    ]);
    assert.deepEqual(second.nodes[0].outcome, { kind: 'already-done', reason: 'already in the swarm' });
    // Nodes already done only answered the check.
    assert.deepEqual(lab.cluster.commandsOf('core-02'), [STATE_CMD]);
    assert.equal(lab.cluster.commandsOf('core-04').length, 2);
  });

  it('reports an unreachable node as failed at connection, the others unaffected', async () => {
    const cluster = new FakeCluster(labNodes(2), {
      script: () => ({ stdout: 'inactive\n' }),
      unreachable: new Map([['core-02', 'core-02 refused the connection: is sshd running?']]),
    });
    const report = await runStep(joinStep, cluster, values(), options);
    assert.deepEqual(report.nodes[1].outcome, {
      kind: 'failed',
      stage: 'connect',
      reason: 'core-02 refused the connection: is sshd running?',
    });
    assert.equal(report.nodes[0].outcome.kind, 'ok');
  });

  it('fails a node whose check, plan or collect throws, or whose connection drops mid-command', async () => {
    const cluster = new FakeCluster(labNodes(4), {
      script: (node) => (node === 'core-04' ? new Error('channel closed') : { stdout: 'x\n' }),
    });
    const step: Step<undefined> = {
      id: 't',
      title: 'T',
      targets: 'all',
      changesMachines: false,
      check: (ctx) =>
        ctx.node.name === 'core-01' ? Promise.reject(new Error('cannot read')) : Promise.resolve({ state: 'todo' }),
      plan: (ctx) => {
        if (ctx.node.name === 'core-02') {
          throw new Error('no plan');
        }
        return [{ kind: 'exec', command: ['uname', '-a'] }];
      },
      collect: (ctx) => {
        if (ctx.node.name === 'core-03') {
          throw new Error('unreadable output');
        }
        return {};
      },
    };
    const report = await runStep(step, cluster, new RunValues(), options);
    assert.deepEqual(
      report.nodes.map((n) => n.outcome),
      [
        { kind: 'failed', stage: 'check', reason: 'cannot read' },
        { kind: 'failed', stage: 'plan', reason: 'no plan' },
        { kind: 'failed', stage: 'run', reason: 'unreadable output' },
        { kind: 'failed', stage: 'run', reason: 'uname -a failed: channel closed' },
      ],
    );
  });

  it('stops at the first failing action of a node and accepts declared exit codes', async () => {
    const cluster = new FakeCluster(labNodes(1), {
      script: (_node, command) => (command.startsWith('grep') ? { code: 1 } : { code: 2, stderr: 'bad\n' }),
    });
    const step: Step<undefined> = {
      id: 't',
      title: 'T',
      targets: 'all',
      changesMachines: false,
      plan: () => [
        { kind: 'exec', command: ['grep', '-q', 'x', '/etc/hosts'], okCodes: [0, 1] },
        { kind: 'exec', command: ['false'] },
        { kind: 'exec', command: ['never'] },
      ],
    };
    const report = await runStep(step, cluster, new RunValues(), options);
    assert.deepEqual(report.nodes[0].outcome, {
      kind: 'failed',
      stage: 'run',
      reason: 'false exited with code 2: bad',
    });
    assert.deepEqual(cluster.commandsOf('core-01'), ['grep -q x /etc/hosts', 'false']);
  });

  it('fails a node whose command stopped on its own, or whose value cannot be passed', async () => {
    const cluster = new FakeCluster(labNodes(2), {
      script: () => ({ code: null, cancelled: true, stderr: 'channel closed\n' }),
    });
    const step: Step<undefined> = {
      id: 't',
      title: 'T',
      targets: 'all',
      changesMachines: true,
      plan: (ctx) => [{ kind: 'exec', command: ['echo', ctx.node.name === 'core-02' ? 'a\0b' : 'x'] }],
    };
    const report = await runStep(step, cluster, new RunValues(), options);
    assert.deepEqual(
      report.nodes.map((n) => n.outcome),
      [
        { kind: 'failed', stage: 'run', reason: 'echo x was interrupted: channel closed' },
        {
          kind: 'failed',
          stage: 'plan',
          reason: 'A value contains a NUL character, which no command argument can carry.',
        },
      ],
    );
  });

  it('logs the output of a session that does not stream, when the command ends', async () => {
    const session = {
      exec: () => Promise.resolve({ code: 0, stdout: 'one\ntwo\n', stderr: 'warn\n' }),
      upload: () => Promise.resolve(),
    };
    const cluster = { nodes: labNodes(1), openSession: () => Promise.resolve(session) };
    const step: Step<undefined> = {
      id: 't',
      title: 'T',
      targets: 'all',
      changesMachines: false,
      plan: () => [{ kind: 'exec', command: ['docker', 'node', 'ls'] }],
    };
    const { events, seen } = recorder();
    await runStep(step, cluster, new RunValues(), { ...options, events });
    assert.deepEqual(
      seen.filter((l) => / (out|err) /.test(l)),
      ['core-01 out one', 'core-01 out two', 'core-01 err warn'],
    );
  });

  it('sends hostile values as single quoted words', async () => {
    const cluster = new FakeCluster(labNodes(1), { script: () => ({}) });
    const label = `zone=a'; rm -rf / #`;
    const step: Step<undefined> = {
      id: 'label',
      title: 'Label',
      targets: 'all',
      changesMachines: true,
      plan: (ctx) => [{ kind: 'exec', command: sh`docker node update --label-add ${label} ${ctx.node.name}` }],
    };
    await runStep(step, cluster, new RunValues(), options);
    assert.deepEqual(cluster.commandsOf('core-01'), [
      `docker node update --label-add 'zone=a'\\''; rm -rf / #' core-01`,
    ]);
  });

  it('cuts output chunks into clean lines: split lines, progress redraws, colours', async () => {
    const cluster = new FakeCluster(labNodes(1), {
      script: () => ({ stdout: 'first\nsec', stderr: 'pulling 10%\rpulling 100%\r\n\x1b[31mred\x1b[0m\n' }),
    });
    const step: Step<undefined> = {
      id: 'pull',
      title: 'Pull',
      targets: 'all',
      changesMachines: true,
      plan: () => [{ kind: 'exec', command: ['docker', 'pull', 'registry:2'] }],
    };
    const { events, seen } = recorder();
    await runStep(step, cluster, new RunValues(), { ...options, events });
    assert.deepEqual(
      seen.filter((l) => / (out|err) /.test(l)),
      // A last line without a newline comes when the command ends.
      ['core-01 out first', 'core-01 err pulling 100%', 'core-01 err red', 'core-01 out sec'],
    );
  });
});

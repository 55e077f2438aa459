import * as assert from 'node:assert/strict';
import { english } from '../../src/core/l10n';
import {
  describeCancelled,
  formatNodeLines,
  formatOutcome,
  formatStepSummary,
  formatTime,
  stepLog,
} from '../../src/core/steps/logFormat';
import { cleanLine, OutputLines } from '../../src/core/steps/outputLines';
import type { StepReport } from '../../src/core/steps/step';
import { read } from './repoFiles';

/** The log of a run of two steps and a refused one, written through stepLog as the engine would. */
function sampleLog(clock: (() => Date) | null): string[] {
  const lines: string[] = [];
  const log = stepLog((l) => lines.push(l), { l10n: english, clock });
  const join = { id: 'swarm.join', title: 'Join the swarm' };
  log.stepStarted?.({ step: join, nodes: ['core-02', 'core-03', 'core-04', 'core-05'], dryRun: false });
  log.line?.({ step: join, node: 'core-02', kind: 'info', text: 'not in a swarm yet' });
  log.line?.({ step: join, node: 'core-02', kind: 'command', text: 'docker swarm join --token *** 172.17.8.101:2377' });
  log.line?.({ step: join, node: 'core-02', kind: 'out', text: 'This node joined a swarm as a worker.' });
  log.line?.({ step: join, node: 'core-04', kind: 'err', text: 'Error response from daemon: dial tcp: i/o timeout' });
  log.line?.({ step: join, node: 'core-04', kind: 'err', text: 'retrying in 1s' });
  log.line?.({ step: join, node: 'core-05', kind: 'out', text: 'error: no such host' });
  const outcomes: StepReport['nodes'] = [
    { node: 'core-02', outcome: { kind: 'ok' } },
    { node: 'core-03', outcome: { kind: 'already-done', reason: 'already in the swarm' } },
    {
      node: 'core-04',
      outcome: {
        kind: 'failed',
        stage: 'run',
        reason:
          'docker swarm join exited with code 1: Error response from daemon: dial tcp: i/o timeout\nretrying in 1s',
      },
    },
    {
      node: 'core-05',
      outcome: { kind: 'cancelled', at: { stage: 'run', done: 0, of: 1, interrupted: 'docker swarm join' } },
    },
  ];
  outcomes.forEach(({ node, outcome }) => log.nodeFinished?.({ step: join, node, outcome }));
  log.stepFinished?.({ report: { stepId: join.id, title: join.title, dryRun: false, nodes: outcomes } });

  const config = { id: 'docker.config', title: 'Docker daemon settings' };
  log.stepStarted?.({ step: config, nodes: ['core-01'], dryRun: true });
  log.line?.({ step: config, node: 'core-01', kind: 'action', text: 'upload /etc/docker/daemon.json (62 bytes)' });
  log.line?.({ step: config, node: 'core-01', kind: 'command', text: 'sudo systemctl restart docker' });
  const planned: StepReport['nodes'] = [
    {
      node: 'core-01',
      outcome: {
        kind: 'planned',
        actions: [
          { kind: 'upload', path: '/etc/docker/daemon.json', content: '{}' },
          { kind: 'exec', command: 'sudo systemctl restart docker' },
        ],
      },
    },
  ];
  log.nodeFinished?.({ step: config, node: 'core-01', outcome: planned[0].outcome });
  log.stepFinished?.({ report: { stepId: config.id, title: config.title, dryRun: true, nodes: planned } });

  const init = { id: 'swarm.init', title: 'Create the swarm' };
  log.stepStarted?.({ step: init, nodes: [], dryRun: false });
  log.stepFinished?.({
    report: { stepId: init.id, title: init.title, dryRun: false, error: 'The lab has no manager node.', nodes: [] },
  });
  return lines;
}

const at = (h: number, m: number, s: number) => (): Date => new Date(2024, 0, 1, h, m, s);

describe('step log format', () => {
  it('writes the lines the grammar test colours, word for word', () => {
    // test/grammar/steps.swarm-lab-log is this sample with assertions between
    // the lines: a format change that the grammar test does not follow fails here.
    const sample = read('test/grammar/steps.swarm-lab-log')
      .split('\n')
      .filter((l) => l !== '' && !l.startsWith('#'));
    assert.deepEqual(sample, sampleLog(at(9, 5, 7)));
  });

  it('stamps each line with the local time, or not at all', () => {
    assert.equal(formatTime(new Date(2024, 0, 1, 9, 5, 7)), '09:05:07');
    const plain = sampleLog(null);
    assert.equal(plain[0], '==> Join the swarm [swarm.join] on core-02, core-03, core-04, core-05');
    assert.ok(plain.every((l) => !/^\d\d:/.test(l)));
  });

  it('gives each line of a text the node prefix, and a failure reason its own lines', () => {
    assert.deepEqual(formatNodeLines('core-01', 'err', 'a\r\nb\n'), ['[core-01] ! a', '[core-01] ! b']);
    assert.deepEqual(formatNodeLines('core-01', 'out', ''), ['[core-01]']);
    assert.deepEqual(formatOutcome('core-01', { kind: 'failed', stage: 'check', reason: 'x\ny' }, english), [
      '[core-01] => failed: x',
      '[core-01] ! y',
    ]);
    assert.deepEqual(formatOutcome('core-01', { kind: 'ok' }, english), ['[core-01] => ok']);
  });

  it('says where a cancelled node was left', () => {
    assert.equal(describeCancelled({ stage: 'not-started' }, english), 'not started; nothing was changed');
    assert.equal(describeCancelled({ stage: 'check' }, english), 'stopped while checking; nothing was changed');
    assert.equal(
      describeCancelled({ stage: 'run', done: 2, of: 3 }, english),
      '2 of 3 actions done, stopped before the next one',
    );
    assert.equal(
      describeCancelled({ stage: 'run', done: 0, of: 1, interrupted: 'a\nb' }, english),
      '0 of 1 actions done, interrupted during: a b',
    );
  });

  it('sums up a step by outcome, in a fixed order', () => {
    const report: StepReport = {
      stepId: 's',
      title: 'S',
      dryRun: false,
      nodes: [
        { node: 'a', outcome: { kind: 'failed', stage: 'run', reason: 'x' } },
        { node: 'b', outcome: { kind: 'ok' } },
        { node: 'c', outcome: { kind: 'ok' } },
      ],
    };
    assert.equal(formatStepSummary(report), '<== S [s]: ok 2, failed 1');
    assert.equal(formatStepSummary({ ...report, nodes: [] }), '<== S [s]: no nodes');
  });
});

describe('output lines', () => {
  it('keeps what the last carriage return left, without escapes', () => {
    assert.equal(cleanLine('10%\r50%\r100%'), '100%');
    assert.equal(cleanLine('done\r'), 'done');
    assert.equal(cleanLine('\x1b[1;32mgreen\x1b[0m \x1b]8;;http://x\x07link\x1b]8;;\x07'), 'green link');
  });

  it('joins lines cut across chunks and flushes the last one', () => {
    const seen: string[] = [];
    const lines = new OutputLines((l) => seen.push(l));
    lines.push('a\nb');
    lines.push('c\n\nd');
    assert.deepEqual(seen, ['a', 'bc', '']);
    lines.end();
    lines.end();
    assert.deepEqual(seen, ['a', 'bc', '', 'd']);
  });
});

import * as assert from 'node:assert/strict';
import { english } from '../../src/core/l10n';
import { formatEvidence } from '../../src/core/labPanel/evidence';
import {
  evidenceItems,
  outcomeLine,
  panelLine,
  panelStepOutcome,
  summarizeReports,
} from '../../src/core/labPanel/stepOutcome';
import type { StepReport } from '../../src/core/steps/step';

const initJoin = (nodes: StepReport['nodes']): StepReport => ({
  stepId: 'swarm.init-join',
  title: 'Swarm: init and join',
  dryRun: false,
  nodes,
});

describe("the step engine's results in the lab panel", () => {
  it('groups the nodes by outcome in one sentence, failures first with their reason', () => {
    const report = initJoin([
      { node: 'core-01', outcome: { kind: 'ok' } },
      { node: 'core-02', outcome: { kind: 'already-done', reason: 'already in the swarm as a worker' } },
      { node: 'core-03', outcome: { kind: 'already-done' } },
      { node: 'core-04', outcome: { kind: 'failed', reason: 'no route to host', stage: 'connect' } },
    ]);
    assert.equal(
      summarizeReports([report], english),
      'failed on core-04: no route to host; ok on core-01; already done on core-02, core-03',
    );
  });

  it('says a reason shared by several failed nodes once, with all of them', () => {
    const missing = 'the base image is missing on core-01, core-02';
    const report = initJoin([
      { node: 'core-01', outcome: { kind: 'failed', reason: missing, stage: 'plan' } },
      { node: 'core-02', outcome: { kind: 'failed', reason: missing, stage: 'plan' } },
      { node: 'core-03', outcome: { kind: 'failed', reason: 'no route to host', stage: 'connect' } },
      { node: 'core-04', outcome: { kind: 'ok' } },
    ]);
    assert.equal(
      summarizeReports([report], english),
      'failed on core-01, core-02: the base image is missing on core-01, core-02; failed on core-03: no route to host; ok on core-04',
    );
  });

  it('says why a step did not run at all, and when nothing ran', () => {
    assert.equal(
      summarizeReports([{ ...initJoin([]), error: 'this workspace is not trusted' }], english),
      'Swarm: init and join: this workspace is not trusted',
    );
    assert.equal(summarizeReports([], english), 'Nothing ran.');
  });

  it('splits the evidence text back into commands and outputs, per node, dropping nothing', () => {
    const report = initJoin([
      {
        node: 'core-01',
        outcome: {
          kind: 'ok',
          evidence: '$ docker info --format x\nSwarm: active\n$ docker node ls\nID HOSTNAME\nabc core-01',
        },
      },
      { node: 'core-02', outcome: { kind: 'ok', evidence: 'collected by the step itself\n$ uname -n\ncore-02' } },
      { node: 'core-03', outcome: { kind: 'already-done' } },
    ]);
    assert.deepEqual(evidenceItems([report]), [
      { node: 'core-01', command: 'docker info --format x', output: 'Swarm: active' },
      { node: 'core-01', command: 'docker node ls', output: 'ID HOSTNAME\nabc core-01' },
      { node: 'core-02', command: 'Swarm: init and join', output: 'collected by the step itself' },
      { node: 'core-02', command: 'uname -n', output: 'core-02' },
    ]);
    // As the panel fences it into an answer.
    assert.equal(
      formatEvidence(evidenceItems([report]).slice(0, 1), { l10n: english }),
      '```console\n[core-01] $ docker info --format x\nSwarm: active\n```',
    );
  });

  it('turns engine lines and outcomes into panel lines', () => {
    assert.deepEqual(panelLine('core-01', 'action', 'restart dockerd'), {
      node: 'core-01',
      kind: 'command',
      text: 'restart dockerd',
    });
    assert.deepEqual(panelLine('core-01', 'err', 'warning'), { node: 'core-01', kind: 'err', text: 'warning' });
    assert.deepEqual(outcomeLine('core-03', { kind: 'already-done', reason: 'in the swarm' }, english), {
      node: 'core-03',
      kind: 'info',
      text: 'already done: in the swarm',
    });
    assert.deepEqual(outcomeLine('core-02', { kind: 'failed', reason: 'invalid JSON', stage: 'run' }, english), {
      node: 'core-02',
      kind: 'err',
      text: 'failed: invalid JSON',
    });
    assert.deepEqual(outcomeLine('core-01', { kind: 'ok' }, english), { node: 'core-01', kind: 'info', text: 'ok' });
  });

  it('keeps the ok flag it is given and leaves evidence out when there is none', () => {
    const outcome = panelStepOutcome(
      [initJoin([{ node: 'core-01', outcome: { kind: 'already-done' } }])],
      true,
      english,
    );
    assert.deepEqual(outcome, { ok: true, summary: 'already done on core-01' });
  });
});

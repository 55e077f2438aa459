import * as assert from 'node:assert/strict';
import { english } from '../../src/core/l10n';
import { labCheck, type LabCheck, labStep, singlePhaseStep } from '../../src/core/labSteps/labConfig';
import type { Step } from '../../src/core/steps/step';

const phase: Step<undefined> = {
  id: 'demo.step',
  title: 'Demo',
  targets: 'all',
  changesMachines: false,
  check: () => Promise.resolve({ state: 'done' }),
  plan: () => [],
};

describe('lab steps: the labCheck and labStep factories', () => {
  const written = (unavailable: string | undefined): LabCheck =>
    labCheck({
      id: 'demo.check',
      title: 'Demo check',
      section: 1,
      targets: 'all',
      unavailable,
      node: () => Promise.resolve({ ok: true, why: 'fine' }),
    });

  it('leaves `unavailable` out of a check that can run here, and keeps its node check', async () => {
    const check = written(undefined);
    assert.equal('unavailable' in check, false);
    assert.deepEqual(Object.keys(check).sort(), ['id', 'node', 'section', 'targets', 'title']);
    assert.deepEqual(await check.node({} as never), { ok: true, why: 'fine' });
  });

  it('keeps the reason a check cannot run here', () => {
    assert.equal(written('needs the VMs').unavailable, 'needs the VMs');
  });

  it('keeps a check’s own verdict', () => {
    const verdict = () => ({ state: 'pass' as const, why: 'all' });
    const check = labCheck({ ...written(undefined), verdict });
    assert.equal(check.verdict?.(new Map(), english).why, 'all');
  });

  it('does the same for a step', () => {
    const runs = labStep({ id: phase.id, title: phase.title, section: 2, phases: [phase], unavailable: undefined });
    assert.deepEqual(runs, { id: 'demo.step', title: 'Demo', section: 2, phases: [phase] });
    const cannot = labStep({ id: phase.id, title: phase.title, section: 2, phases: [phase], unavailable: 'no Ceph' });
    assert.equal(cannot.unavailable, 'no Ceph');
  });
});

describe('lab steps: singlePhaseStep', () => {
  it('names the step as its one phase, in the section given', () => {
    assert.deepEqual(singlePhaseStep(phase, 3), { id: 'demo.step', title: 'Demo', section: 3, phases: [phase] });
    assert.equal(singlePhaseStep(phase, 3, 'no Harbor here').unavailable, 'no Harbor here');
  });
});

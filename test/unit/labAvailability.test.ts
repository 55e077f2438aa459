import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { english } from '../../src/core/l10n';
import { labPlaceWords, unavailableHere } from '../../src/core/labSteps/availability';
import type { LabCheck, LabStep } from '../../src/core/labSteps/labConfig';
import { labChecks, labSteps } from '../../src/core/labSteps/labSteps';
import { FakeLabCluster, labConfig } from './labStepFakes';
import { labNodes } from './stepFakes';

describe('lab availability: what a section can run where the machines are', () => {
  const step = (id: string, unavailable?: string): LabStep => ({
    id,
    title: id,
    section: 5,
    phases: [],
    ...(unavailable !== undefined ? { unavailable } : {}),
  });
  const check = (id: string, unavailable?: string): LabCheck => ({
    id,
    title: id,
    section: 5,
    targets: 'all',
    ...(unavailable !== undefined ? { unavailable } : {}),
    node: () => Promise.resolve({ ok: true, why: '' }),
  });

  it('names each step or check that cannot run here with its reason, and only those', () => {
    const out = unavailableHere(
      ['storage.ceph-osd', 'storage.shared', 'storage.data-shared', 'storage.ceph-healthy'],
      {
        steps: [step('storage.ceph-osd', 'needs the VMs’ data disk'), step('storage.shared')],
        checks: [check('storage.data-shared'), check('storage.ceph-healthy', 'no Ceph in the local lab')],
        sideIds: new Set(),
      },
      english,
    );
    assert.deepEqual(out, {
      'storage.ceph-osd': 'needs the VMs’ data disk',
      'storage.ceph-healthy': 'no Ceph in the local lab',
    });
  });

  it('says which ids the engine does not know, and trusts the steps done in VS Code', () => {
    const out = unavailableHere(
      ['vagrant.file', 'harbor.install'],
      { steps: [], checks: [], sideIds: new Set(['vagrant.file']) },
      english,
    );
    assert.deepEqual(Object.keys(out), ['harbor.install']);
    assert.match(out['harbor.install'], /cannot run harbor\.install yet: run its commands by hand/);
  });

  it('disables every step of the engine while no lab machine is known, not the checks nor what VS Code does', () => {
    const sources = {
      steps: [step('swarm.init-join'), step('storage.ceph-osd', 'needs the VMs’ data disk')],
      checks: [check('swarm.nodes-ready')],
      sideIds: new Set(['vagrant.file']),
    };
    const ids = ['vagrant.file', 'swarm.init-join', 'storage.ceph-osd', 'swarm.nodes-ready'];
    assert.deepEqual(unavailableHere(ids, { ...sources, noMachines: true }, english), {
      'swarm.init-join': 'No lab machine to run it on yet: start the local lab or your VMs.',
      'storage.ceph-osd': 'needs the VMs’ data disk',
    });
    assert.deepEqual(unavailableHere(ids, sources, english), { 'storage.ceph-osd': 'needs the VMs’ data disk' });
  });

  it('finds every step and check of the lab runnable on VMs and in the local lab where they say so', () => {
    const cluster = new FakeLabCluster(labNodes(3, 1), { script: () => ({}) });
    for (const environment of ['vm', 'local-lab'] as const) {
      const config = labConfig(cluster, { environment });
      const steps = labSteps(config, english);
      const checks = labChecks(config, english);
      const ids = [...steps, ...checks].map((x) => x.id);
      const out = unavailableHere(ids, { steps, checks, sideIds: new Set() }, english);
      // No id is unknown to the engine that lists it; only declared reasons remain.
      for (const [id, why] of Object.entries(out)) {
        assert.ok(!/cannot run .* yet/.test(why), `${id}: ${why}`);
      }
    }
  });

  it('implements every step and check the lab names (ids.md), as a step or a check as listed', () => {
    const cluster = new FakeLabCluster(labNodes(3, 1), { script: () => ({}) });
    const config = labConfig(cluster);
    const steps = new Set(labSteps(config, english).map((s) => s.id));
    const checks = new Set(labChecks(config, english).map((c) => c.id));
    // Section 1 is done in VS Code itself (features.ts registers them with the lab step service).
    const inVsCode = new Set(['vagrant.file', 'machines.reachable', 'vagrant.data-disk']);
    const ids = fs.readFileSync(path.join(__dirname, '..', '..', '..', 'labs', 'tp1', 'ids.md'), 'utf8');
    const listed = [...ids.matchAll(/^- `([^`]+)` \((step|check)\):/gm)];
    assert.ok(listed.length >= 50, `only ${listed.length} ids listed`);
    for (const [, id, kind] of listed) {
      assert.ok(
        inVsCode.has(id) || (kind === 'step' ? steps.has(id) : checks.has(id)),
        `${id} (${kind}) is named by the lab but not implemented`,
      );
    }
  });

  it('words where the steps run from the machines’ source', () => {
    assert.equal(labPlaceWords('local-lab', english), 'the local lab');
    assert.equal(labPlaceWords('vagrant', english), 'the Vagrant VMs');
    assert.equal(labPlaceWords('ssh', english), 'the SSH hosts');
    assert.equal(labPlaceWords(undefined, english), 'the local lab');
  });
});

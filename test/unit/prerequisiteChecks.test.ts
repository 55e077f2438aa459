import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { english } from '../../src/core/l10n';
import { dataDiskDeclared, labMachinesOf, machinesReachable } from '../../src/core/labSteps/prerequisiteChecks';
import type { Machine, MachineSource, MachineState } from '../../src/core/machines/machine';
import { readVagrantfile } from '../../src/core/vagrant/vagrantfile';
import { ROOT } from './repoFiles';

const fixture = (name: string): string =>
  fs.readFileSync(path.join(ROOT, 'test', 'fixtures', 'vagrant', `${name}.Vagrantfile`), 'utf8');

const RUNNING: MachineState = { kind: 'running', engineVersion: '24.0.7', swarmRole: 'none' };

function machine(name: string, source: MachineSource, state: MachineState = RUNNING): Machine {
  return { id: `${source}:${name}`, name, source, host: '10.0.0.1', port: 22, user: 'core', identityFile: '', state };
}

describe('Prerequisite checks: machines.reachable', () => {
  it("takes the lab's machines from the first source with one not stopped, stopped ones included", () => {
    const all = [
      machine('core-02', 'vagrant', { kind: 'stopped' }),
      machine('core-01', 'vagrant'),
      machine('m1', 'ssh'),
      machine('core-01', 'local-lab', { kind: 'stopped' }),
    ];
    assert.deepEqual(
      labMachinesOf(all).map((m) => m.id),
      ['vagrant:core-01', 'vagrant:core-02'],
    );
    assert.deepEqual(
      labMachinesOf([machine('core-01', 'local-lab', { kind: 'stopped' })]).map((m) => m.id),
      ['local-lab:core-01'],
    );
    assert.deepEqual(labMachinesOf([]), []);
  });

  it('passes when every machine runs, naming them', () => {
    assert.deepEqual(machinesReachable([machine('core-02', 'local-lab'), machine('core-01', 'local-lab')], english), {
      state: 'pass',
      why: 'Every machine answers over SSH with its Docker engine: core-01, core-02.',
    });
  });

  it('fails on a stopped or unreachable machine, with the reason', () => {
    const outcome = machinesReachable(
      [
        machine('core-01', 'vagrant'),
        machine('core-02', 'vagrant', { kind: 'unreachable', reason: 'connection refused' }),
        machine('core-03', 'vagrant', { kind: 'stopped' }),
      ],
      english,
    );
    assert.deepEqual(outcome, {
      state: 'fail',
      why: 'core-02 is unreachable (connection refused); core-03 is stopped.',
    });
  });

  it('cannot tell yet while a machine is connecting; fails with no machine at all', () => {
    assert.equal(
      machinesReachable([machine('core-01', 'ssh'), machine('core-02', 'ssh', { kind: 'connecting' })], english).state,
      'unknown',
    );
    assert.equal(machinesReachable([], english).state, 'fail');
  });
});

describe('Prerequisite checks: vagrant.data-disk', () => {
  const folder = (name: string, text?: string) => ({
    folder: name,
    ...(text === undefined ? {} : { read: readVagrantfile(text, english) }),
  });

  it("passes on the seed's guarded disk, saying where it is attached", () => {
    assert.deepEqual(dataDiskDeclared([folder('tp1', fixture('seed-variant'))], english), {
      state: 'pass',
      why: 'Each machine gets its data disk (created once, line 25; attached to IDE Controller, port 1, device 1, line 27).',
    });
    assert.equal(dataDiskDeclared([folder('tp1', fixture('new-lab.expected'))], english).state, 'pass');
  });

  it("passes on the swarmlab_qemu provider's data_disk_gb, and fails when it is nil", () => {
    const qemu = (name: string): string =>
      fs.readFileSync(path.join(ROOT, 'test', 'fixtures', 'vagrant', 'cases', name, 'Vagrantfile'), 'utf8');
    assert.deepEqual(dataDiskDeclared([folder('tp1', qemu('done-qemu-size-20'))], english), {
      state: 'pass',
      why: 'Each machine gets its swarmlab_qemu data disk (line 13).',
    });
    assert.deepEqual(dataDiskDeclared([folder('tp1', qemu('disk-qemu-nil'))], english), {
      state: 'fail',
      why: 'The Vagrantfile gives the machines no data disk.',
    });
  });

  it('fails without a Vagrantfile, without a disk, with an unguarded or unattached one, or a file it cannot read', () => {
    const why = (text?: string): string => {
      const outcome = dataDiskDeclared([folder('tp1', text)], english);
      assert.equal(outcome.state, 'fail');
      return outcome.why;
    };
    assert.equal(why(), 'There is no Vagrantfile in the workspace: run the step above to create it.');
    assert.equal(why(fixture('coreos-style')), 'The Vagrantfile gives the machines no data disk.');
    assert.equal(
      why(fixture('hand-edited-unguarded')),
      'The data disk is created on every "vagrant up" (line 13), which fails once the file exists.',
    );
    assert.equal(
      why(fixture('seed-variant').replace(/^ *vb\.customize \['storageattach'.*\n/m, '')),
      'The data disk is created but never attached to the machine.',
    );
    assert.equal(
      why(fixture('seed-variant').replace("'--size', 10 * 1024", "'--size', 1024")),
      'The data disk has 1024 MB; the lab needs 10240 MB.',
    );
    assert.match(why(fixture('refuse-unbalanced')), /do\/end pair does not match/);
  });

  it('names the folder of each failing Vagrantfile when there are several, ignoring folders without one', () => {
    const outcome = dataDiskDeclared(
      [folder('a', fixture('seed-variant')), folder('b', fixture('coreos-style')), folder('c')],
      english,
    );
    assert.deepEqual(outcome, { state: 'fail', why: 'b: The Vagrantfile gives the machines no data disk.' });
  });
});

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseMachineArgs } from '../../src/vm/machine';
import { preferredSshPort } from '../../src/vm/qemu';
import { parseMachineStates, setInstances, VM_LAB_TEMPLATE } from '../../src/vm/vmLab';
import { imagesDiskPath } from '../../src/vm/imagesDisk';

describe('the VM lab’s project and machines', () => {
  it('reads each machine’s state from vagrant status --machine-readable, in Vagrant’s order', () => {
    const out = [
      '1733400000,core-01,metadata,provider,swarmlab_qemu',
      '1733400000,core-01,provider-name,swarmlab_qemu',
      '1733400000,core-01,state,running',
      '1733400000,core-02,state,poweroff',
      '1733400000,core-03,state,not_created',
      '1733400000,,ui,info,Current machine states:',
    ].join('\n');
    assert.deepEqual(parseMachineStates(out), [
      { name: 'core-01', state: 'running' },
      { name: 'core-02', state: 'poweroff' },
      { name: 'core-03', state: 'not_created' },
    ]);
  });

  it('sets config.rb’s number of VMs, every other line kept', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vm-lab-'));
    try {
      const file = path.join(dir, 'config.rb');
      fs.copyFileSync(path.join(VM_LAB_TEMPLATE, 'config.rb'), file);
      const before = fs.readFileSync(file, 'utf8');
      setInstances(file, 5);
      const after = fs.readFileSync(file, 'utf8');
      assert.equal(after, before.replace(/^\$num_instances = 3$/m, '$num_instances = 5'));
      assert.notEqual(after, before);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('gives a machine folder the same SSH port every time, another folder most likely another', () => {
    const a = preferredSshPort('/p/.vagrant/machines/core-01/swarmlab_qemu');
    assert.equal(preferredSshPort('/p/.vagrant/machines/core-01/swarmlab_qemu'), a);
    assert.ok(a >= 2200 && a < 3000, String(a));
    const ports = new Set(
      ['core-01', 'core-02', 'core-03'].map((n) => preferredSshPort(`/p/.vagrant/machines/${n}/swarmlab_qemu`)),
    );
    assert.equal(ports.size, 3);
  });

  it('passes the images disk to the machine command, absolute, and keys the disk by the images tarball', () => {
    const args = parseMachineArgs(['start', '--dir', 'm', '--box', 'b', '--images-disk', 'cache/vm-images-x.qcow2']);
    assert.equal(args.imagesDisk, path.resolve('cache/vm-images-x.qcow2'));
    assert.equal(imagesDiskPath('/c', '/c/lab-images-f3e1a3d68c3a.tar.gz'), '/c/vm-images-f3e1a3d68c3a-v1.qcow2');
  });
});

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseMachineArgs } from '../../src/vm/machine';
import { preferredSshPort } from '../../src/vm/qemu';
import { english } from '../../src/core/l10n';
import { readVagrantfile } from '../../src/core/vagrant/vagrantfile';
import { parseMachineStates, VM_LAB_TEMPLATE, VmLab } from '../../src/vm/vmLab';
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

  it('makes the project as Configure Vagrantfile leaves the course’s files: a data disk per VM, config.rb’s count', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vm-lab-'));
    try {
      const template = fs.readFileSync(path.join(VM_LAB_TEMPLATE, 'Vagrantfile'), 'utf8');
      const templateConfig = fs.readFileSync(path.join(VM_LAB_TEMPLATE, 'config.rb'), 'utf8');
      const read = (text: string, configRb: string) => {
        const r = readVagrantfile(text, english, { configRb });
        assert.ok(r.ok, r.ok ? '' : r.error);
        return r.settings;
      };
      // The course's files give no disk: every /dev/vdb of the VM lab comes from the edit.
      assert.equal(read(template, templateConfig).qemuDisk, undefined);

      const lab = new VmLab({ projectDir: dir, cacheDir: dir });
      lab.makeProject(5);
      const vagrantfile = fs.readFileSync(path.join(dir, 'Vagrantfile'), 'utf8');
      const configRb = fs.readFileSync(path.join(dir, 'config.rb'), 'utf8');
      assert.equal(configRb, templateConfig.replace(/^\$num_instances = 3$/m, '$num_instances = 5'));
      const settings = read(vagrantfile, configRb);
      assert.equal(settings.qemuDisk?.size, '10');
      assert.deepEqual(settings.numInstances, { kind: 'number', value: 5, line: 1, file: 'config.rb' });
      // Only lines added: every line of the course's Vagrantfile is still there, in order.
      const kept = vagrantfile.split('\n').filter((line) => !/data_disk_gb|Swarm Lab: a second/.test(line));
      assert.deepEqual(kept, template.split('\n'));

      // Made again (up after up): nothing changes, and the count stays when none is given.
      lab.makeProject();
      assert.equal(fs.readFileSync(path.join(dir, 'Vagrantfile'), 'utf8'), vagrantfile);
      assert.equal(fs.readFileSync(path.join(dir, 'config.rb'), 'utf8'), configRb);
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

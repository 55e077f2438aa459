import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { english } from '../../src/core/l10n';
import { isNetworkPrefix } from '../../src/core/vagrant/hostNetwork';
import { newLabVagrantfile } from '../../src/core/vagrant/newVagrantfile';
import { readVagrantfile, updateVagrantfile } from '../../src/core/vagrant/vagrantfile';
import { describeVagrantfileChanges } from '../../src/core/vagrant/vagrantfileSummary';
import { ROOT } from './repoFiles';

const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'vagrant');
const fixture = (name: string): string => fs.readFileSync(path.join(FIXTURES, `${name}.Vagrantfile`), 'utf8');

function newText(settings: Parameters<typeof newLabVagrantfile>[0]): string {
  const made = newLabVagrantfile(settings, english);
  assert.ok(made.ok, made.ok ? '' : made.error);
  return made.text;
}

describe('Vagrantfile: a new lab file', () => {
  const lab = { numInstances: 5, vmMemory: 2048, dataDisk: true, networkPrefix: '172.17.8' };

  it('writes test/fixtures/vagrant/new-lab.expected.Vagrantfile for 5 machines, 2 GB, disk, host-only', () => {
    assert.equal(newText(lab), fixture('new-lab.expected'));
  });

  it('reads back as the settings it was made from, and an update with them changes nothing', () => {
    const text = newText(lab);
    const read = readVagrantfile(text, english);
    assert.ok(read.ok);
    assert.deepEqual(
      {
        n: read.settings.numInstances.kind === 'number' && read.settings.numInstances.value,
        mem: read.settings.vmMemory.kind === 'number' && read.settings.vmMemory.value,
        guarded: read.settings.dataDisk?.guarded,
        controller: read.settings.dataDisk?.controller,
        network: read.settings.network?.kind,
        prefix: read.settings.network?.prefix,
        notes: read.settings.notes,
      },
      {
        n: 5,
        mem: 2048,
        guarded: true,
        controller: 'IDE Controller',
        network: 'host-only',
        prefix: '172.17.8',
        notes: [],
      },
    );
    const again = updateVagrantfile(
      text,
      { numInstances: 5, vmMemory: 2048, dataDisk: true, hostOnlyNetwork: true, networkPrefix: '172.17.8' },
      english,
    );
    assert.ok(again.ok && !again.changed && again.text === text);
  });

  it('leaves out the disk and the network when not asked, and refuses values out of range', () => {
    const bare = newText({ numInstances: 1, vmMemory: 512, dataDisk: false });
    assert.doesNotMatch(bare, /createmedium|private_network/);
    assert.match(bare, /^\$num_instances = 1$/m);
    assert.match(bare, /^\$vm_memory = 512$/m);
    const tooMany = newLabVagrantfile({ numInstances: 10, vmMemory: 1024, dataDisk: true }, english);
    assert.deepEqual(tooMany, { ok: false, error: 'The number of machines must be a whole number from 1 to 9.' });
    const badPrefix = newLabVagrantfile(
      { numInstances: 3, vmMemory: 1024, dataDisk: true, networkPrefix: '10.0.300' },
      english,
    );
    assert.equal(badPrefix.ok, false);
  });

  it("is Ruby that ruby -c accepts (ruby comes with Debian's vagrant)", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'swarm-lab-new-vagrant-'));
    try {
      const file = path.join(dir, 'Vagrantfile.rb');
      fs.writeFileSync(file, newText(lab));
      assert.match(execFileSync('ruby', ['-c', file], { encoding: 'utf8' }), /Syntax OK/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('Vagrantfile: the host-only network prefix', () => {
  it('tells a prefix of three numbers up to 255', () => {
    assert.ok(isNetworkPrefix('172.17.8'));
    assert.ok(isNetworkPrefix('0.0.255'));
    for (const bad of ['172.17', '172.17.8.1', '172.17.256', '172.17.x', '', '172..8']) {
      assert.ok(!isNetworkPrefix(bad), bad);
    }
  });

  it('changes only the prefix characters, in the ip = line or in the network line', () => {
    const seed = fixture('seed-variant');
    const edit = updateVagrantfile(seed, { networkPrefix: '192.168.56' }, english);
    assert.ok(edit.ok && edit.changed);
    assert.equal(edit.text, seed.replace('ip = "172.17.8.#{i+100}"', 'ip = "192.168.56.#{i+100}"'));

    const unguarded = fixture('hand-edited-unguarded');
    const direct = updateVagrantfile(unguarded, { networkPrefix: '10.1.2' }, english);
    assert.ok(direct.ok);
    assert.equal(direct.text, unguarded.replace('"192.168.100.#{100 + i}"', '"10.1.2.#{100 + i}"'));
  });

  it('adds a network with the prefix asked, and refuses one it cannot rewrite', () => {
    const noNetwork = fixture('hand-edited-no-provider');
    const added = updateVagrantfile(noNetwork, { hostOnlyNetwork: true, networkPrefix: '192.168.56' }, english);
    assert.ok(added.ok);
    assert.match(added.text, /\.vm\.network :private_network, ip: "192\.168\.56\.#\{i \+ 100\}"/);

    const computed = fixture('seed-variant').replace('ip = "172.17.8.#{i+100}"', 'ip = "172.17.8.10#{i}"');
    const refused = updateVagrantfile(computed, { networkPrefix: '192.168.56' }, english);
    assert.deepEqual(refused, {
      ok: false,
      error:
        "The machines' addresses are written ip (line 31): change them by hand; the Vagrantfile was left untouched.",
    });
    // The same prefix asks for nothing, whatever the file writes.
    const same = updateVagrantfile(fixture('seed-variant'), { networkPrefix: '172.17.8' }, english);
    assert.ok(same.ok && !same.changed);
  });
});

describe('Vagrantfile: what an edit changes, in words', () => {
  const settings = (text: string) => {
    const read = readVagrantfile(text, english);
    assert.ok(read.ok);
    return read.settings;
  };

  it('says each setting changed, and nothing for what stayed', () => {
    const before = fixture('hand-edited-unguarded');
    const edit = updateVagrantfile(before, { vmMemory: 3072, dataDisk: true, networkPrefix: '10.1.2' }, english);
    assert.ok(edit.ok);
    assert.deepEqual(describeVagrantfileChanges(settings(before), settings(edit.text), english), [
      'Memory per machine: 2048 → 3072 MB.',
      'Data disk: created only if its file does not exist yet (File.exist? guard added).',
      "Machines' addresses: 192.168.100.10x → 10.1.2.10x.",
    ]);
    assert.deepEqual(describeVagrantfileChanges(settings(before), settings(before), english), []);
  });

  it("describes the swarmlab_qemu provider's disk added", () => {
    const before = fs.readFileSync(path.join(FIXTURES, 'cases', 'disk-qemu-config-level', 'Vagrantfile'), 'utf8');
    const edit = updateVagrantfile(before, { dataDisk: true }, english);
    assert.ok(edit.ok && edit.changed);
    assert.deepEqual(describeVagrantfileChanges(settings(before), settings(edit.text), english), [
      'Data disk: 10 GB per machine, /dev/vdb (data_disk_gb of the swarmlab_qemu provider).',
    ]);
  });

  it('describes a new file and a disk and network added', () => {
    const made = newText({ numInstances: 3, vmMemory: 1024, dataDisk: true, networkPrefix: '172.17.8' });
    assert.deepEqual(describeVagrantfileChanges(undefined, settings(made), english), [
      'A new Vagrantfile: 3 machines, 1024 MB of memory each.',
      'Data disk: 10 GB per machine, created on the first "vagrant up" only, attached to the IDE Controller, port 1, device 1.',
      'Host-only network: 172.17.8.101 for the first machine, 172.17.8.102 for the second…',
    ]);
  });
});

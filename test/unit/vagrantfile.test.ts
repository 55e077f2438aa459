import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { english } from '../../src/core/l10n';
import {
  readVagrantfile,
  updateVagrantfile,
  type VagrantChanges,
  type VagrantLabSettings,
} from '../../src/core/vagrant/vagrantfile';
import { ROOT } from './repoFiles';

const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'vagrant');
const fixture = (name: string): string => fs.readFileSync(path.join(FIXTURES, `${name}.Vagrantfile`), 'utf8');

function settingsOf(name: string): VagrantLabSettings {
  const read = readVagrantfile(fixture(name), english);
  assert.ok(read.ok, read.ok ? '' : read.error);
  return read.settings;
}

/** Each fixture, the change asked, and test/fixtures/vagrant/<name>.expected.Vagrantfile. */
const EDITS: ReadonlyArray<[string, VagrantChanges]> = [
  ['coreos-style', { numInstances: 5, vmMemory: 2048, dataDisk: true, hostOnlyNetwork: true }],
  ['seed-variant', { numInstances: 5, dataDisk: true, hostOnlyNetwork: true }],
  ['hand-edited-crlf-tabs', { numInstances: 5, dataDisk: true, hostOnlyNetwork: true }],
  ['hand-edited-unguarded', { vmMemory: 3072, dataDisk: true, hostOnlyNetwork: true }],
  ['hand-edited-no-provider', { dataDisk: true, hostOnlyNetwork: true }],
];

describe('Vagrantfile: reading the lab settings', () => {
  it('reads a coreos-vagrant style file', () => {
    const s = settingsOf('coreos-style');
    assert.deepEqual(s.numInstances, { kind: 'number', value: 1, line: 13 });
    assert.deepEqual(s.vmMemory, { kind: 'number', value: 1024, line: 17 });
    assert.equal(s.dataDisk, undefined);
    assert.deepEqual(s.network, { kind: 'host-only', ip: 'ip', line: 62, prefix: '172.17.8', prefixLine: 61 });
    assert.deepEqual(s.notes, [
      'This Vagrantfile loads config.rb when it exists: a value set there wins over the one here.',
    ]);
  });

  it("reads the seed's data disk: guarded, 10 GB, IDE Controller port 1 device 1", () => {
    const s = settingsOf('seed-variant');
    assert.deepEqual(s.numInstances, { kind: 'number', value: 3, line: 7 });
    assert.deepEqual(s.dataDisk, {
      file: '"ddplus0#{i}.vdi"',
      sizeMb: 10240,
      controller: 'IDE Controller',
      port: 1,
      device: 1,
      guarded: true,
      createLine: 24,
      attachLine: 26,
      oldExistsCall: false,
    });
    assert.deepEqual(s.notes, []);
  });

  it('reads hand-edited files: a memory literal, an unguarded disk, a computed count', () => {
    const unguarded = settingsOf('hand-edited-unguarded');
    assert.deepEqual(unguarded.vmMemory, { kind: 'number', value: 2048, line: 11 });
    assert.equal(unguarded.dataDisk?.guarded, false);
    assert.equal(unguarded.network?.ip, '"192.168.100.#{100 + i}"');
    assert.deepEqual(unguarded.notes, [
      'The data disk is created on every "vagrant up" (line 13), which fails once the file exists.',
    ]);
    assert.deepEqual(settingsOf('hand-edited-crlf-tabs').numInstances, { kind: 'number', value: 2, line: 1 });
    assert.deepEqual(settingsOf('refuse-computed').numInstances, {
      kind: 'computed',
      expression: '(ENV["NODES"] || 3).to_i',
      line: 1,
    });
    assert.deepEqual(settingsOf('refuse-single-machine').numInstances, { kind: 'absent' });
  });

  it('notes a guard written File.exists? and a disk attached elsewhere', () => {
    const text = fixture('seed-variant')
      .replace('unless File.exist?', 'unless File.exists?')
      .replace("'--port', 1, '--device', 1", "'--port', 0, '--device', 1");
    const read = readVagrantfile(text, english);
    assert.ok(read.ok);
    assert.equal(read.settings.dataDisk?.oldExistsCall, true);
    assert.equal(read.settings.notes.length, 2);
  });
});

describe('Vagrantfile: updating the lab settings', () => {
  for (const [name, changes] of EDITS) {
    it(`updates ${name} exactly as expected, and then has nothing left to do`, () => {
      const expected = fixture(`${name}.expected`);
      const edit = updateVagrantfile(fixture(name), changes, english);
      assert.ok(edit.ok, edit.ok ? '' : edit.error);
      assert.equal(edit.changed, true);
      assert.equal(edit.text, expected);
      const again = updateVagrantfile(expected, changes, english);
      assert.deepEqual(again.ok && { changed: again.changed, same: again.text === expected }, {
        changed: false,
        same: true,
      });
    });
  }

  it('keeps every line it does not edit byte for byte, in order', () => {
    for (const [name, changes] of EDITS) {
      const before = fixture(name).split('\n');
      const edit = updateVagrantfile(fixture(name), changes, english);
      assert.ok(edit.ok);
      const after = edit.text.split('\n');
      // The original lines are a subsequence of the result, but for the lines of the settings.
      let j = 0;
      const changed = before.filter((line) => {
        const k = after.indexOf(line, j);
        if (k < 0) {
          return true;
        }
        j = k + 1;
        return false;
      });
      assert.ok(changed.length <= 2, `${name}: ${JSON.stringify(changed)}`);
      assert.ok(
        changed.every((l) => /\$num_instances|\$vm_memory|\.memory|createhd|createmedium/.test(l)),
        `${name}: ${JSON.stringify(changed)}`,
      );
    }
  });

  it('only changes the number of a setting, keeping its spacing and comment', () => {
    const text = '$num_instances   =  2   # lab size\nVagrant.configure("2") do |config|\nend\n';
    const edit = updateVagrantfile(text, { numInstances: 4 }, english);
    assert.ok(edit.ok);
    assert.equal(edit.text, '$num_instances   =  4   # lab size\nVagrant.configure("2") do |config|\nend\n');
    const same = updateVagrantfile(text, { numInstances: 2 }, english);
    assert.deepEqual(same, { ok: true, changed: false, text, notes: [] });
  });

  it('replaces File.exists? in a guard and adds a missing attachment', () => {
    const text = fixture('seed-variant')
      .replace('unless File.exist?', 'unless File.exists?')
      .replace(/^ *vb\.customize \['storageattach'.*\n/m, '');
    const edit = updateVagrantfile(text, { dataDisk: true }, english);
    assert.ok(edit.ok);
    assert.equal(edit.text, fixture('seed-variant'));
  });

  it("writes files Ruby accepts (ruby comes with Debian's vagrant, which npm test installs)", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'swarm-lab-vagrant-'));
    try {
      for (const [name] of EDITS) {
        const file = path.join(dir, `${name}.rb`);
        fs.writeFileSync(file, fixture(`${name}.expected`));
        assert.match(execFileSync('ruby', ['-c', file], { encoding: 'utf8' }), /Syntax OK/, name);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('Vagrantfile: refusing what it cannot understand', () => {
  const refused = (name: string, changes: VagrantChanges): string => {
    const edit = updateVagrantfile(fixture(name), changes, english);
    assert.equal(edit.ok, false, `${name} was edited`);
    return edit.ok ? '' : edit.error;
  };

  it('refuses a file whose blocks do not balance, even to read it', () => {
    const message =
      'Swarm Lab cannot follow the blocks of this Vagrantfile (a do/end pair does not match); it was left untouched.';
    assert.equal(refused('refuse-unbalanced', { numInstances: 5 }), message);
    assert.deepEqual(readVagrantfile(fixture('refuse-unbalanced'), english), { ok: false, error: message });
  });

  it('refuses to change a computed setting, and the whole edit with it', () => {
    assert.equal(
      refused('refuse-computed', { numInstances: 5, vmMemory: 2048 }),
      '$num_instances is computed here ((ENV["NODES"] || 3).to_i): change it by hand; the Vagrantfile was left untouched.',
    );
    // What it can change there, it changes.
    const edit = updateVagrantfile(fixture('refuse-computed'), { vmMemory: 2048 }, english);
    assert.ok(edit.ok && edit.text.includes('$vm_memory = 2048'));
  });

  it('refuses a machine-level change without a per-machine block', () => {
    const noBlock =
      'This Vagrantfile has no per-machine block ((1..$num_instances).each do |i| … config.vm.define … do |config|); it was left untouched.';
    assert.equal(refused('refuse-single-machine', { dataDisk: true }), noBlock);
    assert.equal(refused('refuse-single-machine', { hostOnlyNetwork: true }), noBlock);
    assert.equal(
      refused('refuse-single-machine', { numInstances: 3 }),
      'This Vagrantfile has no "$num_instances = <number>" line; it was left untouched.',
    );
  });

  it('refuses what is not a Vagrantfile, values out of range, and a disk it cannot read', () => {
    assert.deepEqual(readVagrantfile('puts "hello"\n', english), {
      ok: false,
      error: 'This file does not look like a Vagrantfile (no Vagrant.configure("2") block); it was left untouched.',
    });
    assert.equal(
      refused('seed-variant', { numInstances: 0 }),
      'The number of machines must be a whole number from 1 to 9.',
    );
    assert.equal(
      refused('seed-variant', { vmMemory: 100.5 }),
      'The memory of a machine must be a whole number of MB from 256 to 65536.',
    );
    const shell = fixture('seed-variant').replace(
      "vb.customize ['storageattach', :id,",
      'system("VBoxManage storageattach") if false\n        vb.customize [\'storageattach\', :id,',
    );
    assert.match(
      (() => {
        const r = readVagrantfile(shell, english);
        return r.ok ? '' : r.error;
      })(),
      /^Line 27 of the Vagrantfile handles a disk in a way Swarm Lab cannot read; it was left untouched\.$/,
    );
    assert.equal(
      (() => {
        const r = updateVagrantfile(
          '$vm_memory = 1\n$vm_memory = 2\nVagrant.configure("2") do |c|\nend\n',
          { vmMemory: 512 },
          english,
        );
        return r.ok ? '' : r.error;
      })(),
      '$vm_memory is set on several lines (1, 2); it was left untouched.',
    );
  });
});

import * as assert from 'node:assert/strict';
import {
  humanLines,
  parseMachineReadable,
  parseVagrantStatus,
  unescapeVagrant,
} from '../../src/core/vagrant/vagrantStatus';
import { read } from './repoFiles';

/** Outputs recorded from Debian's vagrant 2.3.4 (docker provider), or written in its exact format. */
const fixture = (name: string): string => read(`test/fixtures/vagrant-output/${name}`);

const summary = (text: string): Array<[string, string, string, string]> =>
  parseVagrantStatus(text).machines.map((m) => [m.name, m.state, m.rawState, m.provider]);

describe('vagrant status --machine-readable', () => {
  it("undoes Vagrant's escapes: commas, newlines, carriage returns", () => {
    assert.equal(unescapeVagrant('a%!(VAGRANT_COMMA) b\\nc\\r'), 'a, b\nc\r');
    const [line] = parseMachineReadable('1795637274,core-01,state-human-long,one%!(VAGRANT_COMMA) two\\nthree');
    assert.deepEqual(line, {
      timestamp: 1795637274,
      target: 'core-01',
      type: 'state-human-long',
      data: ['one, two\nthree'],
    });
  });

  it('skips lines that are not machine-readable (the plain copy ssh-config prints)', () => {
    const lines = parseMachineReadable('Host core-03\n  HostName 127.0.0.1\n\n1795637338,,ui,info,hello\n');
    assert.deepEqual(
      lines.map((l) => [l.target, l.type, l.data]),
      [['', 'ui', ['info', 'hello']]],
    );
  });

  it('reads machines not created yet (docker provider, recorded)', () => {
    assert.deepEqual(summary(fixture('docker-status-not-created.txt')), [
      ['core-01', 'not_created', 'not_created', 'docker'],
      ['core-02', 'not_created', 'not_created', 'docker'],
    ]);
    const [m] = parseVagrantStatus(fixture('docker-status-not-created.txt')).machines;
    assert.equal(m.label, 'not created');
    assert.match(m.description ?? '', /^The environment has not yet been created\. Run `vagrant up` to\ncreate/);
    assert.match(m.description ?? '', /If a machine is not created, only the/);
  });

  it('reads running, stopped and not created machines side by side (docker provider, recorded)', () => {
    assert.deepEqual(summary(fixture('docker-status-mixed.txt')), [
      ['core-01', 'stopped', 'stopped', 'docker'],
      ['core-02', 'not_created', 'not_created', 'docker'],
      ['core-03', 'running', 'running', 'docker'],
    ]);
    assert.deepEqual(summary(fixture('docker-status-running.txt')).slice(0, 1), [
      ['core-01', 'running', 'running', 'docker'],
    ]);
    assert.deepEqual(summary(fixture('docker-status-single.txt')), [['core-01', 'running', 'running', 'docker']]);
  });

  it('reads five machines running, powered off, saved and aborted (VirtualBox output replayed: VirtualBox cannot run here)', () => {
    const { machines, error } = parseVagrantStatus(fixture('virtualbox-status-5.txt'));
    assert.equal(error, undefined);
    assert.deepEqual(
      machines.map((m) => [m.name, m.state, m.label, m.provider]),
      [
        ['core-01', 'running', 'running', 'virtualbox'],
        ['core-02', 'running', 'running', 'virtualbox'],
        ['core-03', 'poweroff', 'poweroff', 'virtualbox'],
        ['core-04', 'saved', 'saved', 'virtualbox'],
        ['core-05', 'aborted', 'aborted', 'virtualbox'],
      ],
    );
    assert.equal(machines[2].description, 'The VM is powered off. To restart the VM, simply run `vagrant up`');
    assert.match(machines[0].description ?? '', /To stop this VM, you can run `vagrant halt` to\nshut it down/);
  });

  it('reads five machines not created (VirtualBox output replayed: VirtualBox cannot run here)', () => {
    const { machines } = parseVagrantStatus(fixture('virtualbox-status-not-created.txt'));
    assert.deepEqual(
      machines.map((m) => m.name),
      ['core-01', 'core-02', 'core-03', 'core-04', 'core-05'],
    );
    assert.ok(machines.every((m) => m.state === 'not_created' && m.label === 'not created'));
  });

  it("keeps a provider's rarer state raw (VirtualBox output replayed: VirtualBox cannot run here)", () => {
    const [m] = parseVagrantStatus(fixture('virtualbox-status-single-gurumeditation.txt')).machines;
    assert.deepEqual([m.name, m.state, m.rawState, m.label], ['default', 'other', 'gurumeditation', 'gurumeditation']);
  });

  it("reports Vagrant's error-exit with its class (recorded)", () => {
    const noEnv = parseVagrantStatus(fixture('error-no-vagrantfile.txt'));
    assert.deepEqual(noEnv.machines, []);
    assert.equal(noEnv.error?.errorClass, 'Vagrant::Errors::NoEnvironmentError');
    assert.match(noEnv.error?.message ?? '', /^A Vagrant environment or target machine is required/);
    assert.equal(
      parseVagrantStatus(fixture('error-machine-not-found.txt')).error?.errorClass,
      'Vagrant::Errors::MachineNotFound',
    );
    const provider = parseVagrantStatus(fixture('error-provider-not-usable.txt')).error;
    assert.equal(provider?.errorClass, 'Vagrant::Errors::ProviderNotUsable');
    assert.match(provider?.message ?? '', /Command: \["docker", "version", /);
  });

  it("turns an action's ui lines into the lines a user reads (recorded `vagrant up`)", () => {
    const out = parseMachineReadable(fixture('docker-up.txt')).flatMap(humanLines);
    assert.deepEqual(out.slice(0, 3), [
      "Bringing machine 'core-03' up with 'docker' provider...",
      '==> core-03: Creating and configuring docker networks...',
      '==> core-03: Creating the container...',
    ]);
    assert.ok(out.includes('    core-03: Container created: b542223e0b9c9ec9'));
    assert.equal(out.at(-1), '==> core-03: Starting container...');
  });
});

import * as assert from 'node:assert/strict';
import { describeMachine } from '../../src/core/machines/machine';
import { parseMachineReadableSshConfig } from '../../src/core/vagrant/sshConfig';
import {
  classifyVagrantFailure,
  describeVagrantFailure,
  VagrantFailureFacts,
} from '../../src/core/vagrant/vagrantErrors';
import {
  availableActions,
  initialMachineState,
  toMachineDefinition,
  vagrantContextValue,
  VagrantMachine,
} from '../../src/core/vagrant/vagrantMachines';
import { parseVagrantStatus } from '../../src/core/vagrant/vagrantStatus';
import { read } from './repoFiles';

const fixture = (name: string): string => read(`test/fixtures/vagrant-output/${name}`);
const DIR = '/home/alice/swarm lab';

/** status + ssh-config joined the way VagrantCli.machines() joins them. */
function virtualBoxLab(): VagrantMachine[] {
  const ssh = parseMachineReadableSshConfig(fixture('virtualbox-ssh-config-machine-readable.txt'));
  return parseVagrantStatus(fixture('virtualbox-status-5.txt')).machines.map((m) => {
    const config = ssh.get(m.name);
    return config ? { ...m, ssh: config } : m;
  });
}

describe('Vagrant machines as machines of the views', () => {
  it('maps a running machine to its SSH endpoint and keys (VirtualBox output replayed: VirtualBox cannot run here)', () => {
    const def = toMachineDefinition(DIR, virtualBoxLab()[1]);
    assert.deepEqual(def, {
      id: 'vagrant:/home/alice/swarm lab/core-02',
      name: 'core-02',
      source: 'vagrant',
      host: '127.0.0.1',
      port: 2200,
      user: 'vagrant',
      identityFile: '/home/alice/swarm lab/.vagrant/machines/core-02/virtualbox/private_key',
      vagrant: {
        dir: DIR,
        machine: 'core-02',
        provider: 'virtualbox',
        state: 'running',
        label: 'running',
        identityFiles: ['/home/alice/swarm lab/.vagrant/machines/core-02/virtualbox/private_key'],
        checksHostKey: false,
      },
    });
    assert.deepEqual(initialMachineState(def), { kind: 'connecting' });
  });

  it("lists machines that do not run, in Vagrant's words (VirtualBox output replayed: VirtualBox cannot run here)", () => {
    const defs = virtualBoxLab().map((m) => toMachineDefinition(DIR, m));
    assert.deepEqual(
      defs.map((d) => describeMachine({ ...d, state: initialMachineState(d) })),
      ['127.0.0.1 · connecting', '127.0.0.1 · connecting', 'poweroff', 'saved', 'aborted'],
    );
    const off = defs[2];
    assert.deepEqual([off.host, off.port, off.user, off.identityFile], ['', 0, '', '']);
    assert.deepEqual(initialMachineState(off), { kind: 'stopped' });
  });

  it('says why a running machine has no SSH address (docker provider without SSH, recorded)', () => {
    const [m] = parseVagrantStatus(fixture('docker-status-running.txt')).machines;
    const def = toMachineDefinition('/lab', { ...m, sshError: 'core-01 gives no SSH address yet' });
    assert.equal(def.id, 'vagrant:/lab/core-01');
    assert.deepEqual(initialMachineState(def), { kind: 'unreachable', reason: 'core-01 gives no SSH address yet' });
  });

  it('gives menus the Vagrant state and keeps the running match of the terminal menu', () => {
    const defs = virtualBoxLab().map((m) => toMachineDefinition(DIR, m));
    const values = defs.map((d) => vagrantContextValue({ ...d, state: initialMachineState(d) }));
    assert.deepEqual(values, [
      'machine.vagrant.running.connecting',
      'machine.vagrant.running.connecting',
      'machine.vagrant.poweroff.stopped',
      'machine.vagrant.saved.stopped',
      'machine.vagrant.aborted.stopped',
    ]);
    const probed = vagrantContextValue({
      ...defs[0],
      state: { kind: 'running', engineVersion: '24.0.7', swarmRole: 'manager' },
    });
    assert.match(probed, /^machine\..*\.running$/);
  });

  it('offers the actions that fit each state', () => {
    assert.deepEqual(availableActions('running'), ['halt', 'reload', 'provision', 'destroy']);
    assert.deepEqual(availableActions('not_created'), ['up']);
    assert.deepEqual(availableActions('poweroff'), ['up', 'destroy']);
    assert.deepEqual(availableActions('other'), ['up', 'destroy']);
  });
});

describe('Vagrant failures', () => {
  const facts = (f: Partial<VagrantFailureFacts>): VagrantFailureFacts => ({ command: 'status', dir: '/lab', ...f });
  const exitOf = (name: string): VagrantFailureFacts['exit'] => parseVagrantStatus(fixture(name)).error;

  it('tells a missing vagrant from everything else', () => {
    const f = facts({ spawnCode: 'ENOENT' });
    assert.equal(classifyVagrantFailure(f), 'not-installed');
    assert.equal(
      describeVagrantFailure('not-installed', f),
      'Vagrant is not installed: there is no `vagrant` command on the PATH.',
    );
  });

  it('names each recorded failure in one line', () => {
    const cases: Array<[VagrantFailureFacts, string, string]> = [
      [
        facts({ exit: exitOf('error-no-vagrantfile.txt'), exitCode: 1 }),
        'no-vagrantfile',
        '/lab is not a Vagrant folder: it has no Vagrantfile.',
      ],
      [
        facts({ exit: exitOf('error-machine-not-found.txt'), exitCode: 1 }),
        'machine-not-found',
        'The Vagrantfile in /lab defines no machine core-09.',
      ],
      [
        facts({ exit: exitOf('error-provider-not-usable.txt'), exitCode: 1 }),
        'provider-not-usable',
        'The Vagrant provider cannot be used on this system: Cannot connect to the Docker daemon at unix:///tmp/nothing.sock. Is the docker daemon running?',
      ],
      [
        facts({ command: 'ssh-config', machine: 'core-01', exit: exitOf('docker-ssh-config-not-ready.txt') }),
        'ssh-not-ready',
        'core-01 gives no SSH address yet: it is not running, or its provider has none for it.',
      ],
      [
        facts({ stderr: fixture('error-vagrantfile-syntax.stderr.txt'), exitCode: 1 }),
        'vagrantfile-error',
        'The Vagrantfile in /lab has an error; see the output for details.',
      ],
      [
        facts({ exit: { errorClass: 'Vagrant::Errors::MachineLocked', message: 'locked' } }),
        'locked',
        'Vagrant is already running an action in /lab; try again when it is done.',
      ],
      [facts({ timedOutAfterMs: 120_000 }), 'timeout', '`vagrant status` in /lab did not finish within 120 s.'],
      [facts({ command: 'up', exitCode: 3 }), 'failed', '`vagrant up` failed in /lab (exit code 3).'],
    ];
    for (const [f, kind, message] of cases) {
      assert.equal(classifyVagrantFailure(f), kind, message);
      assert.equal(describeVagrantFailure(kind as never, f), message);
    }
  });
});

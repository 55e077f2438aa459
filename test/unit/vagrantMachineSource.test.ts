import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { VagrantError, VagrantRunOptions } from '../../src/clients/vagrant/vagrantCli';
import { VagrantCommands, VagrantMachineSource, VagrantSnapshot } from '../../src/clients/vagrant/vagrantMachineSource';
import { VagrantAction, VagrantMachine } from '../../src/core/vagrant/vagrantMachines';
import { parseVagrantStatus } from '../../src/core/vagrant/vagrantStatus';
import { read } from './repoFiles';

const statusOf = (name: string): VagrantMachine[] =>
  parseVagrantStatus(read(`test/fixtures/vagrant-output/${name}`)).machines;

/** Vagrant as the source sees it: each machines() call waits until the test answers it. */
class FakeVagrant implements VagrantCommands {
  readonly pending: Array<{ resolve(m: VagrantMachine[]): void; reject(e: Error): void; signal?: AbortSignal }> = [];
  readonly actions: Array<[VagrantAction, readonly string[]]> = [];
  machinesCalls = 0;

  machines(opts: VagrantRunOptions = {}): Promise<VagrantMachine[]> {
    this.machinesCalls++;
    return new Promise((resolve, reject) => this.pending.push({ resolve, reject, signal: opts.signal }));
  }

  action(action: VagrantAction, machines: readonly string[]): Promise<void> {
    this.actions.push([action, machines]);
    return Promise.resolve();
  }

  /** Answers the oldest waiting call. */
  async answer(machines: VagrantMachine[] | Error): Promise<void> {
    const call = this.pending.shift();
    assert.ok(call, 'no vagrant run is waiting');
    if (machines instanceof Error) {
      call.reject(machines);
    } else {
      call.resolve(machines);
    }
    await new Promise((r) => setImmediate(r));
  }
}

describe('VagrantMachineSource', () => {
  let fake: FakeVagrant;
  let source: VagrantMachineSource;

  beforeEach(() => {
    fake = new FakeVagrant();
    source = new VagrantMachineSource('/lab', fake);
  });

  afterEach(() => source.dispose());

  it('shares one vagrant run between refreshes asked at once', async () => {
    const a = source.refresh();
    const b = source.refresh();
    assert.equal(fake.machinesCalls, 1);
    await fake.answer(statusOf('docker-status-mixed.txt'));
    const [sa, sb] = await Promise.all([a, b]);
    assert.equal(sa, sb);
    assert.deepEqual(
      sa.definitions.map((d) => [d.id, d.vagrant?.state]),
      [
        ['vagrant:/lab/core-01', 'stopped'],
        ['vagrant:/lab/core-02', 'not_created'],
        ['vagrant:/lab/core-03', 'running'],
      ],
    );
    assert.equal(source.current, sa);
  });

  it('runs once more when .vagrant changed during a run, however many times it changed', async () => {
    const first = source.refresh();
    source.changed();
    source.changed();
    source.changed();
    assert.equal(fake.machinesCalls, 1);
    await fake.answer(statusOf('docker-status-not-created.txt'));
    await first;
    assert.equal(fake.machinesCalls, 2, 'one follow-up run');
    await fake.answer(statusOf('docker-status-running.txt'));
    assert.equal(source.current?.machines[0].state, 'running');
    assert.equal(fake.pending.length, 0);
    assert.equal(fake.machinesCalls, 2);
  });

  it('starts a run on a change when none is going', async () => {
    source.changed();
    assert.equal(fake.machinesCalls, 1);
    await fake.answer([]);
  });

  it('tells listeners only when the answer changed', async () => {
    const seen: VagrantSnapshot[] = [];
    source.onDidChange((s) => seen.push(s));
    for (const fixture of ['docker-status-mixed.txt', 'docker-status-mixed.txt', 'docker-status-running.txt']) {
      const done = source.refresh();
      await fake.answer(statusOf(fixture));
      await done;
    }
    assert.equal(seen.length, 2);
    assert.deepEqual(
      seen[1].machines.map((m) => m.state),
      ['running', 'not_created'],
    );
  });

  it('keeps the last machines through a timeout, drops them when the folder fails', async () => {
    let done = source.refresh();
    await fake.answer(statusOf('docker-status-mixed.txt'));
    await done;
    done = source.refresh();
    await fake.answer(new VagrantError('slow', 'timeout', ''));
    assert.equal((await done).machines.length, 3);
    assert.equal((await done).error?.kind, 'timeout');
    done = source.refresh();
    await fake.answer(new VagrantError('no Vagrantfile', 'no-vagrantfile', ''));
    assert.deepEqual((await done).machines, []);
    assert.equal((await done).error?.message, 'no Vagrantfile');
  });

  it("waits for a look in progress before an action (Vagrant's machine lock), then looks again", async () => {
    const going = source.refresh();
    const action = source.run('halt', ['core-03']);
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(fake.actions, [], 'no action while vagrant reads the machines');
    await fake.answer(statusOf('docker-status-running.txt'));
    await going;
    for (let i = 0; i < 5 && fake.machinesCalls < 2; i++) {
      await new Promise((r) => setImmediate(r));
    }
    assert.deepEqual(fake.actions, [['halt', ['core-03']]]);
    assert.equal(fake.machinesCalls, 2, 'a look after the action');
    await fake.answer(statusOf('docker-status-mixed.txt'));
    await action;
    assert.equal(source.current?.machines[0].state, 'stopped');
  });

  it('stops its run when disposed', async () => {
    void source.refresh();
    source.dispose();
    assert.equal(fake.pending[0].signal?.aborted, true);
    await fake.answer([]);
  });

  it('knows a Vagrant folder by its Vagrantfile', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'swarm-lab-vagrantfile-'));
    try {
      assert.equal(VagrantMachineSource.hasVagrantfile(dir), false);
      fs.writeFileSync(path.join(dir, 'Vagrantfile'), '');
      assert.equal(VagrantMachineSource.hasVagrantfile(dir), true);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('VagrantMachineSource before the first vagrant up', () => {
  const CASE = path.join('test', 'fixtures', 'vagrant', 'cases', 'disk-coreos-config');
  let dir: string;
  let fake: FakeVagrant;
  let source: VagrantMachineSource;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'swarm-lab-planned-'));
    fs.writeFileSync(path.join(dir, 'Vagrantfile'), read(`${CASE}/Vagrantfile`));
    fs.writeFileSync(path.join(dir, 'config.rb'), read(`${CASE}/config.rb`));
    fake = new FakeVagrant();
    source = new VagrantMachineSource(dir, fake);
  });

  afterEach(() => {
    source.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("lists the coreos-vagrant folder's machines (count from config.rb) as not created, without running vagrant", async () => {
    const snapshot = await source.refresh();
    assert.equal(fake.machinesCalls, 0);
    assert.deepEqual(
      snapshot.definitions.map((d) => [d.name, d.vagrant?.state, d.vagrant?.provider, d.vagrant?.label]),
      [
        ['core-01', 'not_created', 'virtualbox', 'not created'],
        ['core-02', 'not_created', 'virtualbox', 'not created'],
        ['core-03', 'not_created', 'virtualbox', 'not created'],
      ],
    );
    assert.equal(snapshot.error, undefined);
  });

  it('asks vagrant once a machine was created, and when the Vagrantfile alone cannot tell', async () => {
    fs.mkdirSync(path.join(dir, '.vagrant', 'machines', 'core-01', 'virtualbox'), { recursive: true });
    fs.writeFileSync(path.join(dir, '.vagrant', 'machines', 'core-01', 'virtualbox', 'id'), 'a1b2');
    const look = source.refresh();
    assert.equal(fake.machinesCalls, 1);
    await fake.answer(statusOf('virtualbox-status-5.txt'));
    assert.equal((await look).machines.length, 5);

    fs.rmSync(path.join(dir, '.vagrant'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'config.rb'), "$num_instances = (ENV['NODES'] || 3).to_i\n");
    const other = new VagrantMachineSource(dir, fake);
    const again = other.refresh();
    assert.equal(fake.machinesCalls, 2, 'a count computed from the environment: only Vagrant can say');
    await fake.answer(statusOf('virtualbox-status-not-created.txt'));
    await again;
    other.dispose();
  });
});

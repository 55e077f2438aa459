import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { run } from '../../src/localLab/run';
import { ensureBox } from '../../src/vm/box';
import { sshRun } from '../../src/vm/guestSsh';
import { isRunning, readVm } from '../../src/vm/qemu';
import { findVagrantKeyPair, privateKeyCopy } from '../../src/vm/vagrantKey';
import { CACHE_DIR, REPO_ROOT } from '../harness/paths';

/**
 * The swarmlab_qemu Vagrant provider for real: the box added to a Vagrant
 * home of the test's own (offline), then test/fixtures/vm-lab's three VMs
 * (coreos-vagrant's layout) brought up, reached, halted and destroyed with
 * the vagrant command itself. Under TCG on a small machine, minutes.
 * Run: npx tsc -p tsconfig.test.json && node out/test/harness/runTier.js vm
 */
const IMAGE_CACHE = process.env['SWARM_LAB_IMAGE_CACHE'] || path.join(CACHE_DIR, 'lab-images');
const FIXTURE = path.join(REPO_ROOT, 'test', 'fixtures', 'vm-lab');
const PLUGIN = path.join(REPO_ROOT, 'vagrant', 'swarmlab_qemu', 'plugin.rb');
const MACHINES = ['core-01', 'core-02', 'core-03'];
const PRIVATE_IPS = ['172.17.8.101', '172.17.8.102', '172.17.8.103'];
/** The whole suite's bound: three emulated VMs on two cores boot in 3-4 minutes (more when other work shares the cores). */
const SUITE_MS = 8 * 60_000;
const UP_MS = 360_000;

describe('Vagrant provider swarmlab_qemu: vagrant up of three VMs', function () {
  this.timeout(SUITE_MS);
  const log = (line: string): void => console.log(`      ${line}`);
  let project = '';
  let key = '';
  let env: NodeJS.ProcessEnv = {};
  const sshPorts = new Map<string, number>();
  const qemuPids: number[] = [];

  /** `vagrant …` in the project, bounded: the process group is killed at the deadline. */
  const vagrant = (args: string[], withinMs: number): Promise<string> =>
    run('vagrant', [...args, '--no-color'], { env, signal: AbortSignal.timeout(withinMs) });

  const states = async (): Promise<Map<string, string>> => {
    const out = await vagrant(['status', '--machine-readable'], 60_000);
    const found = new Map<string, string>();
    for (const line of out.split('\n')) {
      const [, target, type, data] = line.split(',');
      if (type === 'state') {
        found.set(target, data);
      }
    }
    return found;
  };

  const machineDir = (name: string): string => path.join(project, '.vagrant', 'machines', name, 'swarmlab_qemu');

  before(async function () {
    const { files } = await ensureBox({ cacheDir: IMAGE_CACHE, log });
    // Under the cache, short: the QMP socket's path (…/.vagrant/machines/core-01/swarmlab_qemu/qmp.sock) must fit 107 bytes.
    project = fs.mkdtempSync(path.join(IMAGE_CACHE, 'vu-'));
    const home = path.join(project, 'vagrant-home');
    fs.mkdirSync(home);
    for (const file of ['Vagrantfile', 'config.rb']) {
      fs.copyFileSync(path.join(FIXTURE, file), path.join(project, file));
    }
    fs.writeFileSync(path.join(project, '.vagrantplugins'), `require ${JSON.stringify(PLUGIN)}\n`);
    key = privateKeyCopy(await findVagrantKeyPair(), project);
    env = {
      ...process.env,
      VAGRANT_HOME: home,
      VAGRANT_CWD: project,
      VAGRANT_CHECKPOINT_DISABLE: '1',
      VAGRANT_DEFAULT_PROVIDER: 'swarmlab_qemu',
      SWARM_LAB_IMAGE_CACHE: IMAGE_CACHE,
      SWARM_LAB_NODE: process.execPath,
    };
    await vagrant(['box', 'add', '--name', 'swarm-lab/debian-vm', files.boxFile], 120_000);
  });

  after(async function () {
    if (!project) {
      return;
    }
    // Whatever failed above, no VM outlives the test: Vagrant first, then the recorded pids.
    await vagrant(['destroy', '-f'], 90_000).catch((error: unknown) => log(`destroy in cleanup: ${String(error)}`));
    for (const name of MACHINES) {
      const vm = readVm(machineDir(name));
      if (vm && isRunning(vm)) {
        process.kill(vm.pid, 'SIGKILL');
      }
    }
    fs.rmSync(project, { recursive: true, force: true });
  });

  it('brings three VMs up (in parallel) and shows them running', async () => {
    const started = Date.now();
    try {
      await vagrant(['up', '--provider', 'swarmlab_qemu'], UP_MS);
    } finally {
      log(`vagrant up of ${MACHINES.length} VMs: ${((Date.now() - started) / 1000).toFixed(1)} s`);
    }
    const now = await states();
    for (const name of MACHINES) {
      assert.equal(now.get(name), 'running', name);
      const vm = readVm(machineDir(name));
      assert.ok(vm && isRunning(vm), `${name}: no QEMU process`);
      qemuPids.push(vm.pid);
    }
  });

  it('gives ssh-config a port on 127.0.0.1 per VM, where the vagrant user can sudo', async () => {
    const config = await vagrant(['ssh-config'], 60_000);
    for (const block of config.split(/^Host /m).filter((b) => b.trim())) {
      const name = block.split('\n')[0].trim();
      assert.match(block, /^\s+HostName 127\.0\.0\.1$/m, name);
      assert.match(block, /^\s+User vagrant$/m, name);
      sshPorts.set(name, Number(/^\s+Port (\d+)$/m.exec(block)?.[1]));
    }
    assert.deepEqual([...sshPorts.keys()].sort(), MACHINES);
    for (const name of MACHINES) {
      assert.equal((await sshRun(sshPorts.get(name)!, key, 'sudo -n true && hostname')).trim(), name);
    }
  });

  it('puts every VM on the private network, where it reaches the others', async () => {
    for (const [i, name] of MACHINES.entries()) {
      const port = sshPorts.get(name)!;
      assert.match(await sshRun(port, key, 'ip -4 -o addr show'), new RegExp(`inet ${PRIVATE_IPS[i]}/24 `), name);
      const others = PRIVATE_IPS.filter((_, j) => j !== i);
      // No ping in the box: a TCP connection to the others' sshd, bounded.
      const probe = others.map((ip) => `timeout 5 bash -c '</dev/tcp/${ip}/22' && echo ${ip}`).join('; ');
      assert.deepEqual((await sshRun(port, key, probe)).trim().split('\n'), others, `${name} reaches the others`);
    }
  });

  it('gives every VM its data disk as /dev/vdb', async () => {
    for (const name of MACHINES) {
      // 10 GiB, as config.rb says.
      const size = await sshRun(sshPorts.get(name)!, key, 'test -b /dev/vdb && cat /sys/block/vdb/size');
      assert.equal(size.trim(), String((10 * 1024 ** 3) / 512), name);
    }
  });

  it('halts them to poweroff, then destroys them, leaving no QEMU process', async () => {
    let started = Date.now();
    await vagrant(['halt'], 150_000);
    log(`vagrant halt: ${((Date.now() - started) / 1000).toFixed(1)} s`);
    assert.deepEqual(
      [...(await states()).values()],
      MACHINES.map(() => 'poweroff'),
    );
    assert.deepEqual(
      qemuPids.filter((pid) => isRunning({ pid })),
      [],
    );
    started = Date.now();
    await vagrant(['destroy', '-f'], 90_000);
    log(`vagrant destroy: ${((Date.now() - started) / 1000).toFixed(1)} s`);
    assert.deepEqual(
      [...(await states()).values()],
      MACHINES.map(() => 'not_created'),
    );
    for (const name of MACHINES) {
      assert.ok(!fs.existsSync(path.join(machineDir(name), 'vm.qcow2')), `${name}: its disk is left`);
    }
    const left = await run('pgrep', ['-f', `qemu-system.*${project}`]).catch(() => '');
    assert.equal(left.trim(), '', 'a QEMU process of this project is left');
  });
});

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { VagrantMachineSource } from '../../src/clients/vagrant/vagrantMachineSource';
import { loadLab, type LabSection } from '../../src/core/lab/labContent';
import { nodeLabFiles } from '../../src/core/lab/nodeLabFiles';
import { english } from '../../src/core/l10n';
import { offlineImages } from '../../src/core/labSteps/labImages';
import type { MachineDefinition } from '../../src/core/machines/machine';
import { isRunning, preferredSshPort, readVm } from '../../src/vm/qemu';
import { findVagrantKeyPair } from '../../src/vm/vagrantKey';
import type { VmLab } from '../../src/vm/vmLab';
import { loadVmImages, vmMachines } from '../../src/vm/vmMachines';
import { runSectionToGreen, sectionIds } from '../harness/labSections';
import { waitFor } from '../harness/waitFor';
import { LAB_IMAGES, stepFailures, type LocalLabRunner } from '../harness/localLab';
import { REPO_ROOT, RESULTS_DIR } from '../harness/paths';
import { runVsCodeSuite } from '../harness/vscodeSuiteRunner';
import { newVmLab, recordingHostKeys, VM_IMAGE_CACHE, VM_NAMES, vmLabRunner, vmSsh } from '../harness/vmLab';
import { vmFaults } from './vmFaults';

/**
 * The lab on real VMs, the course's way: `vagrant up` of three Debian VMs
 * (vagrant/lab, coreos-vagrant's layout, the swarmlab_qemu provider), the
 * machines read by the extension's own Vagrant source, then every lab
 * section the VMs can run, in order, through the lab runner on the VM path
 * (sudo, systemd, the data disk, the routing mesh), each until its checks
 * pass; then the faults (vmFaults.ts), then halt and destroy. Under TCG on
 * 2 cores this is the slowest tier: minutes per phase.
 * Run: npx tsc -p tsconfig.test.json && node out/test/harness/runTier.js vm
 */
const LAB_ROOT = path.join(REPO_ROOT, 'labs', 'tp1');
const PRIVATE_IPS = ['172.17.8.101', '172.17.8.102', '172.17.8.103'];
const UP_MS = 600_000;
const STEPS_LOG = path.join(RESULTS_DIR, 'vm-lab-steps.log');

describe('VM lab: three Debian VMs under Vagrant, and the lab run on them', function () {
  // Each phase sets its own bound; the suite as a whole is bounded by the tier's.
  this.timeout(UP_MS);
  const log = (line: string): void => console.log(`      ${line}`);
  let lab: VmLab;
  let machines: MachineDefinition[] = [];
  let labRunner: LocalLabRunner | undefined;
  let knownHosts = '';
  let hostKeys: ReturnType<typeof recordingHostKeys>;
  let sections: readonly LabSection[] = [];

  const ssh = (name: string, command: string): Promise<string> => vmSsh(() => machines, knownHosts)(name, command);

  before(async function () {
    lab = newVmLab('vl', log);
    knownHosts = path.join(lab.projectDir, 'test_known_hosts');
    hostKeys = recordingHostKeys(knownHosts);
    const started = Date.now();
    try {
      await lab.up({ vms: VM_NAMES.length, upWithinMs: UP_MS });
    } finally {
      log(`vm.up_3_s ${((Date.now() - started) / 1000).toFixed(1)} (box found or built, vagrant up of 3 VMs)`);
    }
    ({ sections } = await loadLab({ root: LAB_ROOT, language: 'en', files: nodeLabFiles, l10n: english }));
  });

  after(async function () {
    this.timeout(300_000);
    labRunner?.close();
    const dirs = lab ? lab.machineDirs() : [];
    await lab?.down();
    // Nothing left behind: no QEMU of the project, no project folder.
    const left = dirs.map((d) => readVm(d)).filter((vm) => vm && isRunning(vm));
    assert.deepEqual(left, [], 'a QEMU process outlived vagrant destroy');
    assert.ok(!lab || !fs.existsSync(lab.projectDir), `${lab?.projectDir} is left`);
  });

  it('shows the three VMs running in the extension’s Vagrant source, one QEMU each, from plain vagrant status', async () => {
    // The source the Machines view reads, with the extension's environment: no VAGRANT_HOME, no provider variable.
    const source = new VagrantMachineSource(lab.projectDir);
    const snapshot = await source.refresh();
    source.dispose();
    assert.equal(snapshot.error, undefined, snapshot.error?.message);
    assert.deepEqual(
      snapshot.definitions.map((d) => [d.name, d.vagrant?.state, d.vagrant?.provider, d.host]),
      VM_NAMES.map((n) => [n, 'running', 'swarmlab_qemu', '127.0.0.1']),
    );
    machines = await vmMachines(lab);
    for (const m of machines) {
      const vm = readVm(lab.machineDir(m.name));
      assert.ok(vm && isRunning(vm), `${m.name}: no QEMU process`);
      // The SSH port is the machine folder's own, so that known_hosts can tell a rebuilt VM from a restarted one.
      assert.equal(m.port, preferredSshPort(lab.machineDir(m.name)), m.name);
    }
  });

  it('pins each VM’s host key on the first connection, asking once per VM', async () => {
    // The steps' log, as the output channel shows it: a file beside the tier's results.
    fs.mkdirSync(RESULTS_DIR, { recursive: true });
    fs.writeFileSync(STEPS_LOG, '');
    const stepLog = (line: string): void => fs.appendFileSync(STEPS_LOG, `${line}\n`);
    labRunner = vmLabRunner(() => machines, hostKeys.policy, path.join(lab.projectDir, 'backups'), stepLog);
    const { unavailable } = await labRunner.runner.availability(['docker.config']);
    assert.deepEqual(unavailable, {});
    // The runner's first run connects to every VM (a dry run: it changes nothing).
    const dry = await labRunner.runner.runStepById('docker.config', { dryRun: true });
    assert.ok(dry.ok, stepFailures(dry.reports).join('\n'));
    assert.deepEqual(
      hostKeys.asked.map((q) => `${q.host}:${q.port}`).sort(),
      machines.map((m) => `127.0.0.1:${m.port}`).sort(),
    );
    const lines = fs.readFileSync(knownHosts, 'utf8').trim().split('\n');
    assert.equal(lines.length, VM_NAMES.length, lines.join('\n'));
    // ssh itself, strict, accepts those lines: they are the VMs' real keys.
    for (const name of VM_NAMES) {
      assert.equal((await ssh(name, 'hostname')).trim(), name);
    }
  });

  it('has Vagrant’s insecure key replaced by a key of each VM’s own on its first boot', async () => {
    const insecure = await findVagrantKeyPair();
    for (const m of machines) {
      // Vagrant's insert_key: the machine's own key, in its data folder, is what ssh-config gives.
      assert.equal(m.identityFile, path.join(lab.machineDir(m.name), 'private_key'), m.name);
      // The insecure key no longer logs in (the host key is pinned: the refusal is the user key's).
      await assert.rejects(
        vmSsh(() => machines, knownHosts, insecure.privateKey)(m.name, 'true'),
        /Permission denied \(publickey/,
        `${m.name} still accepts Vagrant's insecure key`,
      );
    }
  });

  it('shows them in a real VS Code’s Machines view: running, reached, with their engines', async function () {
    this.timeout(600_000);
    // The extension's own connections read the known_hosts pinned above: no question, no other key accepted.
    const result = await runVsCodeSuite({
      suiteDir: path.join(REPO_ROOT, 'out', 'test', 'vscode', 'vmlab'),
      tier: 'vm-vscode',
      env: { SWARM_LAB_TEST_VM_PROJECT: lab.projectDir, SWARM_LAB_TEST_KNOWN_HOSTS: knownHosts },
    });
    assert.deepEqual([result.passed, result.failed], [1, 0]);
  });

  it('gives each VM the private network on eth1 and a 10 GiB data disk', async () => {
    for (const [i, name] of VM_NAMES.entries()) {
      assert.match(await ssh(name, 'ip -4 -o addr show eth1'), new RegExp(`inet ${PRIVATE_IPS[i]}/24 `), name);
      const size = await ssh(name, 'test -b /dev/vdb && cat /sys/block/vdb/size');
      assert.equal(size.trim(), String((10 * 1024 ** 3) / 512), name);
    }
  });

  it('boots every VM with the lab’s images (the images disk), as the loader sees over SSH', async function () {
    this.timeout(300_000);
    const started = Date.now();
    const outcomes = await loadVmImages(lab, { samplesDir: LAB_IMAGES.samplesDir, cacheDir: VM_IMAGE_CACHE, log });
    log(`images checked on 3 VMs: ${((Date.now() - started) / 1000).toFixed(1)} s`);
    assert.deepEqual(
      [...outcomes],
      VM_NAMES.map((n) => [n, 'present']),
    );
    for (const name of VM_NAMES) {
      assert.match(await ssh(name, 'awk \'$2 == "/var/lib/docker" { print $3 }\' /proc/mounts'), /^ext4$/m, name);
    }
  });

  describe('every section the VMs can run, in order, until its checks pass', function () {
    for (const id of sectionIds()) {
      it(`section ${id}`, async function () {
        this.timeout(1_200_000);
        const section = sections.find((s) => s.id === id);
        assert.ok(section, `no section ${id} in the English lab`);
        const outcome = await runSectionToGreen(labRunner!.runner, section, {
          checksPassMs: 300_000,
          logFile: STEPS_LOG,
        });
        if (outcome.skipped !== undefined) {
          log(`skipped: no step runs on these VMs: ${outcome.skipped}`);
          return;
        }
        log(
          `${outcome.seconds.toFixed(1)} s (${outcome.steps.join(', ')}; checks ${outcome.checks.join(', ')})` +
            (outcome.leftOut ? `; left out: ${outcome.leftOut}` : ''),
        );
      });
    }
  });

  describe('the routing mesh', function () {
    it('routes a published port through the mesh: it answers on VMs that run no task of the service', async function () {
      this.timeout(600_000);
      // One task, on core-02; a second service publishes in host mode, the local lab's workaround, as the control.
      const image = offlineImages()['registry'];
      const create = (name: string, port: string): Promise<string> =>
        ssh(
          'core-01',
          `docker service create --detach --name ${name} --replicas 1 --constraint node.hostname==core-02 --publish ${port} ${image}`,
        );
      await create('mesh-probe', 'published=18080,target=5000');
      await create('host-probe', 'published=18081,target=5000,mode=host');
      try {
        for (const service of ['mesh-probe', 'host-probe']) {
          await waitFor(
            `${service} running on core-02`,
            async () =>
              (
                await ssh(
                  'core-01',
                  `docker service ps ${service} --filter desired-state=running --format '{{.CurrentState}}'`,
                )
              ).startsWith('Running'),
            300_000,
            2_000,
          );
        }
        for (const name of ['core-01', 'core-03']) {
          const tasks = await ssh(name, 'docker ps -q --filter label=com.docker.swarm.service.name=mesh-probe');
          assert.equal(tasks.trim(), '', `${name} runs a task of mesh-probe`);
          // The registry stand-in answers /v2/ with {}: through the mesh, from a VM without its task.
          assert.equal((await ssh(name, 'curl -sf -m 20 http://127.0.0.1:18080/v2/')).trim(), '{}', name);
          const control = await ssh(
            name,
            'curl -s -m 20 -o /dev/null -w %{http_code} http://127.0.0.1:18081/v2/ || true',
          );
          assert.equal(control.trim(), '000', `${name}: a host-mode port answered off its node`);
        }
      } finally {
        await ssh('core-01', 'docker service rm mesh-probe host-probe').catch(() => '');
      }
    });
  });

  describe('faults', function () {
    vmFaults(() => ({ lab, machines, runner: labRunner!.runner, ssh, hostKeys, knownHosts, log }));
  });
});

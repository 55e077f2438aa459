import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { MachineConnection } from '../../src/clients/machines/machineConnection';
import { HostKeyChangedError } from '../../src/clients/ssh/hostKeyPolicy';
import { english } from '../../src/core/l10n';
import type { LabRunner } from '../../src/core/labRunner/labRunner';
import type { MachineDefinition } from '../../src/core/machines/machine';
import { isRunning, readVm } from '../../src/vm/qemu';
import { parseMachineStates, type VmLab } from '../../src/vm/vmLab';
import { vmMachines } from '../../src/vm/vmMachines';
import { stepFailures, stepKinds } from '../harness/localLab';
import type { recordingHostKeys } from '../harness/vmLab';

/** What the faults need of the suite that brought the VM lab up (read when each test runs). */
export interface VmFaultContext {
  readonly lab: VmLab;
  readonly machines: MachineDefinition[];
  readonly runner: LabRunner;
  readonly ssh: (name: string, command: string) => Promise<string>;
  readonly hostKeys: ReturnType<typeof recordingHostKeys>;
  readonly knownHosts: string;
  readonly log: (line: string) => void;
}

const seconds = (since: number): string => ((Date.now() - since) / 1000).toFixed(1);

/** The VM the faults happen to: a worker (the lab's 3 VMs are 1 manager and 2 workers), so the swarm keeps its quorum. */
const VICTIM = 'core-03';
const STEP = 'docker.config';

/**
 * Faults on real VMs, after the lab ran on them: a VM's QEMU killed in the
 * middle of a step, brought back by `vagrant up`; a VM rebuilt with new
 * host keys, refused; then every VM halted.
 */
export function vmFaults(context: () => VmFaultContext): void {
  it(`reports a VM killed mid-step by name, lets the others finish, and completes on a re-run after vagrant up`, async function () {
    this.timeout(900_000);
    const { lab, runner, ssh, log } = context();
    // Every VM has something to do: the engine's settings removed, so docker.config writes them and restarts dockerd.
    for (const name of ['core-01', 'core-02', VICTIM]) {
      await ssh(name, 'sudo -n rm -f /etc/docker/daemon.json');
    }
    const vm = readVm(lab.machineDir(VICTIM));
    assert.ok(vm && isRunning(vm), `${VICTIM} is not running`);
    let killedAt = '';
    let killed = Date.now();
    const run = await runner.runStepById(STEP, {
      onOutput: (line) => {
        // The first action on the victim (its check is done, its daemon.json upload or restart begins): kill it there.
        if (!killedAt && new RegExp(`\\[${VICTIM}\\] (\\$|\\+) `).test(line)) {
          killedAt = line;
          killed = Date.now();
          process.kill(vm.pid, 'SIGKILL');
        }
      },
    });
    log(`killed ${VICTIM} at: ${killedAt}`);
    assert.ok(killedAt, `${STEP} never reached an action on ${VICTIM}`);
    assert.equal(run.ok, false);
    const kinds = stepKinds(run.reports);
    assert.ok(kinds.includes(`${STEP}@core-01 ok`), kinds.join('\n'));
    assert.ok(kinds.includes(`${STEP}@core-02 ok`), kinds.join('\n'));
    const failures = stepFailures(run.reports);
    assert.equal(failures.length, 1, failures.join('\n'));
    assert.match(failures[0], new RegExp(`^${STEP.replace('.', '\\.')}@${VICTIM}: .*"kind":"failed"`));
    // Said as what happened (the machine went away), not in ssh2's words alone.
    assert.match(failures[0], /the SSH connection to the machine was lost/);
    log(`reported after ${seconds(killed)} s: ${failures[0]}`);

    const states = parseMachineStates(await lab.vagrant(['status', '--machine-readable'], 120_000));
    assert.equal(states.find((s) => s.name === VICTIM)?.state, 'poweroff', 'Vagrant sees the killed VM as powered off');
    const started = Date.now();
    await lab.vagrant(['up', VICTIM], 600_000);
    log(`vagrant up ${VICTIM} again: ${seconds(started)} s`);
    const rerun = Date.now();
    const again = await runner.runStepById(STEP);
    assert.ok(again.ok, stepFailures(again.reports).join('\n'));
    const kinds2 = stepKinds(again.reports);
    assert.ok(kinds2.includes(`${STEP}@core-01 already-done`), kinds2.join('\n'));
    assert.ok(kinds2.includes(`${STEP}@core-02 already-done`), kinds2.join('\n'));
    // The victim did its part now, or had it done when it died (its disk kept the upload): either way, done.
    const victim = kinds2.filter((k) => k.startsWith(`${STEP}@${VICTIM} `));
    assert.equal(victim.length, 1, kinds2.join('\n'));
    assert.match(victim[0], / (ok|already-done)$/);
    log(`re-run in ${seconds(rerun)} s: ${kinds2.join(', ')}`);
  });

  it('refuses a rebuilt VM (new host key, same port) with the known_hosts line to remove', async function () {
    this.timeout(900_000);
    const { lab, machines, knownHosts, hostKeys, log } = context();
    const before = machines.find((m) => m.name === VICTIM)!;
    const asked = hostKeys.asked.length;
    await lab.vagrant(['destroy', '-f', VICTIM], 120_000);
    const started = Date.now();
    await lab.vagrant(['up', VICTIM], 600_000);
    log(`rebuilt ${VICTIM}: ${seconds(started)} s`);
    const rebuilt = (await vmMachines(lab)).find((m) => m.name === VICTIM)!;
    assert.equal(rebuilt.port, before.port, 'the rebuilt VM forwards SSH on the same port');
    const connection = new MachineConnection(rebuilt, english, { hostKeys: hostKeys.policy });
    try {
      await assert.rejects(connection.ssh(), (error: unknown) => {
        assert.ok(error instanceof HostKeyChangedError, String(error));
        const line = fs.readFileSync(knownHosts, 'utf8').split('\n')[error.lines[0] - 1];
        assert.ok(line.startsWith(`[127.0.0.1]:${rebuilt.port} `), line);
        assert.match(
          error.message,
          new RegExp(`remove line ${error.lines[0]} of ${knownHosts.replace(/[.]/g, '\\.')}`),
        );
        log(`refused: ${error.message}`);
        return true;
      });
    } finally {
      connection.close();
    }
    assert.equal(hostKeys.asked.length, asked, 'a changed key is refused, never asked about');
  });

  it('halts every VM to poweroff, leaving no QEMU process', async function () {
    this.timeout(300_000);
    const { lab } = context();
    const dirs = lab.machineDirs();
    await lab.vagrant(['halt'], 240_000);
    assert.deepEqual(
      (await lab.status()).map((s) => s.state),
      dirs.map(() => 'poweroff'),
    );
    assert.deepEqual(
      dirs.filter((d) => {
        const vm = readVm(d);
        return vm !== undefined && isRunning(vm);
      }),
      [],
    );
  });
}

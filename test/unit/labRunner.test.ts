import * as assert from 'node:assert/strict';
import { labMachinesOf, labSource } from '../../src/core/labRunner/labMachines';
import { LabRunner } from '../../src/core/labRunner/labRunner';
import { realTimer } from '../../src/core/labRunner/ports';
import { CHECKS_SETTLE_MS, settled } from '../../src/core/labRunner/settled';
import { knownConfig, labStepConfig, placeholderConfig } from '../../src/core/labRunner/stepConfig';
import { COMPOSE_URL, DEFAULT_TIMEOUTS, LAB_REGISTRY } from '../../src/core/labSteps/labConfig';
import type { Answer } from './stepFakes';
import { Emitter, FakePort, machine } from './labRunnerFakes';

const DAEMON_READ = `if [ -e /etc/docker/daemon.json ]; then cat -- /etc/docker/daemon.json; else exit 3; fi`;
const vagrantLab = (): ReturnType<typeof machine>[] =>
  ['core-03', 'core-01', 'core-02'].map((n) => machine('vagrant', n));
const SETTINGS = { managers: 3, virtualIp: '', images: { app: 'example/app:1' } };

describe('lab runner: which machines are the lab', () => {
  it('runs on the first source with a machine not stopped, in name order, stopped ones left out', () => {
    const port = new FakePort({
      machines: [
        machine('ssh', 'web'),
        machine('vagrant', 'core-02'),
        machine('vagrant', 'core-03', { kind: 'stopped' }),
        machine('vagrant', 'core-01'),
        machine('local-lab', 'core-01', { kind: 'stopped' }),
      ],
    });
    const runner = new LabRunner(port);
    assert.deepEqual(runner.nodeNames(), ['core-01', 'core-02']);
    port.setMachines([machine('local-lab', 'core-02'), machine('local-lab', 'core-01'), machine('ssh', 'web')]);
    assert.deepEqual(
      runner.labMachines().map((m) => m.id),
      ['local-lab:core-01', 'local-lab:core-02'],
    );
    port.setMachines([machine('local-lab', 'core-01', { kind: 'stopped' })]);
    assert.deepEqual(runner.nodeNames(), []);
  });

  it("chooses the same source for the reachability check, which keeps the lab's stopped machines", () => {
    const all = [
      machine('vagrant', 'core-02', { kind: 'stopped' }),
      machine('vagrant', 'core-01'),
      machine('ssh', 'a'),
    ];
    assert.equal(labSource(all), 'vagrant');
    assert.deepEqual(
      labMachinesOf(all).map((m) => m.id),
      ['vagrant:core-01', 'vagrant:core-02'],
    );
    // Everything stopped: no lab to run on, but the check names the stopped machines.
    const down = [machine('ssh', 'a', { kind: 'stopped' }), machine('vagrant', 'core-01', { kind: 'stopped' })];
    assert.equal(labSource(down), undefined);
    assert.deepEqual(
      labMachinesOf(down).map((m) => m.id),
      ['vagrant:core-01'],
    );
  });

  it('says the availability changed when the lab does, not when a state is read again', () => {
    const port = new FakePort();
    const runner = new LabRunner(port);
    let fired = 0;
    const sub = runner.onDidChangeAvailability(() => fired++);
    port.setMachines(vagrantLab());
    port.setMachines(vagrantLab().map((m) => ({ ...m, state: { kind: 'connecting' } as const })));
    assert.equal(fired, 1);
    sub.dispose();
    port.setMachines([]);
    assert.equal(fired, 1);
  });
});

describe('lab runner: the step configuration', () => {
  const sessionOf = (): Promise<never> => Promise.reject(new Error('none'));

  it("assembles a run's configuration: the lab's constants, the environment's parts, the settings, the shared parts", () => {
    const backups = { folder: '/w/backups', list: () => Promise.resolve([]) } as never;
    const config = labStepConfig({
      environment: 'local-lab',
      virtualIp: '10.99.0.100',
      project: [{ path: 'docker-compose.yml', content: 'x' }],
      place: { addressPool: '10.200.0.0/16', sharedFolder: '/s/registry', dataFolder: '/s/data' },
      timeouts: { converge: 5 },
      images: { app: 'example/app:1' },
      shared: { backups, scopeToken: 't' },
      sessionOf,
    });
    assert.equal(config.environment, 'local-lab');
    assert.equal(config.virtualIp, '10.99.0.100');
    assert.equal(config.interface, 'eth1');
    assert.equal(config.registry, LAB_REGISTRY);
    assert.equal(config.composeUrl, COMPOSE_URL);
    assert.equal(config.addressPool, '10.200.0.0/16');
    assert.equal(config.dataFolder, '/s/data');
    assert.deepEqual(config.timeouts, { ...DEFAULT_TIMEOUTS, converge: 5 });
    assert.deepEqual(config.images, { app: 'example/app:1' });
    assert.equal(config.backups, backups);
    assert.equal(config.scopeToken, 't');

    const vm = labStepConfig({ environment: 'vm', virtualIp: '172.17.8.100', project: [], sessionOf });
    assert.equal(vm.addressPool, undefined, "VMs keep Docker's default pool");
    assert.equal('images' in vm, false, 'no images setting: the defaults');
    assert.deepEqual(vm.timeouts, DEFAULT_TIMEOUTS);
  });

  it('judges the known machines without connecting: the local lab when none, VMs otherwise', async () => {
    assert.equal(knownConfig(undefined, SETTINGS, {}).environment, 'local-lab');
    assert.equal(knownConfig('local-lab', SETTINGS, {}).environment, 'local-lab');
    const vm = knownConfig('ssh', { ...SETTINGS, virtualIp: '172.17.8.50' }, { scopeToken: 't' });
    assert.equal(vm.environment, 'vm');
    assert.equal(vm.virtualIp, '172.17.8.50');
    assert.deepEqual(vm.images, SETTINGS.images);
    assert.equal(vm.scopeToken, 't');
    // The placeholder names the steps, and never connects.
    const placeholder = placeholderConfig(SETTINGS);
    assert.equal('images' in placeholder, false);
    await assert.rejects(placeholder.sessionOf('core-01', new AbortController().signal), /not connected/);
  });
});

describe('lab runner: availability, without connecting', () => {
  it('reads absent machines once, and says what cannot run where the lab is', async () => {
    const port = new FakePort();
    const runner = new LabRunner(port);
    runner.registerSideStep('vagrant.file', () => Promise.resolve({ ok: true, summary: '' }));
    const none = await runner.availability(['docker.config', 'vagrant.file', 'x.y']);
    assert.equal(none.where, 'the local lab');
    assert.equal(none.noMachines, true);
    assert.deepEqual(none.unavailable, {
      'docker.config': 'No lab machine to run it on yet: start the local lab or your VMs.',
      'x.y': 'Swarm Lab cannot run x.y yet: run its commands by hand, as the section says.',
    });
    await runner.availability(['docker.config']);
    assert.equal(port.refreshes, 1);
    assert.deepEqual(port.opened, [], 'no connection to judge');
  });

  it("judges a step by the known machines' environment and the shared configuration (the backups' folder)", async () => {
    const without = await new LabRunner(new FakePort({ machines: vagrantLab() })).availability(['backup.now']);
    assert.equal(without.where, 'the Vagrant VMs');
    assert.ok(without.unavailable['backup.now'], 'no backups folder: backup.now cannot run');
    const backups = { folder: '/w/backups', list: () => Promise.resolve([]) } as never;
    const port = new FakePort({ machines: vagrantLab(), shared: { backups } });
    const withFolder = await new LabRunner(port).availability(['backup.now', 'docker.config']);
    assert.deepEqual(withFolder.unavailable, {});
  });
});

describe('lab runner: running steps and sections', () => {
  /** docker.config fails on core-02 (its daemon.json is not JSON); every other command succeeds. */
  const script = (node: string, command: string): Answer => {
    if (command === DAEMON_READ) {
      return node === 'core-02' ? { stdout: '{"log-driver": ' } : { code: 3 };
    }
    if (command.startsWith('i=0; until docker version')) {
      return { stdout: 'Docker 20.10.24, experimental true\n' };
    }
    return {};
  };

  it('stops a section after the step that failed on one node, and reports it', async () => {
    const port = new FakePort({ machines: vagrantLab(), script });
    const runner = new LabRunner(port);
    const output: string[] = [];
    const run = await runner.runSectionSteps(2, { onOutput: (l) => output.push(l) });
    assert.equal(run.ok, false);
    assert.deepEqual(
      run.reports.map((r) => r.stepId),
      ['docker.config'],
      'swarm.init-join did not run',
    );
    assert.deepEqual(
      run.reports[0].nodes.map((n) => `${n.node} ${n.outcome.kind}`),
      ['core-01 ok', 'core-02 failed', 'core-03 ok'],
    );
    assert.deepEqual(port.opened, [['vagrant:core-01', 'vagrant:core-02', 'vagrant:core-03']]);
    assert.deepEqual(
      [...port.cluster!.docker.values()].flatMap((d) => d.calls),
      [],
      'no swarm init or join',
    );
    // The nodes that succeeded give their evidence, by node.
    const proof = String.raw`\$ i=0; until docker version[^\n]*\nDocker 20\.10\.24, experimental true`;
    assert.match(run.evidence ?? '', new RegExp(String.raw`^\[core-01\]\n${proof}\n\n\[core-03\]\n${proof}$`));
    // The log went to the sink and to the caller alike; the environment was closed; the views read again.
    assert.ok(port.logged.length > 0);
    assert.deepEqual(output, port.logged);
    assert.equal(port.closed, 1);
    assert.equal(port.refreshes, 1, 'read before the run (a machine may just have started)');
    assert.equal(port.runsFinished, 1, 'and the run’s end announced, for what shows the machines to read again');
  });

  it("chooses a section's steps by the known machines' environment, as availability does (the backups' folder)", async () => {
    const backups = { folder: '/w/backups', list: () => Promise.resolve([]) } as never;
    const local = ['core-01', 'core-02', 'core-03'].map((n) => machine('local-lab', n));
    const run = await new LabRunner(new FakePort({ machines: local, shared: { backups } })).runSectionSteps(14);
    assert.deepEqual(
      run.reports.map((r) => r.stepId),
      ['backup.now'],
      'backup.now is part of the run where a backups folder is set; the rehearsal is on demand',
    );
    // On VMs, section 5 is Ceph's, never the local lab's GlusterFS (a placeholder for the local lab chose it).
    const vms = await new LabRunner(new FakePort({ machines: vagrantLab() })).runSectionSteps(5);
    const ids = vms.reports.map((r) => r.stepId);
    assert.equal(ids[0], 'storage.ceph-mon.first');
    assert.ok(!ids.includes('storage.gluster'), ids.join(' '));
  });

  it('refuses an unknown step before reaching any machine', async () => {
    const port = new FakePort({ machines: vagrantLab() });
    await assert.rejects(
      new LabRunner(port).runStepById('swarm.nope'),
      new Error('Swarm Lab cannot run the step swarm.nope yet: run its commands by hand, as the section says.'),
    );
    assert.deepEqual(port.opened, []);
    assert.equal(port.refreshes, 0);
  });

  it('refuses every step, dry runs included, in an untrusted workspace', async () => {
    const port = new FakePort({ machines: vagrantLab() });
    port.trustedNow = false;
    const runner = new LabRunner(port);
    for (const options of [{}, { dryRun: true }]) {
      await assert.rejects(
        runner.runStepById('docker.config', options),
        new Error('The step "docker.config" runs commands on the machines: trust this workspace first.'),
      );
    }
    // The panel's Run says it as its summary, and never throws.
    const outcome = await runner.runStep('docker.config', () => undefined, new AbortController().signal);
    assert.deepEqual(outcome, {
      ok: false,
      summary: 'The step "docker.config" runs commands on the machines: trust this workspace first.',
    });
    assert.deepEqual(port.opened, []);
  });

  it('says there are no lab machines when none is running', async () => {
    const port = new FakePort({ machines: [machine('local-lab', 'core-01', { kind: 'stopped' })] });
    await assert.rejects(
      new LabRunner(port).runStepById('docker.config'),
      new Error('No lab machines: start the local lab first (Swarm Lab: Start Local Lab).'),
    );
    assert.deepEqual(port.opened, []);
  });

  it("asks for Harbor's password before a real run on VMs only, never for a dry run", async () => {
    const port = new FakePort({ machines: vagrantLab(), script });
    const runner = new LabRunner(port);
    await runner.runStepById('harbor.install', { dryRun: true }).catch(() => undefined);
    assert.deepEqual(port.asked, []);
    await runner.runStepById('harbor.install').catch(() => undefined);
    assert.deepEqual(port.asked, ['harbor-password']);
    port.setMachines(['core-01', 'core-02'].map((n) => machine('local-lab', n)));
    await runner.runStepById('harbor.install').catch(() => undefined);
    assert.deepEqual(port.asked, ['harbor-password']);
  });

  it('runs a side step in place of the engine, by its id', async () => {
    const port = new FakePort({ machines: vagrantLab() });
    const runner = new LabRunner(port);
    const sub = runner.registerSideStep('vagrant.file', () => Promise.resolve({ ok: true, summary: 'written' }));
    assert.deepEqual(await runner.runStep('vagrant.file', () => undefined, new AbortController().signal), {
      ok: true,
      summary: 'written',
    });
    sub.dispose();
    const gone = await runner.runStep('vagrant.file', () => undefined, new AbortController().signal);
    assert.equal(gone.ok, false);
    assert.deepEqual(port.opened, []);
  });
});

describe('lab runner: checks', () => {
  it('refuses to check in an untrusted workspace, but side checks still answer', async () => {
    const port = new FakePort({ machines: vagrantLab() });
    port.trustedNow = false;
    const runner = new LabRunner(port);
    runner.registerSideCheck('machines.reachable', { run: () => Promise.resolve({ state: 'pass', why: 'all up' }) });
    assert.deepEqual(await runner.runCheck('swarm.nodes-ready'), {
      state: 'unknown',
      why: 'Not checked: trust the workspace to check.',
    });
    assert.deepEqual(await runner.runCheck('machines.reachable'), { state: 'pass', why: 'all up' });
    assert.deepEqual(port.opened, []);
  });

  it('says an unknown check and a cancelled one; reads absent machines once only', async () => {
    const port = new FakePort();
    const runner = new LabRunner(port);
    const aborted = new AbortController();
    aborted.abort();
    assert.deepEqual(await runner.runCheck('x', aborted.signal), { state: 'unknown', why: 'Cancelled.' });
    const none = { state: 'unknown', why: 'No lab machines: start the local lab first (Swarm Lab: Start Local Lab).' };
    assert.deepEqual(await runner.runCheck('swarm.nodes-ready'), none);
    assert.deepEqual(await runner.runCheck('swarm.nodes-ready'), none);
    assert.equal(port.refreshes, 1, 'a lab that is really absent is read once');
    port.setMachines(vagrantLab());
    assert.deepEqual(await runner.runCheck('nope.check'), {
      state: 'unknown',
      why: 'There is no lab check nope.check.',
    });
    assert.equal(port.closed, 1);
  });
});

describe('lab runner: when to check again', () => {
  it('evaluates the checks once after a burst of swarm events, when it has settled', () => {
    const port = new FakePort({ machines: vagrantLab() });
    const runner = new LabRunner(port);
    const fired: Array<readonly string[]> = [];
    const sub = runner.onDidChangeChecks((ids) => fired.push(ids));
    port.swarm.fire();
    port.clock.advance(CHECKS_SETTLE_MS - 1);
    port.swarm.fire();
    port.clock.advance(CHECKS_SETTLE_MS - 1);
    port.swarm.fire();
    assert.equal(fired.length, 0, 'still moving');
    port.clock.advance(CHECKS_SETTLE_MS);
    assert.equal(fired.length, 1, 'one evaluation for three events');
    assert.deepEqual(
      fired[0],
      runner.checks().map((c) => c.id),
    );
    assert.ok(fired[0].includes('swarm.nodes-ready'));
    port.clock.advance(10 * CHECKS_SETTLE_MS);
    assert.equal(fired.length, 1, 'nothing more without an event');
    // Disposed with a burst pending: nothing fires, nothing is left listening.
    port.swarm.fire();
    sub.dispose();
    port.clock.advance(CHECKS_SETTLE_MS);
    assert.equal(fired.length, 1);
    assert.equal(port.clock.waiting, 0);
    assert.equal(port.swarm.size, 0);
  });

  it('evaluates a side check at once on its own events, alone', () => {
    const port = new FakePort();
    const runner = new LabRunner(port);
    const changes = new Emitter();
    runner.registerSideCheck('vagrant.data-disk', {
      run: () => Promise.resolve({ state: 'pass', why: '' }),
      changes: changes.event,
    });
    const fired: Array<readonly string[]> = [];
    const sub = runner.onDidChangeChecks((ids) => fired.push(ids));
    changes.fire();
    assert.deepEqual(fired, [['vagrant.data-disk']]);
    sub.dispose();
    changes.fire();
    assert.equal(fired.length, 1);
  });

  it('debounces with real timers too (short, bounded)', async () => {
    let fired = 0;
    const later = settled(realTimer, 20, () => fired++);
    later.poke();
    later.poke();
    later.poke();
    await new Promise((resolve) => setTimeout(resolve, 80));
    assert.equal(fired, 1);
    later.poke();
    later.cancel();
    await new Promise((resolve) => setTimeout(resolve, 40));
    assert.equal(fired, 1);
  });
});

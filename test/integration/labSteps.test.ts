import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Docker from 'dockerode';
import { localLabSteps } from '../../src/clients/steps/localLabCluster';
import { english } from '../../src/core/l10n';
import type { LabStep, LabStepConfig } from '../../src/core/labSteps/labConfig';
import { labChecks, labSteps, runLabCheck, runLabStep } from '../../src/core/labSteps/labSteps';
import type { StepEvents } from '../../src/core/steps/engine';
import { stepLog } from '../../src/core/steps/logFormat';
import { RunValues } from '../../src/core/steps/runValues';
import type { Cluster, NodeOutcome, StepReport } from '../../src/core/steps/step';
import type { LabLayout } from '../../src/localLab/labLayout';
import { LocalLab } from '../../src/localLab/localLab';
import { RESULTS_DIR } from '../harness/paths';
import { freshLocalLab, LAB_PROJECT_DIR, stepFailures } from '../harness/localLab';
import { TEST_LAB_INSTANCE, TEST_LAB_STATE_DIR } from '../harness/testLab';
import { waitFor } from '../harness/waitFor';
import { inNode } from '../harness/labNodeSshd';

/** Sections 2, 3, 6, 7 and 8 in the lab's order; the fail-over exercise apart. */
const SEQUENCE = [
  'docker.config',
  'swarm.init-join',
  'compose.install',
  'stack.build-local',
  'stack.deploy',
  'registry.deploy',
  'registry.push',
  'stack.deploy-registry',
  'keepalived.deploy',
  'keepalived.nsenter',
];
/** Reads only: they run again on a second pass, and change nothing. */
const READ_ONLY = new Set(['keepalived.nsenter']);
const COMPOSE_REFUSAL = /cannot download docker-compose/;

describe('Lab steps on the local lab, from scratch (3 fresh nodes, one still in a swarm of its own)', function () {
  // Our own state folder beside the other tests' (same instance, run one after another).
  const lab = new LocalLab(`${TEST_LAB_STATE_DIR}-steps`, () => undefined, TEST_LAB_INSTANCE);
  const logFile = path.join(RESULTS_DIR, 'lab-steps.log');
  let layout: LabLayout;
  let cluster: Cluster;
  let config: LabStepConfig;
  let steps: LabStep[];
  let close = (): void => undefined;
  const values = new RunValues();
  const docker = (i: number): Docker => new Docker({ socketPath: layout.nodes[i].dockerSocket });
  const log: StepEvents = stepLog((line) => fs.appendFileSync(logFile, `${line}\n`), { l10n: english });

  async function run(id: string, events: StepEvents = {}): Promise<StepReport[]> {
    const step = steps.find((s) => s.id === id);
    assert.ok(step, `no step ${id}`);
    return runLabStep(step, cluster, values, {
      l10n: english,
      allowMachineChanges: true,
      events: {
        ...log,
        nodeStarted: (e) => events.nodeStarted?.(e),
      },
    });
  }
  const outcomes = (reports: StepReport[]): Map<string, NodeOutcome> =>
    new Map(reports.flatMap((r) => r.nodes.map((n) => [`${r.stepId}@${n.node}`, n.outcome] as const)));
  const kinds = (reports: StepReport[]): string[] =>
    reports.flatMap((r) => r.nodes.map((n) => `${r.stepId}@${n.node} ${n.outcome.kind}`));

  before(async function () {
    this.timeout(900_000);
    fs.mkdirSync(RESULTS_DIR, { recursive: true });
    fs.writeFileSync(logFile, '');
    // The lab's images (the registry's and keepalived's among them) on every node, as `Start Local Lab` does.
    layout = await freshLocalLab(lab);
    const env = await localLabSteps(lab, {
      managers: 3,
      projectDir: LAB_PROJECT_DIR,
      timeouts: { converge: 180_000 },
    });
    cluster = env.cluster;
    config = env.config;
    close = () => env.close();
    steps = labSteps(config, english);
  });

  after(async function () {
    this.timeout(120_000);
    close();
    await lab.down();
  });

  it('lays 3 nodes out as 1 manager and 2 workers (the stack runs on workers)', () => {
    assert.deepEqual(
      cluster.nodes.map((n) => `${n.name} ${n.role} ${n.address}`),
      layout.nodes.map((n, i) => `${n.name} ${i === 0 ? 'manager' : 'worker'} ${n.address}`),
    );
  });

  it('brings the nodes to a swarm running the stack from the registry, with a keepalived virtual IP', async function () {
    this.timeout(900_000);
    // core-03 still in a swarm of its own, as a node kept from an earlier lab is: Init and Join takes it out first.
    const own = layout.nodes[2].address;
    await docker(2).swarmInit({ ListenAddr: `${own}:2377`, AdvertiseAddr: own });
    const all: StepReport[] = [];
    for (const id of SEQUENCE) {
      const reports = await run(id);
      all.push(...reports);
      const bad = stepFailures(reports).filter((f) => !(f.startsWith('compose.install@') && COMPOSE_REFUSAL.test(f)));
      assert.deepEqual(bad, [], `${id} failed; see ${logFile}`);
    }
    const byNode = outcomes(all);
    assert.equal(byNode.get('swarm.init@core-01')?.kind, 'ok');
    assert.equal(byNode.get('swarm.join@core-03')?.kind, 'ok', 'core-03 left its own swarm and joined this one');
    for (const n of ['core-01', 'core-02', 'core-03']) {
      assert.equal(byNode.get(`docker.config@${n}`)?.kind, 'ok');
      assert.equal(byNode.get(`keepalived.deploy@${n}`)?.kind, 'ok');
    }
    // Only the sections this sequence sets up (2, 3, 6, 7, 8): the others' checks are their own tests'.
    for (const check of labChecks(config, english).filter(
      (c) => c.id !== 'compose.present' && [2, 3, 6, 7, 8].includes(c.section),
    )) {
      // keepalived elects its master within a few advertisements.
      const verdict = await waitFor(
        `check ${check.id}`,
        async () => {
          const v = await runLabCheck(check, cluster, english);
          return v.state === 'pass' ? v : undefined;
        },
        30_000,
        500,
      );
      assert.equal(verdict.state, 'pass', `${check.id}: ${verdict.why}`);
    }
    const nsenter = all.find((r) => r.stepId === 'keepalived.nsenter')!;
    const evidence = nsenter.nodes.flatMap((n) =>
      n.outcome.kind === 'ok' && n.outcome.evidence ? [n.outcome.evidence] : [],
    );
    assert.equal(evidence.length, 1, 'the evidence comes from the one node holding the virtual IP');
    assert.match(evidence[0], /^net\s+\S+\s+\S+\s+yes$/m);
    assert.match(evidence[0], /^pid\s+\S+\s+\S+\s+no$/m);
    assert.ok(evidence[0].includes(`${config.virtualIp}/`), evidence[0]);
  });

  it('reports "already done" everywhere on a second run, and changes nothing', async function () {
    this.timeout(600_000);
    const snapshot = async (): Promise<string> => {
      const services = (await docker(0).listServices()) as Array<{ ID: string; Version: { Index: number } }>;
      const containers = await Promise.all(
        [0, 1, 2].map(async (i) => (await docker(i).getContainer('keepalived').inspect()).Id),
      );
      const daemon = layout.nodes.map((n) => inNode(n, ['cat', '/etc/docker/daemon.json']));
      return JSON.stringify({ services: services.map((s) => [s.ID, s.Version.Index]).sort(), containers, daemon });
    };
    const before = await snapshot();
    const all: StepReport[] = [];
    for (const id of SEQUENCE) {
      all.push(...(await run(id)));
    }
    const notDone = kinds(all).filter((k) => {
      const [where, kind] = k.split(' ');
      const id = where.split('@')[0];
      if (READ_ONLY.has(id)) {
        return kind !== 'ok';
      }
      if (id === 'compose.install' && kind === 'failed') {
        return false; // the same refusal as the first time (this machine has no docker-compose)
      }
      return kind !== 'already-done';
    });
    assert.deepEqual(notDone, [], `see ${logFile}`);
    assert.equal(await snapshot(), before);
  });

  it('fails over: the holder stops keepalived and another node takes the virtual IP', async function () {
    this.timeout(300_000);
    const reports = await run('keepalived.failover');
    const holder = reports[0].nodes.find((n) => n.outcome.kind === 'ok');
    assert.ok(holder, JSON.stringify(reports[0].nodes));
    const evidence = (holder.outcome as Extract<NodeOutcome, { kind: 'ok' }>).evidence ?? '';
    assert.match(evidence, new RegExp(`moved from ${holder.node} to core-0\\d in [\\d.]+ s`));
    const vip = labChecks(config, english).find((c) => c.id === 'keepalived.vip-single')!;
    assert.equal((await runLabCheck(vip, cluster, english)).state, 'pass');
    // The deployment step starts it again there, and only there.
    const again = await run('keepalived.deploy');
    assert.deepEqual(
      again[0].nodes.map((n) => `${n.node} ${n.outcome.kind}`),
      cluster.nodes.map((n) => `${n.name} ${n.name === holder.node ? 'ok' : 'already-done'}`),
    );
  });

  it('reports a node whose engine stops mid-step as failed, lets the others finish, and completes on a re-run', async function () {
    this.timeout(600_000);
    await Promise.all([0, 1, 2].map((i) => docker(i).getContainer('keepalived').remove({ force: true })));
    const victim = layout.nodes[1];
    const first = await run('keepalived.deploy', {
      nodeStarted: (e) => {
        if (e.node === victim.name) {
          // Stopped through its systemd, so that it stays down (a killed dockerd is restarted at once).
          inNode(victim, ['systemctl', 'stop', 'docker.socket', 'docker.service']);
        }
      },
    });
    assert.deepEqual(
      first[0].nodes.map((n) => `${n.node} ${n.outcome.kind}`),
      ['core-01 ok', 'core-02 failed', 'core-03 ok'],
    );
    // The fix: docker.config finds core-02's engine down and starts it again (sudo systemctl restart docker).
    const fix = await run('docker.config');
    assert.deepEqual(
      fix[0].nodes.map((n) => `${n.node} ${n.outcome.kind}`),
      ['core-01 already-done', 'core-02 ok', 'core-03 already-done'],
    );
    const rerun = await run('keepalived.deploy');
    assert.deepEqual(
      rerun[0].nodes.map((n) => `${n.node} ${n.outcome.kind}`),
      ['core-01 already-done', 'core-02 ok', 'core-03 already-done'],
    );
  });
});

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { localLabSteps } from '../../src/clients/steps/localLabCluster';
import { english } from '../../src/core/l10n';
import type { LabCheck, LabStep, LabStepConfig } from '../../src/core/labSteps/labConfig';
import { labChecks, labSteps, runLabCheck, runLabStep } from '../../src/core/labSteps/labSteps';
import { certPaths, proxyDir } from '../../src/core/labSteps/proxyFiles';
import type { StepEvents } from '../../src/core/steps/engine';
import { stepLog } from '../../src/core/steps/logFormat';
import { RunValues } from '../../src/core/steps/runValues';
import type { Cluster, NodeOutcome, StepReport } from '../../src/core/steps/step';
import { LocalLab } from '../../src/localLab/localLab';
import { RESULTS_DIR } from '../harness/paths';
import { freshLocalLab, LAB_PROJECT_DIR, stepFailures } from '../harness/localLab';
import { TEST_LAB_INSTANCE, TEST_LAB_STATE_DIR } from '../harness/testLab';
import { waitFor } from '../harness/waitFor';

/**
 * What sections 10–12 need first: a swarm, /data shared by every node
 * (section 5: the certificates are made on one node, read by the proxy on
 * any), the registry holding the stack's images, the stack deployed from it.
 */
const PREREQUISITES = [
  'docker.config',
  'swarm.init-join',
  'storage.gluster',
  'stack.build-local',
  'stack.deploy',
  'registry.deploy',
  'registry.push',
  'stack.deploy-registry',
];
const PROXY_STEPS = ['proxy.certificate', 'proxy.deploy', 'stack.behind-proxy', 'registry.behind-proxy'];
const PROXY_CHECKS = ['proxy.running', 'proxy.tls', 'proxy.app-https', 'proxy.app-redirect', 'registry.https'];

describe('Reverse proxy and HTTPS on the local lab, from scratch (3 fresh nodes)', function () {
  const lab = new LocalLab(`${TEST_LAB_STATE_DIR}-proxy`, () => undefined, TEST_LAB_INSTANCE);
  const logFile = path.join(RESULTS_DIR, 'proxy-steps.log');
  let cluster: Cluster;
  let config: LabStepConfig;
  let steps: LabStep[];
  let checks: LabCheck[];
  let close = (): void => undefined;
  const values = new RunValues();
  const log: StepEvents = stepLog((line) => fs.appendFileSync(logFile, `${line}\n`), { l10n: english });

  async function run(id: string): Promise<StepReport[]> {
    const step = steps.find((s) => s.id === id);
    assert.ok(step, `no step ${id}`);
    return runLabStep(step, cluster, values, { l10n: english, allowMachineChanges: true, events: log });
  }
  const evidence = (reports: StepReport[], stepId: string): string =>
    reports
      .filter((r) => r.stepId === stepId)
      .flatMap((r) => r.nodes)
      .map((n) => (n.outcome as Extract<NodeOutcome, { kind: 'ok' }>).evidence ?? '')
      .join('\n');

  before(async function () {
    this.timeout(900_000);
    fs.mkdirSync(RESULTS_DIR, { recursive: true });
    fs.writeFileSync(logFile, '');
    await freshLocalLab(lab);
    const env = await localLabSteps(lab, {
      managers: 3,
      projectDir: LAB_PROJECT_DIR,
      timeouts: { converge: 180_000 },
    });
    cluster = env.cluster;
    config = env.config;
    close = () => env.close();
    steps = labSteps(config, english);
    checks = labChecks(config, english);
  });

  after(async function () {
    this.timeout(120_000);
    close();
    await lab.down();
  });

  it('runs the prerequisites (swarm, registry, stack from the registry)', async function () {
    this.timeout(900_000);
    for (const id of PREREQUISITES) {
      assert.deepEqual(stepFailures(await run(id)), [], `${id} failed; see ${logFile}`);
    }
  });

  it('makes the certificate, deploys the proxy, puts the app and the registry behind it: every check passes', async function () {
    this.timeout(900_000);
    const all: StepReport[] = [];
    for (const id of PROXY_STEPS) {
      const reports = await run(id);
      all.push(...reports);
      assert.deepEqual(stepFailures(reports), [], `${id} failed; see ${logFile}`);
      for (const r of reports) {
        assert.ok(
          r.nodes.every((n) => n.outcome.kind === 'ok'),
          `${r.stepId}: ${r.nodes.map((n) => `${n.node} ${n.outcome.kind}`).join(', ')}`,
        );
      }
    }
    // The keys stay in the lab's shared /data, readable by root only (as a node's root sees them).
    const certs = certPaths(proxyDir(config, 'caddy'));
    const first = await cluster.openSession(cluster.nodes[0], new AbortController().signal);
    for (const key of [certs.key, certs.caKey]) {
      const mode = await first.exec(['sudo', '-n', 'stat', '-c', '%a', key]);
      assert.equal(mode.stdout.trim(), '600', `${key}: ${mode.stderr}`);
    }
    assert.match(evidence(all, 'proxy.certificate'), /subject=.*\*\.b3\.swarm/);
    // The substitute says what it is, in the evidence too.
    assert.match(
      evidence(all, 'proxy.deploy'),
      /Caddy from Debian \(swarm-lab\/caddy-debian:2\.6\) stands in for Traefik/,
    );
    assert.match(evidence(all, 'stack.behind-proxy'), /Served by container /);
    // The lab step's phases report under their own ids; the last one pushed through https://registry.b3.swarm.
    assert.match(evidence(all, 'registry.push-https'), /"python-app"/);
    for (const id of PROXY_CHECKS) {
      const check = checks.find((c) => c.id === id)!;
      const verdict = await waitFor(
        `check ${id}`,
        async () => {
          const v = await runLabCheck(check, cluster, english);
          return v.state === 'pass' ? v : undefined;
        },
        30_000,
        1_000,
      ).catch(async () => runLabCheck(check, cluster, english));
      assert.equal(verdict.state, 'pass', `${id}: ${verdict.why}`);
    }
    // 8080 is no longer published: the app answers only through the proxy.
    const old = await runLabCheck(
      checks.find((c) => c.id === 'stack.app-answers')!,
      cluster,
      english,
    );
    assert.equal(old.state, 'fail', old.why);
  });

  it('says "already done" everywhere on a second run', async function () {
    this.timeout(600_000);
    const all: StepReport[] = [];
    for (const id of PROXY_STEPS) {
      all.push(...(await run(id)));
    }
    const notDone = all.flatMap((r) =>
      r.nodes.filter((n) => n.outcome.kind !== 'already-done').map((n) => `${r.stepId}@${n.node} ${n.outcome.kind}`),
    );
    assert.deepEqual(notDone, [], `see ${logFile}`);
  });
});

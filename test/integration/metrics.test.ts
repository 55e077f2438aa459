import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { localLabSteps } from '../../src/clients/steps/localLabCluster';
import { english } from '../../src/core/l10n';
import type { LabCheck, LabStep, LabStepConfig } from '../../src/core/labSteps/labConfig';
import { labChecks, labSteps, runLabCheck, runLabStep } from '../../src/core/labSteps/labSteps';
import { stepLog } from '../../src/core/steps/logFormat';
import { RunValues } from '../../src/core/steps/runValues';
import type { Cluster, StepReport } from '../../src/core/steps/step';
import { LocalLab } from '../../src/localLab/localLab';
import { RESULTS_DIR } from '../harness/paths';
import { freshLocalLab, LAB_PROJECT_DIR, stepKinds } from '../harness/localLab';
import { TEST_LAB_INSTANCE, TEST_LAB_STATE_DIR } from '../harness/testLab';

/**
 * Section 9 on the local lab, from scratch: the engines' metrics endpoint
 * (docker.config), the Debian-built monitoring stack, and Prometheus's own
 * API saying every node's engine and node exporter are up.
 */
describe('Metrics on the local lab, from scratch (3 fresh nodes)', function () {
  const lab = new LocalLab(`${TEST_LAB_STATE_DIR}-metrics`, () => undefined, TEST_LAB_INSTANCE);
  const logFile = path.join(RESULTS_DIR, 'lab-metrics.log');
  let cluster: Cluster;
  let config: LabStepConfig;
  let steps: LabStep[];
  let checks: LabCheck[];
  let close = (): void => undefined;
  const values = new RunValues();
  const log = stepLog((line) => fs.appendFileSync(logFile, `${line}\n`), { l10n: english });

  const run = (id: string): Promise<StepReport[]> => {
    const step = steps.find((s) => s.id === id);
    assert.ok(step, `no step ${id}`);
    return runLabStep(step, cluster, values, { l10n: english, allowMachineChanges: true, events: log });
  };
  const check = (id: string): LabCheck => {
    const found = checks.find((c) => c.id === id);
    assert.ok(found, `no check ${id}`);
    return found;
  };

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

  it('has no engine metrics before docker.config, and none of the stack before metrics.stack', async function () {
    this.timeout(120_000);
    const endpoint = await runLabCheck(check('metrics.engine-endpoint'), cluster, english);
    assert.equal(endpoint.state, 'fail', endpoint.why);
    assert.match(endpoint.why, /no metrics on :9323/);
    // The swarm first: the stack needs it, and the check then asks a manager.
    for (const id of ['docker.config', 'swarm.init-join']) {
      const bad = stepKinds(await run(id)).filter((k) => !/ (ok|already-done)$/.test(k));
      assert.deepEqual(bad, [], `${id}; see ${logFile}`);
    }
    const targets = await runLabCheck(check('metrics.targets-up'), cluster, english);
    assert.equal(targets.state, 'fail', targets.why);
    assert.match(targets.why, /no Prometheus task runs/);
  });

  it('deploys the Debian-built stack; every engine and node exporter target is up', async function () {
    this.timeout(600_000);
    const reports = await run('metrics.stack');
    assert.deepEqual(stepKinds(reports), ['metrics.stack@core-01 ok'], `see ${logFile}`);
    const outcome = reports[0].nodes[0].outcome;
    assert.ok(outcome.kind === 'ok');
    // The evidence: the deploy command, then Prometheus's targets.
    assert.match(outcome.evidence ?? '', /docker stack deploy --prune --resolve-image never/);
    assert.match(outcome.evidence ?? '', /7 targets up: dockerd 3, node-exporter 3, prometheus 1/);

    const endpoint = await runLabCheck(check('metrics.engine-endpoint'), cluster, english);
    assert.equal(endpoint.state, 'pass', endpoint.why);
    const targets = await runLabCheck(check('metrics.targets-up'), cluster, english);
    assert.equal(targets.state, 'pass', targets.why);
    assert.match(targets.why, /^core-01: Prometheus on core-01: 7 targets up/);
    // Status → Targets, as the section asks students to look: Debian's Prometheus serves it from its package's files.
    const page = await (
      await cluster.openSession(cluster.nodes[0], new AbortController().signal)
    ).exec(
      [
        'sh',
        '-c',
        'curl -fsS -m 5 -L http://127.0.0.1:9090/ -o /dev/null -w "%{url_effective}\\n" && curl -fsS -m 5 http://127.0.0.1:9090/classic/targets',
      ],
      {
        signal: new AbortController().signal,
      },
    );
    assert.equal(page.code, 0, page.stderr);
    assert.match(page.stdout, /node-exporter/);

    // The stack runs the substitutes, under their own names.
    const images = await cluster.openSession(cluster.nodes[0], new AbortController().signal);
    const out = await images.exec(['docker', 'service', 'ls', '--format', '{{.Name}} {{.Image}}'], {
      signal: new AbortController().signal,
    });
    const services = out.stdout.trim().split('\n').sort();
    assert.deepEqual(
      services.filter((s) => s.startsWith('mon_')),
      [
        'mon_alertmanager swarm-lab/alertmanager-debian:0.25.0',
        'mon_node-exporter swarm-lab/node-exporter-debian:1.5.0',
        'mon_prometheus swarm-lab/prometheus-debian:2.42.0',
      ],
    );
  });

  it('says which target is down when node exporter leaves a node, and the step waits for it back', async function () {
    this.timeout(400_000);
    const victim = cluster.nodes[2];
    const manager = await cluster.openSession(cluster.nodes[0], new AbortController().signal);
    const signal = new AbortController().signal;
    const update = async (flag: string): Promise<void> => {
      const out = await manager.exec(
        ['docker', 'service', 'update', '--detach', flag, `node.hostname!=${victim.name}`, 'mon_node-exporter'],
        { signal },
      );
      assert.equal(out.code, 0, out.stderr);
    };
    await update('--constraint-add');
    let seen = '';
    const deadline = Date.now() + 90_000;
    while (Date.now() < deadline && seen === '') {
      const v = await runLabCheck(check('metrics.targets-up'), cluster, english);
      if (v.state === 'fail') {
        seen = v.why;
      } else {
        await new Promise((r) => setTimeout(r, 1_000));
      }
    }
    const where = `${victim.address.replace(/\./g, '\\.')}:9100`;
    assert.match(seen, new RegExp(`node-exporter on ${victim.name} \\(${where}\\) is down`));
    assert.doesNotMatch(seen, /dockerd/, 'only the node exporter target is down');
    await update('--constraint-rm');
    // The stack is converging again or its target not yet scraped: the step waits, it does not redeploy.
    const again = await run('metrics.stack');
    assert.deepEqual(
      stepKinds(again).filter((k) => !/ (ok|already-done)$/.test(k)),
      [],
      `see ${logFile}`,
    );
    assert.equal((await runLabCheck(check('metrics.targets-up'), cluster, english)).state, 'pass');
  });

  it('says "already done" on a second run of metrics.stack, and changes nothing', async function () {
    this.timeout(300_000);
    const session = await cluster.openSession(cluster.nodes[0], new AbortController().signal);
    const signal = new AbortController().signal;
    const snapshot = async (): Promise<string> =>
      (await session.exec(['docker', 'service', 'ls', '--format', '{{.ID}} {{.Name}} {{.Image}}'], { signal })).stdout;
    const versions = async (): Promise<string> =>
      (
        await session.exec(
          ['sh', '-c', "docker service inspect --format '{{.Spec.Name}} {{.Version.Index}}' $(docker service ls -q)"],
          { signal },
        )
      ).stdout;
    const before = `${await snapshot()}${await versions()}`;
    const reports = await run('metrics.stack');
    assert.deepEqual(stepKinds(reports), ['metrics.stack@core-01 already-done'], `see ${logFile}`);
    assert.equal(`${await snapshot()}${await versions()}`, before);
  });
});

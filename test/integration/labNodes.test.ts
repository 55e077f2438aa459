import * as assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Docker from 'dockerode';
import { localLabSteps } from '../../src/clients/steps/localLabCluster';
import { english } from '../../src/core/l10n';
import type { LabCheck, LabStep } from '../../src/core/labSteps/labConfig';
import { labChecks, labSteps, runLabCheck, runLabStep } from '../../src/core/labSteps/labSteps';
import { sh } from '../../src/core/shell/shellQuote';
import { RunValues } from '../../src/core/steps/runValues';
import type { Cluster, NodeSession, StepReport } from '../../src/core/steps/step';
import { LocalLab } from '../../src/localLab/localLab';
import { LAB_PROJECT_DIR } from '../harness/localLab';
import { ensureBusyboxImage } from '../harness/testImages';
import { TEST_LAB_INSTANCE, TEST_LAB_STATE_DIR } from '../harness/testLab';
import { hostTreeDigest } from '../harness/hostTree';

/**
 * Issue 18: each local lab node is a machine of its own (systemd-nspawn on
 * its own overlay root), reached and changed as a course VM is: `core` with
 * sudo, systemd restarting the engine, nothing shared with the other nodes
 * or with this computer.
 */
describe('Local lab nodes are machines of their own (own root, sudo, systemd), and this computer stays as it was', function () {
  const lab = new LocalLab(`${TEST_LAB_STATE_DIR}-nodes`, () => undefined, TEST_LAB_INSTANCE);
  /** What the lab must never touch on this computer. */
  const HOST_DIRS = ['/etc', '/data', '/srv', '/var/lib', '/opt'];
  const marker = `/root/swarm-lab-marker-${crypto.randomBytes(4).toString('hex')}`;
  let hostBefore: Map<string, string>;
  let cluster: Cluster;
  let steps: LabStep[];
  let checks: LabCheck[];
  let sessions: NodeSession[];
  let close = (): void => undefined;
  const signal = new AbortController().signal;

  const run = (id: string, only?: string): Promise<StepReport[]> =>
    runLabStep(
      steps.find((s) => s.id === id)!,
      cluster,
      new RunValues(),
      {
        l10n: english,
        allowMachineChanges: true,
        ...(only ? { only } : {}),
      },
    );
  const check = (id: string): LabCheck => checks.find((c) => c.id === id)!;
  const kinds = (reports: readonly StepReport[]): string[] =>
    reports.flatMap((r) => r.nodes.map((n) => `${n.node} ${n.outcome.kind}`));

  before(async function () {
    this.timeout(600_000);
    await lab.down({ purge: true });
    fs.writeFileSync(marker, 'this computer’s secret\n', { mode: 0o600 });
    hostBefore = hostTreeDigest(HOST_DIRS);
    await lab.up(3);
    const env = await localLabSteps(lab, { managers: 1, projectDir: LAB_PROJECT_DIR });
    cluster = env.cluster;
    close = () => env.close();
    steps = labSteps(env.config, english);
    checks = labChecks(env.config, english);
    sessions = await Promise.all(cluster.nodes.map((n) => cluster.openSession(n, signal)));
  });

  after(async function () {
    this.timeout(120_000);
    close();
    await lab.down({ purge: true });
    fs.rmSync(marker, { force: true });
  });

  it('gives core password-less sudo on every node, as on the course VMs', async () => {
    for (const [i, s] of sessions.entries()) {
      const out = await s.exec(sh`sudo -n true && id -un && hostname`, { signal });
      assert.equal(out.code, 0, `${cluster.nodes[i].name}: ${out.stderr}`);
      assert.equal(out.stdout, `core\n${cluster.nodes[i].name}\n`);
    }
  });

  it("gives a node's container that mounts / the node's root, not this computer's", async function () {
    this.timeout(120_000);
    const node = lab.layout().nodes[0];
    const image = await ensureBusyboxImage(new Docker({ socketPath: node.dockerSocket }));
    const docker = (cmd: string): Promise<{ code: number | null; stdout: string; stderr: string }> =>
      sessions[0].exec(['docker', 'run', '--rm', '-v', '/:/host', image, 'sh', '-c', cmd], { signal });
    const hostname = await docker('cat /host/etc/hostname');
    assert.equal(hostname.stdout.trim(), 'core-01', hostname.stderr);
    const secret = await docker(`cat /host${marker}`);
    assert.notEqual(secret.code, 0, `the node read this computer's ${marker}: ${secret.stdout}`);
    assert.match(secret.stderr, /No such file or directory/);
    // The check can fail: the same command reads a file that is there.
    const own = await docker('cat /host/etc/machine-id');
    assert.equal(own.code, 0, own.stderr);
  });

  it('installs docker-compose on one node only when asked there; compose.present names the nodes without it', async function () {
    this.timeout(180_000);
    const one = await run('compose.install', 'core-01');
    assert.deepEqual(kinds(one), ['core-01 ok']);
    const where = await sessions[0].exec(sh`command -v docker-compose || ls /usr/local/bin/docker-compose`, { signal });
    assert.equal(where.code, 0, where.stderr);
    for (const s of sessions.slice(1)) {
      const absent = await s.exec(sh`ls /usr/local/bin/docker-compose /opt/bin/docker-compose`, { signal });
      assert.notEqual(absent.code, 0, 'another node has docker-compose already');
    }
    const partial = await runLabCheck(check('compose.present'), cluster, english);
    assert.equal(partial.state, 'fail', partial.why);
    assert.equal(partial.nodes.get('core-01')?.ok, true);
    assert.equal(partial.nodes.get('core-02')?.ok, false);
    assert.equal(partial.nodes.get('core-03')?.ok, false);
    const all = await run('compose.install');
    assert.deepEqual(kinds(all), ['core-01 already-done', 'core-02 ok', 'core-03 ok']);
    assert.equal((await runLabCheck(check('compose.present'), cluster, english)).state, 'pass');
  });

  it("restarts the engine through the node's own systemd in docker.config", async function () {
    this.timeout(300_000);
    const mainPid = async (s: NodeSession): Promise<string> =>
      (await s.exec(sh`sudo -n systemctl show --property=MainPID --value docker.service`, { signal })).stdout.trim();
    const pids = await Promise.all(sessions.map(mainPid));
    assert.ok(
      pids.every((p) => Number(p) > 0),
      pids.join(' '),
    );
    const reports = await run('docker.config');
    assert.deepEqual(kinds(reports), ['core-01 ok', 'core-02 ok', 'core-03 ok'], JSON.stringify(reports));
    const shown = reports[0].nodes[0].outcome;
    assert.ok(shown.kind === 'ok');
    const after = await Promise.all(sessions.map(mainPid));
    after.forEach((p, i) => assert.notEqual(p, pids[i], `${cluster.nodes[i].name}'s dockerd did not restart`));
    const restarts = await sessions[0].exec(sh`sudo -n journalctl -u docker.service --no-pager -o cat`, { signal });
    assert.match(restarts.stdout, /Stopping|Stopped/, 'systemd stopped the engine');
    const again = await run('docker.config');
    assert.deepEqual(
      kinds(again),
      ['core-01 already-done', 'core-02 already-done', 'core-03 already-done'],
      JSON.stringify(again),
    );
  });

  it("leaves this computer's /etc, /data, /srv, /var/lib and /opt as they were after up and down", async function () {
    this.timeout(180_000);
    close();
    await lab.down();
    const after = hostTreeDigest(HOST_DIRS);
    const changed = [...new Set([...hostBefore.keys(), ...after.keys()])].filter(
      (p) => hostBefore.get(p) !== after.get(p),
    );
    assert.deepEqual(changed, [], `changed on this computer: ${changed.slice(0, 20).join(', ')}`);
    // The comparison can fail: a file written under one of them is seen.
    const probe = path.join('/opt', `swarm-lab-probe-${process.pid}`);
    fs.writeFileSync(probe, 'x');
    try {
      assert.ok(hostTreeDigest(['/opt']).has(probe));
    } finally {
      fs.rmSync(probe);
    }
  });
});

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
import type { LabLayout } from '../../src/localLab/labLayout';
import { LocalLab } from '../../src/localLab/localLab';
import { nodeCgroupName, nodeUpperDir } from '../../src/localLab/nodeProcess';
import { nodeProcessesNamed } from '../../src/localLab/nodeCgroups';
import { sh } from '../../src/core/shell/shellQuote';
import { RESULTS_DIR } from '../harness/paths';
import { LAB_PROJECT_DIR, stepKinds } from '../harness/localLab';
import { TEST_LAB_INSTANCE, TEST_LAB_STATE_DIR } from '../harness/testLab';

const CEPH = [
  'storage.ceph-mon',
  'storage.ceph-mgr',
  'storage.ceph-osd',
  'storage.ceph-mds',
  'storage.ceph-fs',
  'storage.ceph-mount',
];

describe('Section 5 on the local lab: GlusterFS on /data of every node, from scratch (3 fresh nodes)', function () {
  const lab = new LocalLab(`${TEST_LAB_STATE_DIR}-storage`, () => undefined, TEST_LAB_INSTANCE);
  const logFile = path.join(RESULTS_DIR, 'lab-storage.log');
  let layout: LabLayout;
  let cluster: Cluster;
  let config: LabStepConfig;
  let steps: LabStep[];
  let checks: LabCheck[];
  let close = (): void => undefined;

  const run = (id: string): Promise<StepReport[]> =>
    runLabStep(
      steps.find((s) => s.id === id)!,
      cluster,
      new RunValues(),
      {
        l10n: english,
        allowMachineChanges: true,
        events: stepLog((line) => fs.appendFileSync(logFile, `${line}\n`), { l10n: english }),
      },
    );
  const check = (id: string): LabCheck => checks.find((c) => c.id === id)!;

  before(async function () {
    this.timeout(300_000);
    fs.mkdirSync(RESULTS_DIR, { recursive: true });
    fs.writeFileSync(logFile, '');
    await lab.down({ purge: true });
    layout = (await lab.up(3)).layout;
    const env = await localLabSteps(lab, { managers: 3, projectDir: LAB_PROJECT_DIR });
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

  it('says why Ceph cannot run here and runs none of it', async () => {
    for (const id of CEPH) {
      const reports = await run(id);
      assert.equal(reports.length, 1);
      assert.deepEqual(reports[0].nodes, []);
      assert.match(reports[0].error ?? '', /Ceph needs real VMs: a data disk per node/);
    }
    const healthy = await runLabCheck(check('storage.ceph-healthy'), cluster, english);
    assert.equal(healthy.state, 'unknown');
    assert.match(healthy.why, /storage\.gluster/);
  });

  it('finds no shared /data before the step: a file written to /data on core-01 is not on core-02, and the checks fail', async function () {
    this.timeout(60_000);
    const [one, two] = cluster.nodes;
    const first = await cluster.openSession(one, new AbortController().signal);
    const second = await cluster.openSession(two, new AbortController().signal);
    const signal = new AbortController().signal;
    const write = await first.exec(
      sh`sudo -n mkdir -p /data && sudo -n chmod 1777 /data && echo before-gluster > /data/probe-early`,
      { signal },
    );
    assert.equal(write.code, 0, write.stderr);
    const read = await second.exec(sh`cat /data/probe-early`, { signal });
    assert.notEqual(read.code, 0, `core-02 read core-01's file: ${read.stdout}`);
    const mounted = await runLabCheck(check('storage.data-mounted'), cluster, english);
    assert.equal(mounted.state, 'fail', mounted.why);
    const shared = await runLabCheck(check('storage.data-shared'), cluster, english);
    assert.equal(shared.state, 'fail', shared.why);
  });

  it('runs glusterd on every node, a volume replicated on the 3 nodes, /data mounted on each; both checks pass', async function () {
    this.timeout(300_000);
    const t0 = Date.now();
    const reports = await run('storage.gluster');
    fs.appendFileSync(logFile, `storage.gluster from scratch: ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
    assert.deepEqual(
      stepKinds(reports),
      [
        ...layout.nodes.map((n) => `storage.gluster.glusterd@${n.name} ok`),
        'storage.gluster.volume@core-01 ok',
        ...layout.nodes.map((n) => `storage.gluster.mount@${n.name} ok`),
      ],
      `see ${logFile}`,
    );
    const evidence = reports[1].nodes[0].outcome;
    assert.ok(
      evidence.kind === 'ok' && /Number of Bricks: 1 x 3 = 3/.test(evidence.evidence ?? ''),
      JSON.stringify(evidence),
    );

    const mounted = await runLabCheck(check('storage.data-mounted'), cluster, english);
    assert.equal(mounted.state, 'pass', mounted.why);
    for (const n of layout.nodes) {
      assert.match(
        mounted.nodes.get(n.name)?.why ?? '',
        new RegExp(`^${n.address.replace(/\./g, '\\.')}:/data \\(fuse\\.glusterfs\\)$`),
      );
    }
    const shared = await runLabCheck(check('storage.data-shared'), cluster, english);
    assert.equal(shared.state, 'pass', shared.why);
    assert.match(shared.why, /written on core-01, read on core-02, core-03/);
  });

  it('keeps each mount in its node: this machine has no GlusterFS mount, the daemons live in the nodes’ cgroups', () => {
    const hostMounts = fs.readFileSync('/proc/self/mounts', 'utf8');
    assert.ok(!/ fuse\.glusterfs /.test(hostMounts), 'a GlusterFS mount leaked onto this machine');
    for (const n of layout.nodes) {
      const [pid] = nodeProcessesNamed(nodeCgroupName(layout, n), 'glusterd');
      assert.ok(pid !== undefined, `${n.name} runs no glusterd`);
      assert.ok(
        fs.readFileSync(`/proc/${pid}/cgroup`, 'utf8').includes(nodeCgroupName(layout, n)),
        `${n.name}'s glusterd is outside the node's cgroup`,
      );
      assert.ok(
        fs.existsSync(path.join(nodeUpperDir(n), 'srv', 'gluster', 'data')),
        `${n.name}'s brick is in its own layer`,
      );
    }
  });

  it('says "already done" everywhere on a second run', async function () {
    this.timeout(120_000);
    const reports = await run('storage.gluster');
    assert.deepEqual(
      stepKinds(reports),
      [
        ...layout.nodes.map((n) => `storage.gluster.glusterd@${n.name} already-done`),
        'storage.gluster.volume@core-01 already-done',
        ...layout.nodes.map((n) => `storage.gluster.mount@${n.name} already-done`),
      ],
      `see ${logFile}`,
    );
  });

  it('after the lab goes down and up, starts glusterd and mounts again; the volume and its files are kept', async function () {
    this.timeout(300_000);
    const keep = `/data/kept-${Date.now()}`;
    const first = await cluster.openSession(cluster.nodes[0], new AbortController().signal);
    assert.equal((await first.exec(['sh', '-c', `echo kept > ${keep}`])).code, 0);
    close();
    await lab.down();
    assert.ok(!fs.readFileSync('/proc/self/mounts', 'utf8').includes(' fuse.glusterfs '));
    layout = (await lab.up(3)).layout;
    const env = await localLabSteps(lab, { managers: 3, projectDir: LAB_PROJECT_DIR });
    cluster = env.cluster;
    config = env.config;
    close = () => env.close();
    steps = labSteps(config, english);
    checks = labChecks(config, english);
    const unmounted = await runLabCheck(check('storage.data-mounted'), cluster, english);
    assert.equal(unmounted.state, 'fail', unmounted.why);
    const reports = await run('storage.gluster');
    assert.deepEqual(
      stepKinds(reports),
      [
        ...layout.nodes.map((n) => `storage.gluster.glusterd@${n.name} ok`),
        'storage.gluster.volume@core-01 already-done',
        ...layout.nodes.map((n) => `storage.gluster.mount@${n.name} ok`),
      ],
      `see ${logFile}`,
    );
    const third = await cluster.openSession(cluster.nodes[2], new AbortController().signal);
    assert.equal((await third.exec(['cat', keep])).stdout, 'kept\n');
    assert.equal((await runLabCheck(check('storage.data-shared'), cluster, english)).state, 'pass');
  });

  it('lets the lab user work in /data: a folder made on one node is seen on another', async function () {
    this.timeout(60_000);
    const a = await cluster.openSession(cluster.nodes[1], new AbortController().signal);
    const b = await cluster.openSession(cluster.nodes[2], new AbortController().signal);
    const name = `/data/core-test-${Date.now()}`;
    assert.equal((await a.exec(['mkdir', name])).code, 0);
    const seen = await b.exec(['stat', '-c', '%U', name]);
    assert.equal(seen.stdout.trim(), 'core', seen.stderr);
    assert.equal((await b.exec(['rmdir', name])).code, 0);
  });
});

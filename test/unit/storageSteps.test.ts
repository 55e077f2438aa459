import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { english } from '../../src/core/l10n';
import type { LabStep, LabStepConfig } from '../../src/core/labSteps/labConfig';
import { labChecks, labSteps, runLabCheck, runLabStep, sectionSteps } from '../../src/core/labSteps/labSteps';
import { packCommand, unpackCommand } from '../../src/core/labSteps/nodeCopy';
import { cephFstabLine } from '../../src/core/labSteps/storageCephFs';
import { createVolume, probePeers } from '../../src/core/labSteps/storageGluster';
import { stepLog } from '../../src/core/steps/logFormat';
import { RunValues } from '../../src/core/steps/runValues';
import type { NodeOutcome, PlannedAction, StepReport } from '../../src/core/steps/step';
import { FakeLabCluster, labConfig } from './labStepFakes';
import { labNodes, type Answer } from './stepFakes';

const FIXTURES = path.join(__dirname, '..', '..', '..', 'test', 'fixtures', 'labSteps', 'ceph');
const CEPH_STEPS = [
  'storage.ceph-mon',
  'storage.ceph-mgr',
  'storage.ceph-osd',
  'storage.ceph-mds',
  'storage.ceph-fs',
  'storage.ceph-mount',
];
const NO_CONTAINER: Answer = { code: 1, stderr: 'Error: No such object: ceph-x' };

function step(config: LabStepConfig, id: string): LabStep {
  const found = labSteps(config, english).find((s) => s.id === id);
  assert.ok(found, id);
  return found;
}

function run(cluster: FakeLabCluster, config: LabStepConfig, id: string, dryRun: boolean): Promise<StepReport[]> {
  return runLabStep(step(config, id), cluster, new RunValues(), {
    l10n: english,
    allowMachineChanges: true,
    ...(dryRun ? { dryRun: true } : {}),
  });
}

/** A dry run as text: each phase, each node, each action exactly as it would run. */
function plannedText(reports: StepReport[]): string {
  const lines: string[] = [];
  for (const r of reports) {
    for (const n of r.nodes) {
      const o: NodeOutcome = n.outcome;
      lines.push(`== ${r.stepId} @ ${n.node}: ${o.kind}${'reason' in o && o.reason ? ` (${o.reason})` : ''}`);
      if (o.kind === 'planned') {
        lines.push(
          ...o.actions.map((a: PlannedAction) =>
            a.kind === 'exec' ? `$ ${a.command}` : a.kind === 'call' ? `call: ${a.description}` : `upload ${a.path}`,
          ),
        );
      }
    }
  }
  return `${lines.join('\n')}\n`;
}

/** A fresh set of VMs: no Ceph container anywhere, no Ceph file on any node but the first. */
function freshVms(): { cluster: FakeLabCluster; config: LabStepConfig } {
  const cluster = new FakeLabCluster(labNodes(5, 3), {
    script: (_node, command) => (command.startsWith('docker container inspect') ? NO_CONTAINER : {}),
  });
  // The first node has the monitor's files, but no node has the client's secret file yet.
  cluster.rootCode = (node, command) =>
    command.startsWith('test -s') && (node !== 'core-01' || command.includes('dockerswarm.secret')) ? 1 : 0;
  return { cluster, config: labConfig(cluster) };
}

describe('section 5 on VMs: the Ceph steps’ commands, node by node', () => {
  for (const id of CEPH_STEPS) {
    it(`${id}: the dry run on 5 fresh VMs is the expected fixture`, async () => {
      const { cluster, config } = freshVms();
      const text = plannedText(await run(cluster, config, id, true));
      const fixture = path.join(FIXTURES, `${id}.txt`);
      if (process.env['SWARM_LAB_WRITE_FIXTURES'] === '1') {
        fs.writeFileSync(fixture, text);
      }
      assert.equal(text, fs.readFileSync(fixture, 'utf8'));
    });
  }

  it('says "already done" where the daemon runs, and starts a stopped one instead of re-creating it', async () => {
    const cluster = new FakeLabCluster(labNodes(3, 3), {
      script: (node, command) =>
        command.startsWith('docker container inspect') ? { stdout: node === 'core-02' ? 'false\n' : 'true\n' } : {},
    });
    const config = labConfig(cluster);
    const reports = await run(cluster, config, 'storage.ceph-mgr', false);
    assert.deepEqual(
      reports[0].nodes.map((n) => `${n.node} ${n.outcome.kind}`),
      ['core-01 already-done', 'core-02 ok', 'core-03 already-done'],
    );
    assert.deepEqual(
      cluster.commands.get('core-02')?.filter((c) => c.startsWith('docker start') || c.startsWith('docker run')),
      ['docker start ceph-mgr'],
    );
  });

  it('copies /etc/ceph and the keys from the first node: read there as root, written here from stdin, never shown', async () => {
    const { cluster, config } = freshVms();
    const archive = 'H4sIAAAAAAAAA-secret-keyring-archive';
    cluster.rootOutput = (node, command) => (node === 'core-01' && command.includes('tar -cz') ? archive : '');
    const log: string[] = [];
    const reports = await runLabStep(step(config, 'storage.ceph-mon'), cluster, new RunValues(), {
      l10n: english,
      allowMachineChanges: true,
      events: stepLog((line) => log.push(line), { l10n: english, clock: null }),
    });
    const copy = reports.find((r) => r.stepId === 'storage.ceph-mon.copy')!;
    assert.deepEqual(
      copy.nodes.map((n) => `${n.node} ${n.outcome.kind}`),
      ['core-01 already-done', 'core-02 ok', 'core-03 ok', 'core-04 ok', 'core-05 ok'],
    );
    for (const n of ['core-02', 'core-03', 'core-04', 'core-05']) {
      assert.equal(cluster.stdin.get(n), archive);
      assert.ok(cluster.commands.get(n)?.includes(`root: ${unpackCommand().text}`));
    }
    assert.ok(!JSON.stringify(reports).includes(archive), 'the keys’ archive appears in a report');
    assert.ok(!log.join('\n').includes(archive), 'the keys’ archive appears in the log');
  });

  it('packs only the files that exist, each path one word, and unpacks them in place (a real tar round trip)', () => {
    const src = fs.mkdtempSync(path.join(os.tmpdir(), 'ceph-src-'));
    const dst = fs.mkdtempSync(path.join(os.tmpdir(), 'ceph-dst-'));
    try {
      fs.mkdirSync(path.join(src, 'etc', 'ceph'), { recursive: true });
      fs.writeFileSync(path.join(src, 'etc', 'ceph', 'ceph.conf'), '[global]\nfsid = x\n');
      fs.mkdirSync(path.join(src, 'var', 'lib', 'ceph', 'bootstrap-osd'), { recursive: true });
      fs.writeFileSync(path.join(src, 'var', 'lib', 'ceph', 'bootstrap-osd', 'ceph.keyring'), 'key\n', { mode: 0o600 });
      // The commands work from /: run them with the folders as that root.
      const pack = packCommand([
        '/etc/ceph',
        '/var/lib/ceph/bootstrap-osd/ceph.keyring',
        '/var/lib/ceph/bootstrap-rgw/ceph.keyring',
      ]);
      const packed = execFileSync('sh', ['-c', pack.text.replace('cd /', `cd ${src}`)], { encoding: 'utf8' });
      execFileSync('sh', ['-c', unpackCommand().text.replace('-C /', `-C ${dst}`)], { input: packed });
      assert.equal(fs.readFileSync(path.join(dst, 'etc', 'ceph', 'ceph.conf'), 'utf8'), '[global]\nfsid = x\n');
      assert.equal(
        fs.statSync(path.join(dst, 'var', 'lib', 'ceph', 'bootstrap-osd', 'ceph.keyring')).mode & 0o777,
        0o600,
      );
      assert.ok(!fs.existsSync(path.join(dst, 'var', 'lib', 'ceph', 'bootstrap-rgw')));
    } finally {
      fs.rmSync(src, { recursive: true, force: true });
      fs.rmSync(dst, { recursive: true, force: true });
    }
  });

  it('writes the lab’s fstab line: the 3 monitors, the client name, the secret file', () => {
    assert.equal(
      cephFstabLine(labNodes(5, 3)),
      '172.17.8.101,172.17.8.102,172.17.8.103:/ /data ceph name=dockerswarm,secretfile=/etc/ceph/dockerswarm.secret,noatime,_netdev 0 2',
    );
  });

  it('reads ceph status: HEALTH_OK passes, HEALTH_WARN fails with the reason', async () => {
    for (const [health, state] of [
      ['HEALTH_OK', 'pass'],
      ['HEALTH_WARN', 'fail'],
    ]) {
      const cluster = new FakeLabCluster(labNodes(3, 3), {
        script: () => ({ stdout: `  cluster:\n    id:     x\n    health: ${health}\n` }),
      });
      const check = labChecks(labConfig(cluster), english).find((c) => c.id === 'storage.ceph-healthy')!;
      const verdict = await runLabCheck(check, cluster, english);
      assert.equal(verdict.state, state, verdict.why);
    }
  });
});

describe('section 5 in the local lab', () => {
  it('makes every Ceph step and the health check unavailable, with the reason, and runs nothing', async () => {
    const cluster = new FakeLabCluster(labNodes(3, 3), { script: () => ({}) });
    const config = labConfig(cluster, { environment: 'local-lab' });
    for (const id of CEPH_STEPS) {
      const reports = await run(cluster, config, id, false);
      assert.match(reports[0].error ?? '', /^Ceph needs real VMs: a data disk per node \(\/dev\/sdb\)/);
    }
    const check = labChecks(config, english).find((c) => c.id === 'storage.ceph-healthy')!;
    assert.equal((await runLabCheck(check, cluster, english)).state, 'unknown');
    assert.equal(cluster.commands.size, 0);
    assert.equal(step(config, 'storage.gluster').unavailable, undefined);
  });

  it('runs section 5 as storage.gluster alone here, and as Ceph alone on VMs', () => {
    const cluster = new FakeLabCluster(labNodes(3, 3), { script: () => ({}) });
    assert.deepEqual(
      sectionSteps(labSteps(labConfig(cluster, { environment: 'local-lab' }), english), 5).map((s) => s.id),
      ['storage.gluster'],
    );
    assert.deepEqual(
      sectionSteps(labSteps(labConfig(cluster), english), 5).map((s) => s.id),
      CEPH_STEPS,
    );
  });

  it('runs storage.gluster on VMs that have no Ceph image, its bricks on each VM’s data disk', async () => {
    const cluster = new FakeLabCluster(labNodes(3, 1), { script: () => ({}) });
    const config = labConfig(cluster, { images: { ceph: 'none' } });
    assert.deepEqual(
      sectionSteps(labSteps(config, english), 5).map((s) => s.id),
      ['storage.gluster'],
    );
    const reports = await run(cluster, config, 'storage.gluster', true);
    assert.equal(reports[0].stepId, 'storage.gluster.disk');
    assert.deepEqual(
      reports[0].nodes.map((n) => n.node),
      ['core-01', 'core-02', 'core-03'],
    );
    const script = plannedText([reports[0]]);
    // Formats only an empty disk, mounts it by UUID where the brick goes.
    assert.match(script, /^call: sudo -n sh -c /m);
    for (const part of ['/dev/vdb', '/dev/sdb', 'blkid -p', 'mkfs.ext4', 'UUID=', '/srv/gluster']) {
      assert.ok(script.includes(part), `${part} in ${script}`);
    }
    assert.match(
      step(labConfig(cluster), 'storage.gluster').unavailable ?? '',
      /^On VMs with the Ceph image, \/data is CephFS/,
    );
  });

  it('builds the GlusterFS volume over every node’s brick, replicated on all', () => {
    assert.equal(
      createVolume(labNodes(3, 1)).text,
      'gluster --mode=script volume create data replica 3 172.17.8.101:/srv/gluster/data 172.17.8.102:/srv/gluster/data 172.17.8.103:/srv/gluster/data force',
    );
    assert.equal(
      createVolume(labNodes(1, 1)).text,
      'gluster --mode=script volume create data 172.17.8.101:/srv/gluster/data force',
    );
    assert.match(probePeers(labNodes(3, 1).slice(1)).text, /^for a in 172\.17\.8\.102 172\.17\.8\.103; do/);
  });

  it('fails storage.data-mounted on a node whose /data is a plain folder or a bind mount', async () => {
    const cluster = new FakeLabCluster(labNodes(3, 1), {
      script: (node) =>
        node === 'core-02'
          ? { stdout: 'ext4 /dev/sda1\n' }
          : node === 'core-03'
            ? { stdout: '' }
            : { stdout: 'fuse.glusterfs 172.17.8.101:/data\n' },
    });
    const check = labChecks(labConfig(cluster), english).find((c) => c.id === 'storage.data-mounted')!;
    const verdict = await runLabCheck(check, cluster, english);
    assert.equal(verdict.state, 'fail');
    assert.equal(
      verdict.why,
      'core-02: /data is a ext4 mount (/dev/sda1), not a shared file system; core-03: nothing is mounted on /data',
    );
  });

  it('fails storage.data-shared when another node reads something else, and removes its probe file', async () => {
    const cluster = new FakeLabCluster(labNodes(3, 1), {
      script: (node) => (node === 'core-03' ? { code: 1, stderr: 'No such file or directory' } : { stdout: '' }),
    });
    const check = labChecks(labConfig(cluster), english).find((c) => c.id === 'storage.data-shared')!;
    const verdict = await runLabCheck(check, cluster, english);
    assert.equal(verdict.state, 'fail');
    assert.match(verdict.why, /is not read on core-02, core-03 \(No such file or directory\)$/);
    const root = cluster.commands.get('core-01')!.filter((c) => c.startsWith('root: '));
    assert.equal(root.length, 2);
    assert.match(root[1], /^root: rm -f \/data\/\.swarm-lab-probe-core-01-/);
  });
});

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TEST_LAB_INSTANCE, TEST_LAB_STATE_DIR } from '../harness/testLab';
import { runningLab } from '../../src/localLab/labOwner';
import { LabConflictError, LocalLab } from '../../src/localLab/localLab';
import { nodePidFile } from '../../src/localLab/nodeProcess';
import { dockerdPid, killNodeSshd } from '../harness/labNodeSshd';

describe('One local lab per machine and instance: a second lab folder adopts or refuses, never fights', function () {
  const lab = new LocalLab(TEST_LAB_STATE_DIR, () => undefined, TEST_LAB_INSTANCE);
  let otherDir: string;

  before(async function () {
    this.timeout(120_000);
    await lab.down();
    await lab.up(3);
    otherDir = fs.mkdtempSync(path.join(os.tmpdir(), 'swarm-lab-other-'));
  });

  after(async function () {
    this.timeout(60_000);
    fs.rmSync(otherDir, { recursive: true, force: true });
    await lab.down();
  });

  it("finds the running lab's folder from the kernel (the nodes' processes), not from a file of ours", () => {
    assert.deepEqual(runningLab(TEST_LAB_INSTANCE), {
      stateDir: TEST_LAB_STATE_DIR,
      nodes: ['core-01', 'core-02', 'core-03'],
    });
    // Another instance runs nothing here.
    assert.equal(runningLab(7), undefined);
  });

  it('adopts a healthy lab: the same nodes, untouched, and nothing made in the second folder', async function () {
    this.timeout(60_000);
    // Each node's first process and its dockerd (a pids listing would also catch sshd's short-lived
    // children forked for the health check's connection).
    const daemons = (): string[] =>
      lab
        .layout()
        .nodes.map((n) =>
          [fs.readFileSync(nodePidFile(n), 'utf8').trim(), String(dockerdPid(lab.layout(), n))].join(','),
        );
    const before = daemons();
    const logs: string[] = [];
    const second = new LocalLab(otherDir, (l) => logs.push(l), TEST_LAB_INSTANCE);
    const { layout, outcomes, adopted } = await second.up(3);
    assert.equal(adopted, TEST_LAB_STATE_DIR);
    assert.equal(layout.stateDir, TEST_LAB_STATE_DIR);
    assert.deepEqual([...outcomes.values()], ['already up', 'already up', 'already up']);
    assert.deepEqual(fs.readdirSync(otherDir), [], 'the second folder stays empty');
    assert.deepEqual(daemons(), before, 'no node was restarted');
    for (const pid of before.flatMap((p) => p.split(','))) {
      assert.doesNotThrow(() => process.kill(Number(pid), 0), `process ${pid} is gone`);
    }
    assert.match(logs.join('\n'), /adopting the lab already running in /);
  });

  it('refuses to stop the lab from another folder, and the lab keeps running', async function () {
    this.timeout(30_000);
    const second = new LocalLab(otherDir, () => undefined, TEST_LAB_INSTANCE);
    await assert.rejects(second.down(), (e: Error) => e.message.includes(TEST_LAB_STATE_DIR));
    assert.ok((await lab.status()).every((s) => s.sshd && s.dockerd));
  });

  it('refuses an unhealthy lab with one sentence naming its folder; its own folder then repairs it', async function () {
    this.timeout(120_000);
    // Its ssh service stopped for good (a killed sshd would be restarted by the node's systemd).
    assert.ok(killNodeSshd(lab.layout(), lab.layout().nodes[2]) > 0, "core-03's sshd was not found");
    const second = new LocalLab(otherDir, () => undefined, TEST_LAB_INSTANCE);
    await assert.rejects(second.up(3), (e: unknown) => {
      assert.ok(e instanceof LabConflictError);
      assert.equal(e.otherStateDir, TEST_LAB_STATE_DIR);
      assert.ok(!e.message.includes('\n'), 'one sentence, no log');
      return true;
    });
    assert.deepEqual(fs.readdirSync(otherDir), [], 'nothing was started from the second folder');
    const { outcomes } = await lab.up(3);
    assert.deepEqual([...outcomes.values()], ['already up', 'already up', 'repaired']);
    assert.ok((await lab.status()).every((s) => s.sshd && s.dockerd));
  });
});

import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Docker from 'dockerode';
import * as vscode from 'vscode';
import type { SwarmLabApi } from '../../../src/extension';
import { recordHostFigures } from '../../harness/hostFigures';
import { formManagerSwarm } from '../../harness/labSwarm';
import { NodeActivity } from '../../harness/nodeActivity';
import { ensureBusyboxImage } from '../../harness/testImages';
import { testLabLayout } from '../../harness/testLab';
import type { LabLayout } from '../../../src/localLab/labLayout';
import { waitFor } from '../../harness/waitFor';
import { activateSwarmLab } from './extensionApi';

/** How long the extension is watched at rest: short in the tier, 3 minutes for the bench (SWARM_LAB_IDLE_WINDOW_S). */
const WINDOW_S = Number(process.env['SWARM_LAB_IDLE_WINDOW_S'] ?? '20');
const STACK = 'idle';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Until no request reaches a node's Docker API and its sshd starts no program for `quietMs`, within `withinMs`. */
async function untilQuiet(layout: LabLayout, quietMs: number, withinMs: number): Promise<void> {
  const activity = await NodeActivity.start(layout);
  try {
    let seen = -1;
    let since = Date.now();
    await waitFor(
      `the nodes to hear nothing for ${quietMs} ms`,
      async () => {
        const count = activity.requests().flat().length + (await activity.sshStarts()).flat().length;
        if (count !== seen) {
          seen = count;
          since = Date.now();
        }
        return Date.now() - since >= quietMs;
      },
      withinMs,
      250,
    );
  } finally {
    await activity.stop();
  }
}

/**
 * Swarm Lab at rest, as a student leaves it: every view shown, the lab
 * panel open on a section with checks, a compose file open with its lenses,
 * a 3-node swarm running a stack. Nothing changes, so nothing is asked: no
 * request reaches a node's Docker API and no program is started over SSH.
 * The bench's cluster.idle_requests_per_min and cluster.idle_cpu_ms_per_min
 * are this test's counts over 3 minutes.
 */
describe('At rest in a real VS Code: every view, the lab panel, a compose file, a swarm with a stack', function () {
  let api: SwarmLabApi;
  const layout = testLabLayout();
  const docker = layout.nodes.map((n) => new Docker({ socketPath: n.dockerSocket }));
  const folder = vscode.workspace.workspaceFolders![0].uri.fsPath;
  const compose = path.join(folder, 'idle', 'docker-compose.yml');

  before(async function () {
    this.timeout(180_000);
    api = await activateSwarmLab();
    await Promise.all(docker.map((d) => ensureBusyboxImage(d)));
    await formManagerSwarm(layout);
    // A stack as `docker stack deploy` leaves it: services labelled with its namespace.
    for (const name of ['web', 'worker']) {
      await docker[0].createService({
        Name: `${STACK}_${name}`,
        Labels: { 'com.docker.stack.namespace': STACK },
        Mode: { Replicated: { Replicas: 2 } },
        TaskTemplate: {
          ContainerSpec: {
            Image: 'swarm-lab-test/busybox:latest',
            Command: ['sh', '-c', 'trap "exit 0" TERM; sleep 3600 & wait'],
            Labels: { 'com.docker.stack.namespace': STACK },
          },
        },
      });
    }
    await vscode.commands.executeCommand('workbench.view.extension.swarmLab');
    api.machinesTree.getChildren();
    api.swarmTree.getChildren();
    api.containersTree.getChildren();
    await api.machines.refresh();
    await vscode.commands.executeCommand('swarmLab.lab.open');
    await api.labPanels.current!.handleMessage({ type: 'showSection', sectionId: 'docker-swarm' });
    fs.mkdirSync(path.dirname(compose), { recursive: true });
    fs.writeFileSync(
      compose,
      [
        'services:',
        '  web:',
        '    image: python-app:latest',
        '    build: .',
        '  cache:',
        '    image: redis:7',
        '',
      ].join('\n'),
    );
    const document = await vscode.workspace.openTextDocument(compose);
    await vscode.window.showTextDocument(document);
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>(
      'vscode.executeCodeLensProvider',
      document.uri,
    );
    assert.ok(lenses.length > 0, 'the compose file has its lenses');
    // What the first looks started (tasks converging, checks, image lists) settles: the nodes hear nothing for 3 s.
    await untilQuiet(layout, 3_000, 60_000);
  });

  after(async function () {
    this.timeout(60_000);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    api.labPanels.current?.dispose();
    fs.rmSync(path.dirname(compose), { recursive: true, force: true });
    await Promise.all(docker.map((d) => d.swarmLeave({ force: true }).catch(() => undefined)));
  });

  it(`asks no node anything while nothing changes (${WINDOW_S} s watched)`, async function () {
    this.timeout((WINDOW_S + 60) * 1000);
    const activity = await NodeActivity.start(layout);
    let requests: string[][];
    let starts: string[][];
    const cpu = process.cpuUsage();
    try {
      await sleep(WINDOW_S * 1000);
      const used = process.cpuUsage(cpu);
      requests = activity.requests();
      starts = await activity.sshStarts();
      const minutes = WINDOW_S / 60;
      recordHostFigures({
        'cluster.idle_requests_per_min': Math.max(...requests.map((r, i) => r.length + starts[i].length)) / minutes,
        'cluster.idle_cpu_ms_per_min': Math.round((used.user + used.system) / 1000 / minutes),
      });
      // The counts can see what they count: one request and one SSH command of the test's own.
      await docker[0].ping();
      execFileSync('ssh', ['-F', layout.sshConfig, layout.nodes[0].name, 'true'], { timeout: 20_000 });
      // The log line and the watch's next scan follow the calls by a moment: waited for, bounded.
      const seenPing = (): true | undefined =>
        activity
          .requests()[0]
          .slice(requests[0].length)
          .some((r) => r.endsWith('/_ping'))
          ? true
          : undefined;
      await waitFor("the watch to see the test's own ping", () => Promise.resolve(seenPing()), 5_000, 50);
      await waitFor(
        "the watch to see the test's own ssh",
        async () => ((await activity.sshStarts())[0].length > starts[0].length ? true : undefined),
        5_000,
        50,
      );
    } finally {
      await activity.stop();
    }
    layout.nodes.forEach((n, i) => {
      assert.deepEqual(requests[i], [], `${n.name}'s Docker API was asked at rest`);
      assert.deepEqual(starts[i], [], `${n.name}'s sshd started programs at rest`);
    });
  });
});

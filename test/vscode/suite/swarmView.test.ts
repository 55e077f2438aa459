import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Docker from 'dockerode';
import * as vscode from 'vscode';
import type { SwarmLabApi } from '../../../src/extension';
import type { SwarmItem } from '../../../src/features/swarm/swarmTreeProvider';
import { ensureBusyboxImage } from '../../harness/testImages';
import { formManagerSwarm } from '../../harness/labSwarm';
import { testLabLayout } from '../../harness/testLab';
import { activateSwarmLab, waitForEvent } from './extensionApi';

describe("Swarm view in a real VS Code (a 3-node swarm on the tests' local lab)", function () {
  let api: SwarmLabApi;
  const layout = testLabLayout();
  const docker = layout.nodes.map((n) => new Docker({ socketPath: n.dockerSocket }));

  before(async function () {
    this.timeout(120_000);
    api = await activateSwarmLab();
    await Promise.all(docker.map((d) => ensureBusyboxImage(d)));
    // A fresh swarm, whatever an earlier tier left on these nodes.
    await formManagerSwarm(layout);
    await docker[0].createService({
      Name: 'whoami',
      Mode: { Replicated: { Replicas: 2 } },
      TaskTemplate: { ContainerSpec: { Image: 'swarm-lab-test/busybox:latest', Command: ['sleep', '3600'] } },
    });
  });

  after(async function () {
    this.timeout(60_000);
    await Promise.all(docker.map((d) => d.swarmLeave({ force: true }).catch(() => undefined)));
  });

  /** The service item, once it has `running` running tasks on distinct known nodes. */
  const serviceWith = (running: number) => (): Extract<SwarmItem, { kind: 'service' }> | undefined => {
    const tree = api.swarmTree;
    const item = tree
      .getChildren()
      .find((i): i is Extract<SwarmItem, { kind: 'service' }> => i.kind === 'service' && i.service.name === 'whoami');
    const tasks = item ? tree.getChildren(item) : [];
    const runningTasks = tasks.filter((t) => t.kind === 'task' && t.task.state === 'running');
    return runningTasks.length === running ? item : undefined;
  };

  it("shows the swarm's 3 nodes and a service's tasks with the node each runs on", async function () {
    this.timeout(60_000);
    await api.machines.refresh(); // the machines are managers now: the view follows one of them
    const item = await waitForEvent(api.swarm.onDidChange, serviceWith(2), 45_000, 'whoami with 2 running tasks').catch(
      (e: Error) => {
        const why = {
          machines: api.machines.machines().map((m) => [m.name, m.state]),
          manager: api.swarm.managerId,
          error: api.swarm.error,
          services: api.swarm.snapshot?.services.map((x) => [x.name, x.running, x.tasks.map((t) => t.state)]),
        };
        throw new Error(`${e.message}: ${JSON.stringify(why)}`);
      },
    );
    const tree = api.swarmTree;
    const [nodesGroup] = tree.getChildren();
    assert.equal(nodesGroup.kind, 'nodes');
    assert.deepEqual(
      tree.getChildren(nodesGroup).map((n) => (n.kind === 'node' ? n.node.hostname : '')),
      ['core-01', 'core-02', 'core-03'],
    );
    assert.match(String(tree.getTreeItem(item).description), /^2\/2 replicas · swarm-lab-test\/busybox:latest$/);
    for (const t of tree.getChildren(item)) {
      const ti = tree.getTreeItem(t);
      assert.match(ti.label as string, /^whoami\.\d$/);
      assert.match(String(ti.description), /^core-0[123] · running$/);
    }
  });

  it('scales a service from its command and shows the new task', async function () {
    this.timeout(60_000);
    const item = serviceWith(2)();
    assert.ok(item);
    await vscode.commands.executeCommand('swarmLab.swarm.scaleService', item, 3);
    await waitForEvent(api.swarm.onDidChange, serviceWith(3), 45_000, 'whoami with 3 running tasks');
  });

  it('shows a stack deployed with `docker stack deploy`: stack → services → tasks with their node', async function () {
    this.timeout(90_000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'swarm-lab-stack-'));
    const compose = path.join(dir, 'docker-compose.yml');
    fs.writeFileSync(
      compose,
      [
        "version: '3.8'",
        'services:',
        '  web:',
        '    image: swarm-lab-test/busybox:latest',
        '    command: ["sleep", "3600"]',
        '    deploy: { replicas: 2, endpoint_mode: dnsrr }',
        '  worker:',
        '    image: swarm-lab-test/busybox:latest',
        '    command: ["sleep", "3600"]',
        '    deploy: { mode: global, endpoint_mode: dnsrr }',
        '',
      ].join('\n'),
    );
    try {
      // The CLI, as a student runs it: stack deploy has no API of its own.
      execFileSync(
        '/usr/bin/docker',
        [
          '-H',
          `unix://${layout.nodes[0].dockerSocket}`,
          'stack',
          'deploy',
          '--resolve-image',
          'never',
          '-c',
          compose,
          'lab',
        ],
        { stdio: 'pipe' },
      );
      const tree = api.swarmTree;
      const stack = await waitForEvent(
        api.swarm.onDidChange,
        () => {
          const item = tree.getChildren().find((i) => i.kind === 'stack' && i.stack.name === 'lab');
          const services = item ? tree.getChildren(item) : [];
          const ready = services.every((x) => x.kind === 'service' && x.service.running === x.service.desired);
          return item && services.length === 2 && ready ? item : undefined;
        },
        60_000,
        'stack lab with 2 converged services',
      );
      assert.equal(tree.getTreeItem(stack).description, '2 services');
      const [web, worker] = tree.getChildren(stack);
      assert.ok(web.kind === 'service' && worker.kind === 'service');
      assert.equal(web.service.name, 'lab_web');
      assert.match(String(tree.getTreeItem(web).description), /^2\/2 replicas · /);
      assert.match(String(tree.getTreeItem(worker).description), /^3\/3 global · /);
      const nodes = tree.getChildren(worker).map((t) => (t.kind === 'task' ? t.task.nodeName : ''));
      assert.deepEqual(nodes.sort(), ['core-01', 'core-02', 'core-03']);
    } finally {
      execFileSync('/usr/bin/docker', ['-H', `unix://${layout.nodes[0].dockerSocket}`, 'stack', 'rm', 'lab'], {
        stdio: 'pipe',
      });
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

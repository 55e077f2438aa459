import * as assert from 'node:assert/strict';
import Docker from 'dockerode';
import * as vscode from 'vscode';
import type { SwarmLabApi } from '../../../src/extension';
import type { SwarmItem } from '../../../src/views/swarmTreeProvider';
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
});

import * as assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import Docker from 'dockerode';
import * as vscode from 'vscode';
import type { SwarmLabApi } from '../../../src/extension';
import { parseServiceLogLine, serviceLogPrefix } from '../../../src/core/cluster/serviceLogLines';
import { LineBuffer } from '../../../src/core/text/lineBuffer';
import type { ContainersNode } from '../../../src/features/containers/containersTreeProvider';
import type { SwarmItem } from '../../../src/features/swarm/swarmTreeProvider';
import { formManagerSwarm } from '../../harness/labSwarm';
import { ensureBusyboxImage } from '../../harness/testImages';
import { testLabLayout } from '../../harness/testLab';
import { activateSwarmLab, waitForEvent } from './extensionApi';

type ServiceItem = Extract<SwarmItem, { kind: 'service' }>;
type NodeItem = Extract<SwarmItem, { kind: 'node' }>;

describe("Swarm actions from the views in a real VS Code (a 3-node swarm on the tests' local lab)", function () {
  let api: SwarmLabApi;
  const layout = testLabLayout();
  const docker = layout.nodes.map((n) => new Docker({ socketPath: n.dockerSocket }));

  before(async function () {
    this.timeout(120_000);
    api = await activateSwarmLab();
    await Promise.all(docker.map((d) => ensureBusyboxImage(d)));
    await formManagerSwarm(layout);
    await docker[0].createService({
      Name: 'talker',
      Mode: { Replicated: { Replicas: 2 } },
      TaskTemplate: {
        ContainerSpec: {
          Image: 'swarm-lab-test/busybox:latest',
          // PID 1 ignores SIGTERM unless it traps it: stop at once, not after Docker's 10 s.
          Command: ['sh', '-c', 'trap "exit 0" TERM; echo "hello from $(hostname)"; sleep 3600 & wait'],
        },
      },
    });
    await docker[0].createNetwork({ Name: 'lab-overlay', Driver: 'overlay', Attachable: true });
    api.machinesTree.getChildren();
    api.swarmTree.getChildren();
    api.containersTree.getChildren();
    await api.machines.refresh(); // the nodes are managers now: their swarm node IDs are read again
  });

  after(async function () {
    this.timeout(60_000);
    await Promise.all(docker.map((d) => d.swarmLeave({ force: true }).catch(() => undefined)));
  });

  const tree = (): SwarmLabApi['swarmTree'] => api.swarmTree;
  const service = (name: string, running?: number) => (): ServiceItem | undefined => {
    const item = tree()
      .getChildren()
      .find((i): i is ServiceItem => i.kind === 'service' && i.service.name === name);
    if (!item) {
      return undefined;
    }
    const up = item.service.tasks.filter((t) => t.state === 'running' && t.desiredState === 'running');
    return running === undefined || (up.length === running && item.service.running === running) ? item : undefined;
  };
  const node = (hostname: string): NodeItem => {
    const [nodes] = tree().getChildren();
    const found = tree()
      .getChildren(nodes)
      .find((n): n is NodeItem => n.kind === 'node' && n.node.hostname === hostname);
    assert.ok(found, `${hostname} in the Swarm view`);
    return found;
  };

  it('reveals a task’s container under the machine it runs on', async function () {
    this.timeout(60_000);
    const item = await waitForEvent(api.swarm.onDidChange, service('talker', 2), 45_000, 'talker with 2 tasks');
    const task = tree()
      .getChildren(item)
      .find((t) => t.kind === 'task' && t.task.state === 'running');
    assert.ok(task?.kind === 'task');
    assert.equal(tree().getTreeItem(task).contextValue, 'swarmTask.running.withContainer');
    const said: string[] = [];
    const listening = api.onDidNotify((n) => said.push(n.text));
    const revealed = await vscode.commands
      .executeCommand<ContainersNode>('swarmLab.swarm.revealTaskContainer', task)
      .then((r) => (listening.dispose(), r));
    const machines = api.machines
      .machines()
      .map((m) => `${m.id}: ${m.state.kind === 'running' ? (m.state.swarmNodeId ?? 'no node id') : m.state.kind}`);
    assert.ok(
      revealed?.kind === 'container',
      `the container was found on its machine (task on ${task.task.nodeName} ${task.task.nodeId}; said: ${said.join(' | ')}; machines: ${machines.join(', ')}; hosts: ${api.containerHosts
        .hosts()
        .map((h) => `${h.key} ${h.state.kind}`)
        .join(', ')})`,
    );
    assert.equal(revealed.container.id, task.task.containerId);
    assert.equal(api.containersTree.host(revealed.engineKey)?.label, task.task.nodeName);
  });

  it("merges the service's logs from every task, prefixed with task and node", async function () {
    this.timeout(30_000);
    const item = service('talker', 2)();
    assert.ok(item);
    const abort = new AbortController();
    const stream = await api.swarm.serviceLogs(item.service.id, 50, abort.signal);
    const out = new PassThrough();
    await (await api.swarm.manager()).demux(stream, out, new PassThrough());
    const lines = new LineBuffer();
    const nodes = new Map(api.swarm.snapshot!.nodes.map((n) => [n.id, n.hostname]));
    const seen = new Set<string>();
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`only saw ${[...seen].join(', ')}`)), 20_000);
      out.on('data', (chunk: Buffer) => {
        for (const raw of lines.push(chunk.toString())) {
          const line = parseServiceLogLine(raw);
          seen.add(`${serviceLogPrefix(line, item.service, nodes)} | ${line.message}`);
        }
        if (seen.size >= 2) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    abort.abort();
    for (const line of seen) {
      assert.match(line, /^talker\.[12]@core-0[123] \| hello from [0-9a-f]{12}$/);
    }
  });

  it("follows a change made outside VS Code, from the swarm's events alone", async function () {
    this.timeout(60_000);
    const item = service('talker', 2)();
    assert.ok(item);
    const svc = docker[0].getService(item.service.id);
    const info = (await svc.inspect()) as { Version: { Index: number }; Spec: object };
    await svc.update({
      _query: { version: info.Version.Index },
      _body: { ...info.Spec, Mode: { Replicated: { Replicas: 1 } } },
    });
    await waitForEvent(api.swarm.onDidChange, service('talker', 1), 30_000, 'talker scaled to 1 by someone else');
    await vscode.commands.executeCommand('swarmLab.swarm.scaleService', service('talker')(), 2);
    await waitForEvent(api.swarm.onDidChange, service('talker', 2), 45_000, 'talker back to 2 tasks');
  });

  it('force-updates a service (new tasks) and rolls back a scale', async function () {
    this.timeout(90_000);
    const before = service('talker', 2)()!;
    const oldTasks = new Set(before.service.tasks.map((t) => t.id));
    assert.equal(await vscode.commands.executeCommand('swarmLab.swarm.forceUpdateService', before), true);
    await waitForEvent(
      api.swarm.onDidChange,
      () => {
        const s = service('talker', 2)();
        return s && s.service.tasks.every((t) => !oldTasks.has(t.id)) && !s.service.updateState ? s : undefined;
      },
      60_000,
      'talker with 2 new tasks',
    );
    await vscode.commands.executeCommand('swarmLab.swarm.scaleService', service('talker')(), 3);
    await waitForEvent(api.swarm.onDidChange, service('talker', 3), 45_000, 'talker with 3 tasks');
    assert.equal(await vscode.commands.executeCommand('swarmLab.swarm.rollbackService', service('talker')()), true);
    await waitForEvent(api.swarm.onDidChange, service('talker', 2), 45_000, 'talker back to 2 tasks');
  });

  it('drains a node (its tasks move away), activates it, and edits its labels', async function () {
    this.timeout(90_000);
    assert.equal(await vscode.commands.executeCommand('swarmLab.swarm.drainNode', node('core-03')), true);
    await waitForEvent(
      api.swarm.onDidChange,
      () => {
        const s = service('talker', 2)();
        return node('core-03').node.availability === 'drain' &&
          s?.service.tasks.every((t) => t.desiredState !== 'running' || t.nodeName !== 'core-03')
          ? true
          : undefined;
      },
      60_000,
      'core-03 drained and no talker task on it',
    );
    assert.equal(tree().getTreeItem(node('core-03')).contextValue, 'swarmNode.manager.drain');
    await vscode.commands.executeCommand('swarmLab.swarm.activateNode', node('core-03'));
    await vscode.commands.executeCommand('swarmLab.swarm.editNodeLabels', node('core-02'), 'zone=b, disk=ssd');
    await waitForEvent(
      api.swarm.onDidChange,
      () =>
        node('core-03').node.availability === 'active' && node('core-02').node.labels['zone'] === 'b'
          ? true
          : undefined,
      20_000,
      'core-03 active and core-02 labelled',
    );
    assert.deepEqual(node('core-02').node.labels, { zone: 'b', disk: 'ssd' });
  });

  it('lists swarm networks in a collapsed group, and removes a service after confirmation', async function () {
    this.timeout(60_000);
    const resources = tree()
      .getChildren()
      .find((i) => i.kind === 'resources');
    assert.ok(resources);
    assert.equal(tree().getTreeItem(resources).collapsibleState, vscode.TreeItemCollapsibleState.Collapsed);
    const [networks] = tree().getChildren(resources);
    const names = tree()
      .getChildren(networks)
      .map((n) => tree().getTreeItem(n).label);
    assert.ok(names.includes('lab-overlay') && names.includes('ingress'), JSON.stringify(names));

    assert.equal(await vscode.commands.executeCommand('swarmLab.swarm.removeService', service('talker')(), true), true);
    await waitForEvent(api.swarm.onDidChange, () => (service('talker')() ? undefined : true), 20_000, 'talker gone');
  });
});

import * as assert from 'node:assert/strict';
import Docker from 'dockerode';
import type { SwarmLabApi } from '../../../src/extension';
import type { Machine } from '../../../src/core/machines/machine';
import type { ContainersNode } from '../../../src/features/containers/containersTreeProvider';
import { killNodeSshd, startNodeSshd } from '../../harness/labNodeSshd';
import { ensureBusyboxImage } from '../../harness/testImages';
import { testLabLayout } from '../../harness/testLab';
import { activateSwarmLab, waitForEvent } from './extensionApi';

describe("Containers of every node, live, through a node's failure (the tests' local lab, real sshd and dockerd)", function () {
  let api: SwarmLabApi;
  const layout = testLabLayout();
  const docker = layout.nodes.map((n) => new Docker({ socketPath: n.dockerSocket }));
  const name = `swarm-lab-node-failure-${process.pid}`;
  let image: string;

  before(async function () {
    this.timeout(120_000);
    api = await activateSwarmLab();
    [image] = await Promise.all(docker.map((d) => ensureBusyboxImage(d)));
    api.machinesTree.getChildren();
    api.containersTree.getChildren();
    await api.machines.refresh();
  });

  after(async function () {
    this.timeout(30_000);
    // Whatever happened, the node gets its sshd back for the next suites.
    if (!api.machines.machines().every((m) => m.state.kind === 'running')) {
      await startNodeSshd(layout, layout.nodes[2]).catch(() => undefined);
    }
    await Promise.all(
      docker.map((d) =>
        d
          .getContainer(name)
          .remove({ force: true })
          .catch(() => undefined),
      ),
    );
  });

  const tree = (): SwarmLabApi['containersTree'] => api.containersTree;
  const machine = (n: string): Machine | undefined => api.machines.machines().find((m) => m.name === n);
  const engineOf = (n: string): ContainersNode | undefined =>
    tree()
      .getChildren()
      .find((e) => e.kind === 'engine' && tree().getTreeItem(e).label === n);
  /** The container `name` on machine `n`, once the view shows it in `state`. */
  const shown = (n: string, state: string) => (): ContainersNode | undefined => {
    const engine = engineOf(n);
    return engine
      ? tree()
          .getChildren(engine)
          .find((c) => c.kind === 'container' && c.container.name === name && c.container.state === state)
      : undefined;
  };

  it('shows each node as an engine with its containers, and a container stopped on node 2', async function () {
    this.timeout(60_000);
    await waitForEvent(
      tree().onDidChangeTreeData,
      () => (['core-01', 'core-02', 'core-03'].every((n) => engineOf(n)) ? true : undefined),
      20_000,
      'three machine engines in the Containers view',
    );
    const c = await docker[1].createContainer({ name, Image: image, Cmd: ['sleep', '300'] });
    await c.start();
    await waitForEvent(tree().onDidChangeTreeData, shown('core-02', 'running'), 10_000, `${name} running on core-02`);
    await c.stop({ t: 0 });
    const stopped = await waitForEvent(
      tree().onDidChangeTreeData,
      shown('core-02', 'exited'),
      10_000,
      `${name} exited on core-02`,
    );
    assert.equal(tree().getTreeItem(stopped).contextValue, 'container.exited');
    assert.equal(
      String(tree().getTreeItem(engineOf('core-02')!).description).replace(/\d+ containers?$/, 'N containers'),
      `${layout.nodes[1].address} · N containers`,
    );
  });

  it('marks node 3 unreachable when its sshd dies, keeps following the others, and recovers by itself', async function () {
    this.timeout(90_000);
    assert.ok(killNodeSshd(layout, layout.nodes[2]) > 0, 'sshd processes were found on core-03');
    const down = await waitForEvent(
      api.machines.onDidChange,
      () => (machine('core-03')?.state.kind === 'unreachable' ? machine('core-03') : undefined),
      15_000,
      'core-03 unreachable',
    );
    assert.match(JSON.stringify(down.state), /refused the connection|closed the connection/);
    assert.equal(machine('core-01')?.state.kind, 'running');
    assert.equal(tree().getTreeItem(engineOf('core-03')!).contextValue, 'engine.machine.unreachable');

    // The other nodes keep updating meanwhile.
    const c = await docker[0].createContainer({ name, Image: image, Cmd: ['sleep', '300'] });
    await c.start();
    await waitForEvent(tree().onDidChangeTreeData, shown('core-01', 'running'), 10_000, `${name} running on core-01`);

    // Back without anyone pressing Refresh: the watcher's backoff reconnects.
    await startNodeSshd(layout, layout.nodes[2]);
    await waitForEvent(
      api.machines.onDidChange,
      () => (machine('core-03')?.state.kind === 'running' ? true : undefined),
      45_000,
      'core-03 running again',
    );
    const c3 = await docker[2].createContainer({ name, Image: image, Cmd: ['sleep', '300'] });
    await c3.start();
    await waitForEvent(tree().onDidChangeTreeData, shown('core-03', 'running'), 10_000, `${name} running on core-03`);
  });
});

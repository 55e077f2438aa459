import * as assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import Docker from 'dockerode';
import type { SwarmLabApi } from '../../../src/extension';
import type { ContainersNode } from '../../../src/features/containers/containersTreeProvider';
import type { SwarmItem } from '../../../src/features/swarm/swarmTreeProvider';
import { recordHostFigures } from '../../harness/hostFigures';
import { formManagerSwarm } from '../../harness/labSwarm';
import { ensureBusyboxImage } from '../../harness/testImages';
import { testLabLayout } from '../../harness/testLab';
import { activateSwarmLab, waitForEvent } from './extensionApi';

/** Changes measured per figure: the bench reports their median. */
const CHANGES = 10;

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/**
 * From a change made on a node to the view showing it, in the real
 * extension host: the time runs from just before the Docker call on the node
 * to the view's getChildren (and getTreeItem) returning the new state after
 * the view's own change event — what VS Code then draws. The bench's
 * cluster.event_to_tree_ms and cluster.scale_to_tree_ms are these medians.
 */
describe('From a change on a node to the view showing it, in a real VS Code (the tests’ 3-node lab)', function () {
  let api: SwarmLabApi;
  const layout = testLabLayout();
  const docker = layout.nodes.map((n) => new Docker({ socketPath: n.dockerSocket }));
  const containerName = `swarm-lab-latency-${process.pid}`;

  before(async function () {
    this.timeout(120_000);
    api = await activateSwarmLab();
    await Promise.all(docker.map((d) => ensureBusyboxImage(d)));
    await formManagerSwarm(layout);
    // As the views do when they are first shown.
    api.machinesTree.getChildren();
    api.swarmTree.getChildren();
    api.containersTree.getChildren();
    await api.machines.refresh();
  });

  after(async function () {
    this.timeout(60_000);
    await docker[1]
      .getContainer(containerName)
      .remove({ force: true })
      .catch(() => undefined);
    await Promise.all(docker.map((d) => d.swarmLeave({ force: true }).catch(() => undefined)));
  });

  it(`shows a container stopped or started on core-02 in the Containers view (${CHANGES} of each)`, async function () {
    this.timeout(180_000);
    const tree = api.containersTree;
    const hostKey = await waitForEvent(
      tree.onDidChangeTreeData,
      () => api.containerHosts.hosts().find((h) => h.label === 'core-02' && h.state.kind === 'live')?.key,
      30_000,
      'core-02 connected in the Containers view',
    );
    const engine: ContainersNode = { kind: 'engine', key: hostKey };
    const container = await docker[1].createContainer({
      name: containerName,
      Image: 'swarm-lab-test/busybox:latest',
      Cmd: ['sleep', '3600'],
    });
    const shown = (state: string) => (): true | undefined => {
      const node = tree
        .getChildren(engine)
        .find((n) => n.kind === 'container' && n.container.name === containerName && n.container.state === state);
      // What the view draws for the row: its item, with the state's icon.
      return node && tree.getTreeItem(node).contextValue === `container.${state}` ? true : undefined;
    };
    const samples: number[] = [];
    for (let i = 0; i < CHANGES; i++) {
      for (const [change, state] of [
        [() => container.start(), 'running'],
        [() => container.stop({ t: 0 }), 'exited'],
      ] as const) {
        const t0 = performance.now();
        const seen = waitForEvent(tree.onDidChangeTreeData, shown(state), 15_000, `${containerName} ${state}`);
        await change();
        await seen;
        samples.push(performance.now() - t0);
      }
    }
    assert.equal(samples.length, 2 * CHANGES);
    recordHostFigures({ 'cluster.event_to_tree_ms': Math.round(median(samples) * 10) / 10 });
  });

  it(`shows a service scaled on the swarm in the Swarm view, converged (${CHANGES} scalings)`, async function () {
    this.timeout(240_000);
    const tree = api.swarmTree;
    const name = `latency-${process.pid}`;
    await docker[0].createService({
      Name: name,
      Mode: { Replicated: { Replicas: 1 } },
      TaskTemplate: {
        ContainerSpec: {
          Image: 'swarm-lab-test/busybox:latest',
          Command: ['sh', '-c', 'trap "exit 0" TERM; sleep 3600 & wait'],
        },
      },
    });
    const service = docker[0].getService(name);
    const shows = (replicas: number) => (): true | undefined => {
      const item = tree
        .getChildren()
        .find((i): i is Extract<SwarmItem, { kind: 'service' }> => i.kind === 'service' && i.service.name === name);
      const description = item && String(tree.getTreeItem(item).description);
      return description?.startsWith(`${replicas}/${replicas} replicas ·`) ? true : undefined;
    };
    await waitForEvent(tree.onDidChangeTreeData, shows(1), 60_000, `${name} 1/1`);
    const samples: number[] = [];
    for (let i = 0; i < CHANGES; i++) {
      const replicas = i % 2 === 0 ? 3 : 1;
      const spec = (await service.inspect()) as { Version: { Index: number }; Spec: Record<string, unknown> };
      const t0 = performance.now();
      const seen = waitForEvent(tree.onDidChangeTreeData, shows(replicas), 60_000, `${name} ${replicas}/${replicas}`);
      await service.update({ ...spec.Spec, Mode: { Replicated: { Replicas: replicas } }, version: spec.Version.Index });
      await seen;
      samples.push(performance.now() - t0);
    }
    await service.remove();
    recordHostFigures({ 'cluster.scale_to_tree_ms': Math.round(median(samples) * 10) / 10 });
  });
});

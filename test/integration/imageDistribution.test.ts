import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import Docker from 'dockerode';
import { ContainerWatcher } from '../../src/clients/docker/containerWatcher';
import { DockerImageNode, contextFiles, readProgress } from '../../src/clients/images/dockerImageNode';
import {
  buildAndDistribute,
  BuildRequest,
  distributeImage,
  pushImage,
} from '../../src/clients/images/imageDistribution';
import { localLabMachines } from '../../src/clients/machines/localLabMachines';
import { MachineConnection } from '../../src/clients/machines/machineConnection';
import { MachineContainerSource } from '../../src/clients/machines/machineContainerSource';
import { ContainerModel } from '../../src/core/containers/containerModel';
import { ImagePresence, presenceSummary } from '../../src/core/images/imagePresence';
import { LabLayout } from '../../src/localLab/labLayout';
import { LocalLab } from '../../src/localLab/localLab';
import { formManagerSwarm } from '../harness/labSwarm';
import { CACHE_DIR, REPO_ROOT } from '../harness/paths';
import { BUSYBOX_IMAGE, ensureBusyboxImage } from '../harness/testImages';
import { TEST_LAB_INSTANCE, TEST_LAB_STATE_DIR } from '../harness/testLab';
import { waitFor } from '../harness/waitFor';
import { REGISTRY_IMAGE } from '../../src/core/labSteps/labImages';
import { NODE_REGISTRY_STORAGE, registryStorageDir } from '../../src/localLab/nodeProcess';

const REF = 'swarm-lab-test/dist-probe:latest';
const REGISTRY_REF = `m1.swarm:5000/${REF}`;

function httpStatus(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
  });
}

/** A context FROM the busybox image, with content unique to `label` (so a new image ID). */
function probeContext(dir: string, label: string): BuildRequest {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'Dockerfile'), `FROM ${BUSYBOX_IMAGE}\nCOPY label.txt /label.txt\n`);
  fs.writeFileSync(path.join(dir, 'label.txt'), `${label}\n`);
  return { contextDir: dir, files: contextFiles(dir), tag: REF };
}

describe('Images across the local lab: build once and distribute, push, presence (3 real nodes over SSH)', function () {
  const lab = new LocalLab(TEST_LAB_STATE_DIR, () => undefined, TEST_LAB_INSTANCE);
  let layout: LabLayout;
  let docker: Docker[];
  const connections: MachineConnection[] = [];
  let nodes: DockerImageNode[];
  const presence = new ImagePresence();
  const watchers: ContainerWatcher[] = [];
  const contextDir = path.join(CACHE_DIR, `dist-probe-${TEST_LAB_INSTANCE}`);

  before(async function () {
    this.timeout(10 * 60_000);
    ({ layout } = await lab.up(3));
    docker = layout.nodes.map((n) => new Docker({ socketPath: n.dockerSocket }));
    // The registry's stand-in (from Debian's docker-registry) for the push test.
    await lab.loadImages(layout, {
      cacheDir: path.join(CACHE_DIR, 'lab-images'),
      samplesDir: path.join(REPO_ROOT, 'samples', 'tp1'),
    });
    // Every node: the stale build below is made on core-03, FROM the same base (no registry to pull it from).
    await Promise.all(docker.map((d) => ensureBusyboxImage(d)));
    for (const d of docker) {
      for (const name of [REF, REGISTRY_REF]) {
        await d
          .getImage(name)
          .remove({ force: true })
          .catch(() => undefined);
      }
    }
    // As the extension reaches machines: one SSH connection each, Docker's API through it.
    const { machines } = localLabMachines(lab);
    for (const m of machines) {
      connections.push(new MachineConnection(m));
    }
    nodes = await Promise.all(connections.map(async (c) => new DockerImageNode(c.machine.name, await c.engine())));
    // And the presence model fed as the extension feeds it: one list, then image events on the container stream.
    presence.setNodes(machines.map((m) => m.name));
    machines.forEach((m, i) => {
      const watcher = new ContainerWatcher(
        new MachineContainerSource(m, () => connections[i]),
        new ContainerModel(),
        undefined,
        undefined,
        undefined,
        { otherEventTypes: ['image'] },
      );
      // One list after another, so an older answer never lands after a newer one.
      let chain = Promise.resolve();
      const relist = (): void => {
        chain = chain.then(() =>
          nodes[i].listImages().then(
            (images) => presence.replaceImages(m.name, images),
            () => undefined,
          ),
        );
      };
      watcher.onEvent(relist);
      watcher.onDidChangeState((s) => s.kind === 'live' && relist());
      watcher.start();
      watchers.push(watcher);
    });
    await Promise.all(watchers.map((w) => w.waitFor((s) => s.kind === 'live', 30_000)));
  });

  after(async function () {
    this.timeout(120_000);
    watchers.forEach((w) => w.stop());
    connections.forEach((c) => c.close());
    await docker[0]
      .getService('lens-registry')
      .remove()
      .catch(() => undefined);
    await Promise.all(docker.map((d) => d.swarmLeave({ force: true }).catch(() => undefined)));
    fs.rmSync(contextDir, { recursive: true, force: true });
    await lab.down();
  });

  const ids = (name: string): Promise<(string | undefined)[]> =>
    Promise.all(
      docker.map((d) =>
        d
          .getImage(name)
          .inspect()
          .then(
            (i) => i.Id,
            () => undefined,
          ),
      ),
    );

  it('"build once and distribute" makes the image present on the 3 nodes with the same ID', async function () {
    this.timeout(180_000);
    const request = probeContext(contextDir, `run ${Date.now()}`);
    const outcomes = await buildAndDistribute(nodes, request);
    assert.deepEqual(
      outcomes.map((o) => [o.node, o.kind]),
      [
        ['core-01', 'built'],
        ['core-02', 'loaded'],
        ['core-03', 'loaded'],
      ],
      JSON.stringify(outcomes),
    );
    const [a, b, c] = await ids(REF);
    assert.ok(a);
    assert.equal(b, a);
    assert.equal(c, a);
  });

  it('skips the nodes holding the same ID, and replaces a stale build', async function () {
    this.timeout(180_000);
    const again = await distributeImage(nodes[0], nodes.slice(1), REF);
    assert.deepEqual(
      again.map((o) => o.kind),
      ['skipped', 'skipped'],
    );
    // core-03 builds its own image under the same tag: another ID (a stale build).
    const stale = await nodes[2].build(
      probeContext(`${contextDir}-stale`, 'stale'),
      new AbortController().signal,
      () => undefined,
    );
    fs.rmSync(`${contextDir}-stale`, { recursive: true, force: true });
    const [good] = await ids(REF);
    assert.notEqual(stale, good);
    await waitFor(
      'the stale build to show in the presence model',
      () => presence.report(REF)!.differing.length === 1,
      15_000,
    );
    assert.equal(presence.report(REF)!.differing[0].node, 'core-03');
    const fixed = await distributeImage(nodes[0], nodes.slice(1), REF);
    assert.deepEqual(
      fixed.map((o) => [o.node, o.kind]),
      [
        ['core-02', 'skipped'],
        ['core-03', 'loaded'],
      ],
    );
    assert.deepEqual(await ids(REF), [good, good, good]);
  });

  it('"push" makes it pullable from every node, and the presence model then says 3/3', async function () {
    this.timeout(300_000);
    await formManagerSwarm(layout);
    // The folder every node of this lab sees as the registry's storage (a folder of the lab's own).
    // Emptied, not removed: the running nodes hold a bind mount of this very folder.
    const shared = registryStorageDir(layout);
    for (const entry of fs.existsSync(shared) ? fs.readdirSync(shared) : []) {
      fs.rmSync(path.join(shared, entry), { recursive: true, force: true });
    }
    const storage = NODE_REGISTRY_STORAGE;
    // The lab's registry: on every node (global), its port in host mode
    // (no routing mesh here), one storage folder shared by all nodes.
    await docker[0].createService({
      Name: 'lens-registry',
      Mode: { Global: {} },
      TaskTemplate: {
        ContainerSpec: {
          Image: REGISTRY_IMAGE.substitute,
          Mounts: [{ Type: 'bind', Source: storage, Target: '/var/lib/registry' }],
        },
      },
      EndpointSpec: { Ports: [{ Protocol: 'tcp', TargetPort: 5000, PublishedPort: 5000, PublishMode: 'host' }] },
    });
    for (const n of layout.nodes) {
      await waitFor(
        `the registry on ${n.name}`,
        () => httpStatus(`http://${n.address}:5000/v2/`).then((s) => s === 200),
        90_000,
        250,
      );
    }

    const pushed = await pushImage(nodes[0], REF, REGISTRY_REF);
    assert.equal(pushed.kind, 'pushed', JSON.stringify(pushed));
    assert.equal(await nodes[1].inRegistry(REGISTRY_REF), true, 'the registry has it, as seen from core-02');
    presence.setRegistry(REGISTRY_REF, 'present');

    // Every node pulls it from its own registry task (m1.swarm is the node
    // itself); core-02 and core-03 lose their copy first, so its layers
    // really come from the registry.
    const [good] = await ids(REF);
    await docker[0].getImage(REGISTRY_REF).remove({ noprune: true } as object);
    for (const d of docker.slice(1)) {
      await d.getImage(REF).remove({ force: true });
    }
    for (const d of docker) {
      await readProgress((await d.pull(REGISTRY_REF)) as unknown as Readable);
    }
    assert.deepEqual(await ids(REGISTRY_REF), [good, good, good]);

    const report = await waitFor(
      'the presence model to see the registry form on 3 nodes (from pull events)',
      () => {
        const r = presence.report(REGISTRY_REF);
        return r && r.present.length === 3 ? r : undefined;
      },
      15_000,
    );
    assert.equal(presenceSummary(report), '3/3 nodes · in registry');
  });
});

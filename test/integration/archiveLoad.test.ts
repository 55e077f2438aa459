import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import Docker from 'dockerode';
import { pack } from 'tar-stream';
import { loadArchive } from '../../src/clients/images/archiveLoad';
import { contextFiles, DockerImageNode } from '../../src/clients/images/dockerImageNode';
import { localLabMachines } from '../../src/clients/machines/localLabMachines';
import { MachineConnection } from '../../src/clients/machines/machineConnection';
import { findArchives, readArchive } from '../../src/core/images/imageArchives';
import { LocalLab } from '../../src/localLab/localLab';
import { CACHE_DIR } from '../harness/paths';
import { BUSYBOX_IMAGE, ensureBusyboxImage } from '../harness/testImages';
import { TEST_LAB_INSTANCE, TEST_LAB_STATE_DIR } from '../harness/testLab';

const REF = 'swarm-lab-test/archive-probe:latest';
const CORRUPT_REF = 'swarm-lab-test/archive-corrupt:latest';

describe('Load images from archives into the local lab (3 real nodes over SSH)', function () {
  const lab = new LocalLab(TEST_LAB_STATE_DIR, () => undefined, TEST_LAB_INSTANCE);
  const folder = path.join(CACHE_DIR, `archives-${TEST_LAB_INSTANCE}`);
  let docker: Docker[];
  const connections: MachineConnection[] = [];
  let nodes: DockerImageNode[];

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

  before(async function () {
    this.timeout(10 * 60_000);
    const { layout } = await lab.up(3);
    docker = layout.nodes.map((n) => new Docker({ socketPath: n.dockerSocket }));
    await Promise.all(docker.map((d) => ensureBusyboxImage(d)));
    for (const d of docker) {
      for (const name of [REF, CORRUPT_REF]) {
        await d
          .getImage(name)
          .remove({ force: true })
          .catch(() => undefined);
      }
    }
    fs.rmSync(folder, { recursive: true, force: true });
    fs.mkdirSync(folder, { recursive: true });
    // As the extension reaches machines: one SSH connection each, Docker's API through it.
    const { machines } = localLabMachines(lab);
    for (const m of machines) {
      connections.push(new MachineConnection(m));
    }
    nodes = await Promise.all(connections.map(async (c) => new DockerImageNode(c.machine.name, await c.engine())));
    // An image only core-01 has, with content unique to this run.
    const context = path.join(folder, 'context');
    fs.mkdirSync(context);
    fs.writeFileSync(path.join(context, 'Dockerfile'), `FROM ${BUSYBOX_IMAGE}\nCOPY run.txt /run.txt\n`);
    fs.writeFileSync(path.join(context, 'run.txt'), `${process.pid} ${Date.now()}\n`);
    await nodes[0].build(
      { contextDir: context, files: contextFiles(context), tag: REF },
      new AbortController().signal,
      () => undefined,
    );
    // `docker save` through the API, into a file as a teacher hands it out (gzipped: docker load takes it).
    const saved = (await docker[0].getImage(REF).get()) as unknown as Readable;
    await pipeline(saved, createGzip(), fs.createWriteStream(path.join(folder, 'probe.tar.gz')));
  });

  after(async function () {
    this.timeout(120_000);
    connections.forEach((c) => c.close());
    for (const d of docker ?? []) {
      for (const name of [REF, CORRUPT_REF]) {
        await d
          .getImage(name)
          .remove({ force: true })
          .catch(() => undefined);
      }
    }
    fs.rmSync(folder, { recursive: true, force: true });
    await lab.down();
  });

  it('loads a saved archive into the nodes that lack it, each with the same image ID', async function () {
    this.timeout(180_000);
    const [source, before2, before3] = await ids(REF);
    assert.ok(source);
    assert.deepEqual([before2, before3], [undefined, undefined]);
    const [file] = await findArchives(folder);
    const archive = await readArchive(file);
    assert.deepEqual(archive.images[0].tags, [REF]);
    assert.equal(archive.images[0].id, source, 'the archive names the image ID the node has');
    let bytes = 0;
    const outcomes = await loadArchive(archive, nodes, { onBytes: (n) => (bytes = n) });
    assert.deepEqual(
      outcomes.map((o) => [o.node, o.kind]),
      [
        ['core-01', 'skipped'],
        ['core-02', 'loaded'],
        ['core-03', 'loaded'],
      ],
      JSON.stringify(outcomes),
    );
    assert.equal(bytes, file.size);
    assert.deepEqual(await ids(REF), [source, source, source]);
  });

  it('skips every node the second time', async function () {
    this.timeout(60_000);
    const [file] = await findArchives(folder);
    const outcomes = await loadArchive(await readArchive(file), nodes);
    assert.deepEqual(
      outcomes.map((o) => o.kind),
      ['skipped', 'skipped', 'skipped'],
      JSON.stringify(outcomes),
    );
  });

  it('a corrupt archive fails on each node with the engine’s reason, and leaves their images alone', async function () {
    this.timeout(120_000);
    const [good] = await ids(REF);
    // A manifest naming a config and a layer the archive does not hold.
    const missing = 'a'.repeat(64);
    const p = pack();
    p.entry({ name: 'blobs/sha256/' + 'b'.repeat(64) }, Buffer.alloc(4096, 7));
    p.entry(
      { name: 'manifest.json' },
      JSON.stringify([
        { Config: `blobs/sha256/${missing}`, RepoTags: [CORRUPT_REF], Layers: [`blobs/sha256/${missing}`] },
      ]),
    );
    p.finalize();
    const file = path.join(folder, 'corrupt.tar');
    await pipeline(p, fs.createWriteStream(file));
    const archive = await readArchive({ path: file, name: 'corrupt.tar', size: fs.statSync(file).size });
    const outcomes = await loadArchive(archive, nodes);
    assert.deepEqual(
      outcomes.map((o) => [o.node, o.kind]),
      [
        ['core-01', 'failed'],
        ['core-02', 'failed'],
        ['core-03', 'failed'],
      ],
      JSON.stringify(outcomes),
    );
    for (const o of outcomes) {
      assert.ok(o.kind === 'failed' && /no such file|not found|invalid|open /i.test(o.error), JSON.stringify(o));
    }
    assert.deepEqual(await ids(CORRUPT_REF), [undefined, undefined, undefined]);
    assert.deepEqual(await ids(REF), [good, good, good]);
  });
});

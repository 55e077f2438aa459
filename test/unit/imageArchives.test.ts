import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { pack } from 'tar-stream';
import { ArchiveNode, loadArchive } from '../../src/clients/images/archiveLoad';
import {
  ArchiveImage,
  archivesSummary,
  archiveTags,
  findArchives,
  isArchiveName,
  planArchive,
  readArchive,
} from '../../src/core/images/imageArchives';
import type { EngineImage } from '../../src/core/images/imagePresence';

const sha = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');

/** A tar built in memory from `[name, content]` entries, in that order. */
function tarOf(entries: ReadonlyArray<readonly [string, string | Buffer]>): Promise<Buffer> {
  const p = pack();
  for (const [name, content] of entries) {
    p.entry({ name }, content);
  }
  p.finalize();
  const chunks: Buffer[] = [];
  return new Promise((resolve, reject) => {
    p.on('data', (c: Buffer) => chunks.push(c));
    p.on('end', () => resolve(Buffer.concat(chunks)));
    p.on('error', reject);
  });
}

/** What `docker save` writes: blobs first (a 300 kB layer that must not be kept), then manifest.json. */
async function dockerArchive(tags: string[], label: string): Promise<{ tar: Buffer; id: string }> {
  const layer = Buffer.alloc(300 * 1024, label);
  const config = JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { diff_ids: [`sha256:${sha(layer)}`] } });
  const manifest = [{ Config: `blobs/sha256/${sha(config)}`, RepoTags: tags, Layers: [`blobs/sha256/${sha(layer)}`] }];
  const tar = await tarOf([
    [`blobs/sha256/${sha(layer)}`, layer],
    [`blobs/sha256/${sha(config)}`, config],
    ['manifest.json', JSON.stringify(manifest)],
    ['repositories', '{}'],
  ]);
  return { tar, id: `sha256:${sha(config)}` };
}

/** An OCI layout only (skopeo, buildah): index.json → a platform index → the manifest → its config. */
async function ociArchive(): Promise<{ tar: Buffer; id: string; manifestDigest: string }> {
  const config = JSON.stringify({ architecture: 'amd64', os: 'linux' });
  const manifest = JSON.stringify({ schemaVersion: 2, config: { digest: `sha256:${sha(config)}` }, layers: [] });
  const platforms = JSON.stringify({ schemaVersion: 2, manifests: [{ digest: `sha256:${sha(manifest)}` }] });
  const index = JSON.stringify({
    schemaVersion: 2,
    manifests: [
      {
        digest: `sha256:${sha(platforms)}`,
        annotations: {
          'io.containerd.image.name': 'docker.io/library/redis:7',
          'org.opencontainers.image.ref.name': '7',
        },
      },
      { digest: `sha256:${sha(platforms)}`, annotations: { 'org.opencontainers.image.ref.name': 'ceph/daemon:v8' } },
    ],
  });
  const tar = await tarOf([
    ['oci-layout', '{"imageLayoutVersion":"1.0.0"}'],
    ['index.json', index],
    [`blobs/sha256/${sha(config)}`, config],
    [`blobs/sha256/${sha(manifest)}`, manifest],
    [`blobs/sha256/${sha(platforms)}`, platforms],
  ]);
  return { tar, id: `sha256:${sha(config)}`, manifestDigest: `sha256:${sha(platforms)}` };
}

describe('image archives (docker save tarballs)', () => {
  let dir: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'swarm-lab-archives-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const write = (name: string, data: string | Buffer): { path: string; name: string; size: number } => {
    fs.writeFileSync(path.join(dir, name), data);
    return { path: path.join(dir, name), name, size: Buffer.byteLength(data) };
  };

  it('finds .tar, .tar.gz and .tgz files of a folder, by name, and nothing else', async () => {
    write('b.tgz', 'x');
    write('a.tar', 'xy');
    write('c.TAR.GZ', 'xyz');
    write('notes.txt', 'x');
    write('d.tar.bz2', 'x');
    fs.mkdirSync(path.join(dir, 'folder.tar'));
    const found = await findArchives(dir);
    assert.deepEqual(
      found.map((f) => [f.name, f.size]),
      [
        ['a.tar', 2],
        ['b.tgz', 1],
        ['c.TAR.GZ', 3],
      ],
    );
    assert.equal(isArchiveName('x.tar.xz'), false);
  });

  it('says which folder it cannot read', async () => {
    const missing = path.join(dir, 'nope');
    await assert.rejects(findArchives(missing), (e: Error) =>
      e.message.startsWith(`Cannot read the folder ${missing}:`),
    );
  });

  it('reads the tags and image ID of a docker save archive (its layer streamed past)', async () => {
    const { tar, id } = await dockerArchive(['traefik:v3.1', 'm1.swarm:5000/traefik:v3.1'], 't');
    const read = await readArchive(write('traefik.tar', tar));
    assert.deepEqual(read.images, [{ tags: ['traefik:v3.1', 'm1.swarm:5000/traefik:v3.1'], id, ids: [id] }]);
    assert.equal(read.size, tar.length);
  });

  it('reads a gzipped archive (by its first bytes, whatever its name)', async () => {
    const { tar, id } = await dockerArchive(['scope:1.13'], 's');
    const gz = gzipSync(tar);
    assert.deepEqual((await readArchive(write('scope.tgz', gz))).images, [{ tags: ['scope:1.13'], id, ids: [id] }]);
    assert.deepEqual((await readArchive(write('scope-misnamed.tar', gz))).images[0].id, id);
  });

  it('reads an OCI layout: names from the annotations, the ID through the platform index', async () => {
    const { tar, id, manifestDigest } = await ociArchive();
    const read = await readArchive(write('oci.tar', tar));
    assert.deepEqual(read.images, [
      { tags: ['docker.io/library/redis:7', 'ceph/daemon:v8'], id, ids: [id, manifestDigest] },
    ]);
    assert.deepEqual(archiveTags(read.images), ['docker.io/library/redis:7', 'ceph/daemon:v8']);
  });

  it('names the file that is not a docker archive', async () => {
    const text = write('notes.tar', 'these are my notes, not a tarball\n'.repeat(40));
    await assert.rejects(readArchive(text), (e: Error) =>
      e.message.startsWith('notes.tar is not a docker image archive'),
    );
    const plainTar = write('files.tar', await tarOf([['readme.txt', 'hello']]));
    await assert.rejects(
      readArchive(plainTar),
      /^Error: files\.tar is not a docker image archive: it has no manifest\.json or index\.json\.$/,
    );
    const badGzip = write('broken.tgz', Buffer.concat([Buffer.from([0x1f, 0x8b]), Buffer.from('garbage')]));
    await assert.rejects(readArchive(badGzip), (e: Error) =>
      e.message.startsWith('broken.tgz is not a docker image archive'),
    );
  });

  describe('plan per node', () => {
    const image: ArchiveImage = {
      tags: ['traefik:v3.1', 'docker.io/library/redis:7'],
      id: 'sha256:aa',
      ids: ['sha256:aa'],
    };
    const held = (id: string, ...tags: string[]): EngineImage => ({ id, tags, created: 0 });

    it('skips a node holding every tag with the same ID (names compared as Docker resolves them)', () => {
      assert.deepEqual(planArchive([image], [held('sha256:aa', 'traefik:v3.1', 'redis:7')]), {
        kind: 'skip',
        id: 'sha256:aa',
      });
    });

    it('loads where a tag is missing or names another image', () => {
      assert.deepEqual(planArchive([image], [held('sha256:aa', 'traefik:v3.1')]), {
        kind: 'load',
        why: 'docker.io/library/redis:7 is missing',
      });
      assert.deepEqual(planArchive([image], [held('sha256:aa', 'redis:7'), held('sha256:bb', 'traefik:v3.1')]), {
        kind: 'load',
        why: 'traefik:v3.1 is another image (sha256:bb)',
      });
    });

    it('accepts the manifest digest (containerd image store) and judges an untagged image by its ID', () => {
      const oci: ArchiveImage = { tags: ['redis:7'], id: 'sha256:cc', ids: ['sha256:cc', 'sha256:mm'] };
      assert.equal(planArchive([oci], [held('sha256:mm', 'redis:7')]).kind, 'skip');
      const untagged: ArchiveImage = { tags: [], id: 'sha256:dd', ids: ['sha256:dd'] };
      assert.equal(planArchive([untagged], []).kind, 'load');
      assert.equal(planArchive([untagged], [held('sha256:dd')]).kind, 'skip');
    });
  });

  it('sums up, per node, every archive in one sentence', () => {
    const o = (node: string, kind: 'loaded' | 'skipped' | 'failed' | 'cancelled') => ({ node, kind });
    assert.equal(
      archivesSummary(
        [
          [o('core-01', 'loaded'), o('core-02', 'skipped'), o('core-03', 'skipped')],
          [o('core-01', 'skipped'), o('core-02', 'loaded'), o('core-03', 'skipped')],
          [o('core-01', 'loaded'), o('core-02', 'skipped'), o('core-03', 'skipped')],
        ],
        [],
      ),
      '3 archives: loaded on core-01, core-02; already there on core-03',
    );
    assert.equal(
      archivesSummary([[o('core-01', 'failed'), o('core-02', 'cancelled'), o('core-03', 'skipped')]], ['m4']),
      '1 archive: already there on core-03; cancelled on core-02; failed on core-01, m4',
    );
  });

  describe('loading one archive into several nodes', () => {
    /** A node whose engine records what a load brought: the archive's bytes, then its images. */
    class FakeNode implements ArchiveNode {
      images: EngineImage[] = [];
      received: Buffer | undefined;
      loads = 0;
      constructor(
        readonly name: string,
        private readonly onLoad: (bytes: Buffer) => EngineImage[] | Error,
      ) {}
      listImages(): Promise<EngineImage[]> {
        return Promise.resolve(this.images);
      }
      async load(tar: Readable, signal: AbortSignal): Promise<void> {
        this.loads++;
        const chunks: Buffer[] = [];
        for await (const c of tar) {
          if (signal.aborted) {
            throw Object.assign(new Error('aborted'), { name: 'AbortError' });
          }
          chunks.push(c as Buffer);
        }
        this.received = Buffer.concat(chunks);
        const result = this.onLoad(this.received);
        if (result instanceof Error) {
          throw result;
        }
        this.images = result;
      }
    }

    it('reads the file once for all, skips a node that has it, and one failure stops no other node', async () => {
      const { tar, id } = await dockerArchive(['probe:1'], 'p');
      const archive = await readArchive(write('probe.tar', tar));
      const good = (): EngineImage[] => [{ id, tags: ['probe:1'], created: 1 }];
      const a = new FakeNode('core-01', good);
      const b = new FakeNode('core-02', () => new Error('no space left on device'));
      const c = new FakeNode('core-03', good);
      c.images = good();
      const wrong = new FakeNode('core-04', () => [{ id: 'sha256:other', tags: ['probe:1'], created: 1 }]);
      let bytes = 0;
      const outcomes = await loadArchive(archive, [a, b, c, wrong], { onBytes: (n) => (bytes = n) });
      assert.deepEqual(
        outcomes.map((o) => [o.node, o.kind, o.kind === 'failed' ? o.error : 'id' in o ? o.id : '']),
        [
          ['core-01', 'loaded', id],
          ['core-02', 'failed', 'no space left on device'],
          ['core-03', 'skipped', id],
          ['core-04', 'failed', 'the engine accepted probe.tar, but probe:1 is another image (sha256:other)'],
        ],
      );
      assert.equal(bytes, tar.length);
      assert.ok(a.received?.equals(tar), 'core-01 got the whole file');
      assert.equal(c.loads, 0);
    });

    it('cancels every load when aborted while the file streams', async () => {
      const { tar } = await dockerArchive(['probe:2'], 'q');
      const archive = await readArchive(write('probe2.tar', tar));
      const abort = new AbortController();
      const nodes = [new FakeNode('core-01', () => []), new FakeNode('core-02', () => [])];
      const outcomes = await loadArchive(archive, nodes, { signal: abort.signal, onBytes: () => abort.abort() });
      assert.equal(nodes[0].received, undefined, 'no load completed');
      assert.deepEqual(
        outcomes.map((o) => o.kind),
        ['cancelled', 'cancelled'],
      );
    });
  });
});

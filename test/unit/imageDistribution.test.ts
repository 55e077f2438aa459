import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { PassThrough, Readable, Writable } from 'node:stream';
import {
  buildAndDistribute,
  buildOnEach,
  BuildRequest,
  distributeImage,
  ImageNode,
  pushImage,
} from '../../src/clients/images/imageDistribution';
import { teeStream } from '../../src/clients/images/streamTee';

const CHUNK = 64 * 1024;

interface FakeOptions {
  /** Each chunk written to this node's load waits this many macrotask turns (a slow link). */
  readonly slowTurns?: number;
  /** The load fails once this many bytes arrived. */
  readonly failAfterBytes?: number;
  readonly failBuild?: boolean;
}

/** An engine in memory: an image is a header naming its ID, then `size` bytes. */
class FakeNode implements ImageNode {
  readonly images = new Map<string, string>();
  readonly sizes = new Map<string, number>();
  saves = 0;
  loads = 0;
  received = createHash('sha256');
  /** Bytes the source produced so far (for the source node) and bytes consumed (for targets). */
  produced = 0;
  consumed = 0;
  pushed: string[] = [];
  sourceDestroyed = false;

  constructor(
    readonly name: string,
    private readonly opts: FakeOptions = {},
  ) {}

  imageId(reference: string): Promise<string | undefined> {
    return Promise.resolve(this.images.get(reference));
  }

  save(reference: string): Promise<Readable> {
    this.saves++;
    const id = this.images.get(reference)!;
    const size = this.sizes.get(id) ?? 4 * CHUNK;
    const header = Buffer.from(`${id} ${reference}\n`.padEnd(CHUNK, ' '));
    let sent = 0;
    // Pull-based: a chunk is made only when the reader asks, so the
    // difference between produced and consumed measures buffering.
    const stream = new Readable({
      highWaterMark: CHUNK,
      read: () => {
        if (sent === 0) {
          sent += header.length;
          this.produced += header.length;
          stream.push(header);
        } else if (sent - header.length < size) {
          const n = Math.min(CHUNK, size - (sent - header.length));
          sent += n;
          this.produced += n;
          stream.push(Buffer.alloc(n, sent % 251));
        } else {
          stream.push(null);
        }
      },
      destroy: (err, cb) => {
        this.sourceDestroyed = true;
        cb(err);
      },
    });
    return Promise.resolve(stream);
  }

  load(tar: Readable, signal: AbortSignal): Promise<void> {
    this.loads++;
    let header = '';
    return new Promise<void>((resolve, reject) => {
      const sink = new Writable({
        highWaterMark: CHUNK,
        write: (chunk: Buffer, _enc, cb) => {
          if (!header) {
            header = chunk.subarray(0, chunk.indexOf(10)).toString();
          }
          this.consumed += chunk.length;
          this.received.update(chunk);
          if (this.opts.failAfterBytes !== undefined && this.consumed >= this.opts.failAfterBytes) {
            cb(new Error(`${this.name}: no space left on device`));
            return;
          }
          let turns = this.opts.slowTurns ?? 0;
          const next = (): void => (turns-- > 0 ? void setImmediate(next) : cb());
          next();
        },
      });
      const abort = (): void => {
        tar.destroy();
        reject(Object.assign(new Error('aborted'), { name: 'AbortError' }));
      };
      signal.addEventListener('abort', abort, { once: true });
      sink.on('error', reject);
      sink.on('finish', () => {
        const [id, ref] = header.split(' ');
        this.images.set(ref, id);
        resolve();
      });
      tar.on('error', reject);
      tar.pipe(sink);
    });
  }

  build(request: BuildRequest): Promise<string> {
    if (this.opts.failBuild) {
      return Promise.reject(new Error('COPY failed: file not found'));
    }
    const id = `sha256:${createHash('sha256').update(`${this.name}${request.tag}`).digest('hex')}`;
    this.images.set(request.tag, id);
    return Promise.resolve(id);
  }

  tag(reference: string, as: string): Promise<void> {
    this.images.set(as, this.images.get(reference)!);
    return Promise.resolve();
  }

  push(reference: string): Promise<void> {
    this.pushed.push(reference);
    return Promise.resolve();
  }

  digest(): string {
    return this.received.copy().digest('hex');
  }
}

const REF = 'python-app:latest';
const ID = `sha256:${'1'.repeat(64)}`;

function source(size = 32 * CHUNK): FakeNode {
  const s = new FakeNode('core-01');
  s.images.set(REF, ID);
  s.sizes.set(ID, size);
  return s;
}

describe('image distribution (fakes)', () => {
  it('streams one save to every target at once; each holds the same ID and got the same bytes', async () => {
    const src = source();
    const targets = [new FakeNode('core-02'), new FakeNode('core-03', { slowTurns: 2 }), new FakeNode('core-04')];
    const seen: string[] = [];
    const outcomes = await distributeImage(src, targets, REF, { onNode: (o) => seen.push(`${o.node}:${o.kind}`) });
    assert.deepEqual(
      outcomes.map((o) => [o.node, o.kind]),
      [
        ['core-02', 'loaded'],
        ['core-03', 'loaded'],
        ['core-04', 'loaded'],
      ],
    );
    assert.equal(src.saves, 1, 'one read of the image for all targets');
    for (const t of targets) {
      assert.equal(t.images.get(REF), ID);
      assert.equal(t.digest(), targets[0].digest());
      assert.equal(t.consumed, src.produced);
    }
    assert.equal(seen.length, 3);
  });

  it('skips the nodes that already hold the same image ID, and reads nothing when all do', async () => {
    const src = source();
    const same = new FakeNode('core-02');
    same.images.set(REF, ID);
    const older = new FakeNode('core-03');
    older.images.set(REF, `sha256:${'0'.repeat(64)}`);
    const outcomes = await distributeImage(src, [same, older], REF);
    assert.deepEqual(
      outcomes.map((o) => [o.node, o.kind]),
      [
        ['core-02', 'skipped'],
        ['core-03', 'loaded'],
      ],
    );
    assert.equal(same.loads, 0);
    assert.equal(older.images.get(REF), ID, 'a stale build is replaced');
    const again = await distributeImage(src, [same, older], REF);
    assert.deepEqual(
      again.map((o) => o.kind),
      ['skipped', 'skipped'],
    );
    assert.equal(src.saves, 1, 'no save when every node has it');
  });

  it('keeps the source at the pace of the slowest target (bounded buffering)', async () => {
    const src = source(400 * CHUNK); // 25 MB
    const slow = new FakeNode('core-03', { slowTurns: 3 });
    let maxLead = 0;
    const outcomes = await distributeImage(src, [new FakeNode('core-02'), slow], REF, {
      onBytes: () => (maxLead = Math.max(maxLead, src.produced - slow.consumed)),
    });
    assert.deepEqual(
      outcomes.map((o) => o.kind),
      ['loaded', 'loaded'],
    );
    // The pipe (1 MB) plus a few stream buffers, never the image.
    assert.ok(maxLead < 3 * 1024 * 1024, `the source ran ${maxLead} bytes ahead of the slowest target`);
  });

  it('goes on with the other targets when one fails mid-stream', async () => {
    const src = source();
    const outcomes = await distributeImage(
      src,
      [new FakeNode('core-02'), new FakeNode('core-03', { failAfterBytes: 4 * CHUNK }), new FakeNode('core-04')],
      REF,
    );
    assert.deepEqual(
      outcomes.map((o) => [o.node, o.kind]),
      [
        ['core-02', 'loaded'],
        ['core-03', 'failed'],
        ['core-04', 'loaded'],
      ],
    );
    const failed = outcomes[1];
    assert.ok(failed.kind === 'failed' && /no space left/.test(failed.error));
  });

  it('stops everything on cancellation, source included', async () => {
    const src = source(2000 * CHUNK);
    const abort = new AbortController();
    const targets = [new FakeNode('core-02', { slowTurns: 1 }), new FakeNode('core-03', { slowTurns: 1 })];
    const outcomes = await distributeImage(src, targets, REF, {
      signal: abort.signal,
      onBytes: (bytes) => bytes > 8 * CHUNK && abort.abort(),
    });
    assert.deepEqual(
      outcomes.map((o) => o.kind),
      ['cancelled', 'cancelled'],
    );
    assert.ok(src.sourceDestroyed, 'the save request was ended');
    assert.ok(src.produced < 100 * CHUNK, `read ${src.produced} bytes after cancelling`);
    assert.equal(targets[0].images.get(REF), undefined);
  });

  it('builds on every node in parallel, one failure leaving the others built', async () => {
    const nodes = [new FakeNode('core-01'), new FakeNode('core-02', { failBuild: true }), new FakeNode('core-03')];
    const request: BuildRequest = { contextDir: '/ctx', files: ['Dockerfile'], tag: REF };
    const outcomes = await buildOnEach(nodes, request);
    assert.deepEqual(
      outcomes.map((o) => [o.node, o.kind]),
      [
        ['core-01', 'built'],
        ['core-02', 'failed'],
        ['core-03', 'built'],
      ],
    );
    // Each node built its own: the IDs differ (what "stale build" flags).
    assert.notEqual(nodes[0].images.get(REF), nodes[2].images.get(REF));
  });

  it('builds once and distributes: every node ends with the first node’s ID', async () => {
    const nodes = [new FakeNode('core-01'), new FakeNode('core-02'), new FakeNode('core-03')];
    const outcomes = await buildAndDistribute(nodes, { contextDir: '/ctx', files: ['Dockerfile'], tag: REF });
    assert.deepEqual(
      outcomes.map((o) => o.kind),
      ['built', 'loaded', 'loaded'],
    );
    const id = nodes[0].images.get(REF);
    assert.ok(nodes.every((n) => n.images.get(REF) === id));
    const failing = [new FakeNode('core-01', { failBuild: true }), new FakeNode('core-02')];
    assert.deepEqual(
      (await buildAndDistribute(failing, { contextDir: '/ctx', files: [], tag: REF })).map((o) => o.kind),
      ['failed', 'cancelled'],
    );
  });

  it('tags in registry form and pushes; refuses an image the node lacks', async () => {
    const src = source();
    const pushed = await pushImage(src, REF, `m1.swarm:5000/${REF}`);
    assert.equal(pushed.kind, 'pushed');
    assert.equal(src.images.get(`m1.swarm:5000/${REF}`), ID);
    assert.deepEqual(src.pushed, [`m1.swarm:5000/${REF}`]);
    const missing = await pushImage(new FakeNode('core-02'), REF, `m1.swarm:5000/${REF}`);
    assert.ok(missing.kind === 'failed' && /has no image/.test(missing.error));
  });
});

describe('stream tee', () => {
  it('rejects when the source fails, and destroys the sinks', async () => {
    const src = new PassThrough();
    const sinks = [new PassThrough(), new PassThrough()];
    sinks.forEach((s) => s.resume());
    const done = teeStream(src, sinks);
    src.write('abc');
    src.destroy(new Error('connection reset'));
    await assert.rejects(done, /connection reset/);
    assert.ok(sinks.every((s) => s.destroyed));
  });

  it('ends at once with no sink, and when every sink failed', async () => {
    assert.deepEqual(await teeStream(Readable.from([Buffer.from('x')]), []), { bytes: 0, errors: [] });
    const src = new PassThrough();
    const sink = new PassThrough();
    const done = teeStream(src, [sink]);
    sink.destroy(new Error('refused'));
    const result = await done;
    assert.match(String(result.errors[0]), /refused/);
    assert.ok(src.destroyed);
  });
});

import * as assert from 'node:assert/strict';
import { PassThrough, Readable } from 'node:stream';
import { ContainerSource, ContainerWatcher } from '../../src/clients/docker/containerWatcher';
import { parseDockerHost } from '../../src/clients/docker/dockerEndpoint';
import { ContainerModel } from '../../src/core/containers/containerModel';
import type { DockerEvent } from '../../src/core/containers/containerEvents';
import type { ContainerSummary } from '../../src/core/containers/containerSummary';

function container(id: string, state: ContainerSummary['state'] = 'running'): ContainerSummary {
  return { id, name: id, image: 'busybox', state, status: state, ports: [], created: 0, labels: {} };
}

/**
 * An engine whose lists and per-container answers the test releases by
 * hand, and whose event stream it writes to or ends (an engine restart).
 */
class SlowSource implements ContainerSource {
  readonly endpoint = parseDockerHost('unix:///fake.sock');
  stream = new PassThrough();
  readonly lists: Array<(list: ContainerSummary[]) => void> = [];
  readonly gets = new Map<string, Array<(c: ContainerSummary | undefined) => void>>();
  private readonly waiters: Array<() => void> = [];

  listContainers(): Promise<ContainerSummary[]> {
    return new Promise((resolve) => {
      this.lists.push(resolve);
      this.waiters.splice(0).forEach((w) => w());
    });
  }

  getContainer(id: string): Promise<ContainerSummary | undefined> {
    return new Promise((resolve) => {
      this.gets.set(id, [...(this.gets.get(id) ?? []), resolve]);
      this.waiters.splice(0).forEach((w) => w());
    });
  }

  events(): Promise<Readable> {
    return Promise.resolve(this.stream);
  }

  /** Resolves once the watcher asked for a list (the n-th one). */
  async listAsked(n: number): Promise<(list: ContainerSummary[]) => void> {
    while (this.lists.length < n) {
      await new Promise<void>((r) => this.waiters.push(r));
    }
    return this.lists[n - 1];
  }

  async getAsked(id: string, n: number): Promise<(c: ContainerSummary | undefined) => void> {
    while ((this.gets.get(id)?.length ?? 0) < n) {
      await new Promise<void>((r) => this.waiters.push(r));
    }
    return this.gets.get(id)![n - 1];
  }

  send(event: DockerEvent): Promise<void> {
    this.stream.write(`${JSON.stringify(event)}\n`);
    return new Promise((r) => setImmediate(r));
  }

  /** dockerd restarts: the stream ends, the watcher reconnects to a new one. */
  restart(): void {
    const old = this.stream;
    this.stream = new PassThrough();
    old.end();
  }
}

const ids = (model: ContainerModel): string[] =>
  model
    .list()
    .map((c) => c.id)
    .sort();

describe('ContainerWatcher: a removed container never comes back', () => {
  it('does not bring back a container destroyed while the list was on its way, across 20 engine restarts', async () => {
    const source = new SlowSource();
    const model = new ContainerModel();
    const watcher = new ContainerWatcher(source, model, undefined, [0]);
    watcher.start();
    let lists = 0;
    for (let round = 1; round <= 20; round++) {
      const gone = `gone-${round}`;
      const answer = await source.listAsked(++lists);
      // The list was read before the container was removed; its destroy event arrives first.
      await source.send({ Type: 'container', Action: 'destroy', Actor: { ID: gone } });
      answer([container('kept'), container(gone)]);
      await watcher.waitFor((s) => s.kind === 'live', 2_000);
      assert.deepEqual(ids(model), ['kept'], `round ${round}: ${gone} came back`);
      source.restart();
      await watcher.waitFor((s) => s.kind !== 'live', 2_000);
    }
    watcher.stop();
  });

  it('does not bring it back on a refresh whose list crossed its destroy event', async () => {
    const source = new SlowSource();
    const model = new ContainerModel();
    const watcher = new ContainerWatcher(source, model);
    watcher.start();
    (await source.listAsked(1))([container('a'), container('b')]);
    await watcher.waitFor((s) => s.kind === 'live', 2_000);
    const refreshed = watcher.refresh();
    const answer = await source.listAsked(2);
    await source.send({ Type: 'container', Action: 'destroy', Actor: { ID: 'b' } });
    answer([container('a'), container('b')]);
    await refreshed;
    assert.deepEqual(ids(model), ['a']);
    watcher.stop();
  });

  it('does not bring it back when a refresh asked before its destroy answers after it', async () => {
    const source = new SlowSource();
    const model = new ContainerModel();
    const watcher = new ContainerWatcher(source, model);
    watcher.start();
    (await source.listAsked(1))([container('c')]);
    await watcher.waitFor((s) => s.kind === 'live', 2_000);
    await source.send({ Type: 'container', Action: 'stop', Actor: { ID: 'c' } });
    await source.send({ Type: 'container', Action: 'die', Actor: { ID: 'c' } });
    await source.send({ Type: 'container', Action: 'destroy', Actor: { ID: 'c' } });
    assert.deepEqual(ids(model), []);
    // The first refresh (asked at "stop") answers now, with the container as it was.
    (await source.getAsked('c', 1))(container('c', 'exited'));
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(ids(model), [], 'c came back from a late answer');
    watcher.stop();
  });
});

import * as assert from 'node:assert/strict';
import { PassThrough, Readable } from 'node:stream';
import { ContainerSource, ContainerWatcher } from '../../src/clients/docker/containerWatcher';
import { parseDockerHost } from '../../src/clients/docker/dockerEndpoint';
import { ContainerModel } from '../../src/core/containers/containerModel';
import { DockerEvent } from '../../src/core/containers/containerEvents';
import { ContainerSummary } from '../../src/core/containers/containerSummary';

/** An engine whose event stream the test writes to. */
class FakeSource implements ContainerSource {
  readonly endpoint = parseDockerHost('unix:///fake.sock');
  readonly filters: Record<string, string[]>[] = [];
  readonly asked: string[] = [];
  stream = new PassThrough();

  listContainers(): Promise<ContainerSummary[]> {
    return Promise.resolve([]);
  }

  getContainer(id: string): Promise<ContainerSummary | undefined> {
    this.asked.push(id);
    return Promise.resolve(undefined);
  }

  events(filters: Record<string, string[]>): Promise<Readable> {
    this.filters.push(filters);
    return Promise.resolve(this.stream);
  }
}

function send(source: FakeSource, event: DockerEvent): void {
  source.stream.write(`${JSON.stringify(event)}\n`);
}

describe('ContainerWatcher: other event types on the same stream', () => {
  it('asks for container events only by default', async () => {
    const source = new FakeSource();
    const watcher = new ContainerWatcher(source, new ContainerModel());
    watcher.start();
    await watcher.waitFor((s) => s.kind === 'live', 2_000);
    watcher.stop();
    assert.deepEqual(source.filters, [{ type: ['container'] }]);
  });

  it('hands image events to listeners, and keeps handling container events itself', async () => {
    const source = new FakeSource();
    const watcher = new ContainerWatcher(source, new ContainerModel(), undefined, undefined, undefined, {
      otherEventTypes: ['image'],
    });
    const images: DockerEvent[] = [];
    let resolveSecond: () => void = () => undefined;
    const second = new Promise<void>((r) => (resolveSecond = r));
    watcher.onEvent((e) => {
      images.push(e);
      if (images.length === 2) {
        resolveSecond();
      }
    });
    watcher.start();
    await watcher.waitFor((s) => s.kind === 'live', 2_000);
    assert.deepEqual(source.filters, [{ type: ['container', 'image'] }]);
    send(source, { Type: 'image', Action: 'load', Actor: { ID: 'python-app:latest' } });
    send(source, { Type: 'container', Action: 'start', Actor: { ID: 'c1' } });
    send(source, { Type: 'image', Action: 'untag', Actor: { ID: 'sha256:abc' } });
    await second;
    watcher.stop();
    assert.deepEqual(
      images.map((e) => e.Action),
      ['load', 'untag'],
    );
    assert.deepEqual(source.asked, ['c1'], 'the container event still refreshed its container');
  });
});

describe('ContainerWatcher: a refresh while the engine is unreachable', () => {
  it('retries at once (not after the backoff) and resolves once the new connection listed the containers', async () => {
    const source = new FakeSource();
    let down = true;
    const container = {
      id: 'c'.repeat(64),
      name: 'talker.1',
      image: 'busybox',
      state: 'running',
      status: 'Up 1 second',
      ports: [],
      created: 0,
      labels: {},
    } as unknown as ContainerSummary;
    source.events = (filters) => {
      source.filters.push(filters);
      return down ? Promise.reject(new Error('connect ECONNREFUSED')) : Promise.resolve(source.stream);
    };
    source.listContainers = () => Promise.resolve(down ? [] : [container]);
    // A backoff of a minute: only the refresh can bring the watcher back within the test.
    const watcher = new ContainerWatcher(source, new ContainerModel(), undefined, [60_000]);
    watcher.start();
    await watcher.waitFor((s) => s.kind === 'unreachable', 2_000);
    down = false;
    const started = Date.now();
    await watcher.refresh();
    assert.equal(watcher.currentState.kind, 'live');
    assert.ok(watcher.model.get(container.id), 'the container listed by the new connection');
    assert.ok(Date.now() - started < 5_000);
    watcher.stop();
  });

  it('resolves with the attempt’s failure when the engine is still down', async () => {
    const source = new FakeSource();
    source.events = () => Promise.reject(new Error('connect ECONNREFUSED'));
    const watcher = new ContainerWatcher(source, new ContainerModel(), undefined, [60_000]);
    watcher.start();
    await watcher.waitFor((s) => s.kind === 'unreachable', 2_000);
    await watcher.refresh();
    assert.equal(watcher.currentState.kind, 'unreachable');
    watcher.stop();
  });
});

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import Docker from 'dockerode';
import { ContainerWatcher } from '../../src/clients/docker/containerWatcher';
import { parseDockerHost } from '../../src/clients/docker/dockerEndpoint';
import { DockerEngine } from '../../src/clients/docker/dockerEngine';
import { ContainerModel } from '../../src/core/containers/containerModel';
import { DockerEvent } from '../../src/core/containers/containerEvents';
import { JsonLineSplitter } from '../../src/core/events/jsonLines';
import { dockerGround } from '../harness/ground';
import { RUN_DIR } from '../harness/paths';
import { ensureBusyboxImage } from '../harness/testImages';
import { waitFor } from '../harness/waitFor';

/** Resolves with the time the model first satisfies `check`. */
function whenModel(model: ContainerModel, check: () => boolean, timeoutMs: number): Promise<number> {
  if (check()) {
    return Promise.resolve(Date.now());
  }
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`model did not change as expected within ${timeoutMs} ms`));
    }, timeoutMs);
    const sub = model.onDidChange(() => {
      if (check()) {
        clearTimeout(timer);
        sub.dispose();
        resolve(Date.now());
      }
    });
  });
}

describe('ContainerWatcher against a real dockerd', function () {
  let docker: Docker;
  let engine: DockerEngine;
  let image: string;
  let events: NodeJS.ReadableStream;
  /** Arrival time of each (action, id) event on an independent stream. */
  const seen = new Map<string, number>();
  const abort = new AbortController();

  before(async function () {
    this.timeout(60_000);
    const host = dockerGround().host;
    docker = new Docker({ socketPath: dockerGround().socketPath });
    engine = new DockerEngine({ endpoint: parseDockerHost(host) });
    image = await ensureBusyboxImage(docker);
    events = await engine.events({ type: ['container'] }, abort.signal);
    const splitter = new JsonLineSplitter<DockerEvent>();
    events.on('data', (chunk: Buffer) => {
      for (const e of splitter.push(chunk)) {
        seen.set(`${e.Action}:${e.Actor?.ID}`, Date.now());
      }
    });
  });

  after(() => abort.abort());

  it('shows a container within 1 s of its start event, and drops it within 1 s of destroy', async () => {
    const model = new ContainerModel();
    const watcher = new ContainerWatcher(engine, model);
    watcher.start();
    try {
      await watcher.waitFor((s) => s.kind === 'live', 10_000);
      const name = `swarm-lab-it-${process.pid}`;
      const container = await docker.createContainer({ name, Image: image, Cmd: ['sleep', '300'] });
      const running = whenModel(model, () => model.get(container.id)?.state === 'running', 5_000);
      await container.start();
      const shownAt = await running;
      const startAt = await waitFor('the start event', () => seen.get(`start:${container.id}`), 2_000);
      assert.ok(shownAt - startAt <= 1_000, `shown ${shownAt - startAt} ms after its event`);
      assert.equal(model.get(container.id)?.name, name);

      const exited = whenModel(model, () => model.get(container.id)?.state === 'exited', 15_000);
      await container.kill();
      await exited;

      const gone = whenModel(model, () => model.get(container.id) === undefined, 5_000);
      await container.remove();
      const goneAt = await gone;
      const destroyAt = await waitFor('the destroy event', () => seen.get(`destroy:${container.id}`), 2_000);
      assert.ok(goneAt - destroyAt <= 1_000, `dropped ${goneAt - destroyAt} ms after its event`);
    } finally {
      watcher.stop();
    }
  });

  it('lists the containers that existed before it started', async () => {
    const c = await docker.createContainer({ Image: image, Cmd: ['true'] });
    try {
      const model = new ContainerModel();
      const watcher = new ContainerWatcher(engine, model);
      watcher.start();
      await watcher.waitFor((s) => s.kind === 'live', 10_000);
      watcher.stop();
      assert.equal(model.get(c.id)?.state, 'created');
    } finally {
      await c.remove({ force: true });
    }
  });

  it('says why an engine is unreachable, without throwing', async () => {
    const missing = new DockerEngine({ endpoint: parseDockerHost('unix:///run/swarm-lab-no-such/docker.sock') });
    const watcher = new ContainerWatcher(missing, new ContainerModel(), undefined, [60_000]);
    watcher.start();
    try {
      const s = await watcher.waitFor((st) => st.kind === 'unreachable', 5_000);
      assert.ok(s.kind === 'unreachable' && /socket does not exist/.test(s.message), JSON.stringify(s));
    } finally {
      watcher.stop();
    }
  });

  it('reconnects by itself when the connection to the engine drops, and catches up', async () => {
    // A socket relay in front of the real engine: closing it is a dropped
    // connection as the extension sees it (an engine restart, a network cut).
    const relayPath = path.join(RUN_DIR, 'relay.sock');
    fs.rmSync(relayPath, { force: true });
    const sockets = new Set<net.Socket>();
    const relay = net.createServer((client) => {
      const upstream = net.connect(dockerGround().socketPath);
      client.pipe(upstream).pipe(client);
      for (const s of [client, upstream]) {
        sockets.add(s);
        s.on('close', () => sockets.delete(s));
        s.on('error', () => undefined);
      }
    });
    await new Promise<void>((r) => relay.listen(relayPath, r));
    const model = new ContainerModel();
    const watcher = new ContainerWatcher(
      new DockerEngine({ endpoint: parseDockerHost(`unix://${relayPath}`) }),
      model,
      undefined,
      [100],
    );
    watcher.start();
    let created: Docker.Container | undefined;
    try {
      await watcher.waitFor((s) => s.kind === 'live', 10_000);
      relay.close(); // refuse new connections …
      sockets.forEach((s) => s.destroy()); // … and cut the event stream
      await watcher.waitFor((s) => s.kind === 'unreachable', 5_000);
      // A change while the watcher is cut off must still show up afterwards.
      created = await docker.createContainer({ Image: image, Cmd: ['true'] });
      await new Promise<void>((r) => relay.listen(relayPath, r));
      await watcher.waitFor((s) => s.kind === 'live', 10_000);
      assert.equal(model.get(created.id)?.state, 'created');
    } finally {
      watcher.stop();
      relay.close();
      sockets.forEach((s) => s.destroy());
      await created?.remove({ force: true });
    }
  });
});

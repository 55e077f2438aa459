import * as assert from 'node:assert/strict';
import type { DockerEngine } from '../../src/clients/docker/dockerEngine';
import {
  SwarmFollower,
  type FollowedWatcher,
  type ManagerCandidate,
  type SwarmFollowerHost,
} from '../../src/clients/swarm/swarmFollower';
import type { SwarmSnapshot } from '../../src/core/cluster/swarmSnapshot';

/** A promise the test resolves by hand: a connection that takes its time. */
function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

class FakeWatcher implements FollowedWatcher {
  started = 0;
  stopped = 0;
  constructor(
    readonly engine: DockerEngine,
    readonly snapshot: (s: SwarmSnapshot) => void,
  ) {}
  start(): Promise<void> {
    this.started++;
    return Promise.resolve();
  }
  stop(): void {
    this.stopped++;
  }
  refresh(): Promise<void> {
    return Promise.resolve();
  }
}

function harness(): {
  follower: SwarmFollower;
  watchers: FakeWatcher[];
  connects: Array<{ id: string; done: (engine: DockerEngine) => void }>;
  setManagers: (next: ManagerCandidate[]) => void;
} {
  let managers: ManagerCandidate[] = [{ id: 'm1', name: 'core-01' }];
  const watchers: FakeWatcher[] = [];
  const connects: Array<{ id: string; done: (engine: DockerEngine) => void }> = [];
  const host: SwarmFollowerHost = {
    managers: () => managers,
    engine: (id) => () => {
      const d = deferred<DockerEngine>();
      connects.push({ id, done: d.resolve });
      return d.promise;
    },
    changed: () => undefined,
    info: () => undefined,
    warn: () => undefined,
  };
  const follower = new SwarmFollower(host, (engine, onSnapshot) => {
    const w = new FakeWatcher(engine, onSnapshot);
    watchers.push(w);
    return w;
  });
  return { follower, watchers, connects, setManagers: (next) => (managers = next) };
}

const engine = (name: string): DockerEngine => ({ name }) as unknown as DockerEngine;
const snapshot = (tag: string): SwarmSnapshot => ({ tag }) as unknown as SwarmSnapshot;
const settle = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('SwarmFollower: one watcher per manager, whatever the machines do meanwhile', () => {
  it('starts one watcher when two changes arrive while it connects to the manager', async () => {
    const { follower, watchers, connects } = harness();
    const first = follower.follow();
    const second = follower.follow();
    const third = follower.follow();
    await settle();
    assert.equal(connects.length, 1, 'one connection at a time');
    connects[0].done(engine('m1'));
    await Promise.all([first, second, third]);
    assert.equal(watchers.length, 1);
    assert.equal(watchers[0].stopped, 0);
    assert.equal(follower.managerId, 'm1');
    follower.dispose();
    assert.equal(watchers[0].stopped, 1);
  });

  it('moves to the next manager after a change during a connect, stopping the first watcher', async () => {
    const { follower, watchers, connects, setManagers } = harness();
    const following = follower.follow();
    await settle();
    // core-01 went away while its connection was being made.
    setManagers([{ id: 'm2', name: 'core-02' }]);
    void follower.follow();
    connects[0].done(engine('m1'));
    await settle();
    await settle();
    assert.equal(connects.length, 2);
    assert.equal(connects[1].id, 'm2');
    connects[1].done(engine('m2'));
    await following;
    assert.equal(watchers.length, 2);
    assert.equal(watchers[0].stopped, 1, 'the first watcher is stopped');
    assert.equal(watchers[1].stopped, 0);
    assert.equal(follower.managerId, 'm2');
    // A read the stopped watcher had in flight does not overwrite the snapshot.
    watchers[1].snapshot(snapshot('m2'));
    watchers[0].snapshot(snapshot('stale m1'));
    assert.deepEqual(follower.snapshot, snapshot('m2'));
    follower.dispose();
  });

  it('starts nothing once disposed, even when the connection arrives after', async () => {
    const { follower, watchers, connects } = harness();
    const following = follower.follow();
    await settle();
    follower.dispose();
    connects[0].done(engine('m1'));
    await following;
    assert.equal(watchers.length, 0);
  });
});

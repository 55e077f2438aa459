import * as assert from 'node:assert/strict';
import { RefreshHub, type RefreshReason } from '../../src/core/refresh/refreshHub';

describe('RefreshHub: every reason to read again, in one place', () => {
  it('announces a view’s first show once, however often it is drawn', () => {
    const hub = new RefreshHub();
    const seen: RefreshReason[] = [];
    hub.onTrigger((r) => seen.push(r));
    hub.viewShown('machines');
    hub.viewShown('machines');
    hub.viewShown('swarm');
    assert.deepEqual(seen, [
      { kind: 'firstShow', view: 'machines' },
      { kind: 'firstShow', view: 'swarm' },
    ]);
    assert.equal(hub.count('firstShow'), 2);
  });

  it('waits for every read a finished run needs, even when one fails', async () => {
    const hub = new RefreshHub();
    const done: string[] = [];
    hub.readAfterRun(async () => {
      await new Promise((r) => setTimeout(r, 20));
      done.push('machines');
    });
    hub.readAfterRun(() => Promise.reject(new Error('unreachable')));
    await hub.runFinished();
    assert.deepEqual(done, ['machines']);
    assert.equal(hub.count('afterRun'), 1);
  });

  it('finds machines back from their last states, not machines seen for the first time', () => {
    const hub = new RefreshHub();
    const back: string[][] = [];
    hub.on('machinesBack', (r) => back.push([...r.machineIds]));
    hub.machineStates(
      new Map([
        ['a', 'running'],
        ['b', 'unreachable'],
      ]),
    );
    hub.machineStates(
      new Map([
        ['a', 'running'],
        ['b', 'running'],
        ['c', 'running'],
      ]),
    );
    hub.machineStates(
      new Map([
        ['a', 'stopped'],
        ['b', 'running'],
        ['c', 'running'],
      ]),
    );
    hub.machineStates(
      new Map([
        ['a', 'running'],
        ['b', 'running'],
        ['c', 'running'],
      ]),
    );
    assert.deepEqual(back, [['b'], ['a']]);
  });

  it('gives a kind’s listener only that kind, and stops when unsubscribed', () => {
    const hub = new RefreshHub();
    const keys: string[][] = [];
    const sub = hub.on('settings', (r) => keys.push([...r.keys]));
    hub.fire({ kind: 'afterRun' });
    hub.fire({ kind: 'settings', keys: new Set(['registry']) });
    sub.dispose();
    hub.fire({ kind: 'settings', keys: new Set(['images']) });
    assert.deepEqual(keys, [['registry']]);
  });
});

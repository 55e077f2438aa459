import * as assert from 'node:assert/strict';
import { RerunningTask } from '../../src/core/async/rerunningTask';

/** A pass that waits until the test lets it finish, recording what it read when it started. */
function gatedPasses(read: () => number) {
  const started: number[] = [];
  const gates: Array<() => void> = [];
  const pass = (): Promise<void> => {
    started.push(read());
    return new Promise<void>((resolve) => gates.push(resolve));
  };
  const release = async (): Promise<void> => {
    // Bounded: a pass that never starts fails the test instead of spinning forever.
    for (let turns = 0; gates.length === 0; turns++) {
      if (turns > 1_000) {
        throw new Error('no pass is waiting to be released');
      }
      await new Promise((r) => setImmediate(r));
    }
    gates.shift()!();
  };
  return { pass, started, release };
}

describe('RerunningTask: one pass at a time, and a caller gets a pass that started after its call', function () {
  it('a call during a pass resolves only after a later pass has read what changed before the call', async function () {
    let value = 0;
    const { pass, started, release } = gatedPasses(() => value);
    const task = new RerunningTask(pass);
    const first = task.run();
    value = 1; // changed after the first pass read it
    let secondDone = false;
    const second = task.run().then(() => (secondDone = true));
    await release(); // the first pass ends: the second call is not answered by it
    await new Promise((r) => setImmediate(r));
    assert.equal(secondDone, false);
    await release();
    await Promise.all([first, second]);
    assert.deepEqual(started, [0, 1]);
  });

  it('many calls during a pass make one more pass, not one each', async function () {
    const { pass, started, release } = gatedPasses(() => started.length);
    const task = new RerunningTask(pass);
    const calls = [task.run(), task.run(), task.run(), task.run()];
    await release();
    await release();
    await Promise.all(calls);
    assert.equal(started.length, 2);
    assert.equal(task.isRunning, false);
  });

  it('a call after a pass ended starts a new pass', async function () {
    let passes = 0;
    const task = new RerunningTask(() => {
      passes++;
      return Promise.resolve();
    });
    await task.run();
    await task.run();
    assert.equal(passes, 2);
  });

  it('stops rerunning once its owner is stopped, and a failing pass rejects and frees the task', async function () {
    let stopped = false;
    let passes = 0;
    const task = new RerunningTask(
      async () => {
        passes++;
        stopped = true;
        await new Promise((r) => setImmediate(r));
      },
      () => stopped,
    );
    await Promise.all([task.run(), task.run()]);
    assert.equal(passes, 1);
    const failing = new RerunningTask(() => Promise.reject(new Error('boom')));
    await assert.rejects(failing.run(), /boom/);
    assert.equal(failing.isRunning, false);
  });
});

import * as assert from 'node:assert/strict';
import { WriteQueue } from '../../src/core/labPanel/writeQueue';

describe('lab panel: the answer write queue', () => {
  it('keeps writing answers after a write fails, and reports that failure once', async () => {
    const reported: unknown[] = [];
    const queue = new WriteQueue((error) => reported.push(error));
    const written: string[] = [];
    const write =
      (id: string, fail = false) =>
      () =>
        new Promise<void>((resolve, reject) =>
          setImmediate(() => {
            if (fail) {
              reject(new Error(`disk full while writing ${id}`));
            } else {
              written.push(id);
              resolve();
            }
          }),
        );
    const results = [
      queue.run(write('Q1')),
      queue.run(write('Q2', true)),
      queue.run(write('Q3')),
      queue.run(write('Q4')),
    ];
    await Promise.all(results);
    assert.deepEqual(written, ['Q1', 'Q3', 'Q4']);
    assert.deepEqual(
      reported.map((e) => (e as Error).message),
      ['disk full while writing Q2'],
    );
    // Typed after the failure, once everything above settled: written too.
    await queue.run(write('Q5'));
    assert.deepEqual(written, ['Q1', 'Q3', 'Q4', 'Q5']);
    assert.equal(reported.length, 1);
  });

  it('runs one write at a time, in order', async () => {
    const queue = new WriteQueue(() => undefined);
    const events: string[] = [];
    let running = 0;
    const write = (id: string) => async () => {
      running++;
      assert.equal(running, 1, 'two writes at once');
      events.push(`start ${id}`);
      await new Promise((r) => setImmediate(r));
      events.push(`end ${id}`);
      running--;
    };
    await Promise.all([queue.run(write('a')), queue.run(write('b'))]);
    assert.deepEqual(events, ['start a', 'end a', 'start b', 'end b']);
  });

  it('keeps going when the failure report itself throws', async () => {
    const queue = new WriteQueue(() => {
      throw new Error('the panel is gone');
    });
    let ran = false;
    await queue.run(() => Promise.reject(new Error('write failed')));
    await queue.run(() => {
      ran = true;
      return Promise.resolve();
    });
    await queue.idle();
    assert.ok(ran);
  });
});

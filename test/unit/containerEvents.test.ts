import * as assert from 'node:assert/strict';
import { containerEventEffect } from '../../src/core/containers/containerEvents';

describe('containerEventEffect', () => {
  const id = 'c'.repeat(64);
  const ev = (Action: string, Type = 'container') => ({ Type, Action, Actor: { ID: id, Attributes: {} } });

  it('refreshes the container on a state change', () => {
    for (const a of ['create', 'start', 'die', 'stop', 'pause', 'unpause', 'rename', 'restart', 'kill', 'oom']) {
      assert.deepEqual(containerEventEffect(ev(a)), { kind: 'refresh', id }, a);
    }
  });

  it('reads health status events, whose action carries a value', () => {
    assert.deepEqual(containerEventEffect(ev('health_status: healthy')), { kind: 'refresh', id });
  });

  it('removes the container on destroy', () => {
    assert.deepEqual(containerEventEffect(ev('destroy')), { kind: 'remove', id });
  });

  it('ignores exec, attach and other events of no visible effect', () => {
    for (const a of ['exec_create: sh', 'exec_start: sh', 'exec_die', 'attach', 'detach', 'resize', 'top', 'copy']) {
      assert.deepEqual(containerEventEffect(ev(a)), { kind: 'ignore' }, a);
    }
  });

  it('ignores events of other objects and malformed events', () => {
    assert.deepEqual(containerEventEffect(ev('create', 'network')), { kind: 'ignore' });
    assert.deepEqual(containerEventEffect({ Type: 'container' }), { kind: 'ignore' });
  });

  it('reads the ID of old-style events (no Actor)', () => {
    assert.deepEqual(containerEventEffect({ Action: 'start', id }), { kind: 'refresh', id });
  });
});

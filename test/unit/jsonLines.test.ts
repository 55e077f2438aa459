import * as assert from 'node:assert/strict';
import { JsonLineSplitter } from '../../src/core/events/jsonLines';

describe('JsonLineSplitter', () => {
  it('joins messages cut across chunks', () => {
    const s = new JsonLineSplitter<{ a: number }>();
    assert.deepEqual(s.push('{"a":1}\n{"a"'), [{ a: 1 }]);
    assert.deepEqual(s.push(':2}\n'), [{ a: 2 }]);
  });

  it('keeps a UTF-8 character cut between two chunks', () => {
    const s = new JsonLineSplitter<{ name: string }>();
    const bytes = Buffer.from('{"name":"nœud"}\n', 'utf8');
    const cut = bytes.indexOf(0x9c); // inside the two bytes of "œ"
    assert.deepEqual(s.push(bytes.subarray(0, cut)), []);
    assert.deepEqual(s.push(bytes.subarray(cut)), [{ name: 'nœud' }]);
  });

  it('reports a malformed line and goes on', () => {
    const bad: string[] = [];
    const s = new JsonLineSplitter((line) => bad.push(line));
    assert.deepEqual(s.push('{oops}\n{"ok":true}\n'), [{ ok: true }]);
    assert.deepEqual(bad, ['{oops}']);
  });

  it('flushes a last message without a newline at the end', () => {
    const s = new JsonLineSplitter();
    assert.deepEqual(s.push('{"x":1}'), []);
    assert.deepEqual(s.end(), [{ x: 1 }]);
  });
});

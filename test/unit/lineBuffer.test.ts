import * as assert from 'node:assert/strict';
import { LineBuffer } from '../../src/core/text/lineBuffer';

describe('LineBuffer', () => {
  it('cuts chunks into lines, holding the unfinished one', () => {
    const b = new LineBuffer();
    assert.deepEqual(b.push('a\r\nb'), ['a']);
    assert.deepEqual(b.push('c\n\nd'), ['bc', '']);
    assert.deepEqual(b.end(), ['d']);
    assert.deepEqual(b.end(), []);
  });

  it('joins a \\r\\n cut between two chunks', () => {
    const b = new LineBuffer();
    assert.deepEqual(b.push('one\r'), []);
    assert.deepEqual(b.push('\ntwo\n'), ['one', 'two']);
    assert.deepEqual(b.end(), []);
  });

  it('keeps a lone \\r inside a line, and the last line as it came', () => {
    const b = new LineBuffer();
    assert.deepEqual(b.push('10%\r50%\n'), ['10%\r50%']);
    assert.deepEqual(b.push('tail\r'), []);
    assert.deepEqual(b.end(), ['tail\r']);
  });

  it('gives nothing for an empty stream', () => {
    const b = new LineBuffer();
    assert.deepEqual(b.push(''), []);
    assert.deepEqual(b.end(), []);
  });
});

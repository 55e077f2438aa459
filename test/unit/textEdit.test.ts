import * as assert from 'node:assert/strict';
import { LineIndex } from '../../src/core/text/lineIndex';
import { applyEdits, minimalEdit } from '../../src/core/text/textEdit';

describe('text edits', () => {
  it('applies edits given in any order against the original text', () => {
    const text = 'image: python-app:latest\nimage: app-proxy\n';
    const out = applyEdits(text, [
      { offset: 32, length: 0, newText: 'm1.swarm:5000/' },
      { offset: 7, length: 0, newText: 'm1.swarm:5000/' },
    ]);
    assert.equal(out, 'image: m1.swarm:5000/python-app:latest\nimage: m1.swarm:5000/app-proxy\n');
  });

  it('keeps insertions at one offset in the order given', () => {
    assert.equal(
      applyEdits('ac', [
        { offset: 1, length: 0, newText: 'b' },
        { offset: 1, length: 0, newText: 'B' },
      ]),
      'abBc',
    );
  });

  it('refuses overlapping edits and edits outside the text', () => {
    assert.throws(
      () =>
        applyEdits('abcdef', [
          { offset: 1, length: 3, newText: 'x' },
          { offset: 2, length: 1, newText: 'y' },
        ]),
      RangeError,
    );
    assert.throws(() => applyEdits('abc', [{ offset: 2, length: 5, newText: '' }]), RangeError);
  });

  it('reduces a replacement to the characters that change', () => {
    assert.deepEqual(minimalEdit(10, 'm1.swarm:5000/python-app:latest', 'python-app:latest'), {
      offset: 10,
      length: 14,
      newText: '',
    });
    assert.deepEqual(minimalEdit(0, 'app', 'm1.swarm:5000/app'), { offset: 0, length: 0, newText: 'm1.swarm:5000/' });
    assert.deepEqual(minimalEdit(3, 'same', 'same'), { offset: 7, length: 0, newText: '' });
  });

  it('never splits a surrogate pair', () => {
    // 🐳 and 🐋 share their high surrogate.
    const e = minimalEdit(0, 'a🐳', 'a🐋');
    assert.deepEqual(e, { offset: 1, length: 2, newText: '🐋' });
    assert.equal(applyEdits('a🐳', [e]), 'a🐋');
  });
});

describe('line index', () => {
  it('counts \\n, \\r\\n and a lone \\r as line breaks, like VS Code', () => {
    const lines = new LineIndex('a\r\nb\nc\rd');
    assert.equal(lines.lineCount, 4);
    assert.deepEqual(lines.positionAt(3), { line: 1, character: 0 });
    assert.deepEqual(lines.positionAt(7), { line: 3, character: 0 });
    assert.equal(lines.lineBreak(0), '\r\n');
    assert.equal(lines.lineBreak(1), '\n');
    assert.equal(lines.lineBreak(2), '\r');
    assert.equal(lines.lineBreak(3), '');
    assert.equal(lines.firstLineBreak, '\r\n');
  });

  it('counts a BOM as a character of the first line, as offsets into the string do', () => {
    const lines = new LineIndex('\uFEFFservices:\n  web:\n');
    assert.deepEqual(lines.positionAt(1), { line: 0, character: 1 });
    assert.deepEqual(lines.positionAt(11), { line: 1, character: 0 });
  });
});

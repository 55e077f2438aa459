import * as assert from 'node:assert/strict';
import { Utf8Chunks } from '../../src/core/text/utf8Chunks';

describe('terminals: text decoded across chunks', () => {
  it('keeps a character whose bytes are split across chunks whole', () => {
    const bytes = Buffer.from('prix : 3 € — déjà 🐳\n', 'utf8');
    // Every split point, including the middle of each multibyte character.
    for (let cut = 1; cut < bytes.length; cut++) {
      const chunks = new Utf8Chunks();
      const text = chunks.push(bytes.subarray(0, cut)) + chunks.push(bytes.subarray(cut)) + chunks.end();
      assert.equal(text, 'prix : 3 € — déjà 🐳\n', `cut at ${cut}`);
    }
  });

  it('decodes byte by byte, and says what was left incomplete at the end', () => {
    const chunks = new Utf8Chunks();
    const text = [...Buffer.from('€é', 'utf8')].map((b) => chunks.push(Buffer.from([b]))).join('');
    assert.equal(text, '€é');
    chunks.push(Buffer.from([0xe2, 0x82]));
    assert.equal(chunks.end(), '\ufffd');
    assert.equal(chunks.push('already text'), 'already text');
  });
});

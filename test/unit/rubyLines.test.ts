import * as assert from 'node:assert/strict';
import { blockDelta, blockEnd, joinRubyLines, splitRubyLines, splitTopLevel } from '../../src/core/vagrant/rubyLines';

describe('Ruby lines', () => {
  it('gives back the text byte for byte, line endings included', () => {
    for (const text of ['a\r\nb\nc', 'x\n', '', '\n\n', 'no newline', 'mixed\r\nends\n']) {
      assert.equal(joinRubyLines(splitRubyLines(text)), text);
    }
    assert.deepEqual(
      splitRubyLines('a\r\nb').map((l) => [l.text, l.eol]),
      [
        ['a', '\r\n'],
        ['b', ''],
      ],
    );
  });

  it('blanks comments, and string contents in the bare view, keeping offsets', () => {
    const [line] = splitRubyLines(`vb.name = "do #{i} end" # end`);
    assert.equal(line.code, `vb.name = "do #{i} end"      `);
    assert.equal(line.bare, `vb.name = "           "      `);
    assert.equal(line.code.length, line.text.length);
    assert.equal(blockDelta(line.bare), 0);
    // A '#' inside a string is not a comment; nested braces in interpolation are followed.
    const [hash] = splitRubyLines(`x = "a#b #{h.map { |k| k }} c" # real`);
    assert.equal(hash.code, `x = "a#b #{h.map { |k| k }} c"       `);
  });

  it('treats heredoc bodies and =begin blocks as text, not code', () => {
    const lines = splitRubyLines(
      [
        '$script = <<~SHELL',
        '  if true; then',
        '    for f in a; do echo; done',
        '  fi',
        '  SHELL',
        '=begin',
        'do do do',
        '=end',
        'Vagrant.configure("2") do |config|',
        'end',
      ].join('\n'),
    );
    assert.deepEqual(
      lines.map((l) => blockDelta(l.bare)),
      [0, 0, 0, 0, 0, 0, 0, 0, 1, -1],
    );
    assert.equal(blockEnd(lines, 8), 9);
  });

  it('counts do/end and keyword blocks, not modifiers nor words that contain them', () => {
    assert.equal(blockDelta('(1..$n).each do |i|'), 1);
    assert.equal(blockDelta('unless File.exist?(x)'), 1);
    assert.equal(blockDelta('vb.customize [] unless File.exist?(x)'), 0);
    assert.equal(blockDelta('while x do'), 1);
    assert.equal(blockDelta('if x then y end'), 0);
    assert.equal(blockDelta('x = if y'), 1);
    assert.equal(blockDelta('done = range.end + endless + do_it'), 0);
    assert.equal(blockDelta('foo(:do, :end, end: 1)'), 0);
    assert.equal(blockDelta('end.each do |x|'), 0);
  });

  it('finds the end of a block, or nothing if the blocks do not balance', () => {
    const lines = splitRubyLines('a do |x|\n  if y\n  end\nend\nb do\n');
    assert.equal(blockEnd(lines, 0), 3);
    assert.equal(blockEnd(lines, 1), 2);
    assert.equal(blockEnd(lines, 4), undefined);
    assert.equal(blockEnd(lines, 2), undefined);
  });

  it('splits an argument list at its top-level commas only', () => {
    assert.deepEqual(splitTopLevel(' "modifyvm", :id, "--memory", 1024 '), ['"modifyvm"', ':id', '"--memory"', '1024']);
    assert.deepEqual(splitTopLevel('name, [1, 2], { a: 1, b: 2 }, f(x, y)'), [
      'name',
      '[1, 2]',
      '{ a: 1, b: 2 }',
      'f(x, y)',
    ]);
    assert.deepEqual(splitTopLevel(`"a, b", 'c, d', "e\\", f", g`), ['"a, b"', "'c, d'", '"e\\", f"', 'g']);
    assert.deepEqual(splitTopLevel(''), ['']);
  });
});

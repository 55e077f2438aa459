/**
 * The text of format-preserving edits to a compose file: a scalar rewritten
 * in its own quoting style, a line added with its neighbours' indentation and
 * line break. Everything outside the changed span stays byte for byte.
 */
import { LineIndex } from '../text/lineIndex';
import { minimalEdit, TextEdit } from '../text/textEdit';

export type ScalarStyle = 'plain' | 'single' | 'double' | 'block';

export function scalarStyle(type: string | undefined): ScalarStyle {
  switch (type) {
    case 'QUOTE_SINGLE':
      return 'single';
    case 'QUOTE_DOUBLE':
      return 'double';
    case 'BLOCK_LITERAL':
    case 'BLOCK_FOLDED':
      return 'block';
    default:
      return 'plain';
  }
}

/** Words and numbers that YAML (1.2 core, or 1.1 as older Compose read it) would not read as text. */
const NOT_TEXT =
  /^(?:~|null|true|false|yes|no|on|off|y|n|[-+]?(?:\.inf|\.nan)|[-+]?[0-9][0-9_]*(?:\.[0-9_]*)?(?:e[-+]?[0-9]+)?|[-+]?\.[0-9]+(?:e[-+]?[0-9]+)?|0x[0-9a-f_]+|0o?[0-7_]+|0b[01_]+|[0-9]+(?::[0-5]?[0-9])+(?:\.[0-9_]*)?)$/i;

/**
 * Whether `value` reads back as the same text when written plain, in a block
 * or in a flow collection. Image references only risk it through a leading
 * `[` (an IPv6 registry) or an all-digit name.
 */
export function isPlainSafe(value: string): boolean {
  return /^[A-Za-z0-9][\w.\-/:@+]*$/.test(value) && !value.endsWith(':') && !NOT_TEXT.test(value);
}

function doubleQuoted(value: string): string {
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

function singleQuoted(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** The one line of a block scalar's content, where it sits in the source. */
export interface BlockLine {
  readonly offset: number;
  readonly text: string;
}

/**
 * The line holding a block scalar's value (`image: >-` or `image: |` with the
 * reference on the next line), when the value is that one line written as it
 * reads (the final line breaks that chomping keeps aside). Undefined for a
 * value over several lines or one the source does not hold verbatim: such a
 * value is no image reference anyway.
 */
export function blockScalarLine(text: string, start: number, end: number, value: string): BlockLine | undefined {
  const reference = value.replace(/\n+$/, '');
  if (reference === '' || reference.includes('\n')) {
    return undefined;
  }
  const source = text.slice(start, end);
  // The header (`>-`, `|2`, a comment) ends at the first line break.
  const header = /\r?\n/.exec(source);
  if (!header) {
    return undefined;
  }
  let at = header.index + header[0].length;
  let found: BlockLine | undefined;
  for (const line of source.slice(at).split('\n')) {
    const content = line.replace(/\r$/, '');
    if (content.trim() !== '') {
      const indent = content.length - content.trimStart().length;
      if (found || content.slice(indent) !== reference) {
        return undefined;
      }
      found = { offset: start + at + indent, text: reference };
    }
    at += line.length + 1;
  }
  return found;
}

/**
 * The edit that makes a one-line block scalar read `newValue`: only the
 * content line changes, so header, indentation indicator, chomping and final
 * line breaks stay, and a block scalar needs no quoting.
 */
export function rewriteBlockLine(line: BlockLine, newValue: string): TextEdit {
  return minimalEdit(line.offset, line.text, newValue);
}

/** The plain text, or double quotes when plain would change its meaning. */
export function plainOrQuoted(value: string): string {
  return isPlainSafe(value) ? value : doubleQuoted(value);
}

/**
 * The edit that makes the scalar whose source spans [start, end) (quotes
 * included) read `newValue`, in the same quoting style. A plain scalar only
 * gains double quotes when plain text would change its meaning (an IPv6
 * registry host starts with `[`, which YAML reads as a sequence).
 */
export function rewriteScalar(
  text: string,
  start: number,
  end: number,
  style: Exclude<ScalarStyle, 'block'>,
  newValue: string,
): TextEdit {
  const source = text.slice(start, end);
  let replacement: string;
  switch (style) {
    case 'single':
      replacement = singleQuoted(newValue);
      break;
    case 'double':
      replacement = doubleQuoted(newValue);
      break;
    default:
      replacement = plainOrQuoted(newValue);
  }
  return minimalEdit(start, source, replacement);
}

/** Where and how a missing `image:` goes into a service. */
export type ImageInsertion =
  /** Block mapping: a new line after the line ending at `afterOffset`, or before the line of `beforeOffset`. */
  | {
      readonly kind: 'block';
      readonly afterOffset?: number;
      readonly beforeOffset?: number;
      readonly keyOffset: number;
    }
  /** Flow mapping (`web: {build: .}`): a pair before its first key. */
  | { readonly kind: 'flow'; readonly keyOffset: number };

/**
 * The edit adding `image: <value>`. In a block mapping the line copies the
 * indentation of the mapping's keys and the line break of the line above it
 * (or the file's, at the end of a file), so CRLF files stay CRLF.
 */
export function insertImage(text: string, lines: LineIndex, at: ImageInsertion, value: string): TextEdit {
  const pair = `image: ${plainOrQuoted(value)}`;
  if (at.kind === 'flow') {
    return { offset: at.keyOffset, length: 0, newText: `${pair}, ` };
  }
  const key = lines.positionAt(at.keyOffset);
  // Keys of a block mapping sit after spaces only; anything else before a
  // key (a `- ` of a sequence item) becomes spaces of the same width.
  const indent = ' '.repeat(key.character);
  if (at.afterOffset !== undefined) {
    const line = lines.positionAt(lastContentOffset(text, at.afterOffset)).line;
    const lineBreak = lines.lineBreak(line);
    if (lineBreak === '') {
      return { offset: text.length, length: 0, newText: `${lines.firstLineBreak}${indent}${pair}` };
    }
    return { offset: lines.lineStart(line + 1), length: 0, newText: `${indent}${pair}${lineBreak}` };
  }
  const line = lines.positionAt(at.beforeOffset ?? at.keyOffset).line;
  const lineBreak = lines.lineBreak(line) || lines.firstLineBreak;
  return { offset: lines.lineStart(line), length: 0, newText: `${indent}${pair}${lineBreak}` };
}

/** A node's range may end after the line break of its last line: step back to its last character. */
function lastContentOffset(text: string, end: number): number {
  let i = end;
  while (i > 0 && /\s/.test(text[i - 1])) {
    i--;
  }
  return Math.max(0, i - 1);
}

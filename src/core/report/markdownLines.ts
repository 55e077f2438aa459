/**
 * The line-level view of Markdown that the report parser and the importer
 * share: lines with their offsets (so that edits are byte-exact), fenced code
 * blocks (their content is opaque: a `# Q3` inside one is not a heading), and
 * ATX headings.
 */

export type Eol = '\n' | '\r\n';

export interface Line {
  /** Offset of the line's first character. */
  readonly start: number;
  /** Offset just after its content, before its line ending. */
  readonly end: number;
  /** Offset of the next line (after the line ending); `end` on a last line without one. */
  readonly next: number;
  /** The content, without the line ending. */
  readonly text: string;
  /** Inside a fenced code block, fence lines included. */
  readonly inFence: boolean;
}

/**
 * Lines of a text, split at `\n` and `\r\n`. A lone `\r` stays content: no
 * editor we support writes one, and treating it as text keeps offsets simple.
 */
export function splitLines(text: string): Line[] {
  const raw: Array<{ start: number; end: number; next: number }> = [];
  let start = 0;
  while (start < text.length) {
    const nl = text.indexOf('\n', start);
    if (nl < 0) {
      raw.push({ start, end: text.length, next: text.length });
      break;
    }
    const end = nl > start && text[nl - 1] === '\r' ? nl - 1 : nl;
    raw.push({ start, end, next: nl + 1 });
    start = nl + 1;
  }
  const texts = raw.map((r) => text.slice(r.start, r.end));
  const fenced = fenceMask(texts);
  return raw.map((r, i) => ({ ...r, text: texts[i], inFence: fenced[i] }));
}

/** The file's line ending: the first one found, `\n` for a text without any. */
export function detectEol(text: string): Eol {
  const nl = text.indexOf('\n');
  return nl > 0 && text[nl - 1] === '\r' ? '\r\n' : '\n';
}

export function toLf(text: string): string {
  return text.replace(/\r\n/g, '\n');
}

export function withEol(lfText: string, eol: Eol): string {
  return eol === '\n' ? lfText : lfText.replace(/\n/g, eol);
}

export function isBlank(text: string): boolean {
  return text.trim() === '';
}

/** A `\n` text without its leading and trailing blank lines (inner ones stay). */
export function trimBlankLines(lfText: string): string {
  const lines = lfText.split('\n');
  let first = 0;
  let last = lines.length - 1;
  while (first <= last && isBlank(lines[first])) {
    first++;
  }
  while (last >= first && isBlank(lines[last])) {
    last--;
  }
  return lines.slice(first, last + 1).join('\n');
}

export interface Heading {
  readonly level: number;
  /** The heading's text, trimmed; a closing `###` sequence is kept (titles round-trip as written). */
  readonly content: string;
}

const ATX = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?[ \t]*$/;

export function atxHeading(line: Line): Heading | undefined {
  if (line.inFence) {
    return undefined;
  }
  const m = ATX.exec(line.text);
  return m ? { level: m[1].length, content: m[2] ?? '' } : undefined;
}

/** A heading and the lines it takes: 1 for `# Title`, 2 for a title underlined with `===` or `---`. */
export interface BlockHeading extends Heading {
  readonly span: 1 | 2;
}

const SETEXT_UNDERLINE = /^ {0,3}(={2,}|-{2,})[ \t]*$/;
/** Lines that cannot be a setext title: quotes, headings, tables, list items, indented code. */
const NOT_A_TITLE = /^(?: {4}|\t)|^ {0,3}(?:[>#|]|[-*+](?:[ \t]|$)|\d{1,9}[.)](?:[ \t]|$))/;

/**
 * The headings of a text, ATX (`## Ceph`) and setext (`Ceph` underlined with
 * `====` or `----`), at the index of their title line. A setext title is one
 * line after a blank line (or a heading, a fence, the start): CommonMark would
 * also take a whole paragraph, but a student's `---` under the last line of an
 * answer is a rule more often than a heading.
 */
export function blockHeadings(lines: readonly Line[]): Array<BlockHeading | undefined> {
  const out: Array<BlockHeading | undefined> = lines.map((l) => {
    const h = atxHeading(l);
    return h ? { ...h, span: 1 } : undefined;
  });
  for (let i = 0; i + 1 < lines.length; i++) {
    const title = lines[i];
    const underline = SETEXT_UNDERLINE.exec(lines[i + 1].text);
    if (!underline || title.inFence || lines[i + 1].inFence || out[i] || isBlank(title.text)) {
      continue;
    }
    if (NOT_A_TITLE.test(title.text) || SETEXT_UNDERLINE.test(title.text)) {
      continue;
    }
    const before = i > 0 ? lines[i - 1] : undefined;
    const afterHeading = i > 1 && out[i - 2]?.span === 2;
    if (before && !isBlank(before.text) && !before.inFence && !out[i - 1] && !afterHeading) {
      continue;
    }
    out[i] = { level: underline[1][0] === '=' ? 1 : 2, content: title.text.trim(), span: 2 };
    i++; // the underline is not a title
  }
  return out;
}

const FENCE_OPEN = /^[ \t]*(`{3,}|~{3,})(.*)$/;
const FENCE_CLOSE = /^[ \t]*(`{3,}|~{3,})[ \t]*$/;

/**
 * Which lines belong to a fenced code block. Indentation is not limited to
 * three spaces as in CommonMark, because fences in list items are indented
 * further and their content is code all the same. A fence never closed is not
 * taken as a fence: CommonMark would run it to the end of the file, and a
 * student who forgot three backticks would see every later answer vanish.
 */
function fenceMask(texts: readonly string[]): boolean[] {
  const mask = texts.map(() => false);
  let i = 0;
  while (i < texts.length) {
    const open = FENCE_OPEN.exec(texts[i]);
    // A backtick fence's info string cannot hold a backtick (CommonMark):
    // "```x```" is inline code, not a fence.
    if (open && !(open[1][0] === '`' && open[2].includes('`'))) {
      const close = findClose(texts, i + 1, open[1]);
      if (close !== undefined) {
        for (let j = i; j <= close; j++) {
          mask[j] = true;
        }
        i = close + 1;
        continue;
      }
    }
    i++;
  }
  return mask;
}

/**
 * A `\n` text with its last code fence closed when it was left open, so that
 * a block written into a report cannot pair with a fence of the next answer
 * and hide the headings in between. Balanced texts are returned unchanged.
 */
export function closeFences(lfText: string): string {
  const texts = lfText.split('\n');
  let i = 0;
  while (i < texts.length) {
    const open = FENCE_OPEN.exec(texts[i]);
    if (open && !(open[1][0] === '`' && open[2].includes('`'))) {
      const close = findClose(texts, i + 1, open[1]);
      if (close === undefined) {
        return `${lfText}\n${open[1]}`;
      }
      i = close + 1;
      continue;
    }
    i++;
  }
  return lfText;
}

function findClose(texts: readonly string[], from: number, fence: string): number | undefined {
  for (let j = from; j < texts.length; j++) {
    const m = FENCE_CLOSE.exec(texts[j]);
    if (m && m[1][0] === fence[0] && m[1].length >= fence.length) {
      return j;
    }
  }
  return undefined;
}

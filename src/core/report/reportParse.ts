import { questionIds, type LabOutline } from './labOutline';
import { atxHeading, detectEol, isBlank, splitLines, toLf, trimBlankLines, type Line } from './markdownLines';
import { OTHER_NOTES_TITLES, type ReportHeadings, type ReportModel, type ReportQuestion } from './reportModel';

/**
 * Reading a report written by the extension, and hand-edited since.
 *
 * Why the markers are the headings themselves (`## 6. …`, `### Q4 — …`) and
 * not HTML comments such as `<!-- swarm-lab:Q4 -->`: the file is the
 * student's, read in any Markdown viewer and handed in. A comment is
 * invisible there, so a student moving an answer around cannot see it, leaves
 * it behind, and the answer silently changes question; the id at the start of
 * a visible heading cannot be separated from it. And markdown-it runs with
 * HTML disabled (panel, HTML export): a comment would show as literal text.
 * What is recognised, outside fenced code blocks only:
 *   - `## <number>. <title>`: a section (exactly two `#`, so numbered steps
 *     written as `### 1. …` inside an answer stay text);
 *   - `##`…`######` followed by a question id of the lab (any case) and a
 *     separator or the end of the line: a question; the title is the rest;
 *   - `## Other notes` (any language the extension writes): the notes block,
 *     which runs to the end of the file.
 */

export interface TextRange {
  /** Offsets into the text: `start` included, `end` excluded. */
  readonly start: number;
  readonly end: number;
}

export type Marker =
  | { readonly kind: 'section'; readonly line: number; readonly number: number; readonly title: string }
  | { readonly kind: 'question'; readonly line: number; readonly id: string; readonly title: string }
  | { readonly kind: 'notes'; readonly line: number; readonly title: string };

export interface ScannedReport {
  readonly lines: readonly Line[];
  readonly markers: readonly Marker[];
}

export interface ParsedAnswer {
  readonly id: string;
  /** The answer as in the model (`\n` line endings, no blank lines around). */
  readonly text: string;
  /** Where that text is in the file; empty, at the block's start, when there is no answer yet. */
  readonly range: TextRange;
  /** From after the heading's line to the next marker: the answer and the blank lines around it. */
  readonly block: TextRange;
  /** The section heading the block is under; undefined before any. */
  readonly section: number | undefined;
}

export interface ParsedReport extends ReportModel {
  /** Each question's first block (a duplicated block stays in `sections`, as text). */
  readonly answers: ReadonlyMap<string, ParsedAnswer>;
}

const SECTION = /^##[ \t]+(\d+)\.(?:[ \t]+(.*?))?[ \t]*$/;
/** Without an outline: `Q4`, `QB1`, `Q2b`. */
const DEFAULT_ID = /^Q[A-Z]?\d+[a-z]?$/i;
/** After the id: the end, or spaces and/or one separator, then the title. */
const AFTER_ID = /^(?:$|[ \t]*[—–:.)-](?=[ \t]|$)[ \t]*|[ \t]+)/;

export function scanReport(text: string, outline?: LabOutline, headings?: ReportHeadings): ScannedReport {
  const lines = splitLines(text);
  const notesTitles = new Set(
    [...OTHER_NOTES_TITLES, ...(headings ? [headings.otherNotes] : [])].map((t) => t.trim().toLowerCase()),
  );
  const markers: Marker[] = [];
  for (let i = 0; i < lines.length; i++) {
    const h = atxHeading(lines[i]);
    if (!h || h.level < 2) {
      continue;
    }
    const section = SECTION.exec(lines[i].text.trimStart());
    if (section) {
      markers.push({ kind: 'section', line: i, number: Number(section[1]), title: section[2] ?? '' });
      continue;
    }
    if (h.level === 2 && notesTitles.has(h.content.toLowerCase())) {
      // Everything after is notes: a section heading typed there stays text.
      markers.push({ kind: 'notes', line: i, title: h.content });
      break;
    }
    const question = questionOf(h.content, outline);
    if (question) {
      markers.push({ kind: 'question', line: i, ...question });
    }
  }
  return { lines, markers };
}

/** The id and title of a question heading's text, or undefined. */
export function questionOf(content: string, outline?: LabOutline): { id: string; title: string } | undefined {
  const word = /^[A-Za-z][A-Za-z0-9_]*/.exec(content)?.[0];
  if (!word) {
    return undefined;
  }
  let id: string | undefined;
  if (outline) {
    // Ids may hold `-` (the lab format allows it): try the lab's own ids,
    // longest first so that `Q10` is not read as `Q1`.
    const lower = content.toLowerCase();
    id = questionIds(outline).find((q) => lower.startsWith(q.toLowerCase()) && AFTER_ID.test(content.slice(q.length)));
  } else if (DEFAULT_ID.test(word) && AFTER_ID.test(content.slice(word.length))) {
    id = word.toUpperCase();
  }
  if (!id) {
    return undefined;
  }
  const rest = content.slice(id.length);
  return { id, title: rest.slice(AFTER_ID.exec(rest)?.[0].length ?? 0).trim() };
}

export function parseReport(text: string, outline?: LabOutline, headings?: ReportHeadings): ParsedReport {
  const { lines, markers } = scanReport(text, outline, headings);
  const body = (from: number, to: number): string =>
    trimBlankLines(
      toLf(
        lines
          .slice(from, to)
          .map((l) => l.text)
          .join('\n'),
      ),
    );
  const firstMarker = markers.length > 0 ? markers[0].line : lines.length;
  const sections: Array<{ number: number | undefined; title: string; notes: string; questions: ReportQuestion[] }> = [];
  const answers = new Map<string, ParsedAnswer>();
  let otherNotes: ReportModel['otherNotes'];
  markers.forEach((m, k) => {
    const to = k + 1 < markers.length ? markers[k + 1].line : lines.length;
    const content = body(m.line + 1, to);
    if (m.kind === 'section') {
      sections.push({ number: m.number, title: m.title, notes: content, questions: [] });
    } else if (m.kind === 'notes') {
      otherNotes = { title: m.title, text: content };
    } else {
      if (sections.length === 0) {
        sections.push({ number: undefined, title: '', notes: '', questions: [] });
      }
      const current = sections[sections.length - 1];
      current.questions.push({ id: m.id, title: m.title, text: content });
      if (!answers.has(m.id)) {
        answers.set(m.id, { id: m.id, text: content, section: current.number, ...ranges(lines, m.line, to, text) });
      }
    }
  });
  return {
    eol: detectEol(text),
    preamble: body(0, firstMarker),
    sections,
    otherNotes,
    answers,
  };
}

/** The block after a heading line up to line `to`, and its non-blank part. */
function ranges(
  lines: readonly Line[],
  heading: number,
  to: number,
  text: string,
): Pick<ParsedAnswer, 'range' | 'block'> {
  const block = { start: lines[heading].next, end: to < lines.length ? lines[to].start : text.length };
  let first = heading + 1;
  let last = to - 1;
  while (first <= last && isBlank(lines[first].text)) {
    first++;
  }
  while (last >= first && isBlank(lines[last].text)) {
    last--;
  }
  const range =
    first <= last ? { start: lines[first].start, end: lines[last].end } : { start: block.start, end: block.start };
  return { range, block };
}

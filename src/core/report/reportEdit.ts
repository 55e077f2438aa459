import { findQuestion, type LabOutline } from './labOutline';
import { closeFences, detectEol, isBlank, toLf, trimBlankLines, withEol, type Eol, type Line } from './markdownLines';
import { questionHeading, sectionHeading } from './reportFormat';
import type { ReportHeadings } from './reportModel';
import { parseReport, questionOf, scanReport, type Marker } from './reportParse';

/**
 * Changing one answer in the report file as a single small edit, so that the
 * adapter applies it as a WorkspaceEdit: undoable, and the rest of the file
 * (unsaved typing included) is left exactly as it is.
 */

export interface TextEdit {
  readonly offset: number;
  readonly length: number;
  readonly newText: string;
}

/** The question's heading is inside a code block: the file must be fixed by hand first. */
export class ReportConflictError extends Error {
  constructor(readonly questionId: string) {
    super(`The heading of ${questionId} is inside a code block`);
    this.name = 'ReportConflictError';
  }
}

export function applyEdit(text: string, edit: TextEdit): string {
  return text.slice(0, edit.offset) + edit.newText + text.slice(edit.offset + edit.length);
}

/**
 * The edit that makes `answer` the answer to `questionId`, or undefined when
 * the file already says so. A missing question block is inserted where the
 * lab puts it (after the questions before it, in its section; the section
 * heading too when missing). The answer's line endings become the file's.
 */
export function setAnswer(
  text: string,
  questionId: string,
  answer: string,
  outline: LabOutline,
  headings?: ReportHeadings,
): TextEdit | undefined {
  const place = findQuestion(outline, questionId);
  if (!place) {
    throw new Error(`${questionId} is not a question of this lab`);
  }
  const eol = detectEol(text);
  // Closed as formatReport closes it: an open fence would pair with the next
  // answer's code and hide the question headings in between.
  const wanted = closeFences(trimBlankLines(toLf(answer).replace(/\r/g, '\n')));
  const newAnswer = withEol(wanted, eol);
  const existing = parseReport(text, outline, headings).answers.get(place.question.id);
  if (existing) {
    if (existing.text === wanted) {
      return undefined;
    }
    const atEnd = existing.block.end === text.length;
    const headingHasEol = existing.block.start > 0 && text[existing.block.start - 1] === '\n';
    let edit: TextEdit;
    if (existing.text !== '' && wanted !== '') {
      // Only the answer's own lines: the blank lines around it are the user's.
      edit = { offset: existing.range.start, length: existing.range.end - existing.range.start, newText: newAnswer };
    } else if (wanted === '') {
      edit = replace(existing.block, atEnd ? '' : eol);
    } else {
      const lead = headingHasEol ? eol : eol + eol;
      edit = replace(existing.block, lead + newAnswer + eol + (atEnd ? '' : eol));
    }
    return shrink(text, edit);
  }
  if (wanted === '') {
    return undefined;
  }
  const { lines, markers } = scanReport(text, outline, headings);
  if (headingInFence(lines, place.question.id, outline)) {
    // Its heading is there, inside a code block opened above and never
    // meant to reach it (a fence being typed): inserting would duplicate it.
    throw new ReportConflictError(place.question.id);
  }
  const block = [questionHeading(place.question.id, place.question.title), '', wanted].join('\n');
  const inSection = sectionRange(markers, place.section.number);
  if (inSection) {
    const later = new Set(place.section.questions.slice(place.index + 1).map((q) => q.id));
    const before = markers
      .slice(inSection.from + 1, inSection.to)
      .find((m) => m.kind === 'question' && later.has(m.id));
    const at = before ?? markers[inSection.to];
    return insertBlock(text, lines, at, block, eol);
  }
  // No heading for the section yet: before the first section that follows it
  // in the lab, else before the notes, else at the end.
  const next = markers.find((m) => (m.kind === 'section' && m.number > place.section.number) || m.kind === 'notes');
  const withSection = [sectionHeading(place.section.number, place.section.title), '', block].join('\n');
  return insertBlock(text, lines, next, withSection, eol);
}

const HEADING_START = /^ {0,3}#{2,6}[ \t]+/;

function headingInFence(lines: readonly Line[], id: string, outline: LabOutline): boolean {
  return lines.some(
    (l) => l.inFence && HEADING_START.test(l.text) && questionOf(l.text.replace(HEADING_START, ''), outline)?.id === id,
  );
}

/** The markers of a section's first heading: [heading index, index of the next section or notes marker). */
function sectionRange(markers: readonly Marker[], number: number): { from: number; to: number } | undefined {
  const from = markers.findIndex((m) => m.kind === 'section' && m.number === number);
  if (from < 0) {
    return undefined;
  }
  const rest = markers.slice(from + 1).findIndex((m) => m.kind !== 'question');
  return { from, to: rest < 0 ? markers.length : from + 1 + rest };
}

/** Inserts a block (`\n` text) before a marker's line, or at the end, with one blank line on each side. */
function insertBlock(
  text: string,
  lines: readonly Line[],
  at: Marker | undefined,
  lfBlock: string,
  eol: Eol,
): TextEdit {
  const offset = at ? lines[at.line].start : text.length;
  const previous = lines.filter((l) => l.next <= offset).pop();
  let lead = '';
  if (offset > 0 && previous) {
    if (previous.next === previous.end) {
      lead = eol + eol; // the last line has no line ending
    } else if (!isBlank(previous.text)) {
      lead = eol;
    }
  }
  const trail = offset === text.length ? eol : eol + eol;
  return { offset, length: 0, newText: lead + withEol(lfBlock, eol) + trail };
}

function replace(range: { start: number; end: number }, newText: string): TextEdit {
  return { offset: range.start, length: range.end - range.start, newText };
}

/**
 * Drops the characters an edit would write back unchanged at both ends, so
 * that an edit to one word of an answer is an edit to that word: the cursor,
 * selections and concurrent typing elsewhere in the answer are not disturbed.
 * Never cuts a CRLF or a surrogate pair in two.
 */
function shrink(text: string, edit: TextEdit): TextEdit | undefined {
  const old = text.slice(edit.offset, edit.offset + edit.length);
  const neu = edit.newText;
  let head = 0;
  while (head < old.length && head < neu.length && old[head] === neu[head]) {
    head++;
  }
  while (head > 0 && (unsafeCut(neu, head) || unsafeCut(old, head))) {
    head--;
  }
  let tail = 0;
  while (
    tail < old.length - head &&
    tail < neu.length - head &&
    old[old.length - 1 - tail] === neu[neu.length - 1 - tail]
  ) {
    tail++;
  }
  while (tail > 0 && (unsafeCut(neu, neu.length - tail) || unsafeCut(old, old.length - tail))) {
    tail--;
  }
  if (head === old.length && head === neu.length) {
    return undefined;
  }
  return { offset: edit.offset + head, length: old.length - head - tail, newText: neu.slice(head, neu.length - tail) };
}

/** Whether cutting `s` at `i` would split `\r\n` or a surrogate pair. */
function unsafeCut(s: string, i: number): boolean {
  if (i <= 0 || i >= s.length) {
    return false;
  }
  const a = s.charCodeAt(i - 1);
  const b = s.charCodeAt(i);
  return (a === 13 && b === 10) || (a >= 0xd800 && a <= 0xdbff && b >= 0xdc00 && b <= 0xdfff);
}

import type { LabOutline } from './labOutline';
import { closeFences, detectEol, isBlank, type Line } from './markdownLines';
import type { ReportHeadings, ReportModel } from './reportModel';
import type { TextRange } from './reportParse';

/**
 * The result of an import: the report it would write, and the mapping to
 * show the student first (what goes where, how sure, why).
 */

export type Confidence = 'high' | 'medium' | 'low';

/** Lines of the source, numbered from 1 as editors show them, both included. */
export interface LineSpan {
  readonly first: number;
  readonly last: number;
}

export interface ImportMapping {
  readonly questionId: string;
  /** From the line naming the question (or the question text above an answer marker) to the answer's end. */
  readonly sourceRange: TextRange;
  /** The same, in lines. */
  readonly lines: LineSpan;
  /** The lines that become the question's heading (the line naming it, or the question text above a marker). */
  readonly headingRange?: TextRange;
  /** A marker line (`**Answer**`, `Réponse 2:`) read and not copied. */
  readonly markerRange?: TextRange;
  /** The answer written on the heading's or the marker's line, which stands for that line in the answer. */
  readonly lineAnswer?: string;
  /** The answer's first line, shortened. */
  readonly excerpt: string;
  readonly confidence: Confidence;
  readonly why: string;
}

export interface ImportSection {
  readonly sectionNumber: number;
  /** The heading line (two for an underlined one), which becomes the section's heading. */
  readonly sourceRange: TextRange;
  readonly lines: LineSpan;
  readonly heading: string;
  readonly why: string;
}

export interface UnmappedFragment {
  readonly sourceRange: TextRange;
  readonly lines: LineSpan;
  readonly excerpt: string;
  readonly why: string;
}

/** Where one question's answer comes from, for the preview. */
export interface QuestionImport {
  readonly questionId: string;
  /** The lines that became its heading (the line naming it, or its text above a marker), when any did. */
  readonly heading?: LineSpan;
  /** The lines of each block that went into the answer, in order. */
  readonly blocks: readonly LineSpan[];
  /** Marker lines (`**Answer**`, `Réponse 2 :`) read and not copied. */
  readonly markers: readonly LineSpan[];
  /** Answered in several blocks (a later correction): all kept, in order. */
  readonly repeated: boolean;
  readonly confidence: Confidence;
  /** Why the first block is this question's. */
  readonly why: string;
}

/** Text kept between a section's heading and its first answer. */
export interface SectionNotesFragment {
  readonly sectionNumber: number;
  readonly sourceRange: TextRange;
  readonly lines: LineSpan;
  readonly excerpt: string;
}

export interface ImportPreview {
  /** One row per block of answer text, in source order (a question answered twice has two). */
  readonly mappings: readonly ImportMapping[];
  /** One row per question that received text (or was named), in source order. */
  readonly questions: readonly QuestionImport[];
  /** Text kept in a section's notes. */
  readonly sectionNotes: readonly SectionNotesFragment[];
  readonly sections: readonly ImportSection[];
  /** Text kept in the "Other notes" block. */
  readonly unmapped: readonly UnmappedFragment[];
  /** What would be written: every section and question of the lab, in the lab's order. */
  readonly model: ReportModel;
}

export type Target =
  | { readonly kind: 'preamble' }
  | { readonly kind: 'notes' }
  | { readonly kind: 'section'; readonly number: number }
  | { readonly kind: 'answer'; readonly id: string };

/** Lines [from, to) of the source going to one place. */
export interface Segment {
  target: Target;
  from: number;
  to: number;
  /** The heading or anchor line just before `from` that opened it, when it becomes a heading. */
  line?: number;
  /** How many lines from `line` make that heading (an underlined title, a question's text above its marker). */
  span?: number;
  /** The answer written on the anchor's line: it stands for that line (or comes first when it is before `from`). */
  keep?: string;
  /** A marker line at or before `from`, not copied. */
  marker?: number;
  /** Opened by a line in a blockquote: a `>` alone around the answer is the quote's, not text. */
  quoted?: boolean;
  /** The student's title, from that line. */
  title?: string;
  /** Where the answer proper starts, after a `Réponse 2:` or `**Answer**` line kept in it. */
  answerFrom?: number;
  why?: string;
  confidence?: Confidence;
}

const EXCERPT_LENGTH = 80;

export function buildImport(
  text: string,
  lines: readonly Line[],
  segments: readonly Segment[],
  outline: LabOutline,
  headings: ReportHeadings,
): ImportPreview {
  const parts = new Map<string, string[]>();
  const titles = new Map<string, string>();
  const sections: ImportSection[] = [];
  const unmapped: UnmappedFragment[] = [];
  const sectionNotes: SectionNotesFragment[] = [];
  const blocks = answerBlocks(lines, segments);
  for (const seg of segments) {
    const k = key(seg.target);
    const body = bodyOf(lines, seg);
    if (body !== '') {
      parts.set(k, [...(parts.get(k) ?? []), body]);
    }
    if (seg.title && !titles.has(k)) {
      titles.set(k, seg.title);
    }
    const range = sourceRange(lines, seg);
    const excerpt = excerptOf(lines, seg);
    const why = seg.why ?? '';
    if (seg.target.kind === 'section' && seg.line !== undefined) {
      const heading = lines[seg.line].text;
      const sourceRange = headingRange(lines, seg);
      sections.push({ sectionNumber: seg.target.number, sourceRange, lines: spanOf(lines, sourceRange), heading, why });
    }
    if (seg.target.kind === 'section' && body !== '') {
      const notes = seg.line !== undefined ? { ...seg, line: undefined } : seg;
      const r = sourceRange(lines, { ...notes, from: firstFilled(lines, seg) });
      sectionNotes.push({ sectionNumber: seg.target.number, sourceRange: r, lines: spanOf(lines, r), excerpt });
    } else if (seg.target.kind === 'notes' && body !== '') {
      unmapped.push({ sourceRange: range, lines: spanOf(lines, range), excerpt, why });
    }
  }
  // Closed here as formatReport would close them: the preview is what is written.
  const joined = (k: string): string => closeFences((parts.get(k) ?? []).join('\n\n'));
  const notes = joined('notes');
  const model: ReportModel = {
    eol: detectEol(text),
    preamble: joined('preamble'),
    sections: outline.sections.map((s) => ({
      number: s.number,
      title: titles.get(`s${s.number}`) || s.title,
      notes: joined(`s${s.number}`),
      questions: s.questions.map((q) => ({
        id: q.id,
        title: titles.get(`a${q.id}`) || q.title,
        text: joined(`a${q.id}`),
      })),
    })),
    otherNotes: notes !== '' ? { title: headings.otherNotes, text: notes } : undefined,
  };
  const mappings = blocks.map((b) => b.mapping);
  return { mappings, questions: questionsOf(lines, blocks), sectionNotes, sections, unmapped, model };
}

interface AnswerBlock {
  readonly mapping: ImportMapping;
  readonly hasText: boolean;
}

/**
 * One mapping per answer segment that holds text, and one for a question only
 * named (its answer empty). A question named in a list before its answer
 * (questions first, answers after) lends its heading line to its first block.
 */
function answerBlocks(lines: readonly Line[], segments: readonly Segment[]): AnswerBlock[] {
  const answers = segments.filter((s): s is Segment & { target: { kind: 'answer'; id: string } } => {
    return s.target.kind === 'answer';
  });
  const withText = new Set(answers.filter((s) => bodyOf(lines, s) !== '').map((s) => s.target.id));
  const lentHeading = new Map<string, TextRange>();
  const out: AnswerBlock[] = [];
  for (const seg of answers) {
    const id = seg.target.id;
    const hasText = bodyOf(lines, seg) !== '';
    const heading = seg.line !== undefined ? headingRange(lines, seg) : undefined;
    if (!hasText && withText.has(id) && seg.marker === undefined) {
      if (heading && !lentHeading.has(id)) {
        lentHeading.set(id, heading);
      }
      continue;
    }
    const range = sourceRange(lines, seg);
    const lent = heading ?? lentHeading.get(id);
    lentHeading.delete(id);
    const marker = seg.marker !== undefined ? lineRange(lines[seg.marker]) : undefined;
    const mapping: ImportMapping = {
      questionId: id,
      sourceRange: range,
      lines: spanOf(lines, range),
      ...(lent ? { headingRange: lent } : {}),
      ...(marker ? { markerRange: marker } : {}),
      ...(seg.keep !== undefined ? { lineAnswer: seg.keep } : {}),
      excerpt: excerptOf(lines, seg),
      confidence: seg.confidence ?? 'low',
      why: seg.why ?? '',
    };
    out.push({ mapping, hasText });
  }
  return out;
}

function questionsOf(lines: readonly Line[], blocks: readonly AnswerBlock[]): QuestionImport[] {
  const byId = new Map<string, ImportMapping[]>();
  for (const b of blocks) {
    byId.set(b.mapping.questionId, [...(byId.get(b.mapping.questionId) ?? []), b.mapping]);
  }
  return [...byId.entries()].map(([questionId, list]) => ({
    questionId,
    ...(list[0].headingRange ? { heading: spanOf(lines, list[0].headingRange) } : {}),
    blocks: list.map((m) => m.lines),
    markers: list.flatMap((m) => (m.markerRange ? [spanOf(lines, m.markerRange)] : [])),
    repeated: list.length > 1,
    confidence: list[0].confidence,
    why: list[0].why,
  }));
}

/** The segment's text as it goes into the report: its lines, the marker line left out or replaced by its answer. */
export function bodyOf(lines: readonly Line[], seg: Segment): string {
  const out: string[] = [];
  if (seg.keep !== undefined && (seg.marker === undefined || seg.marker < seg.from)) {
    out.push(seg.keep);
  }
  for (let j = seg.from; j < seg.to; j++) {
    if (j !== seg.marker) {
      out.push(lines[j].text);
    } else if (seg.keep !== undefined) {
      out.push(seg.keep);
    }
  }
  // A `>` alone around a quoted answer is the quote's, not text of the answer.
  const empty = (t: string): boolean => (seg.quoted ? /^\s*(?:>\s*)*$/ : /^\s*$/).test(t);
  let first = 0;
  let last = out.length;
  while (first < last && empty(out[first])) {
    first++;
  }
  while (last > first && empty(out[last - 1])) {
    last--;
  }
  return out.slice(first, last).join('\n');
}

function key(t: Target): string {
  switch (t.kind) {
    case 'section':
      return `s${t.number}`;
    case 'answer':
      return `a${t.id}`;
    default:
      return t.kind;
  }
}

function lineRange(line: Line): TextRange {
  return { start: line.start, end: line.end };
}

/** The lines made a heading: from `line`, `span` of them. */
function headingRange(lines: readonly Line[], seg: Segment): TextRange {
  const first = seg.line ?? seg.from;
  const last = Math.min(lines.length - 1, first + (seg.span ?? 1) - 1);
  return { start: lines[first].start, end: lines[last].end };
}

/** The line numbers (from 1) of a range of the source. */
function spanOf(lines: readonly Line[], range: TextRange): LineSpan {
  const lineAt = (offset: number): number => {
    let lo = 0;
    let hi = lines.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lines[mid].start <= offset) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return lo + 1;
  };
  return lines.length === 0 ? { first: 1, last: 1 } : { first: lineAt(range.start), last: lineAt(range.end) };
}

function firstFilled(lines: readonly Line[], seg: Segment): number {
  let i = seg.from;
  while (i < seg.to - 1 && isBlank(lines[i].text)) {
    i++;
  }
  return i;
}

/** From the opening line (or the first line) to the last non-blank line. */
function sourceRange(lines: readonly Line[], seg: Segment): TextRange {
  const first = seg.line ?? Math.min(seg.from, seg.marker ?? seg.from);
  let last = seg.to - 1;
  while (last > first && isBlank(lines[last].text)) {
    last--;
  }
  if (first >= lines.length) {
    const end = lines.length > 0 ? lines[lines.length - 1].next : 0;
    return { start: end, end };
  }
  return { start: lines[first].start, end: last >= first ? lines[last].end : lines[first].end };
}

function excerptOf(lines: readonly Line[], seg: Segment): string {
  const from = seg.answerFrom ?? seg.from;
  const keep = seg.keep !== undefined && (seg.marker === undefined || seg.marker <= from) ? [seg.keep] : [];
  const texts = [
    ...keep,
    ...lines
      .slice(from, seg.to)
      .filter((_, k) => from + k !== seg.marker)
      .map((l) => l.text),
  ];
  const t = texts.find((x) => !isBlank(x))?.trim() ?? '';
  return t.length > EXCERPT_LENGTH ? `${t.slice(0, EXCERPT_LENGTH - 1)}…` : t;
}

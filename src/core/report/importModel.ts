import type { LabOutline } from './labOutline';
import { closeFences, detectEol, isBlank, trimBlankLines, type Line } from './markdownLines';
import type { ReportHeadings, ReportModel } from './reportModel';
import type { TextRange } from './reportParse';

/**
 * The result of an import: the report it would write, and the mapping to
 * show the student first (what goes where, how sure, why).
 */

export type Confidence = 'high' | 'medium' | 'low';

export interface ImportMapping {
  readonly questionId: string;
  /** From the line naming the question (or the question text above an answer marker) to the answer's end. */
  readonly sourceRange: TextRange;
  /** The line that becomes the question's heading, when one does. */
  readonly headingRange?: TextRange;
  /** The answer's first line, shortened. */
  readonly excerpt: string;
  readonly confidence: Confidence;
  readonly why: string;
}

export interface ImportSection {
  readonly sectionNumber: number;
  /** The heading line, which becomes the section's heading. */
  readonly sourceRange: TextRange;
  readonly heading: string;
  readonly why: string;
}

export interface UnmappedFragment {
  readonly sourceRange: TextRange;
  readonly excerpt: string;
  readonly why: string;
}

export interface ImportPreview {
  readonly mappings: readonly ImportMapping[];
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
  const mappings: ImportMapping[] = [];
  const sections: ImportSection[] = [];
  const unmapped: UnmappedFragment[] = [];
  for (const seg of segments) {
    const k = key(seg.target);
    const body = trimBlankLines(
      lines
        .slice(seg.from, seg.to)
        .map((l) => l.text)
        .join('\n'),
    );
    if (body !== '') {
      parts.set(k, [...(parts.get(k) ?? []), body]);
    }
    if (seg.title && !titles.has(k)) {
      titles.set(k, seg.title);
    }
    const range = sourceRange(lines, seg);
    const excerpt = excerptOf(lines, seg);
    const why = seg.why ?? '';
    if (seg.target.kind === 'answer') {
      const headingRange = seg.line !== undefined ? lineRange(lines[seg.line]) : undefined;
      mappings.push({
        questionId: seg.target.id,
        sourceRange: range,
        ...(headingRange ? { headingRange } : {}),
        excerpt,
        confidence: seg.confidence ?? 'low',
        why,
      });
    } else if (seg.target.kind === 'section' && seg.line !== undefined) {
      const heading = lines[seg.line].text;
      sections.push({ sectionNumber: seg.target.number, sourceRange: lineRange(lines[seg.line]), heading, why });
    } else if (seg.target.kind === 'notes' && body !== '') {
      unmapped.push({ sourceRange: range, excerpt, why });
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
  return { mappings, sections, unmapped, model };
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

/** From the opening line (or the first line) to the last non-blank line. */
function sourceRange(lines: readonly Line[], seg: Segment): TextRange {
  const first = seg.line ?? seg.from;
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
  const first = lines.slice(seg.answerFrom ?? seg.from, seg.to).find((l) => !isBlank(l.text));
  const t = first ? first.text.trim() : '';
  return t.length > EXCERPT_LENGTH ? `${t.slice(0, EXCERPT_LENGTH - 1)}…` : t;
}

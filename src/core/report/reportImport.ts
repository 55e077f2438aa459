import type { Localizer } from '../l10n';
import type { LineAnchor } from './importAnchors';
import { bodyOf, buildImport, type ImportPreview, type Segment, type Target } from './importModel';
import { endsOwnAnswer, isOwnSectionOrNotes, ReportReading } from './importReading';
import { findQuestion, type LabOutline, type OutlineSection } from './labOutline';
import type { Line } from './markdownLines';
import { OTHER_NOTES_TITLES, reportHeadings, type ReportHeadings } from './reportModel';
import { resemblance } from './titleMatch';

export type {
  Confidence,
  ImportMapping,
  ImportPreview,
  ImportSection,
  LineSpan,
  QuestionImport,
  SectionNotesFragment,
  UnmappedFragment,
} from './importModel';

/**
 * Mapping a hand-written report onto the lab's questions, for a preview
 * before anything is written. The text is read once, top to bottom, and each
 * line goes to one place: the preamble, a section's notes, an answer, or the
 * "Other notes" block. Lines are never reordered inside an answer. The only
 * lines not copied as they are: a line naming a question (`**Q4 : text**` →
 * `### Q4 — text`, `Question 8 : text` → `### Q8 — text`) or the question
 * text above an answer marker, which become the question's heading; a
 * section heading (`# Ceph`, or `Ceph` underlined, → `## 5. Ceph`); an
 * "Other notes" heading; and an answer marker (`**Answer**`, `Réponse 2 :`),
 * of which only the answer written after it on its line is kept.
 */
export function importReport(
  text: string,
  outline: LabOutline,
  l10n: Localizer,
  headings: ReportHeadings = reportHeadings(l10n),
): ImportPreview {
  return new Importer(text, outline, l10n).run(headings);
}

interface OpenAnswer {
  readonly id: string;
  /** Headings deeper than this stay inside the answer. */
  readonly level: number;
  /** Opened by a heading as the extension writes it (`### Q4 — …`): what follows is text, word for word. */
  readonly verbatim: boolean;
}

interface ToAnswer {
  readonly id: string;
  readonly confidence: 'high' | 'medium' | 'low';
  readonly why: string;
  /** The question text above a marker. */
  readonly from?: number;
}

type Resolved = ToAnswer | { readonly notes: string };

class Importer {
  private readonly segments: Segment[] = [];
  private section: OutlineSection | undefined;
  private sectionLevel = 0;
  private answer: OpenAnswer | undefined;
  private recognized = false;
  /** Questions whose heading a line of the source gave. */
  private readonly titled = new Set<string>();
  /** The questions named in the current section, in order: answers may follow them all. */
  private named: string[] = [];
  private readonly markersSeen = new Map<number, number>();
  /** Sections whose heading a line gave. */
  private readonly headed = new Set<number>();
  /** The current section's heading is the extension's own (`## 6. Title`). */
  private ownSection = false;
  /** Past an "Other notes" heading. */
  private otherNotes = false;
  private readonly reading: ReportReading;
  private readonly lines: readonly Line[];
  private readonly headings: ReportReading['headings'];
  private readonly underline: readonly boolean[];
  private readonly anchors: ReportReading['anchors'];

  constructor(
    private readonly text: string,
    private readonly outline: LabOutline,
    private readonly l10n: Localizer,
  ) {
    this.reading = new ReportReading(text, outline);
    ({ lines: this.lines, headings: this.headings, underline: this.underline, anchors: this.anchors } = this.reading);
  }

  run(headings: ReportHeadings): ImportPreview {
    this.open({ kind: 'preamble' }, 0);
    for (let i = 0; i < this.lines.length; i++) {
      if (!this.lines[i].inFence && !this.underline[i]) {
        this.visit(i);
      }
      this.extend(i);
    }
    if (!this.recognized) {
      // An unknown style: nothing is guessed, the whole text is kept as notes.
      const why = this.l10n.t('No question or section of the lab was found in the file.');
      this.segments.forEach((s) => Object.assign(s, { target: { kind: 'notes' }, why }));
    }
    return buildImport(this.text, this.lines, this.segments, this.outline, headings);
  }

  /** Decides where line `i` and the lines after it go; `extend` then adds it to the current segment. */
  private visit(i: number): void {
    if (this.otherNotes) {
      return; // as in the report format, the Other notes run to the end of the file
    }
    const anchor = this.anchors[i];
    // Under the extension's own question heading, only what its parser reads
    // as a marker ends the answer (see reportParse.ts): a question's heading,
    // `## N. title`, `## Other notes`. Anything else is the student's text.
    const verbatim = this.answer?.verbatim === true;
    const read = anchor && (!verbatim || (this.headings[i]?.span === 1 && endsOwnAnswer(anchor)));
    if (read && this.visitAnchor(i, anchor)) {
      return;
    }
    const h = this.headings[i];
    if (!h || (verbatim && !(h.span === 1 && h.level === 2 && isOwnSectionOrNotes(h.content)))) {
      return;
    }
    if (OTHER_NOTES_TITLES.some((t) => t.toLowerCase() === h.content.toLowerCase())) {
      this.answer = undefined;
      this.otherNotes = true;
      this.open({ kind: 'notes' }, i + h.span, { line: i, span: h.span });
      return;
    }
    // Before any section heading, an answer has no level of its own: a heading naming a section starts it.
    const found = this.reading.sectionOf(i, h, this.section, this.sectionLevel, this.l10n);
    const first = this.sectionLevel === 0 && found !== undefined && h.span === 1;
    if (this.answer && h.level > this.answer.level && !first) {
      return; // a sub-heading inside the answer
    }
    if (h.level === 1 && (this.answer?.verbatim || this.ownSection)) {
      return; // the extension's report has no `#` heading after its title: the student's text
    }
    if (!found && h.span === 2 && this.answer) {
      return; // an underlined line in an answer that names no section: the student's rule, not a heading
    }
    if (found && found.section !== this.section) {
      this.enter(found.section, h.level);
      this.ownSection = h.span === 1 && h.level === 2 && /^\d+\.(?:\s|$)/.test(h.content);
      // `5. Ceph` → `Ceph` under `## 5.`; a number that is not the section's stays in the title.
      const numbered = /^(\d+)\s*[.):—–-]?\s*/.exec(h.content);
      const title =
        numbered && Number(numbered[1]) === found.section.number ? h.content.slice(numbered[0].length) : h.content;
      const number = found.section.number;
      if (this.headed.has(number)) {
        // The section again further on ("Keepalived, again"): its first heading named it, this one stays text.
        this.open({ kind: 'section', number }, i);
        return;
      }
      this.headed.add(number);
      this.open({ kind: 'section', number }, i + h.span, { line: i, span: h.span, title, why: found.why });
    } else if (found || (this.section && h.level > this.sectionLevel)) {
      // The same section again, or a sub-heading of it: the section's notes.
      const section = found?.section ?? this.section;
      if (this.answer && section) {
        this.answer = undefined;
        this.open({ kind: 'section', number: section.number }, i);
      }
    } else if (this.ownSection && !this.answer) {
      // In the notes under `## 6. Title`, a heading that names no section is the student's text (as the report format reads it).
    } else if (this.recognized) {
      this.section = undefined;
      this.sectionLevel = 0;
      this.ownSection = false;
      this.answer = undefined;
      this.named = [];
      this.open({ kind: 'notes' }, i, { why: this.l10n.t('Under a heading that matches no section of the lab.') });
    }
  }

  private enter(section: OutlineSection, level: number): void {
    this.recognized = true;
    this.section = section;
    this.sectionLevel = level;
    this.answer = undefined;
    this.named = [];
  }

  /** Opens the answer an anchor starts; false when the line is just text. */
  private visitAnchor(i: number, anchor: LineAnchor): boolean {
    if (anchor.kind === 'foreign') {
      this.answer = undefined;
      this.open({ kind: 'notes' }, i, { why: this.l10n.t('{0} is not a question of this lab.', anchor.id) });
      return true;
    }
    if (anchor.kind === 'explicit') {
      this.visitQuestion(i, anchor);
      return true;
    }
    const resolved = this.resolve(i, anchor);
    if (!resolved) {
      return false;
    }
    if ('notes' in resolved) {
      this.answer = undefined;
      this.open({ kind: 'notes' }, i, { why: resolved.notes });
      return true;
    }
    this.visitMarker(i, anchor, resolved);
    return true;
  }

  /** A line naming a question: it becomes the question's heading, unless the question already has one. */
  private visitQuestion(i: number, anchor: Extract<LineAnchor, { kind: 'explicit' }>): void {
    const { id } = anchor;
    const place = findQuestion(this.outline, id)!;
    if (place.section !== this.section) {
      this.section = place.section;
      this.ownSection = false;
      this.named = [];
    }
    this.recognized = true;
    this.answer = { id, level: anchor.level ?? this.sectionLevel + 1, verbatim: anchor.canonical };
    if (this.hasText(id) || this.titled.has(id)) {
      // Answered again further on (a correction): the line stays, heading the second block.
      const why = this.l10n.t('A second block for {0}: added after the first one.', id);
      this.open({ kind: 'answer', id }, i, { confidence: 'low', why });
      return;
    }
    this.titled.add(id);
    const span = this.headings[i]?.span ?? 1;
    const onLine = anchor.answer;
    this.open({ kind: 'answer', id }, i + span, {
      line: i,
      span,
      ...(anchor.quote !== '' ? { quoted: true } : {}),
      title: onLine ? onLine.title : anchor.title,
      ...(onLine ? { keep: anchor.quote + onLine.text } : {}),
      confidence: 'high',
      why: this.l10n.t('The line names {0}.', id),
    });
    if (!onLine) {
      this.named.push(id);
    }
  }

  /** An answer marker (`**Answer**`, `Réponse 2 :`): the line is not copied, only an answer written on it. */
  private visitMarker(i: number, anchor: LineAnchor & { keep?: string }, resolved: ToAnswer): void {
    const { id } = resolved;
    const keep = anchor.keep !== undefined ? anchor.quote + anchor.keep : undefined;
    const last = this.segments[this.segments.length - 1];
    const own = last.target.kind === 'answer' && last.target.id === id && this.answer?.id === id;
    if (own && last.marker === undefined && bodyOf(this.lines, last) === '') {
      // "Q6 : …" then "**Answer**": the marker belongs to the answer just named.
      Object.assign(last, {
        marker: i,
        ...(keep !== undefined ? { keep } : {}),
        ...(anchor.quote !== '' ? { quoted: true } : {}),
      });
      return;
    }
    const again = this.hasText(id);
    this.recognized = true;
    this.answer = { id, level: anchor.level ?? this.sectionLevel + 1, verbatim: false };
    const mapping = again
      ? { confidence: 'low' as const, why: this.l10n.t('A second block for {0}: added after the first one.', id) }
      : { confidence: resolved.confidence, why: resolved.why };
    const prompt = resolved.from !== undefined && resolved.from < i ? resolved.from : undefined;
    const extra = {
      marker: i,
      ...(keep !== undefined ? { keep } : {}),
      ...(anchor.quote !== '' ? { quoted: true } : {}),
      ...mapping,
    };
    if (prompt !== undefined && !this.titled.has(id)) {
      // The question's text above the marker becomes its heading.
      this.titled.add(id);
      const title = this.lines
        .slice(prompt, i)
        .map((l) => l.text.trim())
        .join(' ');
      this.open({ kind: 'answer', id }, i + 1, { line: prompt, span: i - prompt, title, ...extra });
    } else {
      this.open({ kind: 'answer', id }, prompt ?? i, { ...extra, answerFrom: i + 1 });
    }
  }

  private resolve(i: number, anchor: LineAnchor): Resolved | undefined {
    const section = this.section;
    if (anchor.kind === 'numbered') {
      // Numbering restarts in each section: a number is never read as a lab-wide `Qn`.
      if (!section) {
        return this.recognized
          ? { notes: this.l10n.t('Answer {0} is under no section of the lab: kept in the notes.', anchor.number) }
          : undefined;
      }
      const q = section.questions[anchor.number - 1];
      if (!q) {
        const n = section.questions.length;
        const why = this.l10n.t(
          'Answer {0}, but section {1} asks {2} questions: kept in the notes.',
          anchor.number,
          section.number,
          n,
        );
        return { notes: why };
      }
      return {
        id: q.id,
        confidence: 'medium',
        why: this.l10n.t('Answer {0} of section {1}.', anchor.number, section.number),
      };
    }
    if (anchor.kind !== 'marker' || !section) {
      return undefined;
    }
    // Questions listed first, answers after: the first marker answers the first question still waiting.
    const waiting = this.named.filter((id) => !this.hasText(id) && !this.hasMarker(id));
    if (waiting.length > 0) {
      const id = waiting[0];
      const own = this.answer?.id === id;
      return {
        id,
        confidence: own ? 'high' : 'medium',
        why: own
          ? this.l10n.t('The line names {0}.', id)
          : this.l10n.t('Questions first, then their answers in the same order: this block answers {0}.', id),
      };
    }
    const last = this.segments[this.segments.length - 1];
    const from = this.reading.promptStart(i, last.from, last.target.kind === 'answer');
    const prompt = this.lines
      .slice(from, i)
      .map((l) => l.text)
      .join(' ');
    const count = (this.markersSeen.get(section.number) ?? 0) + 1;
    this.markersSeen.set(section.number, count);
    const like = section.questions
      .map((q) => ({ q, score: resemblance(prompt, q.title) }))
      .filter((x) => x.score >= 0.3)
      .sort((a, b) => b.score - a.score)[0];
    if (like) {
      return {
        id: like.q.id,
        confidence: 'medium',
        why: this.l10n.t('Its question text resembles {0}.', like.q.id),
        from,
      };
    }
    const q = section.questions.find((x, k) => k >= count - 1 && !this.hasText(x.id));
    return q
      ? {
          id: q.id,
          confidence: 'low',
          why: this.l10n.t('Answer block {0} of section {1}.', count, section.number),
          from,
        }
      : undefined;
  }

  /** Whether some block already holds text for the question. */
  private hasText(id: string): boolean {
    return this.segments.some((s) => s.target.kind === 'answer' && s.target.id === id && bodyOf(this.lines, s) !== '');
  }

  private hasMarker(id: string): boolean {
    return this.segments.some((s) => s.target.kind === 'answer' && s.target.id === id && s.marker !== undefined);
  }

  /**
   * Starts a segment at line `from`. Lines between the last one's end and the
   * new one's first line (its heading, prompt or marker) are read, not copied.
   */
  private open(target: Target, from: number, extra: Partial<Omit<Segment, 'target' | 'from' | 'to'>> = {}): void {
    const last = this.segments[this.segments.length - 1];
    const start = Math.min(from, extra.line ?? from, extra.marker ?? from);
    if (last && last.to > start) {
      last.to = start; // the prompt of an answer marker moves to the new segment
    }
    this.segments.push({ target, from, to: from, ...extra });
  }

  private extend(i: number): void {
    const last = this.segments[this.segments.length - 1];
    if (i >= last.from) {
      last.to = i + 1;
    }
  }
}

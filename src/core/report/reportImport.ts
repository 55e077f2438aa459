import type { Localizer } from '../l10n';
import { detectAnchor, type LineAnchor } from './importAnchors';
import { buildImport, type ImportPreview, type Segment, type Target } from './importModel';
import { findQuestion, findSection, type LabOutline, type OutlineSection } from './labOutline';
import { atxHeading, isBlank, splitLines, type Heading, type Line } from './markdownLines';
import { OTHER_NOTES_TITLES, reportHeadings, type ReportHeadings } from './reportModel';
import { resemblance, sectionByTitle } from './titleMatch';

export type { Confidence, ImportMapping, ImportPreview, ImportSection, UnmappedFragment } from './importModel';

/**
 * Mapping a hand-written report onto the lab's questions, for a preview
 * before anything is written. The text is read once, top to bottom, and each
 * line goes to one place: the preamble, a section's notes, an answer, or the
 * "Other notes" block. Lines are never dropped and never reordered inside an
 * answer; the only lines not copied as they are become headings: a line
 * naming a question (`**Q4 : text**` → `### Q4 — text`, `Question 8 : text`
 * → `### Q8 — text`), a section heading (`# Ceph` → `## 5. Ceph`), and an
 * "Other notes" heading.
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
  readonly explicit: boolean;
  sawMarker: boolean;
}

class Importer {
  private readonly lines: Line[];
  private readonly anchors: Array<LineAnchor | undefined>;
  private readonly headings: Array<Heading | undefined>;
  private readonly segments: Segment[] = [];
  private section: OutlineSection | undefined;
  private sectionLevel = 0;
  private answer: OpenAnswer | undefined;
  private recognized = false;
  /** Under a heading that names no section: a `Réponse 1` there is not read as Q1. */
  private unknownHeading = false;
  private readonly answered = new Set<string>();
  private readonly markersSeen = new Map<number, number>();
  private readonly titleLine: number;

  constructor(
    private readonly text: string,
    private readonly outline: LabOutline,
    private readonly l10n: Localizer,
  ) {
    this.lines = splitLines(text);
    this.anchors = this.lines.map((l) => detectAnchor(l, outline));
    this.headings = this.lines.map((l) => atxHeading(l));
    // The document's own title is never a section, even when a word of it
    // ("Cloud") is a word of a section's title.
    const first = this.lines.findIndex((l) => !isBlank(l.text));
    this.titleLine = first >= 0 && this.headings[first]?.level === 1 ? first : -1;
  }

  run(headings: ReportHeadings): ImportPreview {
    this.open({ kind: 'preamble' }, 0);
    for (let i = 0; i < this.lines.length; i++) {
      if (!this.lines[i].inFence) {
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
    const anchor = this.anchors[i];
    if (anchor && this.visitAnchor(i, anchor)) {
      return;
    }
    const h = this.headings[i];
    if (!h) {
      return;
    }
    if (OTHER_NOTES_TITLES.some((t) => t.toLowerCase() === h.content.toLowerCase())) {
      this.answer = undefined;
      this.open({ kind: 'notes' }, i + 1, { line: i });
      return;
    }
    if (this.answer && h.level > this.answer.level) {
      return; // a sub-heading inside the answer
    }
    const found = this.sectionOf(i, h);
    if (found && found.section !== this.section) {
      this.recognized = true;
      this.unknownHeading = false;
      this.section = found.section;
      this.sectionLevel = h.level;
      this.answer = undefined;
      const title = h.content.replace(/^\d+\s*[.):—–-]?\s*/, '');
      this.open({ kind: 'section', number: found.section.number }, i + 1, { line: i, title, why: found.why });
    } else if (found || (this.section && h.level > this.sectionLevel)) {
      // The same section again, or a sub-heading of it: the section's notes.
      if (this.answer) {
        this.answer = undefined;
        this.open({ kind: 'section', number: this.section!.number }, i);
      }
    } else if (this.recognized) {
      this.unknownHeading = true;
      this.section = undefined;
      this.sectionLevel = 0;
      this.answer = undefined;
      this.open({ kind: 'notes' }, i, { why: this.l10n.t('Under a heading that matches no section of the lab.') });
    }
  }

  /** Opens the answer an anchor starts; false when the line is just text. */
  private visitAnchor(i: number, anchor: LineAnchor): boolean {
    if (anchor.kind === 'foreign') {
      this.answer = undefined;
      this.open({ kind: 'notes' }, i, { why: this.l10n.t('{0} is not a question of this lab.', anchor.id) });
      return true;
    }
    if (this.answer?.explicit && !this.answer.sawMarker && this.introduces(anchor, this.answer.id)) {
      // "Q6 : …" then "**Answer**" (or "Réponse 1" under the section's first
      // question): the marker belongs to Q6's answer.
      this.answer.sawMarker = true;
      return true;
    }
    const resolved = this.resolve(i, anchor);
    if (!resolved) {
      return false;
    }
    const { id, confidence, why } = resolved;
    const again = this.answered.has(id);
    const place = findQuestion(this.outline, id)!;
    if (anchor.kind === 'explicit') {
      this.section = place.section;
      this.unknownHeading = false;
    }
    this.recognized = true;
    this.answered.add(id);
    this.answer = {
      id,
      level: anchor.level ?? this.sectionLevel + 1,
      explicit: anchor.kind === 'explicit',
      sawMarker: false,
    };
    const mapping = {
      confidence: again ? ('low' as const) : confidence,
      why: again ? this.l10n.t('A second block for {0}: added after the first one.', id) : why,
    };
    if (anchor.kind === 'explicit' && !again) {
      this.open({ kind: 'answer', id }, i + 1, { line: i, title: anchor.title, ...mapping });
    } else {
      this.open({ kind: 'answer', id }, resolved.from ?? i, { ...mapping, answerFrom: i + 1 });
    }
    return true;
  }

  /** Whether an answer marker under a named question is that question's own. */
  private introduces(anchor: LineAnchor, id: string): boolean {
    if (anchor.kind === 'marker') {
      return true;
    }
    const place = findQuestion(this.outline, id);
    return anchor.kind === 'numbered' && place?.section === this.section && place?.index === anchor.number - 1;
  }

  private resolve(
    i: number,
    anchor: LineAnchor,
  ): { id: string; confidence: 'high' | 'medium' | 'low'; why: string; from?: number } | undefined {
    if (anchor.kind === 'explicit') {
      return { id: anchor.id, confidence: 'high', why: this.l10n.t('The line names {0}.', anchor.id) };
    }
    const section = this.section;
    if (anchor.kind === 'numbered') {
      const q = section?.questions[anchor.number - 1];
      if (section && q) {
        const why = this.l10n.t('Answer {0} of section {1}.', anchor.number, section.number);
        return { id: q.id, confidence: 'medium', why };
      }
      const global = this.unknownHeading ? undefined : findQuestion(this.outline, `Q${anchor.number}`);
      return global
        ? {
            id: global.question.id,
            confidence: 'low',
            why: this.l10n.t('Answer {0}, read as {1}.', anchor.number, global.question.id),
          }
        : undefined;
    }
    if (anchor.kind !== 'marker' || !section) {
      return undefined;
    }
    const from = this.promptStart(i);
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
    const q = section.questions.find((x, k) => k >= count - 1 && !this.answered.has(x.id));
    return q
      ? {
          id: q.id,
          confidence: 'low',
          why: this.l10n.t('Answer block {0} of section {1}.', count, section.number),
          from,
        }
      : undefined;
  }

  /**
   * The question text just above an answer marker: the lines up to a blank
   * line, a heading, code, a `-->` bullet of the previous answer, or the start
   * of the current segment. It moves with the answer it introduces.
   */
  private promptStart(i: number): number {
    const floor = this.segments[this.segments.length - 1].from;
    let from = i;
    while (from - 1 >= floor) {
      const l = this.lines[from - 1];
      if (isBlank(l.text) || l.inFence || this.headings[from - 1] || /^\s*-->/.test(l.text)) {
        break;
      }
      from--;
    }
    return from;
  }

  /** The lab section a heading starts, and why; undefined for a heading that names none. */
  private sectionOf(i: number, h: Heading): { section: OutlineSection; why: string } | undefined {
    if (i === this.titleLine && !/^\d/.test(h.content)) {
      return undefined;
    }
    const contained = this.questionsUnder(i, h.level);
    if (contained.size === 1) {
      const section = [...contained][0];
      return { section, why: this.l10n.t('It holds the answers of section {0}.', section.number) };
    }
    const n = /^(\d+)(?:\s*[.):—–-])?(?:\s|$)/.exec(h.content);
    const numbered = n ? findSection(this.outline, Number(n[1])) : undefined;
    if (numbered && (this.sectionLevel === 0 || h.level <= this.sectionLevel)) {
      return { section: numbered, why: this.l10n.t('The heading is numbered {0}.', numbered.number) };
    }
    const sub = this.sectionLevel > 0 && h.level > this.sectionLevel;
    const byTitle = sectionByTitle(h.content, this.outline, this.section?.number, sub);
    return byTitle
      ? { section: byTitle, why: this.l10n.t('The heading resembles the title of section {0}.', byTitle.number) }
      : undefined;
  }

  /** The sections of the questions named under a heading, up to the next heading as high. */
  private questionsUnder(i: number, level: number): Set<OutlineSection> {
    const found = new Set<OutlineSection>();
    for (let j = i + 1; j < this.lines.length; j++) {
      const a = this.anchors[j];
      const h = this.headings[j];
      if (h && h.level <= level && a?.kind !== 'explicit') {
        break;
      }
      if (a?.kind === 'explicit') {
        found.add(findQuestion(this.outline, a.id)!.section);
      }
    }
    return found;
  }

  /** Starts a segment at line `from` (lines between the last one's end and `from` are consumed headings). */
  private open(target: Target, from: number, extra: Partial<Omit<Segment, 'target' | 'from' | 'to'>> = {}): void {
    const last = this.segments[this.segments.length - 1];
    if (last && last.to > from) {
      last.to = from; // the prompt of an answer marker moves to the new segment
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

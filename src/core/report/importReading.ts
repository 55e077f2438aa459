import type { Localizer } from '../l10n';
import { detectAnchor, settleLineAnswer, type LineAnchor } from './importAnchors';
import { findQuestion, findSection, type LabOutline, type OutlineSection } from './labOutline';
import { blockHeadings, isBlank, splitLines, type BlockHeading, type Line } from './markdownLines';
import { OTHER_NOTES_TITLES } from './reportModel';
import { sectionByTitle } from './titleMatch';

/**
 * What the importer knows of each line before it maps anything: headings
 * (ATX and underlined), the anchors that start answers, the document's title.
 */
export class ReportReading {
  readonly lines: Line[];
  readonly headings: Array<BlockHeading | undefined>;
  /** The underline of a setext heading: read with its title. */
  readonly underline: boolean[];
  readonly anchors: Array<LineAnchor | undefined>;
  /** The document's own title is never a section, even when a word of it ("Cloud") is a word of a section's title. */
  readonly titleLine: number;

  constructor(
    text: string,
    private readonly outline: LabOutline,
  ) {
    this.lines = splitLines(text);
    this.headings = blockHeadings(this.lines);
    this.underline = this.lines.map((_, i) => i > 0 && this.headings[i - 1]?.span === 2);
    this.anchors = this.lines.map((l, i) =>
      this.underline[i] ? undefined : detectAnchor(l, outline, this.headings[i]),
    );
    this.settleLineAnswers();
    const first = this.lines.findIndex((l) => !isBlank(l.text));
    this.titleLine = first >= 0 && this.headings[first]?.level === 1 ? first : -1;
  }

  /** Whether the text after a question's id is its answer, from the lines after it (see settleLineAnswer). */
  private settleLineAnswers(): void {
    this.anchors.forEach((a, i) => {
      if (a?.kind !== 'explicit' || !a.answer || a.answer.sure) {
        return;
      }
      let j = i + (this.headings[i]?.span ?? 1);
      while (j < this.lines.length && isBlank(this.lines[j].text)) {
        j++;
      }
      const next = j >= this.lines.length ? 'end' : (this.anchors[j] ?? (this.headings[j] ? 'heading' : 'text'));
      this.anchors[i] = settleLineAnswer(a, next, this.outline);
    });
  }

  /**
   * The question text just above an answer marker at `i`: the lines up to a
   * blank line, a heading, code, a `-->` bullet of the previous answer, or
   * `floor` (the start of the current segment). It moves with the answer it
   * introduces; but all of an answer's text is that answer's, not the next
   * question.
   */
  promptStart(i: number, floor: number, inAnswer: boolean): number {
    let from = i;
    while (from - 1 >= floor) {
      const l = this.lines[from - 1];
      if (
        isBlank(l.text) ||
        l.inFence ||
        this.headings[from - 1] ||
        this.underline[from - 1] ||
        /^\s*-->/.test(l.text)
      ) {
        break;
      }
      from--;
    }
    return inAnswer && from === floor ? i : from;
  }

  /** The lab section a heading starts, and why; undefined for a heading that names none. */
  sectionOf(
    i: number,
    h: BlockHeading,
    current: OutlineSection | undefined,
    currentLevel: number,
    l10n: Localizer,
  ): { section: OutlineSection; why: string } | undefined {
    if (i === this.titleLine && !/^\d/.test(h.content)) {
      return undefined;
    }
    const contained = this.questionsUnder(i, h.level);
    if (contained.size === 1) {
      const section = [...contained][0];
      return { section, why: l10n.t('It holds the answers of section {0}.', section.number) };
    }
    const n = /^(\d+)(?:\s*[.):—–-])?(?:\s|$)/.exec(h.content);
    const numbered = n ? findSection(this.outline, Number(n[1])) : undefined;
    if (numbered && (currentLevel === 0 || h.level <= currentLevel)) {
      return { section: numbered, why: l10n.t('The heading is numbered {0}.', numbered.number) };
    }
    const sub = currentLevel > 0 && h.level > currentLevel;
    const byTitle = sectionByTitle(h.content, this.outline, current?.number, sub);
    return byTitle
      ? { section: byTitle, why: l10n.t('The heading resembles the title of section {0}.', byTitle.number) }
      : undefined;
  }

  /** The sections of the questions named under a heading, up to the next heading as high. */
  questionsUnder(i: number, level: number): Set<OutlineSection> {
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
}

/** An ATX heading the extension's own parser reads as a question (`### Q4 — …`, any level from 2). */
export function endsOwnAnswer(anchor: LineAnchor): boolean {
  return anchor.kind === 'explicit' && anchor.style === 'heading' && anchor.quote === '' && (anchor.level ?? 0) >= 2;
}

export function isOwnSectionOrNotes(content: string): boolean {
  return /^\d+\.(?:\s|$)/.test(content) || OTHER_NOTES_TITLES.some((t) => t.toLowerCase() === content.toLowerCase());
}

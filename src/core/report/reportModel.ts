import type { Localizer } from '../l10n';
import type { LabOutline } from './labOutline';
import type { Eol } from './markdownLines';

/**
 * The report as the extension writes it, one Markdown file the student owns:
 *
 *     # TP1 Cloud                      ← preamble: anything before the first section
 *
 *     ## 6. Registry, part 1           ← one `##` heading per section: number, title
 *
 *     notes about the section's steps  ← section notes, optional
 *
 *     ### Q4 — Where does it run?      ← one heading per question: id first
 *
 *     the answer, any Markdown         ← up to the next question, section or notes heading
 *
 *     ## Other notes                   ← text mapped to no question, optional, always last
 *
 * Texts in the model use `\n`; `eol` is the file's line ending, restored on
 * writing. See reportParse.ts for why the markers are headings and not HTML
 * comments.
 */

export interface ReportQuestion {
  readonly id: string;
  /** As written in the heading (a student may reword it); the outline's for a new report. */
  readonly title: string;
  /** The answer, without leading or trailing blank lines. */
  readonly text: string;
}

export interface ReportSection {
  /**
   * Undefined only for question blocks that a hand edit put before every
   * section heading: they keep their place, without a heading of their own.
   */
  readonly number: number | undefined;
  readonly title: string;
  /** Text between the section heading and its first question. */
  readonly notes: string;
  readonly questions: readonly ReportQuestion[];
}

export interface OtherNotes {
  readonly title: string;
  readonly text: string;
}

export interface ReportModel {
  readonly eol: Eol;
  readonly preamble: string;
  readonly sections: readonly ReportSection[];
  /** The "Other notes" block; undefined when the file has none. */
  readonly otherNotes: OtherNotes | undefined;
}

/** Headings in the lab's language, which may differ from VS Code's. */
export interface ReportHeadings {
  readonly otherNotes: string;
}

/**
 * The headings through a Localizer: pass one for the lab's language (the
 * report follows the lab, not the editor's display language).
 */
export function reportHeadings(l10n: Localizer): ReportHeadings {
  return { otherNotes: l10n.t('Other notes') };
}

/**
 * The notes headings the extension has written in any language. The parser
 * knows them all because the lab's language can be switched after the report
 * was created: an "Autres notes" block must not become the tail of Q11's
 * answer once the lab is shown in English.
 */
export const OTHER_NOTES_TITLES: readonly string[] = ['Other notes', 'Autres notes'];

/** A new report: every section and question heading of the lab, no answers yet. */
export function newReport(outline: LabOutline, eol: Eol = '\n'): ReportModel {
  return {
    eol,
    preamble: outline.title ? `# ${outline.title}` : '',
    sections: outline.sections.map((s) => ({
      number: s.number,
      title: s.title,
      notes: '',
      questions: s.questions.map((q) => ({ id: q.id, title: q.title, text: '' })),
    })),
    otherNotes: undefined,
  };
}

/** The same model with one answer replaced (the question must be in it). */
export function withAnswer(model: ReportModel, id: string, text: string): ReportModel {
  return {
    ...model,
    sections: model.sections.map((s) => ({
      ...s,
      questions: s.questions.map((q) => (q.id === id ? { ...q, text } : q)),
    })),
  };
}

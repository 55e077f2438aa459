/**
 * What the report needs to know about a lab: its sections in order, with the
 * questions each asks. The lab content parser produces more than this; its
 * sections fit this shape as they are, so the report never depends on how a
 * lab is written.
 */

export interface OutlineQuestion {
  /** `Q4`, `QB1`: the key of the answer in the report. */
  readonly id: string;
  readonly title: string;
}

export interface OutlineSection {
  readonly number: number;
  readonly title: string;
  readonly questions: readonly OutlineQuestion[];
}

export interface LabOutline {
  /** The report's `#` title for a new report; none when absent. */
  readonly title?: string;
  readonly sections: readonly OutlineSection[];
}

export interface QuestionPlace {
  readonly section: OutlineSection;
  readonly question: OutlineQuestion;
  /** Its position among the section's questions, from 0. */
  readonly index: number;
}

/** Where a question is, its id compared without case (`q4` is `Q4`). */
export function findQuestion(outline: LabOutline, id: string): QuestionPlace | undefined {
  const wanted = id.toLowerCase();
  for (const section of outline.sections) {
    const index = section.questions.findIndex((q) => q.id.toLowerCase() === wanted);
    if (index >= 0) {
      return { section, question: section.questions[index], index };
    }
  }
  return undefined;
}

export function findSection(outline: LabOutline, number: number): OutlineSection | undefined {
  return outline.sections.find((s) => s.number === number);
}

/** Every question id, longest first so that `Q10` is tried before `Q1`. */
export function questionIds(outline: LabOutline): string[] {
  return outline.sections.flatMap((s) => s.questions.map((q) => q.id)).sort((a, b) => b.length - a.length);
}

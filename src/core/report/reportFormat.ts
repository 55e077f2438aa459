import { closeFences, toLf, trimBlankLines, withEol } from './markdownLines';
import type { ReportModel, ReportQuestion, ReportSection } from './reportModel';

/**
 * Writing a report. The layout is fixed so that parsing a written file and
 * writing it again gives the same bytes: blocks (preamble, headings, texts)
 * separated by exactly one blank line, empty blocks left out, one line ending
 * at the end of the file. A code fence left open in a block is closed at the
 * block's end (see closeFences).
 */

/** `## 6. Registry, part 1` */
export function sectionHeading(number: number, title: string): string {
  const t = oneLine(title);
  return t ? `## ${number}. ${t}` : `## ${number}.`;
}

/**
 * `### Q4 — Where does it run?`: the id first, so that the parser finds it
 * however the title is reworded; an em dash, which titles rarely start with.
 */
export function questionHeading(id: string, title: string): string {
  const t = oneLine(title);
  return t ? `### ${id} — ${t}` : `### ${id}`;
}

export function notesHeading(title: string): string {
  return `## ${oneLine(title)}`;
}

export function formatReport(model: ReportModel): string {
  const blocks: string[] = [model.preamble];
  for (const section of model.sections) {
    blocks.push(...sectionBlocks(section, true));
  }
  if (model.otherNotes) {
    blocks.push(notesHeading(model.otherNotes.title), model.otherNotes.text);
  }
  return join(blocks, model);
}

/**
 * The file to hand in: the same layout without the empty parts (questions
 * not answered, sections left blank, an empty notes block), so a teacher
 * reads only what was written.
 */
export function exportMarkdown(model: ReportModel): string {
  const blocks: string[] = [model.preamble];
  for (const section of model.sections) {
    const answered = section.questions.filter((q) => trimBlankLines(toLf(q.text)) !== '');
    if (answered.length > 0 || trimBlankLines(toLf(section.notes)) !== '') {
      blocks.push(...sectionBlocks({ ...section, questions: answered }, false));
    }
  }
  if (model.otherNotes && trimBlankLines(toLf(model.otherNotes.text)) !== '') {
    blocks.push(notesHeading(model.otherNotes.title), model.otherNotes.text);
  }
  return join(blocks, model);
}

function sectionBlocks(section: ReportSection, withEmptyQuestions: boolean): string[] {
  const blocks: string[] = [];
  if (section.number !== undefined) {
    blocks.push(sectionHeading(section.number, section.title));
  }
  blocks.push(section.notes);
  for (const q of section.questions) {
    blocks.push(...questionBlocks(q, withEmptyQuestions));
  }
  return blocks;
}

function questionBlocks(q: ReportQuestion, withEmpty: boolean): string[] {
  return withEmpty || q.text.trim() !== '' ? [questionHeading(q.id, q.title), q.text] : [];
}

function join(blocks: readonly string[], model: ReportModel): string {
  const kept = blocks.map((b) => closeFences(trimBlankLines(toLf(b)))).filter((b) => b !== '');
  return kept.length === 0 ? '' : withEol(`${kept.join('\n\n')}\n`, model.eol);
}

/** Headings hold one line: a title read from a multi-line source is joined. */
function oneLine(title: string): string {
  return title.replace(/\s+/g, ' ').trim();
}

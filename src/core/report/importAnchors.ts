import type { LabOutline } from './labOutline';
import { atxHeading, type Line } from './markdownLines';

/**
 * The lines of a hand-written report that start an answer, in the styles
 * students use (see the end of the lab outline):
 *   - `**Q4 : question text**` (bold), `#### Q1 : question text >` (heading),
 *     `Q4 : …` (plain, a separator required after the id): the id is named;
 *   - `##### Réponse 2:`: the second question of the section around it;
 *   - `**Answer**` alone on its line: the next question of the section, or
 *     the one its preceding question text resembles.
 * Fenced code is never read (a `# Q3` there is code). An id-like word that is
 * not a question of the lab (`Q12`) is reported too, so that its text goes to
 * the notes instead of being glued to the previous answer.
 */

export type AnchorStyle = 'heading' | 'bold' | 'plain';

export type LineAnchor =
  | {
      readonly kind: 'explicit';
      readonly style: AnchorStyle;
      readonly level?: number;
      readonly id: string;
      readonly title: string;
    }
  | { readonly kind: 'numbered'; readonly style: AnchorStyle; readonly level?: number; readonly number: number }
  | { readonly kind: 'marker'; readonly style: AnchorStyle; readonly level?: number }
  | { readonly kind: 'foreign'; readonly style: AnchorStyle; readonly level?: number; readonly id: string };

const SEPARATOR = /^[ \t]*[—–:.)-]/;
const NUMBERED = /^(?:r[ée]ponse|answer)s?[ \t]*(?:n°|no\.?|#)?[ \t]*(\d+)(?=$|[\s:.)—–-])/i;
const MARKER = /^(?:r[ée]ponse|answer)[ \t]*:?$/i;
const FOREIGN = /^Q[A-Z]?\d+[a-z]?/i;
const QUESTION_N = /^question[ \t]+(\d+)(?=$|[\s:.)—–-]|\*\*|__)/i;

export function detectAnchor(line: Line, outline: LabOutline): LineAnchor | undefined {
  if (line.inFence || !/^ {0,3}\S/.test(line.text)) {
    return undefined;
  }
  const heading = atxHeading(line);
  let s = heading ? heading.content : line.text.trim();
  let style: AnchorStyle = heading ? 'heading' : 'plain';
  if (/^(\*\*|__)/.test(s)) {
    s = s.slice(2).trimStart();
    style = heading ? style : 'bold';
  }
  const base = { style, ...(heading ? { level: heading.level } : {}) };
  const plain = s.replace(/\*\*|__/g, '').trim();
  if (MARKER.test(plain)) {
    return { kind: 'marker', ...base };
  }
  const numbered = NUMBERED.exec(plain);
  if (numbered) {
    return { kind: 'numbered', ...base, number: Number(numbered[1]) };
  }
  const named = namedId(s, outline);
  if (named) {
    const rest = s.slice(named.length);
    // A plain line needs a separator after the id: "Q1 et Q2 sont liées"
    // is an answer's sentence, "Q1 : …" is a question.
    if (!boundary(rest) || (style === 'plain' && !SEPARATOR.test(rest))) {
      return undefined;
    }
    return named.id
      ? { kind: 'explicit', ...base, id: named.id, title: titleOf(rest) }
      : { kind: 'foreign', ...base, id: s.slice(0, named.length) };
  }
  return undefined;
}

/** The lab's id at the start of `s` (`Question 4` reads as `Q4`), or an unknown id-like word. */
function namedId(s: string, outline: LabOutline): { id?: string; length: number } | undefined {
  const lower = s.toLowerCase();
  const all = outline.sections.flatMap((sec) => sec.questions.map((q) => q.id));
  const byId = all
    .filter((id) => lower.startsWith(id.toLowerCase()) && boundary(s.slice(id.length)))
    .sort((a, b) => b.length - a.length)[0];
  if (byId) {
    return { id: byId, length: byId.length };
  }
  const question = QUESTION_N.exec(s);
  if (question) {
    const id = all.find((i) => i.toLowerCase() === `q${question[1]}`);
    return id ? { id, length: question[0].length } : { length: question[0].length };
  }
  const foreign = FOREIGN.exec(s);
  return foreign ? { length: foreign[0].length } : undefined;
}

function boundary(rest: string): boolean {
  return rest === '' || /^(?:[\s:.)—–-]|\*\*|__)/.test(rest);
}

/**
 * The question's text as the student wrote it, for the question's heading:
 * without the bold markers, the separator after the id and the `>` some end
 * their heading with.
 */
function titleOf(rest: string): string {
  return rest
    .replace(/\*\*|__/g, '')
    .replace(/^[ \t]*[—–:.)-]?[ \t]*/, '')
    .replace(/[ \t]*>[ \t]*$/, '')
    .trim();
}

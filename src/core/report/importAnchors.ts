import { findQuestion, type LabOutline } from './labOutline';
import { atxHeading, type Heading, type Line } from './markdownLines';
import { resemblance } from './titleMatch';

/**
 * The lines of a hand-written report that start an answer, in the styles
 * students use (see the end of the lab outline):
 *   - `**Q4 : question text**` (bold), `#### Q1 : question text >` (heading),
 *     `Q4 : …` (plain, a separator required after the id), any of them inside
 *     a blockquote (`> Q1 — …`): the id is named;
 *   - `##### Réponse 2:`: the second question of the section around it;
 *   - `**Answer**`, `Réponse :` or `→` alone on its line: the next question of
 *     the section, or the one its preceding question text resembles.
 * A marker line is not part of the answer's text, except what follows the
 * marker on its line (`Réponse : core-02`, `Q4) docker service ps → core-02`):
 * that is the answer's first line.
 * Fenced code is never read (a `# Q3` there is code). An id-like word that is
 * not a question of the lab (`Q12`) is reported too, so that its text goes to
 * the notes instead of being glued to the previous answer.
 */

export type AnchorStyle = 'heading' | 'bold' | 'plain';

interface AnchorBase {
  readonly style: AnchorStyle;
  /** The heading level, for a heading outside a blockquote. */
  readonly level?: number;
  /** The blockquote prefix (`> `), given back to an answer written on the line. */
  readonly quote: string;
}

/** The answer written on the anchor's line, after the marker. */
export interface LineAnswer {
  readonly text: string;
  /** The question text before it (`Q4 : Où ? → core-02`), if any. */
  readonly title: string;
  /** Read from the line's shape (an arrow after a question); otherwise a marker on the next line makes it a title. */
  readonly sure: boolean;
}

export type LineAnchor =
  | (AnchorBase & {
      readonly kind: 'explicit';
      readonly id: string;
      readonly title: string;
      readonly answer?: LineAnswer;
      /** `### Q4 — title`, as the extension writes it: what follows is the answer, word for word. */
      readonly canonical: boolean;
    })
  | (AnchorBase & {
      readonly kind: 'numbered';
      readonly number: number;
      /** What the line holds besides the marker; undefined for a bare marker. */
      readonly keep?: string;
    })
  | (AnchorBase & { readonly kind: 'marker'; readonly keep?: string })
  | (AnchorBase & { readonly kind: 'foreign'; readonly id: string });

const SEPARATOR = /^[ \t]*[—–:.)-]/;
/** Emphasis around a marker word: `**Réponse :**`, `*Answer*:`. */
const EM = '(?:\\*{1,2}|_{1,2})?';
const WORD = '(?:r[ée]ponse|answer)';
const NUMBERED = /^(?:r[ée]ponse|answer)s?[ \t]*(?:n°|no\.?|#)?[ \t]*(\d+)(?=$|[\s:.)—–-])/i;
const NUMBERED_LINE = new RegExp(
  `^${EM}${WORD}s?[ \\t]*(?:n°|no\\.?|#)?[ \\t]*\\d+[ \\t]*${EM}[ \\t]*(?:[:.)—–-][ \\t]*${EM}[ \\t]*(.*))?$`,
  'i',
);
const MARKER = /^(?:(?:r[ée]ponse|answer|r[ée]p\.?)[ \t]*:?|→|->|-->|=>|⇒)$/i;
const MARKER_LINE = new RegExp(`^${EM}${WORD}${EM}(?:[ \\t]*:|[ \\t]+[—–-])[ \\t]*${EM}[ \\t]*(\\S.*)$`, 'i');
const FOREIGN = /^Q[A-Z]?\d+[a-z]?/i;
const QUESTION_N = /^question[ \t]+(\d+)(?=$|[\s:.)—–-]|\*\*|__)/i;
const QUOTE = /^ {0,3}(?:>[ \t]?)+/;
const QUOTED_HEADING = /^(#{1,6})[ \t]+(.*?)[ \t]*$/;
/** An arrow between a question and its answer: `Où tourne-t-il ? → core-02`. */
const ARROW = /[ \t]+(?:→|->|-->|=>|⇒)[ \t]+/;

/**
 * The anchor a line starts, if any. `heading` is the line's heading when the
 * caller knows it (a setext title), else the line is read for an ATX one.
 */
export function detectAnchor(
  line: Line,
  outline: LabOutline,
  heading: Heading | undefined = atxHeading(line),
): LineAnchor | undefined {
  if (line.inFence) {
    return undefined;
  }
  const quote = QUOTE.exec(line.text)?.[0] ?? '';
  if (quote === '' && !/^ {0,3}\S/.test(line.text)) {
    return undefined;
  }
  const body = line.text.slice(quote.length);
  const quoted = quote !== '' ? QUOTED_HEADING.exec(body) : null;
  const isHeading = quote === '' ? heading !== undefined : quoted !== null;
  const raw = quote === '' && heading ? heading.content : quoted ? quoted[2] : body.trim();
  const base = { quote, ...(quote === '' && heading ? { level: heading.level } : {}) };
  const plain = raw.replace(/\*+|__/g, '').trim();
  const markerStyle: AnchorStyle = isHeading ? 'heading' : /^(\*\*|__)/.test(raw) ? 'bold' : 'plain';
  if (MARKER.test(plain) || MARKER_LINE.test(raw)) {
    const keep = MARKER_LINE.exec(raw)?.[1];
    return { kind: 'marker', style: markerStyle, ...base, ...(keep ? { keep } : {}) };
  }
  const numbered = NUMBERED.exec(plain);
  if (numbered) {
    const m = NUMBERED_LINE.exec(raw);
    // "Réponse 1 (correction)": words the marker cannot account for stay, the line kept whole.
    const keep = m ? m[1] || undefined : body.trim();
    const style = markerStyle;
    return { kind: 'numbered', style, ...base, number: Number(numbered[1]), ...(keep ? { keep } : {}) };
  }
  let s = raw;
  let style: AnchorStyle = isHeading ? 'heading' : 'plain';
  if (/^(\*\*|__)/.test(s)) {
    s = s.slice(2).trimStart();
    style = isHeading ? style : 'bold';
  }
  const named = namedId(s, outline);
  if (!named) {
    return undefined;
  }
  const rest = s.slice(named.length);
  // A plain line needs a separator after the id: "Q1 et Q2 sont liées"
  // is an answer's sentence, "Q1 : …" is a question.
  if (!boundary(rest) || (style === 'plain' && !SEPARATOR.test(rest))) {
    return undefined;
  }
  if (!named.id) {
    return { kind: 'foreign', style, ...base, id: s.slice(0, named.length) };
  }
  const canonical = quote === '' && heading?.level === 3 && (rest === '' || rest.startsWith(' — '));
  const answer = style === 'heading' ? undefined : answerOnLine(rest, style === 'bold');
  return {
    kind: 'explicit',
    style,
    ...base,
    id: named.id,
    title: titleOf(rest),
    canonical,
    ...(answer ? { answer } : {}),
  };
}

/**
 * Whether the text after the id may be the answer rather than the question:
 * a question asks (`?`); after `Q4)` anything else may be the student's
 * answer (settleLineAnswer decides from the lines after). In bold, a question
 * in the bold part is a title, and only what follows an empty bold id
 * (`**Q4 :** core-02`) can be an answer. An arrow after a question
 * (`Où ? → core-02`) splits the two for sure.
 */
function answerOnLine(rest: string, inBold: boolean): LineAnswer | undefined {
  let text = rest;
  const bold = inBold ? /^(.*?)(\*\*|__)(.*)$/.exec(rest) : null;
  if (bold) {
    if (bold[1].replace(/[\s—–:.)-]/g, '') !== '') {
      return undefined; // `**Q4 : question** …`
    }
    text = bold[3];
  }
  text = text.replace(/^[ \t]*[—–:.)-]?[ \t]*/, '').trim();
  if (text === '') {
    return undefined;
  }
  const arrow = ARROW.exec(text);
  if (arrow && /\?\s*$/.test(text.slice(0, arrow.index))) {
    return { title: text.slice(0, arrow.index).trim(), text: text.slice(arrow.index + arrow[0].length), sure: true };
  }
  if (text.includes('?')) {
    return undefined;
  }
  return { title: '', text, sure: false };
}

/**
 * For an answer on the line that the line alone does not settle
 * (`Q4 : où tourne le registry` asks without a question mark): what comes
 * next decides. A marker below means the line was the question; another
 * question, a heading or the end means nothing else answers it, so the line
 * does; text below is the answer when the line restates the lab's question.
 */
export function settleLineAnswer(
  anchor: Extract<LineAnchor, { kind: 'explicit' }>,
  next: LineAnchor | 'heading' | 'text' | 'end',
  outline: LabOutline,
): Extract<LineAnchor, { kind: 'explicit' }> {
  const answer = anchor.answer;
  if (!answer || answer.sure) {
    return anchor;
  }
  const question = findQuestion(outline, anchor.id)?.question.title ?? '';
  const asks =
    next === 'text'
      ? resemblance(answer.text, question) >= RESTATES
      : typeof next === 'object' && (next.kind === 'marker' || next.kind === 'numbered');
  return asks ? { ...anchor, answer: undefined, title: answer.text } : anchor;
}

/** How close to the lab's question a line must be to read as its restatement. */
const RESTATES = 0.3;

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

import type { LabOutline, OutlineSection } from './labOutline';

/**
 * How close a student's heading or question text is to the lab's wording.
 * Hand-written reports shorten titles ("Ceph" for "Storage, option A: Ceph in
 * containers"), mix languages and drop accents, so words are compared
 * without accents or case, and two long words of about the same length match
 * on a common start of five letters ("metrics"/"métriques", "registry"/"registre").
 */

const STOP_WORDS = new Set(
  (
    'a an and the of to in on for with by from is are it its this that ' +
    'le la les l de du des d un une et en au aux sur pour par avec dans ce ces est sont que qui ' +
    'part partie option etape step section questions question'
  ).split(' '),
);

export function words(text: string): string[] {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w !== '' && !STOP_WORDS.has(w) && !/^tp\d*$/.test(w));
}

function sameWord(a: string, b: string): boolean {
  if (a === b) {
    return true;
  }
  if (/\d/.test(a) || /\d/.test(b) || a.length < 5 || b.length < 5) {
    return false;
  }
  // …but not a word inside a longer one ("swarm" is not "swarmprom").
  return a.slice(0, 5) === b.slice(0, 5) && Math.abs(a.length - b.length) <= 3;
}

function matched(from: readonly string[], into: readonly string[]): string[] {
  return from.filter((w) => into.some((v) => sameWord(w, v)));
}

/** The share of the student's words found in the lab's title (a short heading can match a long title). */
export function containment(student: string, reference: string): number {
  const a = words(student);
  const found = matched(a, words(reference));
  // A number alone ("Part 1") says nothing about which part of the lab it is.
  return a.length === 0 || found.every((w) => /^\d+$/.test(w)) ? 0 : found.length / a.length;
}

/** Dice's coefficient over words: for two texts of similar length (a question and its restatement). */
export function resemblance(a: string, b: string): number {
  const wa = words(a);
  const wb = words(b);
  return wa.length + wb.length === 0 ? 0 : (2 * matched(wa, wb).length) / (wa.length + wb.length);
}

/**
 * Half the heading's words for a heading as high as the current section's
 * ("Metrics (swarmprom)"); a sub-heading must be nearly the section's title,
 * or the steps of one section ("Lancer les services") would start another.
 */
const TOP_THRESHOLD = 0.5;
const SUB_THRESHOLD = 0.8;

/**
 * The lab section a heading's title names, if one stands out. On a tie
 * ("Registry" for parts 1, 2 and 3) the first section after the current one
 * wins: students write the lab in order.
 */
export function sectionByTitle(
  title: string,
  outline: LabOutline,
  after: number | undefined,
  subHeading: boolean,
): OutlineSection | undefined {
  const threshold = subHeading ? SUB_THRESHOLD : TOP_THRESHOLD;
  let best: { section: OutlineSection; score: number } | undefined;
  const ordered = [...outline.sections].sort((x, y) => rank(x.number, after) - rank(y.number, after));
  for (const section of ordered) {
    const score = containment(title, section.title);
    if (score >= threshold && (!best || score > best.score)) {
      best = { section, score };
    }
  }
  return best?.section;
}

/** Sections after the current one first, in order, then the earlier ones. */
function rank(n: number, after: number | undefined): number {
  return after !== undefined && n <= after ? n + 1_000_000 : n;
}

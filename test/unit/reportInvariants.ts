import * as assert from 'node:assert/strict';
import { english } from '../../src/core/l10n';
import type { TextRange } from '../../src/core/report/reportParse';
import { closeFences } from '../../src/core/report/markdownLines';
import { formatReport } from '../../src/core/report/reportFormat';
import { importReport, type ImportMapping } from '../../src/core/report/reportImport';
import { outline, wordsOf } from './reportFixtures';

/**
 * The import's two promises, checked on any report: no line is lost, and each
 * answer is exactly the source text the preview says it came from.
 */

const inside = (r: TextRange, start: number): boolean => start >= r.start && start < Math.max(r.end, r.start + 1);

/** Every line of the source is in the report written; the lines made headings by their words; markers only are left out. */
export function assertNothingLost(name: string, text: string): void {
  const preview = importReport(text, outline, english);
  const written = formatReport(preview.model);
  const madeHeadings = [
    ...preview.mappings.flatMap((m) => (m.headingRange ? [m.headingRange] : [])),
    ...preview.sections.map((s) => s.sourceRange),
  ];
  const markers = preview.mappings.flatMap((m) => (m.markerRange ? [m.markerRange] : []));
  const lineAnswers = preview.mappings.flatMap((m) => (m.lineAnswer !== undefined ? [m.lineAnswer] : []));
  const outLines = written.split(/\r?\n/);
  const outWords = ` ${wordsOf(written)} `;
  let offset = 0;
  const seen = new Map<string, number>();
  for (const line of text.split(/(?<=\n)/)) {
    const content = line.replace(/\r?\n$/, '');
    const start = offset;
    offset += line.length;
    if (content.trim() === '' || /^\s*(?:>\s*)+$/.test(content)) {
      continue;
    }
    if (markers.some((r) => inside(r, start))) {
      // Only the answer written after the marker is kept.
      continue;
    }
    if (madeHeadings.some((r) => inside(r, start))) {
      // `Question 8` is written as the report names questions: `Q8`; an answer on the line is the answer's.
      let named = content.replace(/\bQuestion (\d+)/i, 'Q$1');
      for (const a of lineAnswers) {
        named = named.replace(a.replace(/^\s*(?:>\s*)+/, ''), '');
      }
      assert.ok(outWords.includes(` ${wordsOf(named)} `.replace(/ {2,}/g, ' ')), `${name}: words of «${content}»`);
      continue;
    }
    // As many copies out as in: a line is never dropped, even a repeated one.
    const n = (seen.get(content) ?? 0) + 1;
    seen.set(content, n);
    assert.ok(outLines.filter((l) => l === content).length >= n, `${name}: line «${content}»`);
  }
  for (const a of lineAnswers) {
    assert.ok(outLines.includes(a), `${name}: the answer on a marker's line «${a}»`);
  }
}

/** A block's text rebuilt from the preview alone: its lines, less the heading and the marker, the line's answer in place. */
function blockText(text: string, m: ImportMapping): string {
  const out: string[] = [];
  const heading = m.headingRange;
  const headingInside = heading !== undefined && heading.start >= m.sourceRange.start;
  if (m.lineAnswer !== undefined && m.markerRange === undefined && headingInside) {
    out.push(m.lineAnswer);
  }
  let offset = m.sourceRange.start;
  for (const line of text.slice(m.sourceRange.start, m.sourceRange.end).split(/(?<=\n)/)) {
    const start = offset;
    offset += line.length;
    if (heading && inside(heading, start)) {
      continue;
    }
    if (m.markerRange && inside(m.markerRange, start)) {
      if (m.lineAnswer !== undefined) {
        out.push(m.lineAnswer);
      }
      continue;
    }
    out.push(line.replace(/\n$/, ''));
  }
  const opener = [m.markerRange, headingInside ? heading : undefined].find((r) => r !== undefined);
  const quoted = opener !== undefined && /^\s*>/.test(text.slice(opener.start, opener.end));
  const empty = (t: string): boolean => (quoted ? /^\s*(?:>\s*)*$/ : /^\s*$/).test(t);
  while (out.length > 0 && empty(out[0])) {
    out.shift();
  }
  while (out.length > 0 && empty(out[out.length - 1])) {
    out.pop();
  }
  return out.join('\n');
}

/** Each answer is its blocks' source text, in source order, as the mappings locate it. */
export function assertAnswersFromPreview(name: string, lfText: string): void {
  const preview = importReport(lfText, outline, english);
  const expected = new Map<string, string[]>();
  for (const m of preview.mappings) {
    const t = blockText(lfText, m);
    if (t !== '') {
      expected.set(m.questionId, [...(expected.get(m.questionId) ?? []), t]);
    }
  }
  for (const q of preview.model.sections.flatMap((s) => s.questions)) {
    const want = expected.get(q.id);
    assert.equal(q.text, want ? closeFences(want.join('\n\n')) : '', `${name} ${q.id}`);
  }
}

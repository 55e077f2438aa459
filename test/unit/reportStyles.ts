import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ImportPreview, LineSpan } from '../../src/core/report/reportImport';
import { ROOT } from './repoFiles';

/** Hand-written reports, one per file, named `<style>-<variant>.md` (see the list of styles). */
export const STYLES_DIR = path.join(ROOT, 'test', 'fixtures', 'reports', 'styles');

export function styleFixtures(): string[] {
  return fs
    .readdirSync(STYLES_DIR)
    .filter((f) => f.endsWith('.md') && !f.endsWith('.expected.md'))
    .map((f) => f.slice(0, -'.md'.length))
    .sort();
}

const span = (l: LineSpan): string => (l.first === l.last ? `${l.first}` : `${l.first}-${l.last}`);

/** The preview as a reader sees it: per question, where its answer came from; then sections and notes. */
export function previewSummary(p: ImportPreview): string {
  const out: string[] = [];
  for (const q of p.questions) {
    const where = [
      ...(q.heading ? [`heading ${span(q.heading)}`] : []),
      `lines ${q.blocks.map(span).join(' + ')}`,
      ...(q.markers.length > 0 ? [`marker ${q.markers.map(span).join(' + ')}`] : []),
    ].join(', ');
    out.push(`${q.questionId}: ${where}${q.repeated ? ' (twice)' : ''} · ${q.confidence} · ${q.why}`);
  }
  for (const s of p.sections) {
    out.push(`§${s.sectionNumber}: heading ${span(s.lines)} · ${s.why}`);
  }
  for (const s of p.sectionNotes) {
    out.push(`§${s.sectionNumber} notes: lines ${span(s.lines)} · ${s.excerpt}`);
  }
  for (const u of p.unmapped) {
    out.push(`other notes: lines ${span(u.lines)} · ${u.why}`);
  }
  return `${out.join('\n')}\n`;
}

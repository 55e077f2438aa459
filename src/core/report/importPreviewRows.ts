import type { Localizer } from '../l10n';
import type { Confidence, ImportPreview, LineSpan } from './importModel';

/**
 * The import preview as rows to show before anything is written: per
 * question, the lines its answer came from (and its heading, the marker
 * lines left out, a second block); then the sections found, the text kept in
 * a section's notes, and what went to the Other notes. Pure: the command
 * turns rows into a quick pick, and choosing a row shows its lines.
 */

export type PreviewGroup = 'answers' | 'sections' | 'sectionNotes' | 'otherNotes';

export interface PreviewRow {
  readonly group: PreviewGroup;
  readonly label: string;
  readonly description: string;
  readonly detail?: string;
  /** The lines to show in the source when the row is chosen. */
  readonly lines: LineSpan;
}

export function lineSpanText(span: LineSpan, l10n: Localizer): string {
  return span.first === span.last ? l10n.t('line {0}', span.first) : l10n.t('lines {0}–{1}', span.first, span.last);
}

function confidenceText(confidence: Confidence, l10n: Localizer): string {
  switch (confidence) {
    case 'high':
      return l10n.t('sure');
    case 'medium':
      return l10n.t('likely');
    case 'low':
      return l10n.t('a guess');
  }
}

export function previewRows(preview: ImportPreview, l10n: Localizer): PreviewRow[] {
  const rows: PreviewRow[] = [];
  const excerpts = new Map<string, string>();
  for (const m of preview.mappings) {
    if (!excerpts.has(m.questionId) && m.excerpt !== '') {
      excerpts.set(m.questionId, m.excerpt);
    }
  }
  for (const q of preview.questions) {
    const where = q.blocks.map((b) => lineSpanText(b, l10n)).join(' + ');
    const notes = [
      `${confidenceText(q.confidence, l10n)} · ${q.why}`,
      ...(q.heading ? [l10n.t('its heading from {0}', lineSpanText(q.heading, l10n))] : []),
      ...(q.markers.length > 0
        ? [l10n.t('marker left out: {0}', q.markers.map((m) => lineSpanText(m, l10n)).join(', '))]
        : []),
      ...(q.repeated ? [l10n.t('answered in {0} blocks, all kept in order', q.blocks.length)] : []),
    ];
    rows.push({
      group: 'answers',
      label: q.questionId,
      description: `${where} · ${excerpts.get(q.questionId) ?? l10n.t('(no answer yet)')}`,
      detail: notes.join(' · '),
      lines: { first: q.heading?.first ?? q.blocks[0].first, last: q.blocks[q.blocks.length - 1].last },
    });
  }
  for (const s of preview.sections) {
    rows.push({
      group: 'sections',
      label: s.heading,
      description: `→ ${s.sectionNumber} · ${lineSpanText(s.lines, l10n)}`,
      detail: s.why,
      lines: s.lines,
    });
  }
  for (const n of preview.sectionNotes) {
    rows.push({
      group: 'sectionNotes',
      label: n.excerpt,
      description: `→ ${n.sectionNumber} · ${lineSpanText(n.lines, l10n)}`,
      lines: n.lines,
    });
  }
  for (const u of preview.unmapped) {
    rows.push({
      group: 'otherNotes',
      label: u.excerpt,
      description: lineSpanText(u.lines, l10n),
      detail: u.why,
      lines: u.lines,
    });
  }
  return rows;
}

/** How many questions the import gives an answer. */
export function answeredCount(preview: ImportPreview): number {
  return preview.model.sections.flatMap((s) => s.questions).filter((q) => q.text !== '').length;
}

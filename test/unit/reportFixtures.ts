import type { Localizer } from '../../src/core/l10n';
import type { LabOutline } from '../../src/core/report/labOutline';
import { read, readJson } from './repoFiles';

/** The lab outline the report tests use: the TP1 sections and questions, titles in French. */
export const outline: LabOutline = readJson<LabOutline>('test/fixtures/reports/tp1-outline.fr.json');

export function fixture(name: string): string {
  return read(`test/fixtures/reports/${name}`);
}

/** Every hand-written report fixture, the seed first. */
export const HAND_WRITTEN = [
  'seed-tp1.md',
  'heading-style.md',
  'reponse-numbered.md',
  'answer-arrows.md',
  'bold-crlf.md',
  'code-blocks.md',
  'images-tables.md',
  'unknown-style.md',
];

/** The French bundle as a Localizer, as the extension uses for a lab in French. */
export function frenchLocalizer(): Localizer {
  const fr = readJson<Record<string, string>>('l10n/bundle.l10n.fr.json');
  return {
    t: (message, ...args) =>
      (fr[message] ?? message).replace(/\{(\d+)\}/g, (whole, i: string) =>
        i in args ? String(args[Number(i)]) : whole,
      ),
  };
}

/** Letters and digits of a text, as one space-separated string: markup and punctuation left out. */
export function wordsOf(text: string): string {
  return (text.match(/[\p{L}\p{N}]+/gu) ?? []).join(' ');
}

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { english } from '../../src/core/l10n';
import { exportMarkdown, formatReport } from '../../src/core/report/reportFormat';
import { answeredCount, previewRows } from '../../src/core/report/importPreviewRows';
import { importReport } from '../../src/core/report/reportImport';
import { frenchLocalizer, outline } from './reportFixtures';
import { assertAnswersFromPreview, assertNothingLost } from './reportInvariants';
import { previewSummary, STYLES_DIR, styleFixtures } from './reportStyles';

/**
 * Reports written the way students write them, at least three per style of
 * issue 15 (French and English): each gives the exact report written (the
 * file handed in: answers under their questions, section notes, other notes)
 * and the exact preview (per question, the lines its answer came from).
 */
const STYLES = ['setext', 'numbering', 'questions-first', 'blockquote', 'on-line', 'twice'];

const read = (name: string): string => fs.readFileSync(path.join(STYLES_DIR, name), 'utf8');

describe('importReport: the styles students write in', () => {
  const fixtures = styleFixtures();

  it('has at least three fixtures per style', () => {
    for (const style of STYLES) {
      const n = fixtures.filter((f) => f.startsWith(`${style}-`)).length;
      assert.ok(n >= 3, `${style}: ${n} fixtures`);
    }
    assert.deepEqual(
      fixtures.filter((f) => !STYLES.some((s) => f.startsWith(`${s}-`))),
      [],
      'every fixture is of a style',
    );
  });

  for (const name of fixtures) {
    describe(name, () => {
      const text = read(`${name}.md`);
      const preview = importReport(text, outline, english);

      it('writes the expected report: every answer under its question, the rest in the notes', () => {
        assert.equal(exportMarkdown(preview.model), read(`${name}.expected.md`));
      });

      it('previews, per question, the lines its answer came from', () => {
        assert.equal(previewSummary(preview), read(`${name}.preview.txt`));
      });

      it('loses no line, and each answer is the text the preview points at', () => {
        assertNothingLost(name, text);
        assertAnswersFromPreview(name, text.replace(/\r\n/g, '\n'));
      });

      it('reads the report it wrote back as it is', () => {
        const again = importReport(formatReport(preview.model), outline, english);
        assert.deepEqual(again.model, preview.model);
      });
    });
  }
});

describe('importReport: the preview rows', () => {
  it('say per question where its answer came from, a second block, and what went to the notes', () => {
    const preview = importReport(read('twice-fr.md'), outline, english);
    assert.deepEqual(
      previewRows(preview, english).map((r) => [r.group, r.label, r.description, r.detail, r.lines]),
      [
        [
          'answers',
          'Q4',
          'lines 5–6 + lines 13–14 · Sur core-01.',
          'sure · The line names Q4. · its heading from line 5 · answered in 2 blocks, all kept in order',
          { first: 5, last: 14 },
        ],
        [
          'answers',
          'Q5',
          'lines 8–9 · Le routing mesh.',
          'sure · The line names Q5. · its heading from line 8',
          { first: 8, last: 9 },
        ],
        [
          'sections',
          '# Registry - Part 1',
          '→ 6 · line 3',
          'It holds the answers of section 6.',
          { first: 3, last: 3 },
        ],
        ['sectionNotes', '# Corrections', '→ 6 · line 11', undefined, { first: 11, last: 11 }],
      ],
    );
    assert.equal(answeredCount(preview), 2);
  });

  it('name the marker lines left out and the Other notes, in French too', () => {
    const preview = importReport(read('numbering-fr.md'), outline, frenchLocalizer());
    const rows = previewRows(preview, frenchLocalizer());
    assert.deepEqual(
      rows.filter((r) => r.label === 'Q6').map((r) => [r.description, r.detail]),
      [['lignes 23–26 · ```', 'probable · Réponse 1 de la section 8. · repère non recopié : ligne 23']],
    );
    assert.deepEqual(
      rows.filter((r) => r.group === 'otherNotes').map((r) => [r.label, r.description, r.detail]),
      [
        [
          'Réponse 3 : une troisième réponse que le TP ne demande pas.',
          'ligne 30',
          'Réponse 3, mais la section 8 pose 2 questions : gardée dans les notes.',
        ],
      ],
    );
  });
});

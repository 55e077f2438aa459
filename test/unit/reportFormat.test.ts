import * as assert from 'node:assert/strict';
import { formatReport } from '../../src/core/report/reportFormat';
import { importReport } from '../../src/core/report/reportImport';
import {
  newReport,
  OTHER_NOTES_TITLES,
  reportHeadings,
  withAnswer,
  type ReportModel,
} from '../../src/core/report/reportModel';
import { parseReport } from '../../src/core/report/reportParse';
import { english } from '../../src/core/l10n';
import { fixture, frenchLocalizer, HAND_WRITTEN, outline } from './reportFixtures';

const small = {
  title: 'TP1',
  sections: [
    { number: 1, title: 'Prérequis', questions: [] },
    { number: 4, title: 'Weave Cloud', questions: [{ id: 'Q1', title: 'Lancer des conteneurs ?' }] },
    {
      number: 5,
      title: 'Ceph',
      questions: [
        { id: 'Q2', title: 'Principe' },
        { id: 'Q3', title: 'Automatiser' },
      ],
    },
  ],
};

function filled(): ReportModel {
  let m = newReport(small);
  m = withAnswer(m, 'Q1', 'Le socket Docker.\n\n```bash\n## 6. Registry\n### Q2 — pas une question\n```');
  m = withAnswer(m, 'Q3', '| a | b |\n|---|---|\n| 1 | 2 |\n\n![x](img/x.png)');
  return { ...m, otherNotes: { title: 'Autres notes', text: 'Une note.\n## 9. Pas une section' } };
}

describe('Report format', () => {
  it('writes a new report: every section and question heading, one blank line between blocks', () => {
    assert.equal(
      formatReport(newReport(small)),
      [
        '# TP1',
        '',
        '## 1. Prérequis',
        '',
        '## 4. Weave Cloud',
        '',
        '### Q1 — Lancer des conteneurs ?',
        '',
        '## 5. Ceph',
        '',
        '### Q2 — Principe',
        '',
        '### Q3 — Automatiser',
        '',
      ].join('\n'),
    );
  });

  it('reads back what it writes, byte for byte, LF and CRLF', () => {
    for (const model of [
      newReport(small),
      filled(),
      { ...filled(), eol: '\r\n' as const },
      newReport({ sections: [] }),
    ]) {
      const text = formatReport(model);
      assert.equal(formatReport(parseReport(text, small)), text);
    }
  });

  it('reads back every imported fixture byte for byte, with the same answers', () => {
    for (const name of HAND_WRITTEN) {
      const model = importReport(fixture(name), outline, english).model;
      const text = formatReport(model);
      const parsed = parseReport(text, outline);
      assert.equal(formatReport(parsed), text, name);
      for (const q of parsed.sections.flatMap((s) => s.questions)) {
        assert.equal(parsed.answers.get(q.id)?.text, q.text, `${name} ${q.id}`);
      }
    }
  });

  it('gives each answer its text and where it is in the file', () => {
    const text = formatReport({ ...filled(), eol: '\r\n' });
    const parsed = parseReport(text, small);
    assert.equal(parsed.eol, '\r\n');
    const q1 = parsed.answers.get('Q1')!;
    assert.equal(q1.section, 4);
    assert.ok(q1.text.startsWith('Le socket Docker.\n\n```bash\n## 6. Registry'), 'a marker inside code is code');
    assert.equal(text.slice(q1.range.start, q1.range.end).replace(/\r\n/g, '\n'), q1.text);
    assert.equal(text.slice(q1.block.start, q1.block.end), `\r\n${q1.text.replace(/\n/g, '\r\n')}\r\n\r\n`);
    const q2 = parsed.answers.get('Q2')!;
    assert.equal(q2.text, '');
    assert.deepEqual(q2.range, { start: q2.block.start, end: q2.block.start });
    assert.equal(parsed.otherNotes?.text, 'Une note.\n## 9. Pas une section');
    assert.equal(parsed.sections.length, 3, 'a section heading after the notes stays in the notes');
  });

  it('follows hand edits: heading level, reworded title, text around the markers', () => {
    const text = [
      'Noms : A. Martin',
      '',
      '#### q1: my own words',
      'orphan answer before any section',
      '## 5. Ceph',
      'notes about the steps',
      '### Q2',
      'answer 2',
      '### 1. a numbered step, not a section',
      '## Conclusion, not numbered',
      '',
      '',
      '## Other notes',
      'english notes heading in a French report',
    ].join('\n');
    const parsed = parseReport(text, small);
    assert.equal(parsed.preamble, 'Noms : A. Martin');
    assert.deepEqual(
      parsed.sections.map((s) => [s.number, s.notes, s.questions.map((q) => [q.id, q.title])]),
      [
        [undefined, '', [['Q1', 'my own words']]],
        [5, 'notes about the steps', [['Q2', '']]],
      ],
    );
    assert.equal(
      parsed.answers.get('Q2')?.text,
      'answer 2\n### 1. a numbered step, not a section\n## Conclusion, not numbered',
    );
    assert.equal(parsed.answers.get('Q1')?.section, undefined);
    assert.equal(parsed.otherNotes?.title, 'Other notes');
    // Written again, nothing is lost and the orphan question keeps its place.
    const again = parseReport(formatReport(parsed), small);
    assert.deepEqual(again.sections, parsed.sections);
    assert.equal(again.preamble, parsed.preamble);
  });

  it('takes only the lab question ids as markers when it knows the lab', () => {
    const text = '## 4. Weave\n\n### Q1 — a\n\nsee below\n\n### Q12 — not in this lab\n\ntext\n';
    assert.equal(parseReport(text, small).answers.get('Q1')?.text, 'see below\n\n### Q12 — not in this lab\n\ntext');
    assert.deepEqual([...parseReport(text).answers.keys()], ['Q1', 'Q12'], 'without the lab: any Q<n>');
  });

  it('does not let a code fence never closed hide the questions after it, and closes it on writing', () => {
    const text = '## 4. Weave\n\n### Q1 — a\n\n```bash\nls\n\n## 5. Ceph\n\n### Q2 — b\n\nok\n';
    const parsed = parseReport(text, small);
    assert.equal(parsed.answers.get('Q1')?.text, '```bash\nls');
    assert.equal(parsed.answers.get('Q2')?.text, 'ok');
    assert.ok(formatReport(parsed).includes('```bash\nls\n```\n\n## 5. Ceph'));
  });

  it('names the notes in the lab language and recognises them in every language it writes', () => {
    assert.equal(reportHeadings(english).otherNotes, 'Other notes');
    assert.equal(reportHeadings(frenchLocalizer()).otherNotes, 'Autres notes');
    assert.ok(OTHER_NOTES_TITLES.includes(reportHeadings(frenchLocalizer()).otherNotes));
    const parsed = parseReport('## 4. W\n\n### Q1 — a\n\nx\n\n## Notes perso\n\ny\n', small, {
      otherNotes: 'Notes perso',
    });
    assert.equal(parsed.answers.get('Q1')?.text, 'x');
    assert.equal(parsed.otherNotes?.text, 'y');
  });
});

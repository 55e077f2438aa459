import * as assert from 'node:assert/strict';
import { english } from '../../src/core/l10n';
import { formatReport } from '../../src/core/report/reportFormat';
import { applyEdit, ReportConflictError, setAnswer, type TextEdit } from '../../src/core/report/reportEdit';
import { importReport } from '../../src/core/report/reportImport';
import { newReport, withAnswer, type ReportModel } from '../../src/core/report/reportModel';
import { parseReport } from '../../src/core/report/reportParse';
import { fixture, HAND_WRITTEN, outline } from './reportFixtures';

function edited(text: string, id: string, answer: string): string {
  const edit = setAnswer(text, id, answer, outline);
  assert.ok(edit, `an edit for ${id}`);
  return applyEdit(text, edit);
}

/** The model of a new report with only some questions (others removed). */
function only(ids: string[], answers: Record<string, string> = {}): ReportModel {
  const m = newReport(outline);
  return {
    ...m,
    sections: m.sections
      .map((s) => ({
        ...s,
        questions: s.questions.filter((q) => ids.includes(q.id)).map((q) => ({ ...q, text: answers[q.id] ?? '' })),
      }))
      .filter((s) => s.questions.length > 0),
  };
}

describe('setAnswer', () => {
  const base = withAnswer(withAnswer(newReport(outline), 'Q4', 'core-02, un conteneur.'), 'Q5', 'Le routing mesh.');
  const text = formatReport(base);

  it("replaces only the answer's own characters", () => {
    const edit = setAnswer(text, 'Q4', 'core-03, un conteneur.', outline);
    const at = text.indexOf('core-02') + 'core-0'.length;
    assert.deepEqual(edit, { offset: at, length: 1, newText: '3' });
  });

  it('writes what formatReport writes, whether the answer is set, changed or cleared', () => {
    for (const [id, answer] of [
      ['Q4', 'Autre réponse\n\n```\ndocker ps\n```'],
      ['Q4', ''],
      ['Q1', 'Nouvelle réponse'],
      ['Q11', 'La dernière question du fichier'],
      ['Q5', ''],
    ]) {
      assert.equal(edited(text, id, answer), formatReport(withAnswer(base, id, answer)), `${id} ← ${answer}`);
    }
    const lastAnswered = formatReport(withAnswer(only(['Q11']), 'Q11', 'x'));
    assert.equal(edited(lastAnswered, 'Q11', ''), formatReport(only(['Q11'])), 'cleared at the end of the file');
    assert.equal(edited(formatReport(only(['Q11'])), 'Q11', 'x'), lastAnswered, 'set at the end of the file');
  });

  it('leaves every other byte of a hand-edited file as it is', () => {
    const hand =
      '# Rendu\n\n## 6. Registry\n\n### Q4 — où ?\n\n\n   core-02  \n\n\n### Q5 — pourquoi ?\nmesh\n## 8. K\n';
    const after = edited(hand, 'Q4', 'core-03');
    assert.equal(after, hand.replace('   core-02  ', 'core-03'));
    assert.equal(edited(hand, 'Q5', 'routing\nmesh'), hand.replace('\nmesh\n', '\nrouting\nmesh\n'));
  });

  it('inserts a missing question after the ones before it in its section', () => {
    const two = formatReport(only(['Q2', 'QB1', 'Q4'], { Q2: 'a', QB1: 'b', Q4: 'c' }));
    assert.equal(
      edited(two, 'Q3', 'entre les deux'),
      formatReport(only(['Q2', 'Q3', 'QB1', 'Q4'], { Q2: 'a', Q3: 'entre les deux', QB1: 'b', Q4: 'c' })),
    );
    assert.equal(setAnswer(two, 'Q2', 'a', outline), undefined);
  });

  it('inserts a missing section at its place in the lab, before the other notes', () => {
    const model = only(['Q4', 'Q8'], { Q4: 'c', Q8: 'd' });
    const withNotes = { ...model, otherNotes: { title: 'Autres notes', text: 'n' } };
    assert.equal(
      edited(formatReport(model), 'Q6', 'vip'),
      formatReport(only(['Q4', 'Q6', 'Q8'], { Q4: 'c', Q6: 'vip', Q8: 'd' })),
    );
    assert.equal(
      edited(formatReport(withNotes), 'Q11', 'restic'),
      formatReport({
        ...only(['Q4', 'Q8', 'Q11'], { Q4: 'c', Q8: 'd', Q11: 'restic' }),
        otherNotes: withNotes.otherNotes,
      }),
    );
    assert.equal(
      edited('', 'Q1', 'x'),
      "## 4. Weave Cloud / Scope\n\n### Q1 — Comment ce conteneur peut-il lancer des conteneurs sur l'hôte ?\n\nx\n",
    );
    assert.equal(edited('notes sans fin de ligne', 'Q1', 'x').split('\n')[0], 'notes sans fin de ligne');
    assert.ok(edited('notes sans fin de ligne', 'Q1', 'x').startsWith('notes sans fin de ligne\n\n## 4.'));
  });

  it("keeps the file's CRLF line endings, in the answer and around it", () => {
    const crlf = formatReport({ ...base, eol: '\r\n' });
    for (const [id, answer] of [
      ['Q4', 'une\nréponse\r\nmixte'],
      ['Q6', 'insérée\n\navec un paragraphe'],
      ['Q5', ''],
    ]) {
      const after = edited(crlf, id, answer);
      assert.equal(after.replace(/\r\n/g, ''), after.replace(/\r\n/g, '').replace(/[\r\n]/g, ''), 'no lone CR or LF');
      assert.equal(after, formatReport({ ...withAnswer(base, id, answer.replace(/\r\n/g, '\n')), eol: '\r\n' }));
    }
  });

  it('never cuts a CRLF or a character in two', () => {
    const crlf = formatReport({ ...withAnswer(base, 'Q4', 'a\nb 😀'), eol: '\r\n' });
    const check = (e: TextEdit | undefined): void => {
      assert.ok(e);
      const before = crlf.slice(0, e.offset);
      assert.ok(!before.endsWith('\r') && !/[\ud800-\udbff]$/.test(before), JSON.stringify(e));
    };
    check(setAnswer(crlf, 'Q4', 'a\r\nc', outline));
    check(setAnswer(crlf, 'Q4', 'a\nb 😃', outline));
    check(setAnswer(crlf, 'Q4', 'a\nb 😀 c', outline));
  });

  it('closes a code fence left open, as formatReport does', () => {
    assert.equal(edited(text, 'Q4', '```bash\nls'), formatReport(withAnswer(base, 'Q4', '```bash\nls\n```')));
  });

  it('says when nothing changes, and refuses what it cannot place', () => {
    assert.equal(setAnswer(text, 'Q4', 'core-02, un conteneur.\n\n', outline), undefined);
    assert.equal(setAnswer(text, 'Q1', '', outline), undefined);
    assert.equal(setAnswer('', 'Q1', '  \n', outline), undefined);
    assert.throws(() => setAnswer(text, 'Q99', 'x', outline), /Q99/);
    // A fence being typed above: Q5's heading is in it for now, do not add a second one.
    const typing = '## 6. R\n\n### Q4 — a\n\n```\nls\n\n### Q5 — b\n\n```\ncode\n```\n';
    assert.throws(() => setAnswer(typing, 'Q5', 'x', outline), ReportConflictError);
  });

  it('edits one answer of every imported fixture without touching the others', () => {
    for (const name of HAND_WRITTEN) {
      const written = formatReport(importReport(fixture(name), outline, english).model);
      const before = parseReport(written, outline);
      for (const id of ['Q1', 'Q4', 'QB1', 'Q11']) {
        const after = parseReport(edited(written, id, `nouvelle réponse à ${id}`), outline);
        for (const [other, answer] of before.answers) {
          const expected = other === id ? `nouvelle réponse à ${id}` : answer.text;
          assert.equal(after.answers.get(other)?.text, expected, `${name}: ${other} after editing ${id}`);
        }
        assert.equal(after.otherNotes?.text, before.otherNotes?.text);
        assert.equal(after.preamble, before.preamble);
      }
    }
  });
});

import * as assert from 'node:assert/strict';
import { detectAnchor } from '../../src/core/report/importAnchors';
import { atxHeading, closeFences, detectEol, splitLines } from '../../src/core/report/markdownLines';
import { containment, sectionByTitle } from '../../src/core/report/titleMatch';
import { outline } from './reportFixtures';

function fenced(text: string): boolean[] {
  return splitLines(text).map((l) => l.inFence);
}

describe('Report lines', () => {
  it('splits at LF and CRLF with exact offsets, a lone CR staying text', () => {
    const lines = splitLines('a\r\nb\nc\rd');
    assert.deepEqual(
      lines.map((l) => [l.text, l.start, l.end, l.next]),
      [
        ['a', 0, 1, 3],
        ['b', 3, 4, 5],
        ['c\rd', 5, 8, 8],
      ],
    );
    assert.equal(detectEol('x\r\ny\n'), '\r\n');
    assert.equal(detectEol('x'), '\n');
    assert.deepEqual(splitLines(''), []);
  });

  it('sees fenced code: backticks, tildes, longer fences, fences in list items', () => {
    assert.deepEqual(fenced('```\n# Q3\n```\n# Q4'), [true, true, true, false]);
    assert.deepEqual(fenced('~~~yaml\n```\n~~~\nx'), [true, true, true, false]);
    assert.deepEqual(fenced('````\n```\n````'), [true, true, true]);
    assert.deepEqual(fenced('- step\n    ```\n    # Q1\n    ```'), [false, true, true, true]);
    assert.deepEqual(fenced('```not a fence```\n# Q1'), [false, false], 'inline code on one line');
    assert.equal(atxHeading(splitLines('```\n# Q3\n```')[1]), undefined);
  });

  it('takes a fence never closed for text, and closes it when writing', () => {
    assert.deepEqual(fenced('```bash\nls\n## 5. Ceph'), [false, false, false]);
    assert.equal(closeFences('```bash\nls'), '```bash\nls\n```');
    assert.equal(closeFences('~~~~\nx\n```'), '~~~~\nx\n```\n~~~~');
    assert.equal(closeFences('```\nx\n```'), '```\nx\n```');
  });

  it('recognises the ways students start an answer', () => {
    const anchor = (text: string): unknown => {
      const a = detectAnchor(splitLines(text)[0], outline);
      return a && { ...a };
    };
    assert.deepEqual(anchor('**Q4 : où ?** Combien ?'), {
      kind: 'explicit',
      style: 'bold',
      id: 'Q4',
      title: 'où ? Combien ?',
    });
    assert.deepEqual(anchor('#### Q1 : question >'), {
      kind: 'explicit',
      style: 'heading',
      level: 4,
      id: 'Q1',
      title: 'question',
    });
    assert.deepEqual(anchor('**Q10** - Traefik'), { kind: 'explicit', style: 'bold', id: 'Q10', title: 'Traefik' });
    assert.deepEqual(anchor('qb1. bonus'), { kind: 'explicit', style: 'plain', id: 'QB1', title: 'bonus' });
    assert.deepEqual(anchor('### Question 8 : collector'), {
      kind: 'explicit',
      style: 'heading',
      level: 3,
      id: 'Q8',
      title: 'collector',
    });
    assert.deepEqual(anchor('##### Réponse 2:'), { kind: 'numbered', style: 'heading', level: 5, number: 2 });
    assert.deepEqual(anchor('**Reponse 3 :** oui'), { kind: 'numbered', style: 'bold', number: 3 });
    assert.deepEqual(anchor('**Answer**'), { kind: 'marker', style: 'bold' });
    assert.deepEqual(anchor('Réponse :'), { kind: 'marker', style: 'plain' });
    assert.deepEqual(anchor('**Q12 : autre TP**'), { kind: 'foreign', style: 'bold', id: 'Q12' });
    for (const text of [
      'Q1 et Q2 sont liées',
      'Q4est',
      '    **Q4 : indented code**',
      'Q1',
      'Quelle question ?',
      '> **Q4 : quoted**',
    ]) {
      assert.equal(anchor(text), undefined, text);
    }
  });

  it('matches a short or misspelt heading to a section, not a document title or a step', () => {
    const n = (title: string, after?: number, sub = false): number | undefined =>
      sectionByTitle(title, outline, after, sub)?.number;
    assert.equal(n('Prérequies'), 1);
    assert.equal(n('Ceph'), 5);
    assert.equal(n('Registry - Part 1'), 6);
    assert.equal(n('Registry', 6), 12, 'the next part after the current one');
    assert.equal(n('Metrics (swarmprom)'), 9);
    assert.equal(n('Lancer les services', 2, true), undefined, 'a step of section 2 is not section 3');
    assert.equal(n('Journal de bord'), undefined);
    assert.equal(containment('Part 1', 'Registry, partie 1'), 0, 'a number alone says nothing');
  });
});

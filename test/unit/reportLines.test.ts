import * as assert from 'node:assert/strict';
import { detectAnchor, settleLineAnswer } from '../../src/core/report/importAnchors';
import { atxHeading, blockHeadings, closeFences, detectEol, splitLines } from '../../src/core/report/markdownLines';
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
    const named = { kind: 'explicit', quote: '', canonical: false };
    assert.deepEqual(anchor('**Q4 : où ?** Combien ?'), { ...named, style: 'bold', id: 'Q4', title: 'où ? Combien ?' });
    assert.deepEqual(anchor('#### Q1 : question >'), {
      ...named,
      style: 'heading',
      level: 4,
      id: 'Q1',
      title: 'question',
    });
    assert.deepEqual(anchor('**Q10** - Traefik ?'), { ...named, style: 'bold', id: 'Q10', title: 'Traefik ?' });
    assert.deepEqual(anchor('qb1. bonus ?'), { ...named, style: 'plain', id: 'QB1', title: 'bonus ?' });
    assert.deepEqual(anchor('### Question 8 : collector'), {
      ...named,
      style: 'heading',
      level: 3,
      id: 'Q8',
      title: 'collector',
    });
    assert.deepEqual(anchor('### Q8 — collector'), {
      ...named,
      style: 'heading',
      level: 3,
      id: 'Q8',
      title: 'collector',
      canonical: true,
    });
    assert.deepEqual(anchor('##### Réponse 2:'), {
      kind: 'numbered',
      style: 'heading',
      quote: '',
      level: 5,
      number: 2,
    });
    assert.deepEqual(anchor('**Reponse 3 :** oui'), {
      kind: 'numbered',
      style: 'bold',
      quote: '',
      number: 3,
      keep: 'oui',
    });
    assert.deepEqual(anchor('Réponse 1 (correction)'), {
      kind: 'numbered',
      style: 'plain',
      quote: '',
      number: 1,
      keep: 'Réponse 1 (correction)',
    });
    assert.deepEqual(anchor('**Answer**'), { kind: 'marker', style: 'bold', quote: '' });
    assert.deepEqual(anchor('Réponse :'), { kind: 'marker', style: 'plain', quote: '' });
    assert.deepEqual(anchor('→'), { kind: 'marker', style: 'plain', quote: '' });
    assert.deepEqual(anchor('**Réponse :** le **routing** mesh'), {
      kind: 'marker',
      style: 'bold',
      quote: '',
      keep: 'le **routing** mesh',
    });
    assert.deepEqual(anchor('> Réponse : sur core-02'), {
      kind: 'marker',
      style: 'plain',
      quote: '> ',
      keep: 'sur core-02',
    });
    assert.deepEqual(anchor('**Q12 : autre TP**'), { kind: 'foreign', style: 'bold', quote: '', id: 'Q12' });
    assert.deepEqual(anchor('> **Q4 : quoted ?**'), {
      ...named,
      quote: '> ',
      style: 'bold',
      id: 'Q4',
      title: 'quoted ?',
    });
    assert.deepEqual(anchor('>> Q1 — comment ?'), {
      ...named,
      quote: '>> ',
      style: 'plain',
      id: 'Q1',
      title: 'comment ?',
    });
    for (const text of [
      'Q1 et Q2 sont liées',
      'Q4est',
      '    **Q4 : indented code**',
      'Q1',
      'Quelle question ?',
      'Réponse-type : à lire',
      '--> un point de la réponse',
    ]) {
      assert.equal(anchor(text), undefined, text);
    }
  });

  it('reads the answer written on the line of a question id, not a question asked there', () => {
    const onLine = (text: string): unknown => {
      const a = detectAnchor(splitLines(text)[0], outline);
      return a?.kind === 'explicit' ? (a.answer ?? a.title) : a;
    };
    assert.deepEqual(onLine('Q4) docker service ps registry → runs on core-02'), {
      title: '',
      text: 'docker service ps registry → runs on core-02',
      sure: false,
    });
    assert.deepEqual(onLine('Q4 : où tourne le registry ? → sur core-02'), {
      title: 'où tourne le registry ?',
      text: 'sur core-02',
      sure: true,
    });
    assert.deepEqual(onLine('**Q5 :** le routing mesh'), { title: '', text: 'le routing mesh', sure: false });
    assert.equal(onLine('**Q5 : pourquoi partout** le routing mesh'), 'pourquoi partout le routing mesh');
    assert.deepEqual(onLine('Q5 - pourquoi est-il joignable depuis chaque hôte'), {
      title: '',
      text: 'pourquoi est-il joignable depuis chaque hôte',
      sure: false,
    });
    assert.equal(onLine('Q5 - pourquoi est-il joignable ?'), 'pourquoi est-il joignable ?');
    assert.equal(onLine('#### Q5 : le routing mesh'), 'le routing mesh', 'a heading is a title');
  });

  it('settles an answer on the line from what follows it', () => {
    const settled = (text: string, next: Parameters<typeof settleLineAnswer>[1]): unknown => {
      const a = detectAnchor(splitLines(text)[0], outline);
      assert.ok(a?.kind === 'explicit');
      const s = settleLineAnswer(a, next, outline);
      return s.answer ? `answer: ${s.answer.text}` : `title: ${s.title}`;
    };
    const restated = 'Q5 - pourquoi est-il joignable depuis chaque hôte';
    assert.equal(settled(restated, 'text'), 'title: pourquoi est-il joignable depuis chaque hôte');
    assert.equal(settled(restated, 'end'), 'answer: pourquoi est-il joignable depuis chaque hôte');
    assert.equal(settled('Q5 - le routing mesh', 'text'), 'answer: le routing mesh');
    assert.equal(
      settled('Q5 - le routing mesh', { kind: 'marker', style: 'bold', quote: '' }),
      'title: le routing mesh',
    );
    assert.equal(settled('Q5 - le routing mesh', 'heading'), 'answer: le routing mesh');
  });

  it('reads headings underlined with === or ---, not a rule under a paragraph', () => {
    const levels = (text: string): unknown[] =>
      blockHeadings(splitLines(text)).map((h) => (h ? `${h.level}:${h.content}:${h.span}` : undefined));
    assert.deepEqual(levels('Ceph\n====\ntexte'), ['1:Ceph:2', undefined, undefined]);
    assert.deepEqual(levels('# TP\n\nRegistry\n--------\n'), ['1:TP:1', undefined, '2:Registry:2', undefined]);
    assert.deepEqual(levels('Ceph\n====\nRegistry\n---'), ['1:Ceph:2', undefined, '2:Registry:2', undefined]);
    assert.deepEqual(levels('une réponse\nsur deux lignes\n---'), [undefined, undefined, undefined]);
    assert.deepEqual(levels('- item\n---\n> cite\n==='), [undefined, undefined, undefined, undefined]);
    assert.deepEqual(levels('```\nCeph\n```\nCeph\n===='), [undefined, undefined, undefined, '1:Ceph:2', undefined]);
    assert.deepEqual(levels('\n---\n'), [undefined, undefined]);
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

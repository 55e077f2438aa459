import * as assert from 'node:assert/strict';
import { english } from '../../src/core/l10n';
import { exportMarkdown } from '../../src/core/report/reportFormat';
import { importReport } from '../../src/core/report/reportImport';
import { newReport, withAnswer, type ReportModel } from '../../src/core/report/reportModel';
import { outline } from './reportFixtures';

/**
 * For any report the exporter writes from random answers, import gives back
 * the same answers. Answers are drawn from what students put in them, and
 * from what looks like the importer's own cues there (`**Answer**`,
 * `Réponse 2 :`, `Q4 : …`, `> Q1 — …`, underlined lines, `# Titre`, code with
 * `## 6. Registry` inside): under the extension's own question heading they
 * are text. What an answer cannot hold, in the report format itself: a
 * heading naming a question, `## N. title`, `## Other notes` (the report's
 * own markers, see reportParse.ts), and a code fence left open (the writer
 * closes it).
 */

/** mulberry32: small, seeded, the same sequence on every machine. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = (
  'le la les un une conteneur service nœud réseau hôte disque registry swarm docker ceph keepalived ' +
  'the a container node network host disk routing mesh priority VIP eth1 core-02 5000 10 GB ' +
  'réponse answer question Q1 Q4 QB1 → -> --> : ? ! . , ; « » é è à ç ü 🙂 `docker ps` **gras** _it_ [lien](http://x)'
).split(' ');

/** Lines a student might start with, that the importer reads as cues elsewhere. */
const CUES = [
  '**Answer**',
  'Réponse :',
  'Réponse : sur core-02',
  '##### Réponse 2:',
  'Answer 1: yes',
  '→',
  'Q4 : où est lancé le service ?',
  'Q5) le routing mesh → partout',
  '**Q6 :** la pile réseau',
  '> Q1 — Comment ?',
  '> **Q2 : principe**',
  'Question 8 : collector',
  'Q12 : une autre question',
  '# Titre de niveau un',
  '#### Détail',
  '###### Q99 inconnue',
  '## Remarque',
  '### Remarque',
  'Registry',
  'Other notes',
  '---',
  '***',
  '| a | b |',
  '|---|---|',
  '1. premier',
  '  - imbriqué',
  '    indenté comme du code',
  '>',
  '> citée',
  '![capture](img/x.png)',
];

class Generator {
  constructor(private readonly next: () => number) {}

  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  pick<T>(list: readonly T[]): T {
    return list[this.int(list.length)];
  }

  words(): string {
    return Array.from({ length: 1 + this.int(8) }, () => this.pick(WORDS)).join(' ');
  }

  line(): string {
    switch (this.int(6)) {
      case 0:
        return this.pick(CUES);
      case 1:
        return `${this.pick(CUES)} ${this.words()}`;
      case 2:
        return `${this.pick(['- ', '* ', '1. ', '> ', '  ', ''])}${this.words()}`;
      default:
        return this.words();
    }
  }

  block(): string[] {
    switch (this.int(5)) {
      case 0: {
        const fence = this.pick(['```', '~~~', '````']);
        const body = Array.from({ length: this.int(4) }, () =>
          this.pick([...CUES, '## 6. Registry', '## Other notes']),
        );
        return [`${fence}${this.pick(['', 'bash', 'yaml'])}`, ...body, fence];
      }
      case 1:
        // An underlined line: a setext heading in Markdown, text under the extension's heading.
        return [this.words(), this.pick(['===', '---', '-----'])];
      default:
        return Array.from({ length: 1 + this.int(3) }, () => this.line());
    }
  }

  /** An answer: blocks separated by blank lines, or nothing. */
  answer(): string {
    if (this.int(4) === 0) {
      return '';
    }
    return Array.from({ length: 1 + this.int(4) }, () => this.block().join('\n')).join('\n\n');
  }
}

function answersOf(model: ReportModel): Map<string, string> {
  return new Map(model.sections.flatMap((s) => s.questions).map((q) => [q.id, q.text]));
}

/** What the writer keeps of an answer: no blank lines around it. */
function asWritten(text: string): string {
  return text.replace(/^(?:[ \t]*\n)+/, '').replace(/(?:\n[ \t]*)+$/, '');
}

describe('importReport: a property', () => {
  const RUNS = 300;

  it(`gives back the answers of any report the exporter writes (${RUNS} random reports)`, function () {
    // Under a second alone; a loaded machine may take longer.
    this.timeout(30_000);
    for (let seed = 1; seed <= RUNS; seed++) {
      const gen = new Generator(random(seed));
      let model: ReportModel = { ...newReport(outline), eol: gen.pick(['\n', '\r\n'] as const) };
      for (const q of outline.sections.flatMap((s) => s.questions)) {
        model = withAnswer(model, q.id, gen.answer());
      }
      const written = exportMarkdown(model);
      const got = answersOf(importReport(written, outline, english).model);
      for (const [id, text] of answersOf(model)) {
        assert.equal(got.get(id), asWritten(text), `seed ${seed}, ${id}:\n${written}`);
      }
    }
  });

  it('draws different answers from different seeds, and the same from the same', () => {
    const draw = (seed: number): string => {
      const gen = new Generator(random(seed));
      return Array.from({ length: 5 }, () => gen.answer()).join('|');
    };
    assert.equal(draw(7), draw(7));
    assert.notEqual(draw(7), draw(8));
  });
});

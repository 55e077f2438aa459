import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { english, Localizer } from '../../src/core/l10n';
import {
  Lab,
  LabContentError,
  LabLoadError,
  languageCandidates,
  loadLab,
  parseLabSection,
} from '../../src/core/lab/labContent';
import { nodeLabFiles } from '../../src/core/lab/nodeLabFiles';
import { read, ROOT } from './repoFiles';

const TP1 = path.join(ROOT, 'labs', 'tp1');
const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'labs');

function load(root: string, language: string, l10n: Localizer = english): Promise<Lab> {
  return loadLab({ root, language, files: nodeLabFiles, l10n });
}

/** The questions of the lab outline (shared/docs/lab-tp1.md), by section number. */
const OUTLINE_QUESTIONS: Record<number, string[]> = {
  4: ['Q1'],
  5: ['Q2', 'Q3', 'QB1'],
  6: ['Q4', 'Q5'],
  8: ['Q6', 'Q7'],
  9: ['Q8', 'Q9'],
  10: ['Q10'],
  14: ['Q11'],
};

describe('lab content: the shipped TP1', () => {
  for (const language of ['fr', 'en']) {
    it(`parses in ${language}: 15 sections with the outline's questions`, async () => {
      const lab = await load(TP1, language);
      assert.equal(lab.language, language);
      assert.deepEqual(lab.problems, []);
      assert.equal(lab.notice, undefined);
      assert.deepEqual(
        lab.sections.map((s) => s.number),
        Array.from({ length: 15 }, (_, i) => i + 1),
      );
      for (const s of lab.sections) {
        assert.deepEqual(
          s.questions.map((q) => q.id),
          OUTLINE_QUESTIONS[s.number] ?? [],
          `${s.file}`,
        );
        assert.ok(s.blocks.length > 0 && s.blocks[0].kind === 'markdown', `${s.file} starts with text`);
        assert.ok(
          path.basename(s.file).startsWith(`${String(s.number).padStart(2, '0')}-`),
          `${s.file} is named by its number`,
        );
      }
    });
  }

  it('has the same ids in French and English, and both languages available', async () => {
    const [fr, en] = await Promise.all([load(TP1, 'fr'), load(TP1, 'en')]);
    assert.deepEqual(fr.languages, ['fr', 'en']);
    const ids = (lab: Lab): unknown =>
      lab.sections.map((s) => ({
        id: s.id,
        steps: s.steps,
        checks: s.checks,
        questions: s.questions.map((q) => q.id),
        requires: s.requires,
        directives: s.blocks.filter((b) => b.kind !== 'markdown').map((b) => `${b.kind} ${'id' in b ? b.id : ''}`),
      }));
    assert.deepEqual(ids(en), ids(fr));
  });

  it('names only the step and check ids of labs/tp1/ids.md, and uses all of them', async () => {
    const listed = new Map<string, string>();
    for (const m of read('labs/tp1/ids.md').matchAll(/^- `([^`]+)` \((step|check)\):/gm)) {
      assert.ok(!listed.has(m[1]), `${m[1]} is listed twice in ids.md`);
      listed.set(m[1], m[2]);
    }
    const used = new Map<string, string>();
    for (const s of (await load(TP1, 'fr')).sections) {
      s.steps.forEach((id) => used.set(id, 'step'));
      s.checks.forEach((id) => used.set(id, 'check'));
    }
    assert.deepEqual([...used].sort(), [...listed].sort());
  });

  it('says which sections cannot run on the local lab', async () => {
    const fr = await load(TP1, 'fr');
    const needs = Object.fromEntries(
      fr.sections.filter((s) => s.requires.length > 0).map((s) => [s.number, s.requires]),
    );
    assert.deepEqual(needs, { 1: ['real-vms'], 4: ['public-images'], 13: ['real-vms', 'public-images'] });
  });

  it('follows the display language when complete, else French', async () => {
    assert.equal((await load(TP1, 'en-GB')).language, 'en');
    assert.equal((await load(TP1, 'fr-CA')).language, 'fr');
    const de = await load(TP1, 'de');
    assert.equal(de.language, 'fr');
    assert.equal(de.notice, undefined, 'no German folder: nothing to warn about');
    assert.deepEqual(languageCandidates('pt-BR'), ['pt-br', 'pt']);
  });
});

describe('lab content: one section', () => {
  const file = 'labs/x/fr/02-swarm.md';
  const text = [
    '---',
    'id: swarm',
    'number: 2',
    'title: "Docker Swarm : le cluster"',
    'steps: [swarm.init-join]',
    'checks: [swarm.nodes-ready]',
    'questions:',
    '  - id: Q4',
    '    title: Où tourne-t-il ?',
    '---',
    '',
    'Former le swarm :',
    '',
    '```sh',
    '::: step not.a-directive',
    '```',
    '',
    '::: step swarm.init-join',
    '',
    '::: check swarm.nodes-ready',
    'Puis répondre.',
    '',
    '::: question Q4',
    '',
  ].join('\n');

  it('reads the front matter and cuts the text at each directive, in order', async () => {
    const s = await parseLabSection(text, file, english);
    assert.equal(s.id, 'swarm');
    assert.equal(s.number, 2);
    assert.equal(s.title, 'Docker Swarm : le cluster');
    assert.deepEqual(s.questions, [{ id: 'Q4', title: 'Où tourne-t-il ?', line: 8 }]);
    assert.deepEqual(s.blocks, [
      { kind: 'markdown', text: 'Former le swarm :\n\n```sh\n::: step not.a-directive\n```', line: 12 },
      { kind: 'step', id: 'swarm.init-join', line: 18 },
      { kind: 'check', id: 'swarm.nodes-ready', line: 20 },
      { kind: 'markdown', text: 'Puis répondre.', line: 21 },
      { kind: 'question', id: 'Q4', line: 23 },
    ]);
  });

  it('reads CRLF files and a byte order mark the same way', async () => {
    const s = await parseLabSection(`\uFEFF${text.replace(/\n/g, '\r\n')}`, file, english);
    assert.deepEqual(
      s.blocks.map((b) => b.line),
      [12, 18, 20, 21, 23],
    );
  });

  it('words its messages through the Localizer', async () => {
    const shouting: Localizer = { t: (m, ...a) => english.t(m, ...a).toUpperCase() };
    await assert.rejects(parseLabSection('# no front matter', file, shouting), (e: LabContentError) => {
      assert.equal(e.reason, e.reason.toUpperCase());
      assert.match(e.message, /^labs\/x\/fr\/02-swarm\.md:1: THE FILE MUST START/);
      return true;
    });
  });
});

describe('lab content: malformed files name the file and the line', () => {
  const cases: Array<[fixture: string, line: number, reason: RegExp]> = [
    ['no-front-matter.md', 1, /must start with a front matter/],
    ['unclosed-front-matter.md', 1, /never closed by a line "---"/],
    ['bad-yaml.md', 6, /^Invalid front matter: .*Flow sequence/],
    ['unknown-field.md', 5, /Unknown field "question"/],
    ['missing-number.md', 1, /no "number" field/],
    ['unknown-directive.md', 12, /Unknown directive "::: hint regardez docker node ls"/],
    ['directive-without-id.md', 8, /"::: step <id>", with one id/],
    ['duplicate-question.md', 8, /"Q4" is listed twice/],
    ['undeclared-directive.md', 16, /"registry\.answers" is placed here but not listed under "checks"/],
    ['unplaced-question.md', 8, /"Q5" is listed under "questions" but no "::: question Q5"/],
    ['unclosed-fence.md', 8, /code block opened on line 8 is never closed/],
    ['bad-step-id.md', 7, /"RegistryPush" is not a valid step or check id/],
    ['07-wrong-number.md', 3, /file name says section 07 but the front matter says 6/],
  ];
  for (const [fixture, line, reason] of cases) {
    it(fixture, async () => {
      const file = path.join(FIXTURES, 'malformed', fixture);
      await assert.rejects(parseLabSection(read(path.relative(ROOT, file)), file, english), (e: unknown) => {
        assert.ok(e instanceof LabContentError);
        assert.equal(e.file, file);
        assert.equal(e.line, line, e.message);
        assert.match(e.reason, reason);
        assert.ok(e.message.startsWith(`${file}:${line}: `));
        return true;
      });
    });
  }
});

describe('lab content: a lab folder', () => {
  it('keeps a translation that lacks a question out, names it, and shows French', async () => {
    const root = path.join(FIXTURES, 'missing-question');
    const lab = await load(root, 'en');
    assert.equal(lab.language, 'fr');
    assert.deepEqual(lab.languages, ['fr']);
    assert.match(
      lab.notice ?? '',
      /"en" version of this lab is incomplete, so it is shown in French\. Problems found: 1\./,
    );
    assert.equal(lab.problems.length, 1);
    const [p] = lab.problems;
    assert.equal(p.file, `${root}/en/01-registry.md`);
    assert.equal(p.line, 5);
    assert.match(p.reason, /"Q5" of .*fr\/01-registry\.md is missing under "questions"/);
  });

  it('refuses a question asked in two sections', async () => {
    const root = path.join(FIXTURES, 'duplicates');
    await assert.rejects(load(root, 'fr'), (e: unknown) => {
      assert.ok(e instanceof LabLoadError);
      assert.equal(e.problems.length, 1);
      assert.equal(e.problems[0].file, `${root}/fr/02-keepalived.md`);
      assert.equal(e.problems[0].line, 8);
      assert.match(e.problems[0].reason, /Question Q4 is already asked in .*01-registry\.md/);
      return true;
    });
  });

  it('needs the French folder, and a folder that exists', async () => {
    const noFrench = path.join(FIXTURES, 'no-reference');
    await assert.rejects(load(noFrench, 'en'), /no-reference: The lab has no "fr" folder/);
    await assert.rejects(load(path.join(FIXTURES, 'nowhere'), 'fr'), /nowhere: The lab folder does not exist/);
  });
});

import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { english } from '../../src/core/l10n';
import { loadLab, type Lab } from '../../src/core/lab/labContent';
import { nodeLabFiles } from '../../src/core/lab/nodeLabFiles';
import { unavailableLabActions } from '../../src/core/labPanel/labActions';
import {
  evidenceTarget,
  isAnswered,
  neighbourSection,
  outlineOf,
  pickSection,
  sectionView,
  summarizeSections,
  totalProgress,
} from '../../src/core/labPanel/panelModel';
import { markdownRenderer } from '../../src/core/labPanel/panelMarkdown';
import type { BlockView, CheckView } from '../../src/core/labPanel/protocol';
import { formatReport } from '../../src/core/report/reportFormat';
import { newReport } from '../../src/core/report/reportModel';
import { parseReport } from '../../src/core/report/reportParse';
import { outline as fixtureOutline } from './reportFixtures';
import { ROOT } from './repoFiles';

const TP1 = path.join(ROOT, 'labs', 'tp1');

describe('lab panel: what it shows, from the lab, the report and the checks', () => {
  let fr: Lab;
  before(async () => {
    fr = await loadLab({ root: TP1, language: 'fr', files: nodeLabFiles, l10n: english });
  });

  it('counts answered questions and passing checks per section and in total', () => {
    const answers = new Map([
      ['Q4', 'core-02'],
      ['Q5', '   \n'],
      ['Q2', 'a distributed FS'],
    ]);
    const checks = new Map<string, CheckView>([
      ['registry.answers', { state: 'pass', why: '' }],
      ['machines.reachable', { state: 'fail', why: 'core-03 does not answer' }],
      ['vagrant.data-disk', { state: 'unknown', why: '' }],
    ]);
    const summaries = summarizeSections(fr.sections, answers, checks);
    const registry = summaries.find((s) => s.id === 'registry-1')!;
    assert.deepEqual(
      { q: registry.questions, a: registry.answered, c: registry.checks, p: registry.checksPassing },
      { q: 2, a: 1, c: 1, p: 1 },
      'a blank answer is not an answer',
    );
    const prerequisites = summaries[0];
    assert.equal(prerequisites.checks, 2);
    assert.equal(prerequisites.checksPassing, 0, 'failing and unknown checks do not count');
    const total = totalProgress(summaries);
    assert.equal(total.questions, 12, 'Q1–Q11 and QB1');
    assert.equal(total.answered, 2);
    assert.equal(total.checksPassing, 1);
    assert.equal(
      total.checks,
      summaries.reduce((n, s) => n + s.checks, 0),
    );
    assert.equal(isAnswered(undefined), false);
  });

  it('moves to the next and previous section, staying at the ends', () => {
    assert.equal(neighbourSection(fr.sections, 'registry-1', 1)?.number, 7);
    assert.equal(neighbourSection(fr.sections, 'registry-1', -1)?.number, 5);
    assert.equal(neighbourSection(fr.sections, fr.sections[0].id, -1)?.number, 1);
    assert.equal(neighbourSection(fr.sections, fr.sections[14].id, 1)?.number, 15);
    assert.equal(
      pickSection(fr.sections, 'nope')?.number,
      1,
      'an unknown section (a lab changed since) shows the first',
    );
    assert.equal(pickSection(fr.sections, 'keepalived')?.number, 8);
  });

  it("gives the report the lab's outline: the same sections and questions as the report fixtures", () => {
    const outline = outlineOf(fr.sections, 'TP1');
    assert.deepEqual(
      outline.sections.map((s) => [s.number, s.questions.map((q) => q.id)]),
      fixtureOutline.sections.map((s) => [s.number, s.questions.map((q) => q.id)]),
    );
    const text = formatReport(newReport(outline));
    assert.equal(formatReport(parseReport(text, outline)), text, 'a new report round-trips');
  });

  it('renders a section: Markdown as HTML, steps, checks and questions in the order of the file', async () => {
    const render = await markdownRenderer();
    const section = pickSection(fr.sections, 'registry-1')!;
    const view = sectionView(section, render, new Map(), english);
    assert.deepEqual(
      view.blocks.filter((b) => b.kind !== 'markdown').map((b) => `${b.kind} ${'id' in b ? b.id : ''}`),
      ['step registry.deploy', 'check registry.answers', 'question Q4', 'question Q5'],
    );
    const first = view.blocks[0];
    assert.ok(first.kind === 'markdown' && first.html.includes('<code'), 'Markdown is HTML');
    const check = view.blocks.find((b) => b.kind === 'check');
    assert.deepEqual(check?.kind === 'check' && check.check.state, 'unknown', 'a check not evaluated yet');
    const q4 = view.blocks.find((b) => b.kind === 'question' && b.id === 'Q4');
    assert.ok(q4?.kind === 'question' && q4.title.startsWith('Sur quel hôte'));
    const vms = sectionView(fr.sections[0], render, new Map(), english);
    assert.equal(vms.requires.length, 1, 'real-vms, worded');
  });

  it('sends evidence to the question typed in last, else the next question, else the one before', () => {
    const blocks: BlockView[] = [
      { kind: 'step', id: 'a.run' },
      { kind: 'question', id: 'Q1', title: '' },
      { kind: 'check', id: 'a.ok', check: { state: 'pass', why: '' } },
      { kind: 'question', id: 'Q2', title: '' },
      { kind: 'step', id: 'b.run' },
    ];
    assert.equal(evidenceTarget(blocks, 'a.run', undefined), 'Q1');
    assert.equal(evidenceTarget(blocks, 'a.ok', undefined), 'Q2');
    assert.equal(evidenceTarget(blocks, 'b.run', undefined), 'Q2');
    assert.equal(evidenceTarget(blocks, 'b.run', 'Q1'), 'Q1');
    assert.equal(evidenceTarget(blocks, 'a.run', 'Q9'), 'Q1', 'a question of another section is not used');
    assert.equal(evidenceTarget([{ kind: 'step', id: 'x.y' }], 'x.y', undefined), undefined);
  });

  it('says honestly that steps and checks are not available before the step engine is plugged in', async () => {
    const actions = unavailableLabActions(english);
    const lines: unknown[] = [];
    const step = await actions.runStep('registry.deploy', (l) => lines.push(l), new AbortController().signal);
    assert.equal(step.ok, false, 'never a fake success');
    assert.match(step.summary, /registry\.deploy.*not available yet/);
    assert.equal(step.evidence, undefined);
    assert.deepEqual(lines, []);
    const check = await actions.runCheck('registry.answers', new AbortController().signal);
    assert.equal(check.state, 'unknown');
    assert.match(check.why, /not available yet/);
  });
});

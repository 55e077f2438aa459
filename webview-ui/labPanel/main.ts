import { isClusterMapMessage } from '../../src/core/cluster/clusterMapProtocol';
import { evidenceTarget, totalProgress } from '../../src/core/labPanel/panelModel';
import {
  isHostMessage,
  parsePanelState,
  type HostMessage,
  type LabPanelState,
  type PanelStrings,
  type ReportStatus,
  type SectionSummary,
} from '../../src/core/labPanel/protocol';
import { Answers } from './answers';
import { ClusterMapRegion } from './clusterMapRegion';
import { checkBlock, markdownBlock, stepBlock, type BlockActions, type CheckRun, type StepRun } from './blocks';
import { environmentBanner, reportBanner, sectionNav, toolbar } from './chrome';
import { button, byData, format, h } from './dom';
import '../clusterMap/clusterMap.css';
import './panel.css';
import { vscode } from './vscodeApi';

/**
 * The lab panel's page. It shows what the extension sends and sends back
 * what the student does; the report file, the lab and the steps stay on the
 * extension's side (see src/core/labPanel/protocol.ts).
 */

type LabMessage = Extract<HostMessage, { type: 'lab' }>;

const app = document.getElementById('app')!;
const saved = parsePanelState(vscode.getState());
let lab: LabMessage | undefined;
let strings: PanelStrings | undefined;
let sections: readonly SectionSummary[] = [];
let report: ReportStatus | undefined;
let pendingDrafts = saved.drafts;
let focusHeading = false;
const steps = new Map<string, StepRun>();
const checks = new Map<string, CheckRun>();
const answers = new Answers(app, saveState, refreshEvidenceButtons);
const clusterMap = new ClusterMapRegion(saved.mapOpen === true, saveState);

/** What comes back after a reload or when the hidden panel is shown again. */
function saveState(): void {
  const state: LabPanelState = {
    ...(lab ? { sectionId: lab.section.id, language: lab.language } : {}),
    drafts: answers.sync.drafts(),
    mapOpen: clusterMap.open,
  };
  vscode.setState(state);
}

function questionIds(): string[] {
  return lab?.section.blocks.flatMap((b) => (b.kind === 'question' ? [b.id] : [])) ?? [];
}

function writable(): boolean {
  return report !== undefined && report.exists && report.problem === undefined;
}

function go(sectionId: string): void {
  answers.sync.flush();
  focusHeading = true;
  vscode.postMessage({ type: 'showSection', sectionId });
}

function move(delta: 1 | -1): void {
  const next = sections[sections.findIndex((s) => s.id === lab?.section.id) + delta];
  if (next) {
    go(next.id);
  }
}

function blockActions(s: PanelStrings): BlockActions {
  return {
    strings: s,
    runStep: (id) => {
      steps.set(id, { running: true, lines: [] });
      rebuildBlock('step', id);
      vscode.postMessage({ type: 'runStep', stepId: id });
    },
    cancelStep: (id) => vscode.postMessage({ type: 'cancelStep', stepId: id }),
    runCheck: (id) => {
      checks.set(id, { ...(checks.get(id) ?? { state: 'unknown', why: '' }), checking: true });
      rebuildBlock('check', id);
      vscode.postMessage({ type: 'runCheck', checkId: id });
    },
    evidenceTarget: (blockId) => evidenceTarget(lab?.section.blocks ?? [], blockId, answers.lastQuestion),
    insertEvidence: (id, evidence) => answers.insertEvidence(id, evidence),
  };
}

/** The evidence buttons name the question they write into: it changes with the box typed in. */
function refreshEvidenceButtons(): void {
  app.querySelectorAll<HTMLElement>('[data-evidence-for]').forEach((b) => {
    const block = b.closest<HTMLElement>('[data-step], [data-check]');
    if (block?.dataset['step'] !== undefined) {
      rebuildBlock('step', block.dataset['step']);
    } else if (block?.dataset['check'] !== undefined) {
      rebuildBlock('check', block.dataset['check']);
    }
  });
}

function rebuildBlock(kind: 'step' | 'check', id: string): void {
  const old = byData(app, kind, id);
  if (!old || !strings) {
    return;
  }
  const hadFocus = old.contains(document.activeElement);
  const fresh =
    kind === 'step'
      ? stepBlock(id, steps.get(id), blockActions(strings), lab?.section.environment?.unavailable[id])
      : checkBlock(id, checks.get(id) ?? { state: 'unknown', why: '' }, blockActions(strings));
  old.replaceWith(fresh);
  if (hadFocus) {
    fresh.querySelector<HTMLElement>('button')?.focus();
  }
}

/** The report's banner and whether answers can be typed, changed in place: a box being typed in stays. */
function updateReport(): void {
  const old = app.querySelector('[data-report]');
  const fresh = strings && reportBanner(report, strings);
  if (!old || !fresh) {
    return render();
  }
  old.replaceWith(fresh);
  answers.reportPath = report?.path ?? '';
  answers.setWritable(writable());
}

function render(): void {
  if (!lab || !strings) {
    return;
  }
  const s = strings;
  const section = lab.section;
  const blocks = blockActions(s);
  answers.strings = s;
  answers.reportPath = report?.path ?? '';
  answers.writable = writable();
  const at = sections.findIndex((x) => x.id === section.id);
  const heading = h('h1', { attrs: { tabindex: '-1' }, text: `${section.number}. ${section.title}` });
  const mapSlot = h('div', { class: 'cluster-map-slot' });
  clusterMap.mount(mapSlot, s.clusterMap);
  const main = h(
    'main',
    { class: 'content', attrs: { lang: lab.language } },
    lab.notice !== undefined && h('div', { class: 'banner warning', text: lab.notice }),
    reportBanner(report, s),
    heading,
    section.requires.length > 0 && h('p', { class: 'requires', text: format(s.requires, section.requires.join('; ')) }),
    environmentBanner(section.environment, s),
    mapSlot,
    ...section.blocks.map((b) => {
      switch (b.kind) {
        case 'markdown':
          return markdownBlock(b);
        case 'step':
          return stepBlock(b.id, steps.get(b.id), blocks, section.environment?.unavailable[b.id]);
        case 'check':
          return checkBlock(b.id, checks.get(b.id) ?? b.check, blocks);
        case 'question':
          return answers.block(b.id, b.title);
      }
    }),
    h(
      'footer',
      { class: 'pager' },
      button(s.previous, () => move(-1), { class: 'secondary', attrs: at <= 0 ? { disabled: '' } : {} }),
      h('span', { class: 'hint', text: s.keyboardHint }),
      button(s.next, () => move(1), { class: 'secondary', attrs: at >= sections.length - 1 ? { disabled: '' } : {} }),
    ),
  );
  app.replaceChildren(
    toolbar(sections, lab.language, lab.languages, s),
    h('div', { class: 'layout' }, sectionNav(sections, section.id, s, go), main),
  );
  app.setAttribute('aria-busy', 'false');
  answers.refreshPreviews(questionIds());
  if (focusHeading) {
    focusHeading = false;
    heading.focus();
  }
}

function showLab(m: LabMessage): void {
  if (lab?.section.id !== m.section.id) {
    answers.lastQuestion = undefined;
  }
  lab = m;
  strings = m.strings;
  sections = m.sections;
  report = m.report;
  for (const b of m.section.blocks) {
    if (b.kind === 'check' && !checks.get(b.id)?.checking) {
      checks.set(b.id, b.check);
    }
  }
  answers.fromFile(questionIds(), m.answers);
  if (pendingDrafts && report.exists) {
    // Typed before a reload and not written then: sent again over the text they were typed on.
    Object.entries(pendingDrafts).forEach(([id, d]) => answers.sync.restore(id, d));
    pendingDrafts = undefined;
  }
  render();
  saveState();
}

function showProgress(): void {
  if (!lab || !strings) {
    return;
  }
  // Progress comes while a keyboard user may be tabbing through the list (checks are
  // evaluated again on swarm events): the new list gets the focus back on the same section.
  const old = app.querySelector('nav.sections');
  const focused = old?.contains(document.activeElement)
    ? (document.activeElement as HTMLElement | null)?.dataset['section']
    : undefined;
  const fresh = sectionNav(sections, lab.section.id, strings, go);
  old?.replaceWith(fresh);
  if (focused !== undefined) {
    fresh.querySelector<HTMLElement>(`button[data-section="${CSS.escape(focused)}"]`)?.focus();
  }
  const t = totalProgress(sections);
  const total = app.querySelector('[data-total]');
  if (total) {
    total.textContent = format(strings.progress, t.answered, t.questions, t.checksPassing, t.checks);
  }
}

function onMessage(m: HostMessage): void {
  switch (m.type) {
    case 'lab':
      return showLab(m);
    case 'labError':
      strings = m.strings;
      app.replaceChildren(
        h(
          'div',
          { class: 'lab-error', attrs: { role: 'alert' } },
          h('h1', { text: m.strings.labError }),
          h('pre', { text: m.message }),
        ),
      );
      app.setAttribute('aria-busy', 'false');
      return;
    case 'answers': {
      const before = report;
      report = m.report;
      answers.fromFile(questionIds(), m.answers);
      if (before?.exists !== report.exists || before.dirty !== report.dirty || before.path !== report.path) {
        updateReport();
      }
      return;
    }
    case 'progress':
      sections = m.sections;
      return showProgress();
    case 'answerSaved':
    case 'answerConflict':
    case 'answerFailed':
      return answers.written(m);
    case 'stepStarted':
      steps.set(m.stepId, { running: true, lines: [] });
      return rebuildBlock('step', m.stepId);
    case 'stepOutput': {
      const run = steps.get(m.stepId) ?? { running: true, lines: [] };
      run.lines.push(...m.lines);
      steps.set(m.stepId, run);
      return rebuildBlock('step', m.stepId);
    }
    case 'stepFinished':
      steps.set(m.stepId, {
        running: false,
        lines: steps.get(m.stepId)?.lines ?? [],
        result: { ok: m.ok, summary: m.summary, ...(m.evidence !== undefined ? { evidence: m.evidence } : {}) },
      });
      return rebuildBlock('step', m.stepId);
    case 'checkState':
      checks.set(m.checkId, m.check);
      return rebuildBlock('check', m.checkId);
    case 'preview':
      return answers.preview(m.requestId, m.html);
    case 'clusterMap':
      // Swapped in as HTML: checked first, whoever sent it.
      return isClusterMapMessage(m) ? clusterMap.show(m.html) : undefined;
  }
}

window.addEventListener('message', (e: MessageEvent<unknown>) => {
  if (isHostMessage(e.data)) {
    onMessage(e.data);
  }
});

// Alt+Page Down / Alt+Page Up: next / previous section, from anywhere in the page (answer boxes too).
document.addEventListener('keydown', (e) => {
  if (e.altKey && !e.ctrlKey && !e.metaKey && (e.key === 'PageDown' || e.key === 'PageUp')) {
    e.preventDefault();
    move(e.key === 'PageDown' ? 1 : -1);
  }
});

// The webview may be torn down when hidden: what waits for a pause is sent now.
window.addEventListener('pagehide', () => answers.sync.flush());

vscode.postMessage({ type: 'ready', state: saved });

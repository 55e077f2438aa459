import { AnswerSync } from '../../src/core/labPanel/answerSync';
import { insertBlock } from '../../src/core/labPanel/evidence';
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
import { checkBlock, markdownBlock, stepBlock, type BlockActions, type CheckRun, type StepRun } from './blocks';
import { sectionNav, reportBanner, toolbar } from './chrome';
import { button, byData, format, h } from './dom';
import { conflictBox, questionBlock, setBoxText, type QuestionActions } from './questions';
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
let lastQuestion: string | undefined;
let previewSeq = 0;
const steps = new Map<string, StepRun>();
const checks = new Map<string, CheckRun>();
const cursors = new Map<string, number>();
const previewing = new Set<string>();
const previewFor = new Map<number, string>();
const statusOf = new Map<string, string>();

const sync = new AnswerSync({
  send: (m) => {
    statusOf.set(m.questionId, strings?.saving ?? '');
    showStatus(m.questionId);
    vscode.postMessage(m);
  },
  schedule: (fn, ms) => {
    const t = setTimeout(fn, ms);
    return () => clearTimeout(t);
  },
});

function saveState(): void {
  const state: LabPanelState = {
    ...(lab ? { sectionId: lab.section.id, language: lab.language } : {}),
    drafts: sync.drafts(),
  };
  vscode.setState(state);
}

function questionIds(): string[] {
  return lab?.section.blocks.flatMap((b) => (b.kind === 'question' ? [b.id] : [])) ?? [];
}

function box(id: string): HTMLTextAreaElement | undefined {
  const q = byData(app, 'question', id);
  return q?.querySelector('textarea') ?? undefined;
}

function showStatus(id: string): void {
  const q = byData(app, 'question', id);
  const status = q?.querySelector<HTMLElement>('.status');
  if (status) {
    status.textContent = statusOf.get(id) ?? '';
  }
  const old = q?.querySelector('.conflict');
  if (old && strings) {
    old.replaceWith(conflictBox(id, questionActions(strings)));
  }
}

function applyFileAnswers(answers: Readonly<Record<string, string>>): void {
  for (const id of new Set([...questionIds(), ...Object.keys(answers)])) {
    const update = sync.fileAnswer(id, answers[id] ?? '');
    const b = box(id);
    if (update.kind === 'replace' && b) {
      setBoxText(b, update.text);
      if (previewing.has(id)) {
        requestPreview(id);
      }
    }
  }
}

function requestPreview(id: string): void {
  const seq = ++previewSeq;
  previewFor.set(seq, id);
  vscode.postMessage({ type: 'renderPreview', requestId: seq, text: sync.text(id) });
}

function go(sectionId: string): void {
  sync.flush();
  focusHeading = true;
  vscode.postMessage({ type: 'showSection', sectionId });
}

function step(delta: 1 | -1): void {
  const at = sections.findIndex((s) => s.id === lab?.section.id);
  const next = sections[at + delta];
  if (next) {
    go(next.id);
  }
}

function questionActions(s: PanelStrings): QuestionActions {
  return {
    strings: s,
    writable: report !== undefined && report.exists && report.problem === undefined,
    text: (id) => sync.text(id),
    conflict: (id) => sync.conflictOf(id),
    status: (id) => statusOf.get(id) ?? '',
    previewing: (id) => previewing.has(id),
    edited: (id, b) => {
      cursors.set(id, b.selectionStart);
      sync.edit(id, b.value);
      saveState();
    },
    left: (id) => sync.flush(id),
    focused: (id, b) => {
      cursors.set(id, b.selectionStart);
      if (lastQuestion !== id) {
        lastQuestion = id;
        refreshEvidenceButtons();
      }
    },
    togglePreview: (id) => {
      if (previewing.has(id)) {
        previewing.delete(id);
      } else {
        previewing.add(id);
        requestPreview(id);
      }
      rebuildQuestion(id);
      byData(app, 'question', id)?.querySelector<HTMLElement>('.toggle')?.focus();
    },
    resolve: (id, keep) => {
      const text = sync.resolve(id, keep);
      const b = box(id);
      if (b) {
        setBoxText(b, text);
      }
      showStatus(id);
      saveState();
    },
  };
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
    evidenceTarget: (blockId) => evidenceTarget(lab?.section.blocks ?? [], blockId, lastQuestion),
    insertEvidence: (id, evidence) => {
      const b = box(id);
      if (!b || b.readOnly) {
        return;
      }
      const { text, cursor } = insertBlock(sync.text(id), evidence, cursors.get(id));
      b.value = text;
      sync.edit(id, text);
      sync.flush(id);
      saveState();
      b.focus();
      b.setSelectionRange(cursor, cursor);
      cursors.set(id, cursor);
    },
  };
}

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
      ? stepBlock(id, steps.get(id), blockActions(strings))
      : checkBlock(id, checks.get(id) ?? { state: 'unknown', why: '' }, blockActions(strings));
  old.replaceWith(fresh);
  if (hadFocus) {
    fresh.querySelector<HTMLElement>('button')?.focus();
  }
}

function rebuildQuestion(id: string): void {
  const old = byData(app, 'question', id);
  const title = lab?.section.blocks.find((b) => b.kind === 'question' && b.id === id);
  if (old && strings && title?.kind === 'question') {
    old.replaceWith(questionBlock(id, title.title, questionActions(strings)));
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
  const writable = questionActions(strings!).writable;
  app.querySelectorAll('textarea').forEach((b) => (b.readOnly = !writable));
}

function render(): void {
  if (!lab || !strings) {
    return;
  }
  const s = strings;
  const section = lab.section;
  const blocks = blockActions(s);
  const questions = questionActions(s);
  const at = sections.findIndex((x) => x.id === section.id);
  const heading = h('h1', { attrs: { tabindex: '-1' }, text: `${section.number}. ${section.title}` });
  const main = h(
    'main',
    { class: 'content', attrs: { lang: lab.language } },
    lab.notice !== undefined && h('div', { class: 'banner warning', text: lab.notice }),
    reportBanner(report, s),
    heading,
    section.requires.length > 0 && h('p', { class: 'requires', text: format(s.requires, section.requires.join('; ')) }),
    ...section.blocks.map((b) => {
      switch (b.kind) {
        case 'markdown':
          return markdownBlock(b);
        case 'step':
          return stepBlock(b.id, steps.get(b.id), blocks);
        case 'check':
          return checkBlock(b.id, checks.get(b.id) ?? b.check, blocks);
        case 'question':
          return questionBlock(b.id, b.title, questions);
      }
    }),
    h(
      'footer',
      { class: 'pager' },
      button(s.previous, () => step(-1), { class: 'secondary', attrs: at <= 0 ? { disabled: '' } : {} }),
      h('span', { class: 'hint', text: s.keyboardHint }),
      button(s.next, () => step(1), { class: 'secondary', attrs: at >= sections.length - 1 ? { disabled: '' } : {} }),
    ),
  );
  app.replaceChildren(
    toolbar(sections, lab.language, lab.languages, s),
    h('div', { class: 'layout' }, sectionNav(sections, section.id, s, go), main),
  );
  app.setAttribute('aria-busy', 'false');
  previewing.forEach((id) => questionIds().includes(id) && requestPreview(id));
  if (focusHeading) {
    focusHeading = false;
    heading.focus();
  }
}

function onMessage(m: HostMessage): void {
  switch (m.type) {
    case 'lab': {
      const changedSection = lab?.section.id !== m.section.id;
      lab = m;
      strings = m.strings;
      sections = m.sections;
      report = m.report;
      if (changedSection) {
        lastQuestion = undefined;
      }
      m.section.blocks.forEach((b) => b.kind === 'check' && !checks.get(b.id)?.checking && checks.set(b.id, b.check));
      applyFileAnswers(m.answers);
      if (pendingDrafts && report.exists) {
        Object.entries(pendingDrafts).forEach(([id, d]) => sync.restore(id, d));
        pendingDrafts = undefined;
      }
      render();
      saveState();
      return;
    }
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
      applyFileAnswers(m.answers);
      if (before?.exists !== report.exists || before.dirty !== report.dirty || before.path !== report.path) {
        updateReport();
      }
      return;
    }
    case 'progress':
      sections = m.sections;
      if (lab && strings) {
        app.querySelector('nav.sections')?.replaceWith(sectionNav(sections, lab.section.id, strings, go));
        const t = totalProgress(sections);
        const total = app.querySelector('[data-total]');
        if (total) {
          total.textContent = format(strings.progress, t.answered, t.questions, t.checksPassing, t.checks);
        }
      }
      return;
    case 'answerSaved':
      sync.saved(m.questionId, m.seq, m.text);
      statusOf.set(
        m.questionId,
        sync.pending(m.questionId) ? (strings?.saving ?? '') : format(strings?.saved ?? '', report?.path ?? ''),
      );
      showStatus(m.questionId);
      saveState();
      return;
    case 'answerConflict':
      sync.conflicted(m.questionId, m.seq, m.fileText);
      statusOf.set(m.questionId, '');
      showStatus(m.questionId);
      saveState();
      return;
    case 'answerFailed':
      sync.failed(m.questionId, m.seq);
      statusOf.set(m.questionId, format(strings?.saveFailed ?? '{0}', m.message));
      showStatus(m.questionId);
      return;
    case 'stepStarted':
      steps.set(m.stepId, { running: true, lines: [] });
      rebuildBlock('step', m.stepId);
      return;
    case 'stepOutput': {
      const run = steps.get(m.stepId) ?? { running: true, lines: [] };
      run.lines.push(...m.lines);
      steps.set(m.stepId, run);
      rebuildBlock('step', m.stepId);
      return;
    }
    case 'stepFinished':
      steps.set(m.stepId, {
        running: false,
        lines: steps.get(m.stepId)?.lines ?? [],
        result: { ok: m.ok, summary: m.summary, ...(m.evidence !== undefined ? { evidence: m.evidence } : {}) },
      });
      rebuildBlock('step', m.stepId);
      return;
    case 'checkState':
      checks.set(m.checkId, m.check);
      rebuildBlock('check', m.checkId);
      return;
    case 'preview': {
      const id = previewFor.get(m.requestId);
      previewFor.delete(m.requestId);
      const target = id === undefined ? undefined : byData(app, 'preview', id);
      if (target && strings) {
        // markdown-it's output, rendered by the extension with raw HTML off.
        target.innerHTML = m.html.trim() === '' ? '' : m.html;
        if (m.html.trim() === '') {
          target.textContent = strings.previewEmpty;
        }
      }
      return;
    }
  }
}

window.addEventListener('message', (e: MessageEvent<unknown>) => {
  if (isHostMessage(e.data)) {
    onMessage(e.data);
  }
});

document.addEventListener('keydown', (e) => {
  if (e.altKey && !e.ctrlKey && !e.metaKey && (e.key === 'PageDown' || e.key === 'PageUp')) {
    e.preventDefault();
    step(e.key === 'PageDown' ? 1 : -1);
  }
});

// The webview may be torn down when hidden: what waits for a pause is sent now.
window.addEventListener('pagehide', () => sync.flush());

vscode.postMessage({ type: 'ready', state: saved });

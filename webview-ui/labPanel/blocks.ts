import type { BlockView, CheckView, OutputLine, PanelStrings } from '../../src/core/labPanel/protocol';
import { button, format, h } from './dom';

/**
 * The blocks of a section: text, steps (Run, output, result), checks (state
 * and why) and questions (answer box with preview). Each block is rebuilt
 * alone when its state changes, so typing elsewhere is never disturbed.
 */

export interface StepRun {
  running: boolean;
  lines: OutputLine[];
  result?: { readonly ok: boolean; readonly summary: string; readonly evidence?: string };
}

export interface CheckRun extends CheckView {
  readonly checking?: boolean;
}

export interface BlockActions {
  readonly strings: PanelStrings;
  runStep(id: string): void;
  cancelStep(id: string): void;
  runCheck(id: string): void;
  /** The question evidence goes into from a block, if the section has one. */
  evidenceTarget(blockId: string): string | undefined;
  insertEvidence(questionId: string, evidence: string): void;
}

const MAX_SHOWN_LINES = 400;

export function markdownBlock(block: Extract<BlockView, { kind: 'markdown' }>): HTMLElement {
  const div = h('div', { class: 'markdown' });
  // markdown-it's output, rendered by the extension with raw HTML off.
  div.innerHTML = block.html;
  return div;
}

/** `unavailable`: why the step cannot run where the machines are now (its Run button is then disabled). */
export function stepBlock(id: string, run: StepRun | undefined, a: BlockActions, unavailable?: string): HTMLElement {
  const s = a.strings;
  const title = h('h3', { class: 'block-title', text: format(s.step, id), attrs: { id: `step-${id}` } });
  const action = run?.running
    ? button(s.cancel, () => a.cancelStep(id), { class: 'secondary' })
    : button(s.run, () => a.runStep(id), {
        attrs: {
          'aria-describedby': `step-${id}`,
          ...(unavailable !== undefined ? { disabled: '', title: unavailable } : {}),
        },
      });
  const lines = run?.lines.slice(-MAX_SHOWN_LINES) ?? [];
  const output =
    lines.length > 0
      ? h(
          'pre',
          { class: 'output', attrs: { role: 'log', 'aria-label': format(s.output, id), tabindex: '0' } },
          ...lines.map((l) =>
            h('span', { class: `line ${l.kind}`, text: `${l.node !== undefined ? `[${l.node}] ` : ''}${l.text}\n` }),
          ),
        )
      : undefined;
  const status = h('p', { class: 'status', attrs: { 'aria-live': 'polite' } });
  if (run?.running) {
    status.textContent = s.running;
  } else if (run?.result) {
    status.className = `status ${run.result.ok ? 'ok' : 'bad'}`;
    status.textContent = `${run.result.ok ? '✓' : '✗'} ${run.result.summary}`;
  } else if (unavailable !== undefined) {
    status.className = 'status why';
    status.textContent = unavailable;
  }
  return h(
    'section',
    { class: 'block step', attrs: { 'data-step': id, 'aria-labelledby': `step-${id}` } },
    h('div', { class: 'block-head' }, title, action),
    output,
    status,
    run?.result?.evidence !== undefined && evidenceButton(id, run.result.evidence, a),
  );
}

const CHECK_MARK: Record<CheckView['state'], string> = { pass: '✓', fail: '✗', unknown: '?' };

export function checkBlock(id: string, check: CheckRun, a: BlockActions): HTMLElement {
  const s = a.strings;
  const word = check.checking ? s.checking : s[check.state];
  return h(
    'section',
    { class: `block check ${check.checking ? 'checking' : check.state}`, attrs: { 'data-check': id } },
    h(
      'div',
      { class: 'block-head' },
      h(
        'h3',
        { class: 'block-title', attrs: { id: `check-${id}` } },
        h('span', { class: 'mark', text: CHECK_MARK[check.state], attrs: { 'aria-hidden': 'true' } }),
        ` ${format(s.check, id)}: `,
        h('span', { class: 'state', text: word }),
      ),
      button(s.checkAgain, () => a.runCheck(id), {
        class: 'secondary',
        attrs: { 'aria-describedby': `check-${id}`, ...(check.checking ? { disabled: '' } : {}) },
      }),
    ),
    check.why !== '' && h('p', { class: 'why', text: check.why, attrs: { 'aria-live': 'polite' } }),
    check.evidence !== undefined && evidenceButton(id, check.evidence, a),
  );
}

function evidenceButton(blockId: string, evidence: string, a: BlockActions): HTMLElement {
  const target = a.evidenceTarget(blockId);
  if (target === undefined) {
    return h('p', { class: 'hint', text: a.strings.noQuestionForEvidence });
  }
  return button(format(a.strings.insertEvidence, target), () => a.insertEvidence(target, evidence), {
    class: 'secondary evidence',
    attrs: { 'data-evidence-for': blockId },
  });
}

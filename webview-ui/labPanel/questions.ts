import type { PanelStrings } from '../../src/core/labPanel/protocol';
import { button, format, h } from './dom';

/**
 * A question's answer box: the title, a Markdown textarea with a Preview
 * toggle, a status line read out by screen readers, and the conflict choice
 * when the report file changed under the typing.
 */

export interface QuestionActions {
  readonly strings: PanelStrings;
  /** Answers can be written (the report exists); else the box is read-only. */
  readonly writable: boolean;
  text(id: string): string;
  conflict(id: string): string | undefined;
  status(id: string): string;
  previewing(id: string): boolean;
  edited(id: string, box: HTMLTextAreaElement): void;
  left(id: string): void;
  focused(id: string, box: HTMLTextAreaElement): void;
  togglePreview(id: string): void;
  resolve(id: string, keep: 'panel' | 'file'): void;
}

export function questionBlock(id: string, title: string, a: QuestionActions): HTMLElement {
  const s = a.strings;
  const titleId = `q-${id}-title`;
  const statusId = `q-${id}-status`;
  const box = h('textarea', {
    class: 'answer',
    attrs: {
      'aria-label': format(s.answer, id),
      'aria-describedby': `${titleId} ${statusId}`,
      rows: '6',
      spellcheck: 'true',
    },
    on: {
      input: () => a.edited(id, box),
      blur: () => a.left(id),
      focus: () => a.focused(id, box),
      keyup: () => a.focused(id, box),
      click: () => a.focused(id, box),
    },
  });
  box.value = a.text(id);
  box.readOnly = !a.writable;
  const previewing = a.previewing(id);
  const preview = h('div', { class: 'markdown preview', attrs: { 'data-preview': id, tabindex: '0' } });
  box.hidden = previewing;
  preview.hidden = !previewing;
  const toggle = button(previewing ? s.write : s.preview, () => a.togglePreview(id), {
    class: 'secondary toggle',
    attrs: { 'aria-pressed': previewing ? 'true' : 'false' },
  });
  return h(
    'section',
    { class: 'block question', attrs: { 'data-question': id, 'aria-labelledby': titleId } },
    h(
      'div',
      { class: 'block-head' },
      h('h3', { class: 'block-title', attrs: { id: titleId } }, h('span', { class: 'qid', text: id }), ` — ${title}`),
      toggle,
    ),
    box,
    preview,
    conflictBox(id, a),
    h('p', { class: 'status', text: a.status(id), attrs: { id: statusId, 'aria-live': 'polite' } }),
  );
}

export function conflictBox(id: string, a: QuestionActions): HTMLElement {
  const fileText = a.conflict(id);
  const box = h('div', { class: 'conflict', attrs: { 'data-conflict': id, role: 'alert' } });
  box.hidden = fileText === undefined;
  if (fileText !== undefined) {
    box.append(
      h('p', { text: a.strings.conflict }),
      h('pre', { class: 'file-text', text: fileText }),
      h(
        'div',
        { class: 'actions' },
        button(a.strings.keepPanel, () => a.resolve(id, 'panel')),
        button(a.strings.useFile, () => a.resolve(id, 'file'), { class: 'secondary' }),
      ),
    );
  }
  return box;
}

/** Sets a box's text while keeping the caret where it was, as far as the new text allows. */
export function setBoxText(box: HTMLTextAreaElement, text: string): void {
  if (box.value === text) {
    return;
  }
  const { selectionStart, selectionEnd } = box;
  box.value = text;
  if (document.activeElement === box) {
    box.setSelectionRange(Math.min(selectionStart, text.length), Math.min(selectionEnd, text.length));
  }
}

import { AnswerSync } from '../../src/core/labPanel/answerSync';
import { insertBlock } from '../../src/core/labPanel/evidence';
import type { HostMessage, PanelStrings } from '../../src/core/labPanel/protocol';
import { byData, format } from './dom';
import { conflictBox, questionBlock, setBoxText, type QuestionActions } from './questions';
import { vscode } from './vscodeApi';

/**
 * The answer boxes of the page and their link to the report (AnswerSync):
 * what is typed, what the file says, the status line, the preview and the
 * conflict choice. One instance per page; boxes are looked up in `root`, so
 * the section can be rebuilt at any time.
 */
export class Answers {
  private readonly status = new Map<string, string>();
  private readonly cursors = new Map<string, number>();
  private readonly previewing = new Set<string>();
  private readonly previewFor = new Map<number, string>();
  private readonly titles = new Map<string, string>();
  private previewSeq = 0;
  /** The question last typed in on this section: evidence goes there. */
  lastQuestion: string | undefined;
  strings: PanelStrings | undefined;
  reportPath = '';
  writable = false;
  readonly sync: AnswerSync;

  constructor(
    private readonly root: HTMLElement,
    /** Typed text changed (to keep drafts in the page's state). */
    private readonly onDraft: () => void,
    /** The question typed in changed (evidence buttons name it). */
    private readonly onTarget: () => void,
  ) {
    this.sync = new AnswerSync({
      send: (m) => {
        this.setStatus(m.questionId, this.strings?.saving ?? '');
        vscode.postMessage(m);
      },
      schedule: (fn, ms) => {
        const t = setTimeout(fn, ms);
        return () => clearTimeout(t);
      },
    });
  }

  box(id: string): HTMLTextAreaElement | undefined {
    return byData(this.root, 'question', id)?.querySelector('textarea') ?? undefined;
  }

  block(id: string, title: string): HTMLElement {
    this.titles.set(id, title);
    return questionBlock(id, title, this.actions());
  }

  /** The report's answers: boxes with nothing waiting follow them. */
  fromFile(ids: readonly string[], answers: Readonly<Record<string, string>>): void {
    for (const id of new Set([...ids, ...Object.keys(answers)])) {
      const update = this.sync.fileAnswer(id, answers[id] ?? '');
      const b = this.box(id);
      if (update.kind === 'replace' && b) {
        setBoxText(b, update.text);
        if (this.previewing.has(id)) {
          this.requestPreview(id);
        }
      }
    }
  }

  /** The extension's answer to a write. */
  written(m: Extract<HostMessage, { type: 'answerSaved' | 'answerConflict' | 'answerFailed' }>): void {
    const s = this.strings;
    switch (m.type) {
      case 'answerSaved':
        this.sync.saved(m.questionId, m.seq, m.text);
        this.setStatus(
          m.questionId,
          this.sync.pending(m.questionId) ? (s?.saving ?? '') : format(s?.saved ?? '', this.reportPath),
        );
        break;
      case 'answerConflict':
        this.sync.conflicted(m.questionId, m.seq, m.fileText);
        this.setStatus(m.questionId, '');
        break;
      case 'answerFailed':
        this.sync.failed(m.questionId, m.seq);
        this.setStatus(m.questionId, format(s?.saveFailed ?? '{0}', m.message));
        break;
    }
    this.onDraft();
  }

  /** A step's or check's evidence, as paragraphs of their own at the caret of the question's box. */
  insertEvidence(id: string, evidence: string): void {
    const b = this.box(id);
    if (!b || b.readOnly) {
      return;
    }
    const { text, cursor } = insertBlock(this.sync.text(id), evidence, this.cursors.get(id));
    b.value = text;
    this.sync.edit(id, text);
    this.sync.flush(id);
    this.onDraft();
    b.focus();
    b.setSelectionRange(cursor, cursor);
    this.cursors.set(id, cursor);
  }

  /** The boxes shown that are in preview ask for it again (the section was rebuilt). */
  refreshPreviews(ids: readonly string[]): void {
    ids.filter((id) => this.previewing.has(id)).forEach((id) => this.requestPreview(id));
  }

  preview(requestId: number, html: string): void {
    const id = this.previewFor.get(requestId);
    this.previewFor.delete(requestId);
    const target = id === undefined ? undefined : byData(this.root, 'preview', id);
    if (!target) {
      return;
    }
    if (html.trim() === '') {
      target.textContent = this.strings?.previewEmpty ?? '';
    } else {
      // markdown-it's output, rendered by the extension with raw HTML off.
      target.innerHTML = html;
    }
  }

  setWritable(writable: boolean): void {
    this.writable = writable;
    this.root.querySelectorAll('textarea').forEach((b) => (b.readOnly = !writable));
  }

  private requestPreview(id: string): void {
    const requestId = ++this.previewSeq;
    this.previewFor.set(requestId, id);
    vscode.postMessage({ type: 'renderPreview', requestId, text: this.sync.text(id) });
  }

  private setStatus(id: string, text: string): void {
    this.status.set(id, text);
    const q = byData(this.root, 'question', id);
    const line = q?.querySelector<HTMLElement>('.status');
    if (line) {
      line.textContent = text;
    }
    q?.querySelector('.conflict')?.replaceWith(conflictBox(id, this.actions()));
  }

  private rebuild(id: string): void {
    byData(this.root, 'question', id)?.replaceWith(questionBlock(id, this.titles.get(id) ?? '', this.actions()));
  }

  private actions(): QuestionActions {
    return {
      strings: this.strings!,
      writable: this.writable,
      text: (id) => this.sync.text(id),
      conflict: (id) => this.sync.conflictOf(id),
      status: (id) => this.status.get(id) ?? '',
      previewing: (id) => this.previewing.has(id),
      edited: (id, b) => {
        this.cursors.set(id, b.selectionStart);
        this.sync.edit(id, b.value);
        this.onDraft();
      },
      left: (id) => this.sync.flush(id),
      focused: (id, b) => {
        this.cursors.set(id, b.selectionStart);
        if (this.lastQuestion !== id) {
          this.lastQuestion = id;
          this.onTarget();
        }
      },
      togglePreview: (id) => {
        if (this.previewing.has(id)) {
          this.previewing.delete(id);
        } else {
          this.previewing.add(id);
          this.requestPreview(id);
        }
        this.rebuild(id);
        byData(this.root, 'question', id)?.querySelector<HTMLElement>('.toggle')?.focus();
      },
      resolve: (id, keep) => {
        const text = this.sync.resolve(id, keep);
        const b = this.box(id);
        if (b) {
          setBoxText(b, text);
        }
        this.setStatus(id, '');
        this.onDraft();
      },
    };
  }
}

import { closeFences, toLf, trimBlankLines } from '../report/markdownLines';
import type { Draft, SetAnswerMessage } from './protocol';

/**
 * The webview's side of "the report file is the source of truth", one
 * question at a time, without the DOM so that it is unit-tested:
 *
 * - typing is sent after a pause (DEBOUNCE_MS), one message in flight per
 *   question, each carrying the report text it was typed over (`base`);
 * - a report change (the student edited the file) replaces the answer box
 *   only when nothing typed there is waiting to be written; otherwise the
 *   box is left alone, and the extension, seeing that `base` is no longer
 *   what the file says, answers with a conflict instead of writing;
 * - a conflict waits for the student: keep the panel's text (written over
 *   the file's) or take the file's. Nothing typed is dropped without a click.
 */

export const DEBOUNCE_MS = 300;

/** What the report would hold for this text: the comparisons ignore what writing normalises. */
export function normalizeAnswer(text: string): string {
  return closeFences(trimBlankLines(toLf(text).replace(/\r/g, '\n')));
}

interface QuestionSync {
  /** The report's text of the answer, as last heard from the extension. */
  base: string;
  /** The answer box's text. */
  local: string;
  /** A send is scheduled (typing paused less than DEBOUNCE_MS ago). */
  timer: (() => void) | undefined;
  inFlight: number | undefined;
  /** Typed again while a send was in flight: send once it is acknowledged. */
  again: boolean;
  /** The file's text when it conflicts with the box's. */
  conflict: string | undefined;
}

export interface AnswerSyncHost {
  send(message: SetAnswerMessage): void;
  /** Runs fn after ms; returns a cancel function. */
  schedule(fn: () => void, ms: number): () => void;
}

/** What the answer box must do after a report change. */
export type FileUpdate =
  | { readonly kind: 'unchanged' }
  | { readonly kind: 'replace'; readonly text: string }
  /** Kept: typed text waits to be written; a conflict follows if the file really differs. */
  | { readonly kind: 'kept' };

export class AnswerSync {
  private readonly questions = new Map<string, QuestionSync>();
  private seq = 0;

  constructor(private readonly host: AnswerSyncHost) {}

  private get(id: string): QuestionSync {
    let q = this.questions.get(id);
    if (!q) {
      q = { base: '', local: '', timer: undefined, inFlight: undefined, again: false, conflict: undefined };
      this.questions.set(id, q);
    }
    return q;
  }

  /** The answer box's text (what the panel shows). */
  text(id: string): string {
    return this.get(id).local;
  }

  conflictOf(id: string): string | undefined {
    return this.get(id).conflict;
  }

  /** Whether something typed is not in the report yet. */
  pending(id: string): boolean {
    const q = this.get(id);
    return q.timer !== undefined || q.inFlight !== undefined || q.conflict !== undefined;
  }

  /** The student typed: the whole box's text. */
  edit(id: string, text: string): void {
    const q = this.get(id);
    q.local = text;
    if (q.conflict !== undefined) {
      return; // waits for the student's choice
    }
    q.timer?.();
    q.timer = this.host.schedule(() => {
      q.timer = undefined;
      this.send(id, false);
    }, DEBOUNCE_MS);
  }

  /** Sends now what waits for its pause (the box lost the focus, the panel goes away). */
  flush(id?: string): void {
    for (const [qid, q] of id === undefined ? this.questions : [[id, this.get(id)] as const]) {
      if (q.timer) {
        q.timer();
        q.timer = undefined;
        this.send(qid, false);
      }
    }
  }

  private send(id: string, force: boolean): void {
    const q = this.get(id);
    if (q.inFlight !== undefined) {
      q.again = true;
      return;
    }
    if (!force && normalizeAnswer(q.local) === normalizeAnswer(q.base)) {
      return;
    }
    q.inFlight = ++this.seq;
    this.host.send({
      type: 'setAnswer',
      questionId: id,
      text: q.local,
      base: q.base,
      seq: q.inFlight,
      ...(force ? { force: true } : {}),
    });
  }

  /** The report's answers as the extension read them (first load, or after any change of the file). */
  fileAnswer(id: string, text: string): FileUpdate {
    const q = this.get(id);
    if (this.pending(id)) {
      if (q.conflict !== undefined) {
        q.conflict = text;
      }
      return { kind: 'kept' };
    }
    q.base = text;
    if (normalizeAnswer(q.local) === normalizeAnswer(text)) {
      return { kind: 'unchanged' };
    }
    q.local = text;
    return { kind: 'replace', text };
  }

  saved(id: string, seq: number, text: string): void {
    const q = this.get(id);
    if (q.inFlight !== seq) {
      return;
    }
    q.inFlight = undefined;
    q.base = text;
    if (q.again) {
      q.again = false;
      this.send(id, false);
    }
  }

  /** The extension did not write: the file's answer changed under the typing. */
  conflicted(id: string, seq: number, fileText: string): void {
    const q = this.get(id);
    if (q.inFlight !== seq) {
      return;
    }
    q.inFlight = undefined;
    q.again = false;
    q.conflict = fileText;
  }

  /** Writing failed (the message is shown): the text stays in the box and goes with the next edit. */
  failed(id: string, seq: number): void {
    const q = this.get(id);
    if (q.inFlight === seq) {
      q.inFlight = undefined;
      q.again = false;
    }
  }

  /** The student's choice after a conflict; returns the box's new text. */
  resolve(id: string, keep: 'panel' | 'file'): string {
    const q = this.get(id);
    const fileText = q.conflict;
    if (fileText === undefined) {
      return q.local;
    }
    q.conflict = undefined;
    q.base = fileText;
    if (keep === 'file') {
      q.local = fileText;
    } else {
      this.send(id, true);
    }
    return q.local;
  }

  /** Typed text not yet in the report, to keep in the webview's state through a reload. */
  drafts(): Record<string, Draft> {
    const out: Record<string, Draft> = {};
    for (const [id, q] of this.questions) {
      if (this.pending(id) && normalizeAnswer(q.local) !== normalizeAnswer(q.base)) {
        out[id] = { text: q.local, base: q.conflict ?? q.base };
      }
    }
    return out;
  }

  /**
   * A draft kept through a reload: shown in the box and sent over the base
   * it was typed on, so a file changed meanwhile gives a conflict, not a loss.
   */
  restore(id: string, draft: Draft): void {
    const q = this.get(id);
    q.base = draft.base;
    q.local = draft.text;
    this.send(id, false);
  }
}

import * as assert from 'node:assert/strict';
import { AnswerSync, DEBOUNCE_MS, normalizeAnswer } from '../../src/core/labPanel/answerSync';
import type { SetAnswerMessage } from '../../src/core/labPanel/protocol';

/** A clock the test moves by hand: no waiting in unit tests. */
function harness(): { sync: AnswerSync; sent: SetAnswerMessage[]; tick: (ms: number) => void } {
  const sent: SetAnswerMessage[] = [];
  let now = 0;
  let timers: Array<{ at: number; fn: () => void; live: boolean }> = [];
  const sync = new AnswerSync({
    send: (m) => sent.push(m),
    schedule: (fn, ms) => {
      const t = { at: now + ms, fn, live: true };
      timers.push(t);
      return () => (t.live = false);
    },
  });
  return {
    sync,
    sent,
    tick: (ms) => {
      now += ms;
      const due = timers.filter((t) => t.live && t.at <= now);
      timers = timers.filter((t) => !due.includes(t));
      due.forEach((t) => {
        t.live = false;
        t.fn();
      });
    },
  };
}

describe('lab panel: answer box ⇄ report file', () => {
  it('sends typing once it pauses, with the text it was typed over', () => {
    const { sync, sent, tick } = harness();
    sync.fileAnswer('Q4', 'old');
    sync.edit('Q4', 'old t');
    tick(DEBOUNCE_MS - 1);
    sync.edit('Q4', 'old te');
    tick(DEBOUNCE_MS - 1);
    assert.equal(sent.length, 0, 'still typing');
    tick(1);
    assert.deepEqual(sent, [{ type: 'setAnswer', questionId: 'Q4', text: 'old te', base: 'old', seq: 1 }]);
  });

  it('keeps one message in flight per question, then sends the latest text over the saved one', () => {
    const { sync, sent, tick } = harness();
    sync.edit('Q1', 'a');
    tick(DEBOUNCE_MS);
    sync.edit('Q1', 'ab');
    tick(DEBOUNCE_MS);
    assert.equal(sent.length, 1, 'waits for the first to be acknowledged');
    sync.saved('Q1', 1, 'a');
    assert.deepEqual(sent[1], { type: 'setAnswer', questionId: 'Q1', text: 'ab', base: 'a', seq: 2 });
  });

  it('does not send what the report already says, blank lines around it aside', () => {
    const { sync, sent, tick } = harness();
    sync.fileAnswer('Q2', 'done');
    sync.edit('Q2', '\ndone\n\n');
    tick(DEBOUNCE_MS);
    assert.equal(sent.length, 0);
  });

  it('follows the file when nothing typed waits, and keeps the box when something does', () => {
    const { sync, tick } = harness();
    assert.deepEqual(sync.fileAnswer('Q5', 'from the file'), { kind: 'replace', text: 'from the file' });
    assert.deepEqual(sync.fileAnswer('Q5', 'from the file\n'), { kind: 'unchanged' });
    sync.edit('Q5', 'typed here');
    assert.deepEqual(sync.fileAnswer('Q5', 'edited in the editor'), { kind: 'kept' });
    assert.equal(sync.text('Q5'), 'typed here');
    tick(DEBOUNCE_MS);
    assert.deepEqual(sync.fileAnswer('Q5', 'edited again'), { kind: 'kept' }, 'in flight');
  });

  it('on a conflict, waits for the choice; keeping the panel sends it over the file, forced', () => {
    const { sync, sent, tick } = harness();
    sync.fileAnswer('Q6', 'v1');
    sync.edit('Q6', 'v1 panel');
    tick(DEBOUNCE_MS);
    sync.conflicted('Q6', 1, 'v1 editor');
    assert.equal(sync.conflictOf('Q6'), 'v1 editor');
    sync.edit('Q6', 'v1 panel!');
    tick(DEBOUNCE_MS);
    assert.equal(sent.length, 1, 'nothing sent while the student has not chosen');
    assert.deepEqual(sync.drafts(), { Q6: { text: 'v1 panel!', base: 'v1 editor' } });
    assert.equal(sync.resolve('Q6', 'panel'), 'v1 panel!');
    assert.deepEqual(sent[1], {
      type: 'setAnswer',
      questionId: 'Q6',
      text: 'v1 panel!',
      base: 'v1 editor',
      seq: 2,
      force: true,
    });
  });

  it("on a conflict, taking the file's text drops nothing from the file and sends nothing", () => {
    const { sync, sent, tick } = harness();
    sync.edit('Q7', 'mine');
    tick(DEBOUNCE_MS);
    sync.conflicted('Q7', 1, 'theirs');
    assert.equal(sync.resolve('Q7', 'file'), 'theirs');
    assert.equal(sync.pending('Q7'), false);
    assert.equal(sent.length, 1);
    assert.deepEqual(sync.fileAnswer('Q7', 'theirs'), { kind: 'unchanged' });
  });

  it('flushes what waits for its pause when the box is left', () => {
    const { sync, sent } = harness();
    sync.edit('Q8', 'quick');
    sync.flush('Q8');
    assert.equal(sent.length, 1);
    sync.flush();
    assert.equal(sent.length, 1, 'nothing else waited');
  });

  it('keeps typed text through a reload as drafts, sent again over their base', () => {
    const first = harness();
    first.sync.fileAnswer('Q9', 'base');
    first.sync.edit('Q9', 'base + typed');
    const drafts = first.sync.drafts();
    assert.deepEqual(drafts, { Q9: { text: 'base + typed', base: 'base' } });

    const second = harness();
    second.sync.fileAnswer('Q9', 'base');
    second.sync.restore('Q9', drafts['Q9']);
    assert.equal(second.sync.text('Q9'), 'base + typed');
    assert.deepEqual(second.sent, [
      { type: 'setAnswer', questionId: 'Q9', text: 'base + typed', base: 'base', seq: 1 },
    ]);
  });

  it('ignores acknowledgements of messages it did not send last', () => {
    const { sync, sent, tick } = harness();
    sync.edit('Q10', 'x');
    tick(DEBOUNCE_MS);
    sync.saved('Q10', 99, 'other');
    assert.equal(sync.pending('Q10'), true);
    sync.failed('Q10', 1);
    assert.equal(sync.pending('Q10'), false);
    assert.equal(sent.length, 1);
  });

  it('normalises as the report writes: CRLF, blank lines around, an unclosed fence closed', () => {
    assert.equal(normalizeAnswer('\r\n\r\nline\r\n\r\n'), 'line');
    assert.equal(normalizeAnswer('```\ncode'), '```\ncode\n```');
  });
});

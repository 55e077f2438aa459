import * as assert from 'node:assert/strict';
import { parsePanelState, parseWebviewMessage } from '../../src/core/labPanel/protocol';

describe('lab panel protocol: messages from the webview are checked', () => {
  it('accepts every message the webview sends, as sent', () => {
    const messages = [
      { type: 'ready' },
      { type: 'ready', state: { sectionId: 'registry-1', language: 'en' } },
      { type: 'showSection', sectionId: 'registry-1' },
      { type: 'setLanguage', language: 'fr' },
      { type: 'setAnswer', questionId: 'Q4', text: 'core-02', base: '', seq: 1 },
      { type: 'setAnswer', questionId: 'Q4', text: 'core-02', base: 'x', seq: 2, force: true },
      { type: 'createReport' },
      { type: 'openReport' },
      { type: 'runStep', stepId: 'registry.deploy' },
      { type: 'cancelStep', stepId: 'registry.deploy' },
      { type: 'runCheck', checkId: 'registry.answers' },
      { type: 'renderPreview', requestId: 3, text: '**bold**' },
    ];
    for (const m of messages) {
      assert.deepEqual(parseWebviewMessage(m), m);
    }
  });

  it('refuses what is not a known message, or has a field of the wrong kind', () => {
    const bad: unknown[] = [
      undefined,
      null,
      'ready',
      [],
      {},
      { type: 42 },
      { type: 'deleteEverything' },
      { type: 'showSection' },
      { type: 'showSection', sectionId: '' },
      { type: 'showSection', sectionId: 7 },
      { type: 'setAnswer', questionId: 'Q4', text: 'x', seq: 1 },
      { type: 'setAnswer', questionId: 'Q4', text: 'x', base: '', seq: -1 },
      { type: 'setAnswer', questionId: 'Q4', text: 'x', base: '', seq: 1.5 },
      { type: 'setAnswer', questionId: 'Q4', text: 'x', base: '', seq: 1, force: 'yes' },
      { type: 'setAnswer', questionId: 'Q4', text: 'x'.repeat(1_000_001), base: '', seq: 1 },
      { type: 'setAnswer', questionId: 'Q'.repeat(201), text: 'x', base: '', seq: 1 },
      { type: 'runStep', stepId: { id: 'x' } },
      { type: 'renderPreview', requestId: '1', text: '' },
    ];
    for (const m of bad) {
      assert.equal(parseWebviewMessage(m), undefined, JSON.stringify(m)?.slice(0, 80));
    }
  });

  it('keeps only the known fields of a message', () => {
    assert.deepEqual(parseWebviewMessage({ type: 'runCheck', checkId: 'a.b', evil: '<script>' }), {
      type: 'runCheck',
      checkId: 'a.b',
    });
    assert.deepEqual(
      parseWebviewMessage({ type: 'setAnswer', questionId: 'Q1', text: 't', base: '', seq: 0, force: false }),
      { type: 'setAnswer', questionId: 'Q1', text: 't', base: '', seq: 0 },
    );
  });

  it('reads a saved panel state leniently: bad fields dropped, drafts kept when well formed', () => {
    assert.deepEqual(parsePanelState(undefined), {});
    assert.deepEqual(parsePanelState('x'), {});
    assert.deepEqual(parsePanelState({ sectionId: 3, language: 'en', other: 1 }), { language: 'en' });
    assert.deepEqual(
      parsePanelState({
        sectionId: 'storage',
        drafts: { Q2: { text: 'typed', base: '' }, Q3: { text: 1 }, '': { text: 'a', base: '' } },
      }),
      { sectionId: 'storage', drafts: { Q2: { text: 'typed', base: '' } } },
    );
    assert.deepEqual(parsePanelState({ drafts: {} }), {});
    // Whether the cluster map is unfolded: a boolean or nothing.
    assert.deepEqual(parsePanelState({ sectionId: 'swarm', mapOpen: true }), { sectionId: 'swarm', mapOpen: true });
    assert.deepEqual(parsePanelState({ mapOpen: false }), { mapOpen: false });
    assert.deepEqual(parsePanelState({ mapOpen: 'yes' }), {});
  });
});

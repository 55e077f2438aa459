import * as assert from 'node:assert/strict';
import { english } from '../../src/core/l10n';
import { read, readJson, sourceFiles } from './repoFiles';

/** The first argument of each l10n.t('…') call in src/, as a JavaScript string. */
function l10nMessages(): Map<string, string> {
  const found = new Map<string, string>();
  const call = /l10n\.t\(\s*(['"`])((?:\\.|(?!\1).)*)\1/gs;
  for (const file of sourceFiles('src')) {
    for (const m of read(file).matchAll(call)) {
      // Unescape the literal the way JavaScript would.
      const text = JSON.parse(`"${m[2].replace(/\\'/g, "'").replace(/"/g, '\\"').replace(/\\\\"/g, '\\"')}"`) as string;
      found.set(text, file);
    }
  }
  return found;
}

describe('localization', () => {
  const fr = readJson<Record<string, string>>('l10n/bundle.l10n.fr.json');
  const messages = l10nMessages();

  it('finds the messages of src/', () => {
    assert.ok(messages.size > 15, `only ${messages.size} messages found`);
  });

  it('has a French translation for every message', () => {
    const missing = [...messages.keys()].filter((m) => !(m in fr));
    assert.deepEqual(missing, []);
  });

  it('keeps no translation of a message that no longer exists', () => {
    const stale = Object.keys(fr).filter((k) => !messages.has(k));
    assert.deepEqual(stale, []);
  });

  it('keeps the placeholders of each message in its translation', () => {
    for (const [en, tr] of Object.entries(fr)) {
      const ph = (s: string): string[] => (s.match(/\{\d+\}/g) ?? []).sort();
      assert.deepEqual(ph(tr), ph(en), en);
    }
  });

  it('formats placeholders in English outside VS Code', () => {
    assert.equal(english.t('{0} of {1}', 2, 3), '2 of 3');
    assert.equal(english.t('{1} kept', 'a'), '{1} kept');
  });
});

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { planLenses, registryImages, serviceAtImage } from '../../src/core/compose/composeLensPlan';
import { ComposeVersions, parseComposeText, VersionedText } from '../../src/core/compose/composeVersions';
import { ROOT } from './repoFiles';

const SAMPLE = fs.readFileSync(path.join(ROOT, 'samples', 'tp1', 'docker-compose.yml'), 'utf8');
const OPTIONS = { registry: 'm1.swarm:5000' };

/** An editor document: one URI, a version that grows with each change. */
class FakeDocument implements VersionedText {
  readonly key = 'file:///work/tp1/docker-compose.yml';
  version = 1;
  constructor(private text: string) {}
  getText(): string {
    return this.text;
  }
  edit(text: string): void {
    this.text = text;
    this.version++;
  }
}

function countingCache(): { cache: ComposeVersions; parsed: string[] } {
  const parsed: string[] = [];
  const cache = new ComposeVersions((text) => {
    parsed.push(text);
    return parseComposeText(text);
  });
  return { cache, parsed };
}

/** What the editor asks of one version: lenses, a hover, the diagnostics, the registry presence checks. */
async function everyReader(cache: ComposeVersions, doc: FakeDocument): Promise<void> {
  const lenses = planLenses(await cache.analyze(doc, OPTIONS), undefined);
  assert.ok(lenses.length > 0);
  const hovered = serviceAtImage(await cache.analyze(doc, OPTIONS), doc.getText().indexOf('image: redis') + 8);
  assert.equal(hovered?.name, 'database');
  assert.deepEqual((await cache.analyze(doc, OPTIONS)).diagnostics, []);
  assert.deepEqual(registryImages(await cache.analyze(doc, OPTIONS)), [
    'm1.swarm:5000/python-app:latest',
    'm1.swarm:5000/app-proxy:latest',
  ]);
}

describe('compose versions: one parse per document version', () => {
  it('parses a version once for its lenses, hover, diagnostics and presence, and a new version again', async () => {
    const { cache, parsed } = countingCache();
    const doc = new FakeDocument(SAMPLE);
    await everyReader(cache, doc);
    await Promise.all([everyReader(cache, doc), everyReader(cache, doc)]);
    assert.equal(parsed.length, 1);
    assert.equal(cache.parses, 1);

    doc.edit(SAMPLE.replace('replicas: 3', 'replicas: 4'));
    await everyReader(cache, doc);
    assert.equal(parsed.length, 2, 'the new version is parsed once');
    assert.equal(parsed[1], doc.getText());
  });

  it('serves the same analysis to every reader of a version, and a new one for a new version', async () => {
    const { cache } = countingCache();
    const doc = new FakeDocument(SAMPLE);
    const first = cache.analyze(doc, OPTIONS);
    assert.equal(cache.analyze(doc, OPTIONS), first);
    assert.equal(await cache.parsed(doc), await cache.parsed(doc));
    doc.edit(`${SAMPLE}\n`);
    assert.notEqual(cache.analyze(doc, OPTIONS), first);
  });

  it('does not parse again the text an undo goes back to', async () => {
    const { cache, parsed } = countingCache();
    const doc = new FakeDocument(SAMPLE);
    await cache.analyze(doc, OPTIONS);
    doc.edit(SAMPLE.replace('image: redis', 'image: redis:7'));
    await cache.analyze(doc, OPTIONS);
    doc.edit(SAMPLE); // undo: a new version, the text of the first
    await everyReader(cache, doc);
    assert.equal(parsed.length, 2);
    assert.ok(cache.isCurrent(doc.key, cache.analyze(doc, OPTIONS)));
  });

  it('analyses again for another registry from the same parse', async () => {
    const { cache, parsed } = countingCache();
    const doc = new FakeDocument(SAMPLE);
    const lab = await cache.analyze(doc, OPTIONS);
    const other = await cache.analyze(doc, { registry: 'registry.example:5000' });
    assert.equal(parsed.length, 1);
    assert.equal(lab.services[0].image?.form, 'registry');
    assert.equal(other.services[0].image?.form, 'other');
  });

  it('drops a document when it closes: reopened, it is parsed again', async () => {
    const { cache, parsed } = countingCache();
    const doc = new FakeDocument(SAMPLE);
    await cache.analyze(doc, OPTIONS);
    cache.forget(doc.key);
    await cache.analyze(doc, OPTIONS);
    assert.equal(parsed.length, 2);
  });
});

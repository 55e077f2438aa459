import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  analyzeCompose,
  ComposeAnalysis,
  ComposeOptions,
  flipAll,
  FlipScope,
  FlipTarget,
} from '../../src/core/compose/composeImages';
import { applyEdits, TextEdit } from '../../src/core/text/textEdit';
import { ROOT } from './repoFiles';

const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'compose');
const REGISTRY = 'm1.swarm:5000';

interface Fixture {
  readonly name: string;
  readonly input: string;
  readonly options: ComposeOptions;
  /** The fixture's other files, by name, read as text (BOM and CRLF kept). */
  readonly files: ReadonlyMap<string, string>;
}

function loadFixtures(): Fixture[] {
  return fs
    .readdirSync(FIXTURES, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => {
      const dir = path.join(FIXTURES, e.name);
      const files = new Map(fs.readdirSync(dir).map((f) => [f, fs.readFileSync(path.join(dir, f), 'utf8')]));
      const raw = JSON.parse(files.get('options.json') ?? '{}') as { registry?: string; knownImages?: string[] };
      return {
        name: e.name,
        input: files.get('input.yml') ?? '',
        options: {
          registry: raw.registry ?? REGISTRY,
          ...(raw.knownImages ? { knownImages: new Set(raw.knownImages) } : {}),
        },
        files,
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** One line per service (and per diagnostic), the snapshot each fixture keeps in expected-services.txt. */
function summarize(a: ComposeAnalysis): string {
  const lines = a.services.map((s) => {
    const where = `${s.name} [doc ${s.document}, line ${s.lensAt.line + 1}]`;
    const what = [
      s.image ? (s.image.form ?? s.image.problem?.code ?? 'invalid') : 'no image',
      ...(s.build ? ['build'] : []),
    ].join(', ');
    const via = s.image?.via !== undefined ? ` via *${s.image.via}` : '';
    const shared = s.image && s.image.sharedWith.length > 0 ? ` shared with ${s.image.sharedWith.join(', ')}` : '';
    const flip = s.flip ? ` → ${s.flip.to}: ${s.flip.reference}` : '';
    const add = s.addImage ? ' + image:' : '';
    const reason = s.reason !== undefined ? ` ✗ ${s.reason}` : '';
    return `${where} ${what}${via}${shared}${flip}${add}${reason}`;
  });
  const problems = a.diagnostics.map((d) => `! ${d.range.start.line + 1}:${d.range.start.character + 1} ${d.message}`);
  return [...lines, ...problems].join('\n') + '\n';
}

async function flipped(text: string, options: ComposeOptions, to: FlipTarget, scope: FlipScope): Promise<string> {
  return applyEdits(text, flipAll(await analyzeCompose(text, options), to, scope).edits);
}

function addedImages(text: string, a: ComposeAnalysis, form: 'local' | 'registry'): string {
  return applyEdits(
    text,
    a.services.flatMap((s) => (s.addImage ? [s.addImage[form]] : [])),
  );
}

/** Edits of flips only touch bytes inside an image scalar. */
function assertInsideScalars(a: ComposeAnalysis, edits: readonly TextEdit[]): void {
  for (const edit of edits) {
    const inside = a.services.some(
      (s) =>
        s.image !== undefined &&
        edit.offset >= s.image.range.offset &&
        edit.offset + edit.length <= s.image.range.offset + s.image.range.length,
    );
    assert.ok(inside, `edit at ${edit.offset} is outside every image scalar`);
  }
}

describe('compose images: fixtures', () => {
  const fixtures = loadFixtures();

  it('has at least 15 fixtures', () => {
    assert.ok(fixtures.length >= 15, `${fixtures.length} fixtures`);
  });

  for (const fx of fixtures) {
    const expectedError = fx.files.get('expected-error.txt');
    if (expectedError !== undefined) {
      it(`${fx.name}: malformed, so no services, no edits and diagnostics with positions`, async () => {
        const a = await analyzeCompose(fx.input, fx.options);
        assert.equal(a.valid, false);
        assert.deepEqual(a.services, []);
        assert.deepEqual(flipAll(a, 'registry', 'all').edits, []);
        assert.deepEqual(flipAll(a, 'local', 'all').edits, []);
        const text = a.diagnostics
          .map((d) => `${d.range.start.line + 1}:${d.range.start.character + 1} ${d.message}\n`)
          .join('');
        assert.equal(text, expectedError);
      });
      continue;
    }

    describe(fx.name, () => {
      let analysis: ComposeAnalysis;
      before(async () => {
        analysis = await analyzeCompose(fx.input, fx.options);
      });

      it('reads the services, their forms and the lens lines', () => {
        assert.equal(analysis.valid, true);
        assert.equal(summarize(analysis), fx.files.get('expected-services.txt'));
      });

      for (const scope of ['built', 'all'] as const) {
        const suffix = scope === 'all' ? '-all' : '';
        const expected = (to: FlipTarget): string | undefined =>
          fx.files.get(`expected-${to}${suffix}.yml`) ?? (scope === 'all' ? undefined : '');
        if (expected('registry') === undefined) {
          continue;
        }

        it(`all → registry and all → local (${scope}) give the expected bytes`, () => {
          for (const to of ['registry', 'local'] as const) {
            const edits = flipAll(analysis, to, scope).edits;
            assertInsideScalars(analysis, edits);
            assert.equal(applyEdits(fx.input, edits), expected(to), `→ ${to}`);
          }
        });

        it(`flipping there and back gives the input back (${scope})`, async () => {
          const registry = expected('registry') ?? '';
          const local = expected('local') ?? '';
          assert.equal(await flipped(registry, fx.options, 'local', scope), local);
          assert.equal(await flipped(local, fx.options, 'registry', scope), registry);
          assert.ok(fx.input === registry || fx.input === local, 'the input is in one form');
        });
      }

      const addLocal = fx.files.get('expected-add-local.yml');
      if (addLocal !== undefined) {
        it('adds image: to services that build without one', async () => {
          assert.equal(addedImages(fx.input, analysis, 'local'), addLocal);
          assert.equal(addedImages(fx.input, analysis, 'registry'), fx.files.get('expected-add-registry.yml'));
          // The added lines are real YAML: the services now have an image.
          const after = await analyzeCompose(addLocal, fx.options);
          assert.equal(after.valid, true);
          const withAdd = analysis.services.filter((s) => s.addImage).map((s) => s.name);
          for (const name of withAdd) {
            const s = after.services.find((x) => x.name === name);
            assert.equal(s?.image?.value, `${name}:latest`, name);
            assert.equal(s?.flip?.to, 'registry', name);
          }
        });
      }
    });
  }
});

describe('compose images: edits', () => {
  const options: ComposeOptions = { registry: REGISTRY };

  async function only(text: string, opts: ComposeOptions = options): Promise<ComposeAnalysis['services'][number]> {
    const a = await analyzeCompose(text, opts);
    assert.equal(a.services.length, 1);
    return a.services[0];
  }

  it('changes only the bytes of the image scalar', async () => {
    const text = 'services:\n  web:\n    image: python-app:latest # keep\n    build: .\n';
    const s = await only(text);
    assert.deepEqual(s.flip?.edits, [{ offset: 28, length: 0, newText: 'm1.swarm:5000/' }]);
    assert.deepEqual(s.lensAt, { line: 2, character: 4 });
    assert.equal(s.image?.range.offset, 28);
    assert.equal(s.image?.range.length, 'python-app:latest'.length);
  });

  it('edits the content line of a block scalar, never its header or chomping', async () => {
    const text = 'services:\n  web:\n    build: .\n    image: |+ # keep\n      python-app:latest\n\n';
    const s = await only(text);
    assert.equal(s.image?.style, 'block');
    assert.equal(s.image?.value, 'python-app:latest\n\n');
    assert.ok(s.flip);
    assert.equal(
      applyEdits(text, s.flip.edits),
      'services:\n  web:\n    build: .\n    image: |+ # keep\n      m1.swarm:5000/python-app:latest\n\n',
    );
    // An empty block, or a leading blank line (a line break in the value), is no image to switch.
    for (const image of ['>-\n', '|\n\n      python-app:latest\n']) {
      const refused = await only(`services:\n  web:\n    build: .\n    image: ${image}`);
      assert.equal(refused.flip, undefined, image);
      assert.ok(refused.reason, image);
    }
  });

  it('quotes a plain scalar only when plain text would change meaning', async () => {
    const text = 'services:\n  web:\n    image: python-app\n    build: .\n';
    const s = await only(text, { registry: '[::1]:5000' });
    assert.ok(s.flip);
    assert.equal(
      applyEdits(text, s.flip.edits),
      'services:\n  web:\n    image: "[::1]:5000/python-app"\n    build: .\n',
    );
    // A name YAML would read as a number keeps being text.
    const digits = 'services:\n  web:\n    image: m1.swarm:5000/1234\n    build: .\n';
    const d = await only(digits);
    assert.ok(d.flip);
    assert.equal(applyEdits(digits, d.flip.edits), 'services:\n  web:\n    image: "1234"\n    build: .\n');
    assert.equal((await analyzeCompose(applyEdits(digits, d.flip.edits), options)).services[0].image?.value, '1234');
  });

  it('rewrites a quoted scalar with escapes whole, in its own quotes', async () => {
    const text = 'services:\n  web:\n    image: "m1.swarm:5000\\/python-app"\n    build: .\n';
    const s = await only(text);
    assert.equal(s.image?.value, 'm1.swarm:5000/python-app');
    assert.ok(s.flip);
    assert.equal(applyEdits(text, s.flip.edits), 'services:\n  web:\n    image: "python-app"\n    build: .\n');
  });

  it('edits a shared anchor once for every service using it', async () => {
    const text = [
      'x-img: &img python-app:latest',
      'services:',
      '  a: {image: *img, build: .}',
      '  b: {image: *img, build: .}',
      '',
    ].join('\n');
    const a = await analyzeCompose(text, options);
    const bulk = flipAll(a, 'registry');
    assert.equal(bulk.edits.length, 1);
    assert.deepEqual(
      bulk.services.map((s) => s.name),
      ['a', 'b'],
    );
    assert.deepEqual(a.services[0].image?.sharedWith, ['b']);
    assert.equal(a.services[0].image?.via, 'img');
    assert.equal(applyEdits(text, bulk.edits).split('\n')[0], 'x-img: &img m1.swarm:5000/python-app:latest');
  });

  it('lists the services in scope that stay as they are', async () => {
    const text = [
      'services:',
      '  app: {image: python-app, build: .}',
      '  pinned: {image: "pinned@sha256:' + 'a'.repeat(64) + '", build: .}',
      '  vars: {image: "${REGISTRY}/vars", build: .}',
      '  db: {image: redis}',
      '',
    ].join('\n');
    const bulk = flipAll(await analyzeCompose(text, options), 'registry');
    assert.deepEqual(
      bulk.services.map((s) => s.name),
      ['app'],
    );
    assert.deepEqual(
      bulk.skipped.map((s) => [s.service.name, s.service.image?.problem?.code ?? s.service.image?.form]),
      [
        ['pinned', 'local'],
        ['vars', 'interpolation'],
      ],
    );
  });

  it('refuses every flip when the registry setting is not a registry host', async () => {
    const s = await only('services:\n  web: {image: python-app, build: .}\n', { registry: 'registry' });
    assert.equal(s.flip, undefined);
    assert.match(s.reason ?? '', /Docker Hub namespace/);
  });

  it('reads an empty file as a compose file without services', async () => {
    for (const text of ['', '\uFEFF', '# nothing\n', '---\n']) {
      const a = await analyzeCompose(text, options);
      assert.equal(a.valid, true, JSON.stringify(text));
      assert.deepEqual(a.services, []);
    }
  });
});

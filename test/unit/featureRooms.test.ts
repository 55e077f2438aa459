import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT, read, sourceFiles } from './repoFiles';
import { importCycles, importsOf } from './sourceImports';

const FEATURES = 'src/features';
const rooms = fs
  .readdirSync(path.join(ROOT, FEATURES), { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name)
  .sort();
/** The feature room a file is in, or undefined outside src/features. */
const roomOf = (file: string): string | undefined =>
  file.startsWith(`${FEATURES}/`) ? file.slice(FEATURES.length + 1).split('/')[0] : undefined;

describe('feature rooms (src/features/<feature>)', () => {
  it('has the rooms the extension is made of, each with one register(context, deps)', () => {
    assert.deepEqual(rooms, ['compose', 'containers', 'extension', 'images', 'lab', 'machines', 'swarm']);
    for (const room of rooms) {
      assert.match(
        read(`${FEATURES}/${room}/index.ts`),
        /^export function register\(\s*_?context: vscode\.ExtensionContext/m,
        room,
      );
    }
  });

  it('lets no feature import another (what one gives another goes through features.ts)', () => {
    const reaches = sourceFiles(FEATURES)
      .flatMap(importsOf)
      .filter((i) => roomOf(i.to) !== undefined && roomOf(i.to) !== roomOf(i.from))
      .map((i) => `${i.from} -> ${i.to}`);
    assert.deepEqual(reaches, []);
  });

  it('keeps features out of the shared rooms: model/, editor/, core/, clients/, localLab/, platform/ import no feature', () => {
    const shared = ['src/model', 'src/editor', 'src/core', 'src/clients', 'src/localLab', 'src/platform'].flatMap((d) =>
      sourceFiles(d),
    );
    const reaches = shared
      .flatMap(importsOf)
      .filter((i) => roomOf(i.to) !== undefined)
      .map((i) => `${i.from} -> ${i.to}`);
    assert.deepEqual(reaches, []);
  });

  it('has no import cycle anywhere in src/, type-only imports included', () => {
    assert.deepEqual(importCycles(sourceFiles('src')), []);
  });

  it('leaves every file watcher and configuration listener to editor/ (the refresh coordinator and settings)', () => {
    const bypasses = sourceFiles('src')
      .filter((f) => !f.startsWith('src/editor/'))
      .filter((f) => /\b(createFileSystemWatcher|onDidChangeConfiguration)\b/.test(read(f)));
    assert.deepEqual(bypasses, []);
  });

  it("names every room in the README's architecture section", () => {
    const readme = read('README.md');
    const missing = rooms.filter((r) => !readme.includes(`src/features/${r}/`));
    assert.deepEqual(missing, []);
  });
});

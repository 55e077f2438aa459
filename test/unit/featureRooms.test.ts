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
        /^export function register\(\s*context: vscode\.ExtensionContext/m,
        room,
      );
    }
  });

  it("lets a feature use another only through that feature's index, never its internals", () => {
    const reaches = sourceFiles(FEATURES)
      .flatMap(importsOf)
      .filter((i) => roomOf(i.to) !== undefined && roomOf(i.to) !== roomOf(i.from))
      .filter((i) => i.to !== `${FEATURES}/${roomOf(i.to)}/index.ts`)
      .map((i) => `${i.from} -> ${i.to}`);
    assert.deepEqual(reaches, []);
  });

  it('has no cycle between features (what one gives another flows one way)', () => {
    const uses = new Map(rooms.map((r) => [r, new Set<string>()]));
    for (const i of sourceFiles(FEATURES).flatMap(importsOf)) {
      const [a, b] = [roomOf(i.from), roomOf(i.to)];
      if (a && b && a !== b) {
        uses.get(a)!.add(b);
      }
    }
    const order: string[] = [];
    const visiting = new Set<string>();
    const visit = (r: string, trail: string[]): void => {
      assert.ok(!visiting.has(r), `features in a cycle: ${[...trail, r].join(' -> ')}`);
      if (order.includes(r)) {
        return;
      }
      visiting.add(r);
      uses.get(r)!.forEach((u) => visit(u, [...trail, r]));
      visiting.delete(r);
      order.push(r);
    };
    rooms.forEach((r) => visit(r, []));
  });

  it('keeps features out of the shared rooms: editor/, core/, clients/, localLab/ and platform/ import no feature', () => {
    const shared = ['src/editor', 'src/core', 'src/clients', 'src/localLab', 'src/platform'].flatMap((d) =>
      sourceFiles(d),
    );
    const reaches = shared
      .flatMap(importsOf)
      .filter((i) => roomOf(i.to) !== undefined)
      .map((i) => `${i.from} -> ${i.to}`);
    assert.deepEqual(reaches, []);
  });

  it('has no run-time import cycle anywhere in src/', () => {
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

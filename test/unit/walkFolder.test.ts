import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { contextFiles } from '../../src/clients/images/dockerImageNode';
import { walkFolder } from '../../src/core/files/walkFolder';
import { listFiles } from '../../src/localLab/images/buildContext';

describe('walkFolder', () => {
  let dir: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'swarm-lab-walk-'));
    fs.mkdirSync(path.join(dir, 'a', 'b'), { recursive: true });
    fs.mkdirSync(path.join(dir, 'empty'));
    fs.writeFileSync(path.join(dir, 'top.txt'), 'top');
    fs.writeFileSync(path.join(dir, 'a', 'one.txt'), 'one');
    fs.writeFileSync(path.join(dir, 'a', 'b', 'two.txt'), 'two');
    fs.symlinkSync(path.join(dir, 'a'), path.join(dir, 'link'));
  });

  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('lists every entry below the folder, each folder just before what it holds', () => {
    const seen = [...walkFolder(dir)].map((e) => e.rel);
    assert.deepEqual([...seen].sort(), ['a', 'a/b', 'a/b/two.txt', 'a/one.txt', 'empty', 'link', 'top.txt']);
    assert.ok(seen.indexOf('a') < seen.indexOf('a/b'));
    assert.ok(seen.indexOf('a/b') < seen.indexOf('a/b/two.txt'));
  });

  it('lists a symbolic link without following it', () => {
    const link = [...walkFolder(dir)].find((e) => e.rel === 'link');
    assert.ok(link?.dirent.isSymbolicLink());
    assert.ok(![...walkFolder(dir)].some((e) => e.rel.startsWith('link/')));
  });

  it('stops where the caller stops', () => {
    const walk = walkFolder(dir);
    assert.equal(walk.next().done, false);
    assert.equal(walk.return(undefined).done, true);
  });

  it('throws for a folder that does not exist', () => {
    assert.throws(() => [...walkFolder(path.join(dir, 'missing'))], /ENOENT/);
  });

  it('serves the lab image context (regular files) and the build context (links too, bounded)', () => {
    assert.deepEqual(listFiles(dir), ['a/b/two.txt', 'a/one.txt', 'top.txt']);
    assert.deepEqual(contextFiles(dir), ['a/b/two.txt', 'a/one.txt', 'link', 'top.txt']);
    assert.throws(() => contextFiles(dir, 3), /has more than 3 files/);
  });
});

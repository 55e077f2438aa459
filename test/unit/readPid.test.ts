import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readPid } from '../../src/localLab/labProbe';

describe('readPid', () => {
  let dir: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'swarm-lab-pid-'));
  });

  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const pidFile = (text: string): string => {
    const file = path.join(dir, 'x.pid');
    fs.writeFileSync(file, text);
    return file;
  };

  it('reads the number a pid file holds, its newline dropped', () => {
    assert.equal(readPid(pidFile('1234\n')), 1234);
    assert.equal(readPid(pidFile('  42  ')), 42);
  });

  it('gives nothing for a missing file', () => {
    assert.equal(readPid(path.join(dir, 'missing.pid')), undefined);
  });

  it('gives nothing for a file that holds no valid pid', () => {
    for (const text of ['', 'abc', '0', '-5', '12.5', '12 13']) {
      assert.equal(readPid(pidFile(text)), undefined, JSON.stringify(text));
    }
  });
});

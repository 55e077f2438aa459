import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { REPO_ROOT } from '../harness/paths';

describe('the step log grammar (syntaxes/swarm-lab-log.tmLanguage.json)', () => {
  it('colours the formatter’s log as its scope assertions say (vscode-tmgrammar-test)', function () {
    this.timeout(60_000);
    const bin = path.join(REPO_ROOT, 'node_modules', '.bin', 'vscode-tmgrammar-test');
    const r = spawnSync(bin, ['-g', 'syntaxes/swarm-lab-log.tmLanguage.json', 'test/grammar/*.swarm-lab-log'], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, /steps\.swarm-lab-log run successfu/);
  });
});

import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';

// Named to sort last: mocha runs the tier's files in name order, and this
// check means something only once every other file has closed its sessions.

function leftoverProcesses(): string[] {
  try {
    return execFileSync('pgrep', ['-af', 'swarm-lab-vscode-|swarm-lab-chromium|code-server'], { encoding: 'utf8' })
      .split('\n')
      .filter((l) => l.trim() && !l.includes('pgrep'));
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

describe('UI tier teardown', () => {
  it('leaves no VS Code, browser or server process behind', () => {
    assert.deepEqual(leftoverProcesses(), []);
  });
});

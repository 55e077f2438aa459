import * as assert from 'node:assert/strict';
import { markedProcesses } from '../harness/processes';

// Named to sort last: mocha runs the tier's files in name order, and this
// check means something only once every other file has closed its sessions.
// Only this run's processes count (marked through their environment), so a
// developer's own VS Code or another run on the machine never fails it.

describe('UI tier teardown', () => {
  it('leaves no VS Code, browser or server process behind', () => {
    assert.deepEqual(markedProcesses(), []);
  });
});

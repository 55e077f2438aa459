import * as assert from 'node:assert/strict';
import type { Machine, MachineState } from '../../src/core/machines/machine';
import { labMachines, onDidChangeLabMachines, type MachineList } from '../../src/core/labRunner/labMachines';

function machine(source: Machine['source'], name: string, state: MachineState = { kind: 'connecting' }): Machine {
  return { id: `${source}:${name}`, name, source, host: name, port: 22, user: 'core', identityFile: '', state };
}

/** A machine list whose content the test sets, firing its change event like the registry. */
function fakeList(initial: Machine[]): MachineList & { set(next: Machine[]): void } {
  let current = initial;
  const listeners = new Set<() => void>();
  return {
    machines: () => current,
    onDidChange: (l) => {
      listeners.add(l);
      return { dispose: () => listeners.delete(l) };
    },
    set(next) {
      current = next;
      listeners.forEach((l) => l());
    },
  };
}

describe("the lab's machines: one rule for the steps, the checks and the panel", () => {
  it('prefers the local lab, then Vagrant, then SSH hosts, in name order, leaving stopped ones out', () => {
    const list = fakeList([
      machine('ssh', 'web'),
      machine('vagrant', 'core-02'),
      machine('vagrant', 'core-01'),
      machine('local-lab', 'core-01', { kind: 'stopped' }),
    ]);
    assert.deepEqual(
      labMachines(list).map((m) => m.id),
      ['vagrant:core-01', 'vagrant:core-02'],
    );
    list.set([machine('ssh', 'b'), machine('ssh', 'a')]);
    assert.deepEqual(
      labMachines(list).map((m) => m.id),
      ['ssh:a', 'ssh:b'],
    );
    list.set([machine('local-lab', 'core-01', { kind: 'stopped' })]);
    assert.deepEqual(labMachines(list), []);
  });

  it('says the machines changed when a lab appears or goes, not when a state is read again', () => {
    const list = fakeList([]);
    let fired = 0;
    const sub = onDidChangeLabMachines(list, () => fired++);
    const lab = ['core-01', 'core-02', 'core-03'].map((n) => machine('local-lab', n));
    list.set(lab);
    assert.equal(fired, 1, 'the lab appeared');
    list.set(lab.map((m) => ({ ...m, state: { kind: 'unreachable', reason: 'refused' } as const })));
    assert.equal(fired, 1, 'the same machines in another state');
    list.set(lab.slice(0, 2));
    assert.equal(fired, 2, 'a node went');
    sub.dispose();
    list.set([]);
    assert.equal(fired, 2, 'no event after dispose');
  });
});

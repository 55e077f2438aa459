import * as assert from 'node:assert/strict';
import { ContainerModel, ContainerModelChange } from '../../src/core/containers/containerModel';
import { ContainerSummary } from '../../src/core/containers/containerSummary';

function container(id: string, name: string, state: ContainerSummary['state'] = 'running'): ContainerSummary {
  return { id, name, image: 'busybox', state, status: '', ports: [], created: 0, labels: {} };
}

describe('ContainerModel', () => {
  it('lists running containers first, then by name', () => {
    const m = new ContainerModel();
    m.replaceAll([container('1', 'zeta'), container('2', 'alpha', 'exited'), container('3', 'beta')]);
    assert.deepEqual(
      m.list().map((c) => c.name),
      ['beta', 'zeta', 'alpha'],
    );
  });

  it('tells listeners of real changes only', () => {
    const m = new ContainerModel();
    const seen: ContainerModelChange['kind'][] = [];
    m.onDidChange((c) => seen.push(c.kind));
    m.upsert(container('1', 'web'));
    m.upsert(container('1', 'web')); // same content: no event
    m.upsert(container('1', 'web', 'exited'));
    m.remove('1');
    m.remove('1'); // already gone: no event
    assert.deepEqual(seen, ['upsert', 'upsert', 'remove']);
  });

  it('finds by ID, ID prefix or name', () => {
    const m = new ContainerModel();
    m.replaceAll([container('abcdef0123456789', 'web')]);
    assert.equal(m.find('abcdef0123456789')?.name, 'web');
    assert.equal(m.find('abcd')?.name, 'web');
    assert.equal(m.find('web')?.id, 'abcdef0123456789');
    assert.equal(m.find('abc'), undefined, 'prefixes shorter than 4 characters are ambiguous');
  });

  it('stops telling a listener once it is disposed', () => {
    const m = new ContainerModel();
    let count = 0;
    const sub = m.onDidChange(() => count++);
    m.upsert(container('1', 'a'));
    sub.dispose();
    m.upsert(container('2', 'b'));
    assert.equal(count, 1);
  });
});

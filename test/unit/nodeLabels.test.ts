import * as assert from 'node:assert/strict';
import { parseLabels } from '../../src/core/cluster/nodeLabels';

describe('node labels typed as one line', () => {
  it('reads key=value pairs, empty values and keys alone', () => {
    assert.deepEqual(parseLabels('zone=a, disk=ssd ,gpu=, storage'), {
      labels: { zone: 'a', disk: 'ssd', gpu: '', storage: '' },
    });
    assert.deepEqual(parseLabels('  '), { labels: {} });
    assert.deepEqual(parseLabels('com.example/tier=front=end'), { labels: { 'com.example/tier': 'front=end' } });
  });

  it('names the first item that is not a label', () => {
    assert.deepEqual(parseLabels('zone=a, bad key=1'), { error: 'bad key=1' });
    assert.deepEqual(parseLabels('=x'), { error: '=x' });
  });
});

import * as assert from 'node:assert/strict';
import { parseServiceLogLine, serviceLogPrefix } from '../../src/core/cluster/serviceLogLines';
import type { SwarmService } from '../../src/core/cluster/swarmSnapshot';

const service: SwarmService = {
  id: 's1',
  name: 'whoami',
  mode: 'replicated',
  desired: 2,
  running: 2,
  image: 'busybox',
  tasks: [
    { id: 'task1', serviceId: 's1', slot: 1, nodeId: 'n1', state: 'running', desiredState: 'running', updatedAt: '' },
    { id: 'task2', serviceId: 's1', slot: 2, nodeId: 'n2', state: 'running', desiredState: 'running', updatedAt: '' },
  ],
};
const nodes = new Map([
  ['n1', 'core-01'],
  ['n2', 'core-02'],
]);

describe('service log lines (docker service logs --details)', () => {
  it('reads the task and node from the labels and keeps the message byte for byte', () => {
    const line = parseServiceLogLine(
      'com.docker.swarm.node.id=n2,com.docker.swarm.service.id=s1,com.docker.swarm.task.id=task2 hello  world = x',
    );
    assert.deepEqual(line, { taskId: 'task2', nodeId: 'n2', message: 'hello  world = x' });
    assert.equal(serviceLogPrefix(line, service, nodes), 'whoami.2@core-02');
  });

  it('keeps lines without labels whole, and names tasks already gone by short ID', () => {
    assert.deepEqual(parseServiceLogLine('plain line'), { message: 'plain line' });
    const gone = parseServiceLogLine(
      'com.docker.swarm.node.id=n9aaaaaaaaaaaaaa,com.docker.swarm.task.id=oldtaskaaaaaaaaaaa bye',
    );
    assert.equal(serviceLogPrefix(gone, service, nodes), 'whoami.oldtaskaaaaa@n9aaaaaaaaaa');
  });

  it('names global tasks by service and node', () => {
    const global: SwarmService = { ...service, mode: 'global' };
    const line = parseServiceLogLine('com.docker.swarm.node.id=n1,com.docker.swarm.task.id=task1 up');
    assert.equal(serviceLogPrefix(line, global, nodes), 'whoami@core-01');
  });
});

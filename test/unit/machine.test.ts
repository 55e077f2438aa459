import * as assert from 'node:assert/strict';
import { describeSshError } from '../../src/clients/machines/machineConnection';
import { HostKeyMismatchError } from '../../src/clients/ssh/sshConnection';
import { describeMachine, Machine, MachineDefinition, swarmRoleOf } from '../../src/core/machines/machine';

const core01: MachineDefinition = {
  id: 'local-lab:core-01',
  name: 'core-01',
  source: 'local-lab',
  host: '10.213.8.101',
  port: 22,
  user: 'core',
  identityFile: '/lab/ssh/core_ed25519',
};

describe('Machine', () => {
  it('describes a running machine with its engine and swarm role in one line', () => {
    const m: Machine = {
      ...core01,
      state: { kind: 'running', engineVersion: '20.10.24', swarmRole: 'manager', isLeader: true },
    };
    assert.equal(describeMachine(m), '10.213.8.101 · Docker 20.10.24 · manager (leader)');
    assert.equal(
      describeMachine({ ...core01, state: { kind: 'running', engineVersion: '20.10.24', swarmRole: 'none' } }),
      '10.213.8.101 · Docker 20.10.24',
    );
    assert.equal(describeMachine({ ...core01, state: { kind: 'stopped' } }), '10.213.8.101 · stopped');
  });

  it('reads the swarm role from `GET /info`', () => {
    assert.equal(swarmRoleOf({ Swarm: { LocalNodeState: 'active', ControlAvailable: true } }), 'manager');
    assert.equal(swarmRoleOf({ Swarm: { LocalNodeState: 'active', ControlAvailable: false } }), 'worker');
    assert.equal(swarmRoleOf({ Swarm: { LocalNodeState: 'inactive' } }), 'none');
    assert.equal(swarmRoleOf({}), 'none');
  });

  it('gives each SSH failure its own message', () => {
    const messages = [
      describeSshError(new HostKeyMismatchError('x'), core01),
      describeSshError(
        Object.assign(new Error('All configured authentication methods failed'), { level: 'client-authentication' }),
        core01,
      ),
      describeSshError(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }), core01),
      describeSshError(Object.assign(new Error('x'), { code: 'ENOTFOUND' }), core01),
      describeSshError(Object.assign(new Error('x'), { code: 'EHOSTUNREACH' }), core01),
      describeSshError(Object.assign(new Error('x'), { code: 'ENOENT' }), core01),
      describeSshError(new Error('Timed out while waiting for handshake'), core01),
    ];
    assert.equal(new Set(messages).size, messages.length);
    assert.match(messages[0], /host key of core@10\.213\.8\.101:22 changed/);
    assert.match(messages[1], /refused the key \/lab\/ssh\/core_ed25519/);
  });
});

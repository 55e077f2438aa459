import * as assert from 'node:assert/strict';
import { nsenterArgs, nsenterInvocation } from '../../src/core/containers/nsenterCommand';

describe('nsenter into a container (the lab’s Q6)', () => {
  it('enters the network namespace only, or all of them', () => {
    assert.deepEqual(nsenterArgs(4242, 'network'), ['nsenter', '--target=4242', '--net', '--', 'sh']);
    assert.deepEqual(nsenterArgs(7, 'all'), [
      'nsenter',
      '--target=7',
      '--mount',
      '--uts',
      '--ipc',
      '--net',
      '--pid',
      '--',
      'sh',
    ]);
  });

  it('refuses anything but a process ID', () => {
    assert.throws(() => nsenterArgs(0, 'all'));
    assert.throws(() => nsenterArgs(Number.NaN, 'all'));
    assert.throws(() => nsenterArgs(1.5, 'all'));
  });

  it('runs here as root, through sudo otherwise, and over ssh with sudo -n on remote nodes', () => {
    assert.deepEqual(nsenterInvocation(9, 'network', { kind: 'here', isRoot: true }), {
      command: 'nsenter',
      args: ['--target=9', '--net', '--', 'sh'],
    });
    assert.equal(nsenterInvocation(9, 'network', { kind: 'here', isRoot: false }).command, 'sudo');
    assert.deepEqual(
      nsenterInvocation(9, 'network', {
        kind: 'ssh',
        user: 'core',
        host: '172.17.8.102',
        port: 22,
        identityFile: '/k',
      }),
      {
        command: 'ssh',
        args: ['-t', '-p', '22', '-i', '/k', 'core@172.17.8.102', 'sudo -n nsenter --target=9 --net -- sh'],
      },
    );
  });

  it('checks the host key against swarmLab.knownHostsFile, and refuses an option as a host', () => {
    const where = {
      kind: 'ssh',
      user: 'core',
      host: 'm1',
      port: 22,
      knownHostsFile: '/home/s/.ssh/lab_known_hosts',
    } as const;
    assert.deepEqual(nsenterInvocation(9, 'network', where).args.slice(0, 5), [
      '-t',
      '-p',
      '22',
      '-o',
      'UserKnownHostsFile=/home/s/.ssh/lab_known_hosts',
    ]);
    assert.throws(() => nsenterInvocation(9, 'network', { ...where, host: '-oProxyCommand=id' }), /not a host/);
  });
});

import * as assert from 'node:assert/strict';
import { checksHostKey, parseMachineReadableSshConfig, parseSshConfig } from '../../src/core/vagrant/sshConfig';
import { parseVagrantStatus } from '../../src/core/vagrant/vagrantStatus';
import { read } from './repoFiles';

const fixture = (name: string): string => read(`test/fixtures/vagrant-output/${name}`);

describe('vagrant ssh-config', () => {
  it('reads the block of a docker machine with a published SSH port (recorded)', () => {
    assert.deepEqual(parseSshConfig(fixture('docker-ssh-config.txt')), [
      {
        host: 'core-03',
        hostName: '127.0.0.1',
        port: 2230,
        user: 'vagrant',
        identityFiles: ['/root/.vagrant.d/insecure_private_key'],
        options: {
          UserKnownHostsFile: '/dev/null',
          StrictHostKeyChecking: 'no',
          PasswordAuthentication: 'no',
          IdentitiesOnly: 'yes',
          LogLevel: 'FATAL',
        },
      },
    ]);
  });

  it('reads several hosts, with quoted key paths (VirtualBox output replayed: VirtualBox cannot run here)', () => {
    const hosts = parseSshConfig(fixture('virtualbox-ssh-config.txt'));
    assert.deepEqual(
      hosts.map((h) => [h.host, h.hostName, h.port, h.user, h.identityFiles]),
      [
        [
          'core-01',
          '127.0.0.1',
          2222,
          'vagrant',
          ['/home/alice/swarm lab/.vagrant/machines/core-01/virtualbox/private_key'],
        ],
        [
          'core-02',
          '127.0.0.1',
          2200,
          'vagrant',
          ['/home/alice/swarm lab/.vagrant/machines/core-02/virtualbox/private_key'],
        ],
      ],
    );
    assert.ok(hosts.every((h) => !checksHostKey(h)));
  });

  it('keys each block by its machine in machine-readable output, skipping the plain copy (recorded)', () => {
    const byMachine = parseMachineReadableSshConfig(fixture('docker-ssh-config-machine-readable.txt'));
    assert.deepEqual([...byMachine.keys()], ['core-03']);
    assert.equal(byMachine.get('core-03')?.port, 2230);
  });

  it('keeps the machines answered before the one that was not ready (recorded)', () => {
    const text = fixture('docker-ssh-config-partial.txt');
    assert.deepEqual([...parseMachineReadableSshConfig(text).keys()], ['core-03']);
    assert.equal(parseVagrantStatus(text).error?.errorClass, 'Vagrant::Errors::SSHNotReady');
  });

  it('keeps the machines answered before the one that was not ready (VirtualBox output replayed: VirtualBox cannot run here)', () => {
    const byMachine = parseMachineReadableSshConfig(fixture('virtualbox-ssh-config-machine-readable.txt'));
    assert.deepEqual(
      [...byMachine].map(([name, h]) => [name, h.port, h.identityFiles[0]]),
      [
        ['core-01', 2222, '/home/alice/swarm lab/.vagrant/machines/core-01/virtualbox/private_key'],
        ['core-02', 2200, '/home/alice/swarm lab/.vagrant/machines/core-02/virtualbox/private_key'],
      ],
    );
  });

  it('reads what other Vagrant versions and settings add: several keys, Key=value, comments, Include', () => {
    const [h] = parseSshConfig(
      [
        '# written by hand',
        'Host web',
        '  Include /etc/ssh/extra.conf',
        '  HostName=192.168.56.10',
        '  User vagrant',
        '  Port 22',
        '  IdentityFile /keys/one',
        '  IdentityFile "/keys/two with space"',
        '  PubkeyAcceptedKeyTypes +ssh-rsa',
        '  HostKeyAlgorithms +ssh-rsa',
        '  HostName 10.0.0.9',
        '  ForwardAgent yes',
      ].join('\r\n'),
    );
    assert.equal(h.hostName, '192.168.56.10', 'the first value of a keyword wins, as in OpenSSH');
    assert.equal(h.port, 22);
    assert.deepEqual(h.identityFiles, ['/keys/one', '/keys/two with space']);
    assert.equal(h.options['Include'], '/etc/ssh/extra.conf');
    assert.equal(h.options['PubkeyAcceptedKeyTypes'], '+ssh-rsa');
    assert.equal(h.options['ForwardAgent'], 'yes');
    assert.equal(checksHostKey(h), true, 'no StrictHostKeyChecking line: OpenSSH checks');
  });

  it('reads nothing from an empty answer, and defaults the port and host name', () => {
    assert.deepEqual(parseSshConfig(''), []);
    assert.deepEqual(parseSshConfig('User x\nHost only\n'), [
      { host: 'only', hostName: 'only', port: 22, user: '', identityFiles: [], options: {} },
    ]);
  });
});

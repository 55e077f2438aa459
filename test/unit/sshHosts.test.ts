import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { MachineDefinition } from '../../src/core/machines/machine';
import { listHostAliases, readSshConfig, resolveSshConfigHost, SshConfigText } from '../../src/core/ssh/sshConfig';
import {
  parseHostString,
  parseSshHostsSetting,
  resolveSshHosts,
  sshHostMachines,
  SshHostsEnvironment,
} from '../../src/core/ssh/sshHosts';
import { ROOT } from './repoFiles';

/** test/fixtures/ssh/home/.ssh/config, with an Include of config.d/*.conf. */
const HOME = path.join(ROOT, 'test', 'fixtures', 'ssh', 'home');
const key = (name: string): string => path.join(HOME, '.ssh', name);

function environment(existing: string[], agentSocket?: string): SshHostsEnvironment {
  return {
    home: HOME,
    localUser: 'me',
    ...(agentSocket ? { agentSocket } : {}),
    exists: (f) => existing.includes(f),
  };
}

describe('SSH hosts (swarmLab.hosts)', () => {
  let config: SshConfigText;
  before(async () => (config = await readSshConfig(path.join(HOME, '.ssh', 'config'), HOME)));

  it('reads user@host:port strings, with brackets for IPv6', () => {
    assert.deepEqual(parseHostString('core@172.17.8.101:2222'), { user: 'core', host: '172.17.8.101', port: 2222 });
    assert.deepEqual(parseHostString('core-01'), { host: 'core-01' });
    assert.deepEqual(parseHostString('ssh://core@node'), { user: 'core', host: 'node' });
    assert.deepEqual(parseHostString('[fe80::1]:22'), { host: 'fe80::1', port: 22 });
    assert.deepEqual(parseHostString('core@fe80::1'), { user: 'core', host: 'fe80::1' });
    assert.equal(parseHostString('core@node:0'), undefined);
    assert.equal(parseHostString('node:http'), undefined);
    assert.equal(parseHostString('@node'), undefined);
    assert.equal(parseHostString(''), undefined);
  });

  it('reports each bad entry with its place and why, and keeps the good ones', () => {
    const { entries, problems } = parseSshHostsSetting([
      {
        name: 'core-01',
        host: '172.17.8.101',
        port: 22,
        user: 'core',
        identityFile: '~/.ssh/id_ed25519',
        dockerSocket: '/var/run/docker.sock',
      },
      'core@172.17.8.102:2222',
      42,
      { host: '172.17.8.103', port: 70000 },
      { name: 'no host' },
      { host: 'a', identityfile: '~/.ssh/x' },
      { host: 'a', dockerSocket: 'docker.sock' },
      { host: '-oProxyCommand=evil' },
      'bad user@host',
      { host: 'b', user: '' },
      'core-03',
    ]);
    assert.deepEqual(
      entries.map((e) => e.index),
      [0, 1, 10],
    );
    assert.deepEqual(entries[0], {
      index: 0,
      name: 'core-01',
      host: '172.17.8.101',
      port: 22,
      user: 'core',
      identityFile: '~/.ssh/id_ed25519',
      dockerSocket: '/var/run/docker.sock',
    });
    assert.deepEqual(entries[1], { index: 1, user: 'core', host: '172.17.8.102', port: 2222 });
    assert.deepEqual(
      problems.map((p) => p.message),
      [
        'swarmLab.hosts, entry 3 (42): expected an object or a string.',
        'swarmLab.hosts, entry 4 (172.17.8.103): port must be a whole number from 1 to 65535.',
        'swarmLab.hosts, entry 5 (no host): host is missing.',
        'swarmLab.hosts, entry 6 (a): unknown field identityfile (known: name, host, port, user, identityFile, dockerSocket).',
        'swarmLab.hosts, entry 7 (a): dockerSocket must be an absolute path on the machine.',
        'swarmLab.hosts, entry 8 (-oProxyCommand=evil): -oProxyCommand=evil is not a valid host name.',
        'swarmLab.hosts, entry 9 (bad user@host): bad user is not a valid user name.',
        'swarmLab.hosts, entry 10 (b): user must be a non-empty string.',
      ],
    );
    assert.deepEqual(parseSshHostsSetting(undefined), { entries: [], problems: [] });
    assert.equal(parseSshHostsSetting({ host: 'x' }).problems[0].message, 'swarmLab.hosts must be a list of hosts.');
  });

  it('lists the concrete Host aliases of ~/.ssh/config, included files first where included', async () => {
    assert.deepEqual(await listHostAliases(config), [
      'included',
      'core-01',
      'core-02',
      'core-02.lab',
      'jumped',
      'proxied',
      'agent-off',
      'files-only',
      'badport',
    ]);
    assert.deepEqual(config.problems, []);
  });

  it('resolves an alias as ssh does: first value wins, tokens expanded, Match exec never run', async () => {
    const core02 = await resolveSshConfigHost(config, 'core-02', { home: HOME, localUser: 'me' });
    assert.equal(core02.hostName, '172.17.8.102');
    assert.equal(core02.port, 2202);
    assert.equal(core02.user, 'core');
    assert.deepEqual(core02.identityFiles, [key('lab_172.17.8.102'), key('id_default')]);
    const short = await resolveSshConfigHost(config, 'db.short', { home: HOME, localUser: 'me' });
    assert.equal(short.hostName, 'db.short.example.net');
    assert.equal(short.user, 'fallback'); // not "hacked": the Match exec line was not run
    assert.equal((await resolveSshConfigHost(config, 'x.lab', { home: HOME })).user, 'labuser');
    assert.equal((await resolveSshConfigHost(config, 'core-02.lab', { home: HOME })).user, 'core');
  });

  it('turns entries into machines, the entry winning over ~/.ssh/config', async () => {
    const { entries } = parseSshHostsSetting([
      { name: 'core-01', host: '172.17.8.101', user: 'core', identityFile: '~/.ssh/id_ed25519' },
      'core-02',
      'admin@core-02:2300',
      'included',
      { host: 'docker.example', dockerSocket: '/run/user/1000/docker.sock' },
    ]);
    const env = environment([key('lab_172.17.8.102'), key('id_default')]);
    const { machines, problems } = await resolveSshHosts(entries, config, env);
    assert.deepEqual(problems, []);
    const expected: MachineDefinition[] = [
      {
        id: 'ssh:core-01',
        name: 'core-01',
        source: 'ssh',
        host: '172.17.8.101',
        port: 22,
        user: 'core',
        identityFile: key('id_ed25519'),
      },
      {
        id: 'ssh:core-02',
        name: 'core-02',
        source: 'ssh',
        host: '172.17.8.102',
        port: 2202,
        user: 'core',
        identityFile: key('lab_172.17.8.102'),
      },
      {
        id: 'ssh:core-02:2300',
        name: 'core-02:2300',
        source: 'ssh',
        host: '172.17.8.102',
        port: 2300,
        user: 'admin',
        identityFile: key('lab_172.17.8.102'),
      },
      {
        id: 'ssh:included',
        name: 'included',
        source: 'ssh',
        host: '10.2.0.9',
        port: 22,
        user: 'inc',
        identityFile: key('id_default'),
      },
      {
        id: 'ssh:docker.example',
        name: 'docker.example',
        source: 'ssh',
        host: 'docker.example',
        port: 22,
        user: 'fallback',
        identityFile: key('id_default'),
        dockerSocket: '/run/user/1000/docker.sock',
      },
    ];
    assert.deepEqual(machines, expected);
  });

  it('uses ssh-agent besides the key, or alone, unless IdentityAgent none or IdentitiesOnly says otherwise', async () => {
    const { entries } = parseSshHostsSetting(['core-01', 'agent-off', 'files-only', 'plain.example']);
    const agent = '/tmp/agent.sock';
    const withAgent = await resolveSshHosts(entries, config, environment([key('only_ed25519')], agent));
    const byName = new Map(withAgent.machines.map((m) => [m.name, m]));
    // core-01's key does not exist yet: the agent alone, as ssh would do.
    assert.deepEqual([byName.get('core-01')?.identityFile, byName.get('core-01')?.agent], ['', agent]);
    assert.deepEqual(
      [byName.get('files-only')?.identityFile, byName.get('files-only')?.agent],
      [key('only_ed25519'), undefined],
    );
    assert.deepEqual([byName.get('plain.example')?.identityFile, byName.get('plain.example')?.agent], ['', agent]);
    // IdentityAgent none: the configured key, even missing (its item will say so), never the agent.
    assert.deepEqual(
      [byName.get('agent-off')?.identityFile, byName.get('agent-off')?.agent],
      [key('id_default'), undefined],
    );
    assert.deepEqual(withAgent.problems, []);
    const bare: SshConfigText = { file: 'inline', text: 'Host bare\n  IdentityAgent none\n', problems: [] };
    const noKey = await resolveSshHosts(parseSshHostsSetting(['bare']).entries, bare, environment([], agent));
    assert.deepEqual(
      noKey.problems.map((p) => p.message),
      [
        'swarmLab.hosts, entry 1 (bare): no key: set identityFile, or IdentityFile in ~/.ssh/config, or start ssh-agent.',
      ],
    );
    // Without an agent a configured but missing key is still named: the machine's item then says it is missing.
    const without = await resolveSshHosts(entries, config, environment([]));
    assert.equal(without.machines.find((m) => m.name === 'core-01')?.identityFile, key('lab_ed25519'));
  });

  it('refuses ProxyJump and ProxyCommand hosts, repeated names, and warns of unusable values', async () => {
    const { entries } = parseSshHostsSetting([
      'jumped',
      'proxied',
      'core-01',
      { name: 'core-01', host: 'h' },
      'badport',
    ]);
    const { machines, problems } = await resolveSshHosts(entries, config, environment([key('lab_ed25519')]));
    assert.deepEqual(
      machines.map((m) => [m.name, m.port]),
      [
        ['core-01', 22],
        ['badport', 22],
      ],
    );
    assert.deepEqual(
      problems.map((p) => [p.index, p.message]),
      [
        [
          0,
          'swarmLab.hosts, entry 1 (jumped): ~/.ssh/config gives it ProxyJump bastion, which Swarm Lab does not support: it connects directly.',
        ],
        [
          1,
          'swarmLab.hosts, entry 2 (proxied): ~/.ssh/config gives it a ProxyCommand, which Swarm Lab does not support: it connects directly.',
        ],
        [3, 'swarmLab.hosts, entry 4 (core-01): the name core-01 is already used by entry 3.'],
        [4, `swarmLab.hosts, entry 5 (badport): ${config.file}: Port abc is not a port number.`],
      ],
    );
  });

  it('does it all in one call, reading ~/.ssh/config only when there are entries', async () => {
    const env = environment([key('id_default')]);
    const none = await sshHostMachines([], { env, sshConfigFile: '/nonexistent/config' });
    assert.deepEqual(none, { machines: [], problems: [] });
    const some = await sshHostMachines(['included', 7], { env });
    assert.deepEqual(
      some.machines.map((m) => m.id),
      ['ssh:included'],
    );
    assert.deepEqual(
      some.problems.map((p) => p.index),
      [1],
    );
  });
});

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough, type Duplex } from 'node:stream';
import { parseDockerHost } from '../../src/clients/docker/dockerEndpoint';
import { DockerEngine } from '../../src/clients/docker/dockerEngine';
import { LazyForwardedSocketAgent, sshDockerHostMachine } from '../../src/clients/docker/sshDockerHost';
import type { SshConnection } from '../../src/clients/ssh/sshConnection';
import { english } from '../../src/core/l10n';
import type { SshHostsEnvironment } from '../../src/core/ssh/sshHosts';

function sshEndpoint(text: string): Extract<ReturnType<typeof parseDockerHost>, { kind: 'ssh' }> {
  const e = parseDockerHost(text);
  assert.equal(e.kind, 'ssh');
  return e;
}

describe('ssh:// Docker hosts go through Swarm Lab’s own SSH connection', () => {
  let home: string;
  beforeEach(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'swarm-lab-ssh-home-'));
    fs.mkdirSync(path.join(home, '.ssh'));
    fs.writeFileSync(path.join(home, '.ssh', 'id_ed25519'), 'key');
  });
  afterEach(() => fs.rmSync(home, { recursive: true, force: true }));
  const env = (): SshHostsEnvironment => ({
    home,
    localUser: 'student',
    exists: (f) => fs.existsSync(f),
  });

  it('resolves the host like an entry of swarmLab.hosts: user, port, key', async () => {
    const machine = await sshDockerHostMachine(sshEndpoint('ssh://core@m1.swarm:2222'), { env: env(), l10n: english });
    assert.equal(machine.host, 'm1.swarm');
    assert.equal(machine.port, 2222);
    assert.equal(machine.user, 'core');
    assert.equal(machine.identityFile, path.join(home, '.ssh', 'id_ed25519'));
    const bare = await sshDockerHostMachine(sshEndpoint('ssh://m1'), { env: env(), l10n: english });
    assert.deepEqual([bare.user, bare.port], ['student', 22]);
  });

  it('refuses a ProxyCommand from ~/.ssh/config, naming swarmLab.dockerHost', async () => {
    const config = path.join(home, '.ssh', 'config');
    fs.writeFileSync(config, 'Host m1\n  ProxyCommand touch /tmp/swarm-lab-hostile-marker\n');
    await assert.rejects(
      sshDockerHostMachine(sshEndpoint('ssh://m1'), { env: env(), sshConfigFile: config, l10n: english }),
      /^Error: swarmLab\.dockerHost \(m1\): ~\/\.ssh\/config gives it a ProxyCommand/,
    );
  });

  it('forwards Docker’s socket over the one connection, and says why it cannot connect', async () => {
    const asked: string[] = [];
    const stream = new PassThrough();
    let connects = 0;
    const connection = {
      forwardUnixSocket: (socketPath: string) => {
        asked.push(socketPath);
        return Promise.resolve(stream);
      },
    } as unknown as SshConnection;
    const agent = new LazyForwardedSocketAgent(() => {
      connects++;
      return Promise.resolve(connection);
    }, '/var/run/docker.sock');
    const got = await new Promise<Duplex>((resolve, reject) =>
      agent.createConnection({}, (err, s) => (err ? reject(err) : resolve(s))),
    );
    assert.equal(got, stream);
    assert.deepEqual(asked, ['/var/run/docker.sock']);
    assert.equal(connects, 1);
    const refused = new LazyForwardedSocketAgent(
      () => Promise.reject(new Error('The host key of core@m1:22 is not known')),
      '/var/run/docker.sock',
    );
    await assert.rejects(
      new Promise((resolve, reject) => refused.createConnection({}, (err, s) => (err ? reject(err) : resolve(s)))),
      /host key/,
    );
  });

  it('never lets dockerode make its own SSH connection (it accepts any host key)', async () => {
    const engine = new DockerEngine({ endpoint: parseDockerHost('ssh://core@m1') });
    await assert.rejects(engine.docker(), /reached through Swarm Lab's SSH connection only/);
  });
});

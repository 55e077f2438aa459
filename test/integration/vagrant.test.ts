import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Docker from 'dockerode';
import { VagrantCli, VagrantError, VagrantRunOptions } from '../../src/clients/vagrant/vagrantCli';
import { VagrantMachineSource } from '../../src/clients/vagrant/vagrantMachineSource';
import { VagrantMachine } from '../../src/core/vagrant/vagrantMachines';
import { dockerGround } from '../harness/ground';
import { runStatus } from '../../src/localLab/run';
import { createVagrantProject, VagrantProject } from '../harness/vagrantProject';

/** Counts the runs that reach vagrant, to see that refreshes share one. */
class CountingCli extends VagrantCli {
  runs = 0;
  override machines(opts?: VagrantRunOptions): Promise<VagrantMachine[]> {
    this.runs++;
    return super.machines(opts);
  }
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

async function timed<T>(what: string, fn: () => Promise<T>): Promise<T> {
  const started = Date.now();
  try {
    return await fn();
  } finally {
    console.log(`      [vagrant] ${what}: ${seconds(Date.now() - started)}`);
  }
}

/**
 * Debian's real `vagrant` (2.3) with its docker provider, on the tests'
 * private dockerd. Machines have no sshd (has_ssh = false), so what is
 * tested for SSH is what `vagrant ssh-config` says, not a login.
 */
describe('Vagrant (the real vagrant, docker provider)', function () {
  this.timeout(60_000);
  let docker: Docker;
  let project: VagrantProject;
  let cli: CountingCli;
  let source: VagrantMachineSource;

  before(async function () {
    this.timeout(120_000);
    const found = await runStatus('sh', ['-c', 'command -v vagrant']);
    assert.equal(found.code, 0, 'no `vagrant` on PATH: apt-get install -y --no-install-recommends vagrant');
    docker = new Docker({ socketPath: dockerGround().socketPath });
    project = await createVagrantProject(docker, dockerGround());
    cli = new CountingCli(project.dir, { env: project.env, queryTimeoutMs: 60_000 });
    source = new VagrantMachineSource(project.dir, cli);
  });

  after(async function () {
    this.timeout(120_000);
    source?.dispose();
    if (project) {
      await new VagrantCli(project.dir, { env: project.env }).destroy([]).catch(() => undefined);
      await project.remove();
    }
  });

  it('lists the machines of a new folder, none created', async () => {
    const machines = await timed('status, 3 machines not created', () => cli.status());
    assert.deepEqual(
      machines.map((m) => [m.name, m.state, m.provider]),
      [
        ['core-01', 'not_created', 'docker'],
        ['core-02', 'not_created', 'docker'],
        ['core-03', 'not_created', 'docker'],
      ],
    );
  });

  it('brings two machines up, streaming what vagrant says', async () => {
    const lines: string[] = [];
    await timed('up core-01 core-02', () =>
      source.run('up', ['core-01', 'core-02'], { onOutput: (l) => lines.push(l) }),
    );
    assert.ok(lines.includes('==> core-01: Starting container...'), lines.join('\n'));
    assert.ok(lines.includes('==> core-02: Starting container...'), lines.join('\n'));
    assert.deepEqual(
      source.current?.machines.map((m) => [m.name, m.state]),
      [
        ['core-01', 'running'],
        ['core-02', 'running'],
        ['core-03', 'not_created'],
      ],
    );
  });

  it("reads each running machine's SSH endpoint, and why one has none", async () => {
    const snapshot = await timed('status + ssh-config, 2 running', () => source.refresh());
    assert.equal(snapshot.error, undefined);
    const [core01, core02, core03] = snapshot.definitions;
    assert.deepEqual(
      [core02.host, core02.port, core02.user, core02.identityFile],
      ['127.0.0.1', project.sshPort, 'vagrant', path.join(project.vagrantHome, 'insecure_private_key')],
    );
    assert.equal(core02.vagrant?.checksHostKey, false);
    assert.equal(core01.host, '');
    assert.match(core01.vagrant?.sshError ?? '', /^core-01 gives no SSH address yet/);
    assert.deepEqual([core03.host, core03.vagrant?.label], ['', 'not created']);
  });

  it('shares one vagrant run between refreshes asked at once', async () => {
    const before = cli.runs;
    const [a, b, c] = await Promise.all([source.refresh(), source.refresh(), source.refresh()]);
    assert.equal(cli.runs - before, 1);
    assert.ok(a === b && b === c);
  });

  it('halts a machine and sees it stopped', async () => {
    await timed('halt core-01', () => source.run('halt', ['core-01']));
    assert.deepEqual(
      source.current?.machines.map((m) => m.state),
      ['stopped', 'running', 'not_created'],
    );
  });

  it('says which machine a command does not know', async () => {
    await assert.rejects(
      cli.halt(['core-09']),
      (e: VagrantError) => e.kind === 'machine-not-found' && /defines no machine core-09/.test(e.message),
    );
  });

  it('says when the folder is not a Vagrant folder, and when Docker cannot be reached', async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'swarm-lab-no-vagrant-'));
    try {
      await assert.rejects(
        new VagrantCli(empty, { env: project.env }).status(),
        (e: VagrantError) => e.kind === 'no-vagrantfile',
      );
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
    }
    const noDocker = new VagrantCli(project.dir, { env: { ...project.env, DOCKER_HOST: 'unix:///nonexistent.sock' } });
    await assert.rejects(
      noDocker.status(),
      (e: VagrantError) => e.kind === 'provider-not-usable' && /Cannot connect to the Docker daemon/.test(e.message),
    );
  });

  it('stops a command when aborted', async () => {
    const abort = new AbortController();
    const status = cli.status({ signal: abort.signal });
    setTimeout(() => abort.abort(), 300);
    await assert.rejects(status, (e: Error) => e.name === 'AbortError');
  });

  it('destroys every machine', async () => {
    await timed('destroy -f (all)', () => source.run('destroy', []));
    assert.ok(source.current?.machines.every((m) => m.state === 'not_created'));
    const left = await docker.listContainers({ all: true });
    assert.deepEqual(
      left.filter((c) => c.Names.some((n) => n.startsWith(`/${path.basename(project.dir)}_`))),
      [],
    );
  });
});

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { VagrantCli, VagrantError, vagrantSshTerminal } from '../../src/clients/vagrant/vagrantCli';
import { ROOT } from './repoFiles';

const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'vagrant-output');

/**
 * A stand-in `vagrant`: a shell script that logs its arguments, working
 * folder and environment, then replays recorded output for the command it
 * was given. The real binary is exercised by test/integration/vagrant.test.ts.
 */
function fakeVagrant(dir: string, body: string): string {
  const file = path.join(dir, 'fake-vagrant');
  fs.writeFileSync(
    file,
    [
      '#!/bin/sh',
      `echo "$PWD|$VAGRANT_CHECKPOINT_DISABLE|$*" >> "${path.join(dir, 'calls.log')}"`,
      `F="${FIXTURES}"`,
      body,
      '',
    ].join('\n'),
    { mode: 0o755 },
  );
  return file;
}

const calls = (dir: string): string[] => fs.readFileSync(path.join(dir, 'calls.log'), 'utf8').trim().split('\n');

describe('VagrantCli (a replaying stand-in for vagrant)', () => {
  let tmp: string;
  let project: string;

  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'swarm-lab-vagrant-cli-'));
    project = path.join(tmp, 'project');
    fs.mkdirSync(project);
  });

  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('asks ssh-config again after a machine that is not ready (VirtualBox output replayed: VirtualBox cannot run here)', async () => {
    const command = fakeVagrant(
      tmp,
      `case "$*" in
  "status --machine-readable") cat "$F/virtualbox-status-5.txt" ;;
  "ssh-config core-01 core-02 --machine-readable") cat "$F/docker-ssh-config-not-ready.txt"; exit 1 ;;
  "ssh-config core-02 --machine-readable") grep '^[0-9]*,core-02,' "$F/virtualbox-ssh-config-machine-readable.txt" ;;
  *) exit 9 ;;
esac`,
    );
    const machines = await new VagrantCli(project, { command }).machines();
    assert.deepEqual(
      machines.map((m) => [m.name, m.state, m.ssh?.port, m.sshError]),
      [
        [
          'core-01',
          'running',
          undefined,
          'core-01 gives no SSH address yet: it is not running, or its provider has none for it.',
        ],
        ['core-02', 'running', 2200, undefined],
        ['core-03', 'poweroff', undefined, undefined],
        ['core-04', 'saved', undefined, undefined],
        ['core-05', 'aborted', undefined, undefined],
      ],
    );
    assert.deepEqual(calls(tmp), [
      `${project}|1|status --machine-readable`,
      `${project}|1|ssh-config core-01 core-02 --machine-readable`,
      `${project}|1|ssh-config core-02 --machine-readable`,
    ]);
  });

  it('stops at a failure of the whole folder instead of asking machine by machine (recorded)', async () => {
    const command = fakeVagrant(tmp, 'cat "$F/error-provider-not-usable.txt"; exit 1');
    await assert.rejects(
      new VagrantCli(project, { command }).sshConfig(['core-01', 'core-02']),
      (e: VagrantError) => e.kind === 'provider-not-usable' && /Cannot connect to the Docker daemon/.test(e.message),
    );
    assert.equal(calls(tmp).length, 1);
  });

  it('runs no ssh-config when nothing runs (recorded docker status)', async () => {
    const command = fakeVagrant(tmp, 'cat "$F/docker-status-not-created.txt"');
    const machines = await new VagrantCli(project, { command }).machines();
    assert.deepEqual(
      machines.map((m) => [m.name, m.state]),
      [
        ['core-01', 'not_created'],
        ['core-02', 'not_created'],
      ],
    );
    assert.equal(calls(tmp).length, 1);
  });

  it("streams an action's lines as they come, and destroys with -f (recorded)", async () => {
    const command = fakeVagrant(
      tmp,
      `case "$1" in
  up) cat "$F/docker-up.txt" ;;
  destroy) cat "$F/docker-destroy-all.txt" ;;
esac`,
    );
    const cli = new VagrantCli(project, { command });
    const lines: string[] = [];
    await cli.up(['core-03'], { onOutput: (l) => lines.push(l) });
    assert.equal(lines[0], "Bringing machine 'core-03' up with 'docker' provider...");
    assert.equal(lines.at(-1), '==> core-03: Starting container...');
    await cli.destroy([]);
    assert.deepEqual(
      calls(tmp).map((c) => c.split('|')[2]),
      ['up core-03 --machine-readable', 'destroy -f --machine-readable'],
    );
  });

  it('reports the error of a failed action with its machine (recorded)', async () => {
    const command = fakeVagrant(tmp, 'cat "$F/error-machine-not-found.txt"; exit 1');
    await assert.rejects(
      new VagrantCli(project, { command }).halt(['core-09']),
      (e: VagrantError) =>
        e.kind === 'machine-not-found' &&
        e.machine === 'core-09' &&
        e.message === `The Vagrantfile in ${project} defines no machine core-09.` &&
        /was not found configured/.test(e.details),
    );
  });

  it('says when vagrant is missing, and when the folder is', async () => {
    await assert.rejects(
      new VagrantCli(project, { command: path.join(tmp, 'no-such-vagrant') }).status(),
      (e: VagrantError) => e.kind === 'not-installed',
    );
    await assert.rejects(
      new VagrantCli(path.join(tmp, 'gone'), { command: fakeVagrant(tmp, 'exit 0') }).status(),
      (e: VagrantError) => e.kind === 'no-vagrantfile',
    );
  });

  it('reads a Vagrantfile error from stderr, where Vagrant writes it before its machine-readable UI exists (recorded)', async () => {
    const command = fakeVagrant(tmp, 'cat "$F/error-vagrantfile-syntax.stderr.txt" >&2; exit 1');
    await assert.rejects(
      new VagrantCli(project, { command }).status(),
      (e: VagrantError) => e.kind === 'vagrantfile-error' && /syntax error/.test(e.details),
    );
  });

  it('kills the whole process group on abort', async function () {
    const pidFile = path.join(tmp, 'child.pid');
    const command = fakeVagrant(tmp, `sleep 30 & echo $! > "${pidFile}"; wait`);
    const abort = new AbortController();
    const running = new VagrantCli(project, { command }).up([], { signal: abort.signal });
    const deadline = Date.now() + 3_000;
    while (!fs.existsSync(pidFile) || fs.readFileSync(pidFile, 'utf8').trim() === '') {
      assert.ok(Date.now() < deadline, 'the stand-in never started its child');
      await new Promise((r) => setTimeout(r, 20));
    }
    const child = Number(fs.readFileSync(pidFile, 'utf8'));
    abort.abort();
    await assert.rejects(running, (e: Error) => e.name === 'AbortError');
    assert.ok(await gone(child, 2_000), `sleep ${child} survived the abort`);
  });

  it("opens a machine's shell through `vagrant ssh` in its folder", () => {
    assert.deepEqual(vagrantSshTerminal('/lab', 'core-02'), {
      shellPath: 'vagrant',
      shellArgs: ['ssh', 'core-02'],
      cwd: '/lab',
      env: { VAGRANT_CHECKPOINT_DISABLE: '1' },
    });
  });

  it('gives up on a query that takes too long', async () => {
    const command = fakeVagrant(tmp, 'sleep 30');
    const started = Date.now();
    await assert.rejects(
      new VagrantCli(project, { command, queryTimeoutMs: 300 }).status(),
      (e: VagrantError) => e.kind === 'timeout',
    );
    assert.ok(Date.now() - started < 3_000);
  });
});

/** True once `pid` is gone (or a zombie waiting for init): bounded by `withinMs`. */
async function gone(pid: number, withinMs: number): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  while (Date.now() < deadline) {
    try {
      process.kill(pid, 0);
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (/^\d+ \(.*\) Z/.test(stat)) {
        return true;
      }
    } catch {
      return true;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  return false;
}

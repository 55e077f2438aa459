import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { SwarmLabApi } from '../../../src/extension';
import type { ShownNotification } from '../../../src/editor/notify';
import { activateSwarmLab } from '../suite/extensionApi';
import { hostileCase } from './hostileCases';
import { ProcessWatch } from '../../harness/processWatch';

/**
 * The fixture (test/fixtures/hostile, plus the archives the runner plants in
 * backups/) opened as a folder from elsewhere opens: Workspace Trust on, the
 * folder not trusted. Nothing of it may run, and each refusal says why.
 */
const WORKSPACE = (): string => vscode.workspace.workspaceFolders![0].uri.fsPath;
const VAGRANT_MARKER = 'vagrantfile-was-evaluated.marker';
const SETTINGS_MARKER = '/tmp/swarm-lab-hostile-marker';

/**
 * Processes of the editor itself, not of the workspace's files: language
 * servers of VS Code's own extensions (JSON, Markdown), and the remote
 * extension host's port finder (an `ls -l` of every process's file
 * descriptors piped to `grep socket:`, and `ps -F -A -l | grep root`),
 * which runs whatever the settings say. A program of ours would be seen
 * running (the watch looks every 10 ms), and its effect by the markers.
 */
const EDITOR_PROCESSES: readonly RegExp[] = [
  /^\d+: \S*node\S* .*\/extensions\/[a-z-]+-language-features\//,
  /^\d+: \/bin\/sh -c ls -l \/proc\/\[0-9\]\*\/fd\/\[0-9\]\* \| grep socket:$/,
  /^\d+: ls -l (\/proc\/\d+\/fd\/\d+ ?)+$/,
  /^\d+: grep socket:$/,
  /^\d+: \/bin\/sh -c ps -F -A -l \| grep root$/,
  /^\d+: ps -F -A -l$/,
  /^\d+: grep root$/,
  // The same, seen only after they exited (under load, between two looks): the kernel keeps their name.
  /^\d+: \[(sh|ls|grep|ps)\]$/,
];
const editorProcess = (p: string): boolean => EDITOR_PROCESSES.some((re) => re.test(p));

/** Every action that needs trust, as the user reaches it: command id and arguments. */
const REFUSED_COMMANDS: ReadonlyArray<readonly [string, ...unknown[]]> = [
  ['swarmLab.vagrant.up'],
  ['swarmLab.vagrant.provision'],
  ['swarmLab.vagrant.destroy'],
  ['swarmLab.localLab.start'],
  ['swarmLab.machines.openTerminal'],
  ['swarmLab.steps.run', 'docker.config'],
  ['swarmLab.steps.dryRun', 'docker.config'],
  ['swarmLab.steps.swarmInitJoin'],
  ['swarmLab.vagrant.configureVagrantfile'],
  ['swarmLab.compose.switchAllImages'],
  ['swarmLab.images.loadFromArchives'],
  ['swarmLab.containers.enterNamespaces'],
];

describe('A hostile workspace opened untrusted, in a real VS Code (restricted mode)', function () {
  let api: SwarmLabApi;
  let watch: ProcessWatch;
  const shown: ShownNotification[] = [];
  let backupsBefore: string[];

  before(async function () {
    this.timeout(60_000);
    watch = new ProcessWatch();
    api = await activateSwarmLab();
    api.onDidNotify((n) => shown.push(n));
    backupsBefore = fs.readdirSync(path.join(WORKSPACE(), 'backups')).sort();
  });

  after(function () {
    watch.stop();
  });

  /** The next notification whose text matches, shown from now on. */
  const nextNotification = (pattern: RegExp, timeoutMs = 5_000): Promise<ShownNotification> => {
    const from = shown.length;
    return new Promise((resolve, reject) => {
      const started = Date.now();
      const look = (): void => {
        const found = shown.slice(from).find((n) => pattern.test(n.text));
        if (found) {
          resolve(found);
        } else if (Date.now() - started > timeoutMs) {
          reject(new Error(`no notification matching ${pattern} (shown: ${JSON.stringify(shown.slice(from))})`));
        } else {
          setTimeout(look, 20);
        }
      };
      look();
    });
  };

  it('is really untrusted, and its process watch sees a program this host starts', async function () {
    assert.equal(vscode.workspace.isTrusted, false, 'the suite must run in restricted mode');
    // The watch must be able to fail: a program started here is seen.
    await new Promise<void>((resolve) => spawn('sleep', ['0.3']).on('exit', () => resolve()));
    assert.ok(
      watch.processes().some((p) => /^\d+: sleep 0\.3$/.test(p)),
      `sleep not seen: ${watch.processes().join('; ')}`,
    );
  });

  it('lists the Vagrantfile’s machines from its text, state unknown, without evaluating it', async function () {
    this.timeout(30_000);
    await hostileCase('Vagrantfile not evaluated (Machines view, Refresh)', async () => {
      api.machinesTree.getChildren();
      await vscode.commands.executeCommand('swarmLab.machines.refresh');
      await api.machines.refresh();
      const vagrant = api.machines.machines().filter((m) => m.source === 'vagrant');
      assert.deepEqual(
        vagrant.map((m) => [m.name, m.vagrant?.label]),
        [1, 2, 3].map((i) => [`core-0${i}`, 'state unknown (workspace not trusted)']),
      );
      assert.ok(!fs.existsSync(path.join(WORKSPACE(), VAGRANT_MARKER)), 'the Vagrantfile was evaluated');
    });
  });

  it('ignores the workspace’s machine settings: no -oProxyCommand host is listed or reached', async function () {
    await hostileCase('swarmLab.hosts from the workspace ignored', () => {
      const names = api.machines.machines().map((m) => `${m.name} ${m.host}`);
      assert.ok(!names.some((n) => n.includes('ProxyCommand')), names.join(', '));
      assert.equal(vscode.workspace.getConfiguration('swarmLab').get('dockerHost'), '');
    });
  });

  for (const [id, ...args] of REFUSED_COMMANDS) {
    it(`refuses ${id}, and says that trust is what it needs`, async function () {
      this.timeout(15_000);
      await hostileCase(`${id} refused`, async () => {
        const said = nextNotification(/trust/i);
        const result = await vscode.commands.executeCommand(id, ...args);
        assert.equal(result, undefined);
        const n = await said;
        assert.equal(n.severity, 'warning');
        assert.match(n.text, /Manage Workspace Trust/);
      });
    });
  }

  it('the lab panel opens, and its checks and steps say why they do not run', async function () {
    this.timeout(30_000);
    await vscode.commands.executeCommand('swarmLab.lab.open');
    for (const id of ['swarm.nodes-ready', 'backup.restore', 'backup.archive']) {
      await hostileCase(`check ${id} not run`, async () => {
        const outcome = await api.labActions.runCheck(id, new AbortController().signal);
        assert.equal(outcome.state, 'unknown', `${id}: ${outcome.why}`);
        assert.match(outcome.why, /Trust the workspace to check/);
      });
    }
    for (const id of ['backup.now', 'backup.rehearse', 'docker.config']) {
      await hostileCase(`step ${id} not run`, async () => {
        const lines: string[] = [];
        const outcome = await api.labActions.runStep(
          id,
          (l) => lines.push(JSON.stringify(l)),
          new AbortController().signal,
        );
        assert.equal(outcome.ok, false);
        assert.match(outcome.summary ?? '', /trust this workspace first/);
      });
    }
  });

  it('after all of it: no marker written, no program started, nothing written to backups/', async function () {
    this.timeout(15_000);
    await new Promise((r) => setTimeout(r, 1_000)); // anything started late would show by now
    await hostileCase('no marker, no process, no write', () => {
      assert.ok(!fs.existsSync(path.join(WORKSPACE(), VAGRANT_MARKER)), 'the Vagrantfile was evaluated');
      assert.ok(!fs.existsSync(SETTINGS_MARKER), `${SETTINGS_MARKER} exists: a setting's value ran`);
      const started = watch
        .processes()
        .filter((p) => !/^\d+: sleep 0\.3$/.test(p) && !editorProcess(p))
        .map((p) => p.slice(0, 200));
      assert.deepEqual(started, [], 'processes started by the extension host');
      assert.deepEqual(fs.readdirSync(path.join(WORKSPACE(), 'backups')).sort(), backupsBefore);
    });
  });
});

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ShownNotification } from '../../../src/editor/notify';
import type { SwarmLabApi } from '../../../src/extension';
import { plantHostileBackups } from '../../harness/hostileWorkspace';
import { REPO_ROOT } from '../../harness/paths';
import { hostileCase } from '../hostile/hostileCases';
import { activateSwarmLab, waitForEvent } from './extensionApi';

/** test/fixtures/hostile's settings file. */
const HOSTILE_SETTINGS = JSON.parse(
  fs.readFileSync(path.join(REPO_ROOT, 'test', 'fixtures', 'hostile', '.vscode', 'settings.json'), 'utf8'),
) as Record<string, unknown>;

/** Settings VS Code reads from the user's settings only (`"scope": "machine"`): a workspace's value is ignored. */
const USER_ONLY = ['swarmLab.hosts', 'swarmLab.dockerHost', 'swarmLab.knownHostsFile'];

/** Resolves at the next configuration change that affects `key`. */
function configurationChange(key: string): Promise<void> {
  return new Promise((resolve) => {
    const sub = vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(key)) {
        sub.dispose();
        resolve();
      }
    });
  });
}

/**
 * The hostile fixture's values and files in a workspace the user trusts:
 * trust lets the extension run, never lets a value through. Each value is
 * refused by name where the user meets it, and the planted files are
 * ignored or refused (the untrusted half is test/vscode/hostile).
 */
describe('A hostile workspace once trusted, in a real VS Code (the tests’ local lab)', function () {
  let api: SwarmLabApi;
  const workspace = process.env['SWARM_LAB_TEST_WORKSPACE'] ?? '';
  const shown: ShownNotification[] = [];
  const config = (): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration('swarmLab');
  let planted: { honest: string; planted: string };

  before(async function () {
    this.timeout(60_000);
    assert.ok(workspace, 'the runner names the test workspace');
    assert.equal(vscode.workspace.isTrusted, true);
    api = await activateSwarmLab();
    api.onDidNotify((n) => shown.push(n));
    planted = await plantHostileBackups(workspace);
    // The fixture's settings file as it is, plus a value of our own whose change says VS Code read the file.
    const read = configurationChange('swarmLab.swarm.managers');
    fs.mkdirSync(path.join(workspace, '.vscode'), { recursive: true });
    fs.writeFileSync(
      path.join(workspace, '.vscode', 'settings.json'),
      JSON.stringify({ ...HOSTILE_SETTINGS, 'swarmLab.swarm.managers': 2 }, null, 2),
    );
    await read;
  });

  it('ignores the machine-scoped values of the workspace’s settings file (hosts, Docker host, known_hosts)', async function () {
    for (const key of USER_ONLY) {
      await hostileCase(`${key} from the workspace ignored`, () => {
        const inspected = config().inspect(key.replace(/^swarmLab\./, ''));
        assert.equal(inspected?.workspaceValue, undefined, key);
        assert.notDeepEqual(config().get(key.replace(/^swarmLab\./, '')), HOSTILE_SETTINGS[key], key);
      });
    }
    await api.machines.refresh();
    assert.ok(!api.machines.machines().some((m) => m.host.includes('ProxyCommand')));
  });

  after(async function () {
    this.timeout(30_000);
    // The suites after this one open the lab panel themselves, fresh.
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const settled = configurationChange('swarmLab.swarm.managers');
    fs.rmSync(path.join(workspace, '.vscode'), { recursive: true, force: true });
    await settled;
    for (const key of USER_ONLY) {
      await config().update(key.replace(/^swarmLab\./, ''), undefined, vscode.ConfigurationTarget.Global);
    }
    fs.rmSync(path.join(workspace, 'backups'), { recursive: true, force: true });
  });

  /** The fixture's value, as the user's own setting (the machine-scoped ones can be nothing else). */
  const setAsUser = (key: string): Thenable<void> =>
    config().update(key.replace(/^swarmLab\./, ''), HOSTILE_SETTINGS[key], vscode.ConfigurationTarget.Global);

  /** Resolves with the notifications shown from now on that match, once `count` of them are there. */
  const notifications = async (pattern: RegExp, count: number, from: number): Promise<string[]> => {
    const started = Date.now();
    for (;;) {
      const found = shown
        .slice(from)
        .map((n) => n.text)
        .filter((t) => pattern.test(t));
      if (found.length >= count) {
        return found;
      }
      if (Date.now() - started > 10_000) {
        throw new Error(
          `${count} notifications matching ${pattern} expected; shown: ${JSON.stringify(shown.slice(from))}`,
        );
      }
      await new Promise((r) => setTimeout(r, 25));
    }
  };

  it('ignores a forged <archive>.restore.json: backup.restore is not passed by it', async function () {
    this.timeout(60_000);
    await hostileCase('forged restore record ignored', async () => {
      assert.ok(fs.existsSync(path.join(workspace, 'backups', `${planted.honest}.restore.json`)));
      const outcome = await api.labActions.runCheck('backup.restore', new AbortController().signal);
      assert.notEqual(outcome.state, 'pass', outcome.why);
      assert.match(outcome.why, /not restored yet|run backup\.rehearse/);
    });
  });

  it('refuses to rehearse the future-dated archive, naming its privileged service, before any lab starts', async function () {
    this.timeout(60_000);
    await hostileCase('future-dated privileged archive refused', async () => {
      const lines: string[] = [];
      const outcome = await api.labActions.runStep(
        'backup.rehearse',
        (l) => lines.push(JSON.stringify(l)),
        new AbortController().signal,
      );
      assert.equal(outcome.ok, false);
      const said = `${outcome.summary ?? ''}\n${lines.join('\n')}`;
      assert.ok(said.includes(`${planted.planted} is not rehearsed`), said);
      assert.ok(said.includes('python_dirty_app_root (privileged: true, pid: host'), said);
    });
  });

  it('refuses each -oProxyCommand entry of swarmLab.hosts by name (as a user setting), and lists none of them', async function () {
    this.timeout(30_000);
    await hostileCase('swarmLab.hosts -oProxyCommand refused', async () => {
      await setAsUser('swarmLab.hosts');
      await api.machines.refresh();
      const problems = api.machines.problems().filter((p) => p.startsWith('swarmLab.hosts'));
      assert.equal(problems.length, 2, problems.join('\n'));
      for (const p of problems) {
        assert.match(p, /^swarmLab\.hosts, entry \d \(-oProxyCommand=.*\): .* is not a valid host name\.$/);
      }
      assert.ok(!api.machines.machines().some((m) => m.host.includes('ProxyCommand')));
    });
  });

  it('refuses the $(…) and option-like images and the virtual IP with a command in it, each by name', async function () {
    this.timeout(60_000);
    const from = 0; // said once per window, maybe when VS Code read the settings file
    const outcome = await api.labActions.runCheck('swarm.nodes-ready', new AbortController().signal);
    assert.ok(outcome.state, 'the check ran');
    await hostileCase('swarmLab.images $(…) refused', async () => {
      await notifications(/^swarmLab\.images\.registry: /, 1, from);
    });
    await hostileCase('swarmLab.images option-like refused', async () => {
      await notifications(/^swarmLab\.images\.keepalived: /, 1, from);
    });
    await hostileCase('swarmLab.virtualIp with a command refused', async () => {
      await notifications(/^swarmLab\.virtualIp: /, 1, from);
    });
  });

  it('refuses a file:// registry where the compose lenses use it, and keeps the lab’s', async function () {
    this.timeout(30_000);
    await hostileCase('swarmLab.registry file:// refused', async () => {
      const from = 0; // said once per window, maybe when VS Code read the settings file
      const file = path.join(workspace, 'hostile-compose', 'docker-compose.yml');
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, 'services:\n  app:\n    image: python-app:latest\n');
      const uri = vscode.Uri.file(file);
      await vscode.workspace.openTextDocument(uri);
      const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 10);
      const [said] = await notifications(/^swarmLab\.registry: /, 1, from);
      assert.match(said, /Using m1\.swarm:5000 meanwhile/);
      const titles = lenses.map((l) => l.command?.title ?? '').join(' | ');
      assert.ok(!titles.includes('file:'), titles);
    });
  });

  it('refuses an ssh:// Docker host whose user is an option (as a user setting), and says it in the Containers view', async function () {
    this.timeout(30_000);
    await hostileCase('swarmLab.dockerHost ssh://-oProxyCommand refused', async () => {
      await setAsUser('swarmLab.dockerHost');
      api.localEngine.watch();
      const state = await waitForEvent(
        api.containerHosts.onDidChange,
        () => (api.localEngine.state.kind === 'unreachable' ? api.localEngine.state : undefined),
        10_000,
        'the local engine refused',
      );
      assert.match(state.message, /not a user name/);
      await config().update('dockerHost', undefined, vscode.ConfigurationTarget.Global);
    });
  });

  it('refuses the workspace’s ../ lab path by name, and shows the shipped lab', async function () {
    this.timeout(30_000);
    await hostileCase('swarmLab.labPath ../../.. refused', async () => {
      const from = 0; // said once per window, maybe when VS Code read the settings file
      await vscode.commands.executeCommand('swarmLab.lab.open');
      const [said] = await notifications(/^swarmLab\.labPath: /, 1, from);
      assert.match(said, /"\.\.\/\.\.\/\.\.", from the workspace’s settings, leaves the workspace folder/);
      // The shipped lab is shown instead (the panel loads it a moment after opening).
      const until = Date.now() + 10_000;
      while (!api.labPanels.current?.lab && Date.now() < until) {
        await new Promise((r) => setTimeout(r, 50));
      }
      assert.ok(api.labPanels.current?.lab, 'the shipped lab in the panel');
      assert.ok(
        api.labPanels.current.lab.lab.root.includes(path.join('labs', 'tp1')),
        api.labPanels.current.lab.lab.root,
      );
    });
  });

  it('refuses a report file outside the workspace folder, naming the setting', async function () {
    this.timeout(30_000);
    await hostileCase('swarmLab.reportFile ../.. refused', async () => {
      const outside = path.resolve(workspace, String(HOSTILE_SETTINGS['swarmLab.reportFile']));
      assert.equal(api.labPanels.report.uri(), undefined);
      const status = await api.labPanels.report.status();
      assert.match(status.problem ?? '', /swarmLab\.reportFile must name a file inside the workspace folder/);
      assert.ok(!fs.existsSync(outside));
    });
  });
});

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { SwarmLabApi } from '../../../src/extension';
import type { VagrantfileResult } from '../../../src/features/machines/commands/configureVagrantfile';
import type { Machine } from '../../../src/core/machines/machine';
import { activateSwarmLab, waitForEvent } from './extensionApi';

const REPO = path.resolve(__dirname, '..', '..', '..', '..');
const CASE = path.join(REPO, 'test', 'fixtures', 'vagrant', 'cases', 'disk-coreos-config');
const caseFile = (name: string): string => fs.readFileSync(path.join(CASE, name), 'utf8');

/**
 * A coreos-vagrant folder as the course hands it out: the Vagrantfile with
 * its defaults ($num_instances = 1) and a config.rb beside it that says 3.
 * Before any `vagrant up`, the Machines view lists its 3 machines as "not
 * created" from the files alone: a `vagrant` first on PATH that would leave a
 * mark shows it never runs. Then Configure Vagrantfile changes the count in
 * config.rb and puts the disk in the machine's own VirtualBox block; undo
 * in each file restores it.
 */
describe('A coreos-vagrant folder with config.rb, in a real VS Code', function () {
  let api: SwarmLabApi;
  let dir: string;
  let fakeBin: string;
  let mark: string;
  const savedPath = process.env['PATH'];
  const config = (): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration('swarmLab');
  const onDisk = (name: string): string => fs.readFileSync(path.join(dir, name), 'utf8');

  before(async function () {
    this.timeout(30_000);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'swarm-lab-coreos-'));
    fs.writeFileSync(path.join(dir, 'Vagrantfile'), caseFile('Vagrantfile'));
    fs.writeFileSync(path.join(dir, 'config.rb'), caseFile('config.rb'));
    // The extension host is this process: its spawns find this `vagrant` first.
    fakeBin = fs.mkdtempSync(path.join(os.tmpdir(), 'swarm-lab-fake-vagrant-'));
    mark = path.join(fakeBin, 'vagrant-was-run');
    fs.writeFileSync(path.join(fakeBin, 'vagrant'), `#!/bin/sh\necho "$(pwd -P): $@" >> "${mark}"\nexit 1\n`, {
      mode: 0o755,
    });
    process.env['PATH'] = `${fakeBin}${path.delimiter}${savedPath ?? ''}`;
    api = await activateSwarmLab();
    api.machinesTree.getChildren();
  });

  after(async function () {
    this.timeout(30_000);
    await config().update('vagrant.folders', undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    process.env['PATH'] = savedPath;
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(fakeBin, { recursive: true, force: true });
  });

  /** The vagrant runs in the folder (another test's folder may ask it for its own). */
  const runsHere = (): string[] =>
    fs.existsSync(mark)
      ? fs
          .readFileSync(mark, 'utf8')
          .split('\n')
          .filter((l) => l.startsWith(`${fs.realpathSync(dir)}:`))
      : [];
  const inFolder = (): Machine[] =>
    api.machines.machines().filter((m) => m.source === 'vagrant' && m.vagrant?.dir === dir);

  it('lists the 3 machines config.rb asks for, as not created, without running vagrant', async function () {
    this.timeout(60_000);
    await config().update('vagrant.folders', [dir], vscode.ConfigurationTarget.Global);
    const machines = await waitForEvent(
      api.machines.onDidChange,
      () => (inFolder().length === 3 ? inFolder() : undefined),
      50_000,
      "the folder's three machines",
    );
    assert.deepEqual(
      machines.map((m) => [m.name, m.vagrant?.state, m.state.kind]),
      [
        ['core-01', 'not_created', 'stopped'],
        ['core-02', 'not_created', 'stopped'],
        ['core-03', 'not_created', 'stopped'],
      ],
    );
    for (const m of machines) {
      assert.equal(api.machinesTree.getTreeItem(m).contextValue, 'machine.vagrant.not_created.stopped');
    }
    assert.deepEqual(runsHere(), [], 'vagrant never ran in the folder');
  });

  it("changes config.rb's count and the per-VM block, and undo in each file restores it", async function () {
    this.timeout(30_000);
    const vagrantfile = caseFile('Vagrantfile');
    const configRb = caseFile('config.rb');
    const result = await vscode.commands.executeCommand<VagrantfileResult>('swarmLab.vagrant.configureVagrantfile', {
      folder: dir,
      numInstances: 5,
      vmMemory: 2048,
      dataDisk: true,
      networkPrefix: '172.17.8',
    });
    assert.equal(result.kind, 'applied');
    assert.deepEqual(result.kind === 'applied' && result.changes, [
      'Machines: 3 → 5.',
      'Data disk: 10 GB per machine, created on the first "vagrant up" only, attached to the IDE Controller, port 1, device 1.',
    ]);
    assert.equal(result.kind === 'applied' && result.configRb?.fsPath, path.join(dir, 'config.rb'));
    assert.equal(onDisk('config.rb'), caseFile('expected.config.rb'), 'the count changed in config.rb');
    assert.equal(onDisk('Vagrantfile'), caseFile('expected.Vagrantfile'), 'the disk in the per-VM block');

    for (const [name, before] of [
      ['config.rb', configRb],
      ['Vagrantfile', vagrantfile],
    ] as const) {
      const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(path.join(dir, name)));
      await vscode.window.showTextDocument(doc);
      await vscode.commands.executeCommand('undo');
      assert.equal(doc.getText(), before, `one undo restores ${name}`);
      await doc.save();
      assert.equal(onDisk(name), before);
    }
    assert.deepEqual(runsHere(), [], 'vagrant never ran in the folder');
  });
});

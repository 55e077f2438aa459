import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { SwarmLabApi } from '../../../src/extension';
import type { VagrantfileResult } from '../../../src/features/machines/commands/configureVagrantfile';
import { english } from '../../../src/core/l10n';
import { machinesReachable } from '../../../src/core/labSteps/prerequisiteChecks';
import { newLabVagrantfile } from '../../../src/core/vagrant/newVagrantfile';
import { readVagrantfile } from '../../../src/core/vagrant/vagrantfile';
import { activateSwarmLab, waitForEvent } from './extensionApi';

const REPO = path.resolve(__dirname, '..', '..', '..', '..');
const fixture = (name: string): string =>
  fs.readFileSync(path.join(REPO, 'test', 'fixtures', 'vagrant', `${name}.Vagrantfile`), 'utf8');
const COMMAND = 'swarmLab.vagrant.configureVagrantfile';

/**
 * Section 1 of the lab in a real VS Code: the Vagrantfile command run with
 * its values as the argument (no prompt), in the test workspace's folder,
 * then the lab panel's step and checks through the extension's lab actions.
 */
describe("The lab's Vagrantfile (command, lab panel step and checks) in a real VS Code", function () {
  let api: SwarmLabApi;
  let file: vscode.Uri;
  const onDisk = (): string => fs.readFileSync(file.fsPath, 'utf8');
  const run = (args: object): Thenable<VagrantfileResult> =>
    vscode.commands.executeCommand<VagrantfileResult>(COMMAND, args);
  const check = (id: string) => api.labActions.runCheck(id, new AbortController().signal);

  /** The file's text through the editor (an open document follows), saved. */
  async function setText(text: string): Promise<vscode.TextDocument> {
    const doc = await vscode.workspace.openTextDocument(file);
    const edit = new vscode.WorkspaceEdit();
    edit.replace(file, new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length)), text);
    assert.ok(await vscode.workspace.applyEdit(edit));
    await doc.save();
    assert.equal(onDisk(), text);
    return doc;
  }

  before(async () => {
    api = await activateSwarmLab();
    const [folder] = vscode.workspace.workspaceFolders ?? [];
    assert.ok(folder, 'the test workspace is open');
    file = vscode.Uri.joinPath(folder.uri, 'Vagrantfile');
    fs.rmSync(file.fsPath, { force: true });
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    fs.rmSync(file.fsPath, { force: true });
  });

  it('creates a new lab Vagrantfile from the values given, and the data disk check passes', async function () {
    this.timeout(20_000);
    assert.equal((await check('vagrant.data-disk')).state, 'fail');
    const values = { numInstances: 3, vmMemory: 1536, dataDisk: true, networkPrefix: '192.168.56' };
    const result = await run(values);
    assert.equal(result.kind, 'applied');
    const made = newLabVagrantfile(values, english);
    assert.ok(made.ok);
    assert.equal(onDisk(), made.text);
    assert.equal(vscode.window.activeTextEditor?.document.uri.fsPath, file.fsPath, 'the file is opened');
    const disk = await check('vagrant.data-disk');
    assert.equal(disk.state, 'pass', disk.why);
  });

  it("updates the seed's Vagrantfile keeping every other line, and undo restores it", async function () {
    this.timeout(20_000);
    const seed = fixture('seed-variant');
    const doc = await setText(seed);
    const result = await run({ numInstances: 5, vmMemory: 2048, dataDisk: true, networkPrefix: '172.17.8' });
    assert.deepEqual(result.kind === 'applied' && result.changes, ['Machines: 3 → 5.']);
    assert.equal(onDisk(), fixture('seed-variant.expected'));
    assert.equal(doc.isDirty, false, 'saved, since it was clean');
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('undo');
    assert.equal(doc.getText(), seed, 'one undo restores the file');
    await doc.save();
    assert.equal(onDisk(), seed);
  });

  it('leaves a Vagrantfile it cannot follow untouched, and says why', async function () {
    this.timeout(20_000);
    const unbalanced = fixture('refuse-unbalanced');
    const doc = await setText(unbalanced);
    const version = doc.version;
    const result = await run({ numInstances: 5, vmMemory: 2048, dataDisk: true, networkPrefix: '172.17.8' });
    const read = readVagrantfile(unbalanced, english);
    assert.ok(!read.ok);
    assert.deepEqual(result.kind === 'refused' && result.error, read.error);
    assert.match(read.error, /left untouched/);
    assert.equal(onDisk(), unbalanced);
    assert.equal(doc.version, version, 'not even an edit undone');
    const disk = await check('vagrant.data-disk');
    assert.deepEqual(disk, { state: 'fail', why: read.error });
  });

  it("is the lab panel's step vagrant.file: its prompt cancelled, nothing changes", async function () {
    this.timeout(20_000);
    const seed = fixture('seed-variant');
    await setText(seed);
    const cancel = new AbortController();
    const lines: unknown[] = [];
    // The first input box is up by then; cancelling the step closes it.
    const timer = setTimeout(() => cancel.abort(), 1_000);
    const outcome = await api.labActions.runStep('vagrant.file', (l) => lines.push(l), cancel.signal);
    clearTimeout(timer);
    assert.ok(cancel.signal.aborted, 'the step waited for its prompt');
    assert.deepEqual(outcome, { ok: false, summary: 'Cancelled.' });
    assert.deepEqual(lines, []);
    assert.equal(onDisk(), seed);
  });

  it('checks machines.reachable from the machines the registry knows (the test lab)', async function () {
    this.timeout(90_000);
    await api.machines.refresh();
    await waitForEvent(
      api.machines.onDidChange,
      () => (machinesReachable(api.machines.machines(), english).state === 'pass' ? true : undefined),
      80_000,
      'every lab machine reachable',
    );
    const outcome = await check('machines.reachable');
    assert.equal(outcome.state, 'pass', outcome.why);
    assert.match(outcome.why, /core-01, core-02, core-03/);
  });
});

import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { SwarmLabEntry } from '../../../src/extension';
import { EXTENSION_ID } from './extensionApi';

describe('Swarm Lab in a real VS Code: manifest', () => {
  it('is installed and declares its container and three views', () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, 'extension not found');
    const contributes = (ext.packageJSON as { contributes: unknown }).contributes as {
      viewsContainers: { activitybar: { id: string }[] };
      views: Record<string, { id: string }[]>;
    };
    assert.deepEqual(
      contributes.viewsContainers.activitybar.map((c) => c.id),
      ['swarmLab'],
    );
    assert.deepEqual(
      contributes.views['swarmLab'].map((v) => v.id),
      ['swarmLab.machines', 'swarmLab.swarm', 'swarmLab.containers'],
    );
  });

  it('is not activated at start-up (no compose file, no view shown)', () => {
    // The workspace the runner opens has no compose file and nothing
    // triggered the views yet: activation must wait for the user.
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
    assert.equal(ext.isActive, false);
  });

  it('activates without loading its features, then loads them on the first command', async () => {
    const ext = vscode.extensions.getExtension<SwarmLabEntry>(EXTENSION_ID)!;
    const entry = await ext.activate();
    // Nothing here needs them yet: no view shown, no YAML file open, no command run.
    assert.equal(entry.featuresLoaded, false);
    await vscode.commands.executeCommand('swarmLab.showLog');
    assert.equal(entry.featuresLoaded, true);
  });

  it('registers every command it contributes, and its features implement each one', async () => {
    const ext = vscode.extensions.getExtension<SwarmLabEntry>(EXTENSION_ID)!;
    const api = await (await ext.activate()).features();
    const all = new Set(await vscode.commands.getCommands(true));
    const declared = (ext.packageJSON as { contributes: { commands: { command: string }[] } }).contributes.commands.map(
      (c) => c.command,
    );
    assert.ok(declared.length >= 5);
    const implemented = new Set(api.commandIds);
    for (const id of declared) {
      assert.ok(all.has(id), `${id} is declared but not registered`);
      assert.ok(implemented.has(id), `${id} is declared but the features do not implement it`);
    }
    // The commands the features add (lenses', tree items') are registered too.
    for (const id of api.commandIds) {
      assert.ok(all.has(id), `${id} is implemented but not registered`);
    }
  });
});

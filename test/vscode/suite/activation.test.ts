import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
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

  it('registers every command it contributes', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
    await ext.activate();
    const all = new Set(await vscode.commands.getCommands(true));
    const declared = (ext.packageJSON as { contributes: { commands: { command: string }[] } }).contributes.commands.map(
      (c) => c.command,
    );
    assert.ok(declared.length >= 5);
    for (const id of declared) {
      assert.ok(all.has(id), `${id} is declared but not registered`);
    }
  });
});

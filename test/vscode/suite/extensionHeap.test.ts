import * as assert from 'node:assert/strict';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import * as vscode from 'vscode';
import { recordHostFigures } from '../../harness/hostFigures';
import { activateSwarmLab, EXTENSION_ID, waitForEvent } from './extensionApi';

/** A full collection before each reading: what stays, not what awaits the collector. */
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;
const heapUsed = (): number => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};

/**
 * The extension host's heap before any test runs (a root hook: after every
 * test file is loaded). When the bench runs this test alone, Swarm Lab is
 * not active yet at that point; in the whole tier another test may have
 * activated it first, and the growth is then from that point.
 */
let baseline: { heap: number; active: boolean } | undefined;
before(() => {
  baseline = { heap: heapUsed(), active: vscode.extensions.getExtension(EXTENSION_ID)?.isActive ?? false };
});

describe("The extension host's heap: from before activation to 3 nodes connected with every view open", function () {
  it('grows by what Swarm Lab holds for 3 connected nodes and its views (ext.heap_mb)', async function () {
    this.timeout(120_000);
    assert.ok(baseline, 'the heap was read before the tests');
    const start = baseline;
    const api = await activateSwarmLab();
    await vscode.commands.executeCommand('workbench.view.extension.swarmLab');
    api.machinesTree.getChildren();
    api.swarmTree.getChildren();
    api.containersTree.getChildren();
    await api.machines.refresh();
    const connected = (): true | undefined =>
      api.machines.machines().filter((m) => m.state.kind === 'running' && m.state.engineVersion).length >= 3 &&
      api.containerHosts.hosts().filter((h) => h.machine && h.state.kind === 'live').length >= 3
        ? true
        : undefined;
    await waitForEvent(api.machines.onDidChange, connected, 60_000, '3 machines with their engines');
    await waitForEvent(api.containerHosts.onDidChange, connected, 60_000, "3 machines' containers followed");
    const grown = (heapUsed() - start.heap) / 1e6;
    console.log(
      `      heap ${grown.toFixed(1)} MB more than ${start.active ? 'after activation' : 'before activation'}`,
    );
    recordHostFigures({ 'ext.heap_mb': Math.round(grown * 10) / 10 });
  });
});

import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { SwarmLabApi } from '../../../src/extension';
import type { Machine } from '../../../src/core/machines/machine';
import { activateSwarmLab, waitForEvent } from '../suite/extensionApi';

/**
 * The VM lab as a user meets it: a real VS Code with the extension, the VM
 * lab's project folder added to swarmLab.vagrant.folders, and the known_hosts
 * the vm tier pinned the VMs' keys in. The Machines view must list the three
 * VMs from its ordinary Vagrant source (the extension's environment: no
 * VAGRANT_HOME of the project's), running, reached over SSH, with their
 * Docker engines. The vm tier (test/vm/vmLab.test.ts) runs this suite while
 * its VMs are up, and passes their folder and known_hosts.
 */
describe('The VM lab in a real VS Code: the Machines view', function () {
  const names = ['core-01', 'core-02', 'core-03'];
  const config = (): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration('swarmLab');
  let api: SwarmLabApi;

  after(async function () {
    await config().update('vagrant.folders', undefined, vscode.ConfigurationTarget.Global);
    await config().update('knownHostsFile', undefined, vscode.ConfigurationTarget.Global);
  });

  it('shows the three VMs running, reached over SSH, with their Docker engines', async function () {
    this.timeout(240_000);
    const project = process.env['SWARM_LAB_TEST_VM_PROJECT'];
    const knownHosts = process.env['SWARM_LAB_TEST_KNOWN_HOSTS'];
    assert.ok(project && knownHosts, 'the vm tier passes the VM project and its known_hosts');
    await config().update('knownHostsFile', knownHosts, vscode.ConfigurationTarget.Global);
    await config().update('vagrant.folders', [project], vscode.ConfigurationTarget.Global);
    api = await activateSwarmLab();
    api.machinesTree.getChildren();
    const vm = (name: string): Machine | undefined =>
      api.machines.machines().find((m) => m.source === 'vagrant' && m.name === name && m.vagrant?.dir === project);
    const machines = await waitForEvent(
      api.machines.onDidChange,
      () => {
        const found = names.map(vm);
        return found.every((m) => m?.state.kind === 'running') ? (found as Machine[]) : undefined;
      },
      220_000,
      'the three VMs running with their engines',
    );
    for (const m of machines) {
      assert.equal(m.vagrant?.provider, 'swarmlab_qemu', m.name);
      assert.equal(m.vagrant?.state, 'running', m.name);
      const item = api.machinesTree.getTreeItem(m);
      assert.match(String(item.description), /^127\.0\.0\.1 · Docker \d+\.\d+/, m.name);
      console.log(`      ${m.name}: ${String(item.description)}`);
    }
  });
});

import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as vscode from 'vscode';
import type { SwarmLabApi } from '../../../src/extension';
import type { Machine } from '../../../src/core/machines/machine';
import { testLabLayout } from '../../harness/testLab';
import { activateSwarmLab, waitForEvent } from './extensionApi';

describe("Machines view in a real VS Code (the tests' local lab: 3 real nodes over SSH)", function () {
  let api: SwarmLabApi;

  before(async () => {
    assert.ok(process.env['SWARM_LAB_INSTANCE'], "the runner points the extension at the tests' lab");
    api = await activateSwarmLab();
  });

  const machinesIn = (kind: Machine['state']['kind']) => (): Machine[] | undefined => {
    const machines = api.machinesTree.getChildren();
    return machines.length === 3 && machines.every((m) => m.state.kind === kind) ? machines : undefined;
  };

  it('lists core-01 … core-03 with their address, Docker engine and swarm role, reached over SSH', async () => {
    api.machinesTree.getChildren(); // what the view does when first shown
    const machines = await waitForEvent(api.machines.onDidChange, machinesIn('running'), 20_000, '3 running machines');
    assert.deepEqual(
      machines.map((m) => m.name),
      ['core-01', 'core-02', 'core-03'],
    );
    const item = api.machinesTree.getTreeItem(machines[0]);
    assert.match(
      String(item.description),
      new RegExp(`^${testLabLayout().nodes[0].address.replace(/\./g, '\\.')} · Docker \\d+\\.\\d+`),
    );
    assert.equal(item.contextValue, 'machine.local-lab.running');
  });

  it('stops and starts the local lab from its commands, and shows each state', async function () {
    // Starting 3 nodes (namespaces, sshd, dockerd each) took over 90 s on a loaded 2-CPU machine.
    this.timeout(240_000);
    await vscode.commands.executeCommand('swarmLab.localLab.stop');
    await waitForEvent(api.machines.onDidChange, machinesIn('stopped'), 30_000, '3 stopped machines');
    assert.equal(
      api.machinesTree.getTreeItem(api.machinesTree.getChildren()[1]).contextValue,
      'machine.local-lab.stopped',
    );
    await vscode.commands.executeCommand('swarmLab.localLab.start');
    await waitForEvent(api.machines.onDidChange, machinesIn('running'), 200_000, '3 running machines again');
  });

  it('opens an SSH terminal on a node', async () => {
    const [machine] = api.machinesTree.getChildren();
    const terminal = await vscode.commands.executeCommand<vscode.Terminal>('swarmLab.machines.openTerminal', machine);
    assert.equal(terminal.name, 'core-01');
    terminal.dispose();
  });

  it('marks the machine that holds the virtual IP', async function () {
    this.timeout(30_000);
    const node = testLabLayout().nodes[1];
    const vip = node.address.replace(/\.\d+$/, '.100');
    // What keepalived does on the node that wins: the virtual IP as a second address.
    execFileSync('ip', ['netns', 'exec', node.namespace, 'ip', 'addr', 'add', `${vip}/32`, 'dev', 'eth1']);
    const config = vscode.workspace.getConfiguration('swarmLab');
    try {
      await config.update('virtualIp', vip, vscode.ConfigurationTarget.Global);
      const holder = await waitForEvent(
        api.machines.onDidChange,
        () => api.machines.machines().find((m) => m.state.kind === 'running' && m.state.holdsVirtualIp),
        20_000,
        'a machine holding the virtual IP',
      );
      assert.equal(holder.name, node.name);
      assert.match(String(api.machinesTree.getTreeItem(holder).description), /virtual IP$/);
      assert.equal(
        api.machines.machines().filter((m) => m.state.kind === 'running' && m.state.holdsVirtualIp).length,
        1,
      );
    } finally {
      execFileSync('ip', ['netns', 'exec', node.namespace, 'ip', 'addr', 'del', `${vip}/32`, 'dev', 'eth1']);
      await config.update('virtualIp', undefined, vscode.ConfigurationTarget.Global);
    }
  });
});

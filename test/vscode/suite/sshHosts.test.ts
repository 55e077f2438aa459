import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { SwarmLabApi } from '../../../src/extension';
import type { Machine } from '../../../src/core/machines/machine';
import { testLabLayout } from '../../harness/testLab';
import { activateSwarmLab, waitForEvent } from './extensionApi';
import { hostKeyFile } from '../../../src/localLab/nodeFiles';

/**
 * A lab node added as a plain SSH host (setting swarmLab.hosts), its host key
 * checked against a known_hosts file: known → connected; another key on
 * record → refused with the changed-key message, the file left untouched.
 */
describe("SSH hosts from the settings, host keys checked against known_hosts (the tests' lab's sshd)", function () {
  let api: SwarmLabApi;
  const layout = testLabLayout();
  const node = layout.nodes[1];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'swarm-lab-known-hosts-'));
  const knownHosts = path.join(dir, 'known_hosts');
  const config = (): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration('swarmLab');

  before(async () => {
    api = await activateSwarmLab();
    api.machinesTree.getChildren();
  });

  after(async function () {
    this.timeout(20_000);
    await config().update('hosts', undefined, vscode.ConfigurationTarget.Global);
    await config().update('knownHostsFile', undefined, vscode.ConfigurationTarget.Global);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const sshMachine = (): Machine | undefined => api.machines.machines().find((m) => m.source === 'ssh');
  const hostKey = (): string => fs.readFileSync(`${hostKeyFile(node)}.pub`, 'utf8').trim();

  it('connects to a host whose key is in known_hosts, and shows it with its engine', async function () {
    this.timeout(30_000);
    const [type, key] = hostKey().split(' ');
    fs.writeFileSync(knownHosts, `${node.address} ${type} ${key}\n`);
    await config().update('knownHostsFile', knownHosts, vscode.ConfigurationTarget.Global);
    await config().update(
      'hosts',
      [{ name: 'lab-node-2', host: node.address, user: 'core', identityFile: layout.coreKey }],
      vscode.ConfigurationTarget.Global,
    );
    const m = await waitForEvent(
      api.machines.onDidChange,
      () => (sshMachine()?.state.kind === 'running' ? sshMachine() : undefined),
      20_000,
      'the SSH host running',
    );
    assert.equal(m.name, 'lab-node-2');
    const item = api.machinesTree.getTreeItem(m);
    assert.equal(item.contextValue, 'machine.ssh.running');
    assert.match(String(item.description), /Docker \d+\./);
  });

  it('refuses a host whose key changed, says how to fix it, and leaves known_hosts untouched', async function () {
    this.timeout(30_000);
    // Another ed25519 key on record for the same address: what a rebuilt or spoofed host looks like.
    const other = fs.readFileSync(`${hostKeyFile(layout.nodes[0])}.pub`, 'utf8');
    const [type, key] = other.trim().split(' ');
    fs.writeFileSync(knownHosts, `${node.address} ${type} ${key}\n`);
    const before = fs.readFileSync(knownHosts, 'utf8');
    await config().update(
      'hosts',
      [{ name: 'lab-node-2b', host: node.address, user: 'core', identityFile: layout.coreKey }],
      vscode.ConfigurationTarget.Global,
    );
    const m = await waitForEvent(
      api.machines.onDidChange,
      () => {
        const found = sshMachine();
        return found?.name === 'lab-node-2b' && found.state.kind === 'unreachable' ? found : undefined;
      },
      20_000,
      'the SSH host refused',
    );
    assert.ok(m.state.kind === 'unreachable');
    assert.match(m.state.reason, /host key of .* changed/i);
    assert.match(m.state.reason, /remove line 1 of/);
    assert.equal(fs.readFileSync(knownHosts, 'utf8'), before);
  });

  it('reports a bad entry of the setting and keeps the others', async function () {
    this.timeout(30_000);
    await config().update(
      'hosts',
      [
        { host: 'no spaces allowed' },
        { name: 'lab-node-2c', host: node.address, user: 'core', identityFile: layout.coreKey },
      ],
      vscode.ConfigurationTarget.Global,
    );
    await waitForEvent(
      api.machines.onDidChange,
      () => (sshMachine()?.name === 'lab-node-2c' && api.machines.problems().length > 0 ? true : undefined),
      20_000,
      'one problem and one machine',
    );
    assert.match(api.machines.problems().join('\n'), /swarmLab\.hosts, entry 1/);
  });
});

import * as assert from 'node:assert/strict';
import Docker from 'dockerode';
import * as vscode from 'vscode';
import type { SwarmLabApi } from '../../../src/extension';
import type { Machine } from '../../../src/core/machines/machine';
import type { TestDockerDaemon } from '../../harness/dockerDaemon';
import { createVagrantProject, VagrantProject } from '../../harness/vagrantProject';
import { activateSwarmLab, waitForEvent } from './extensionApi';

/**
 * The Machines view on a Vagrant project, with Debian's real `vagrant` and its
 * docker provider on the tests' dockerd (VirtualBox cannot run here). The
 * project is added through `swarmLab.vagrant.folders`; its machines have no
 * sshd, so a running one shows why Swarm Lab cannot reach it.
 */
describe('Vagrant machines in a real VS Code (the real vagrant, docker provider)', function () {
  let api: SwarmLabApi;
  let project: VagrantProject;
  let docker: Docker;
  const config = (): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration('swarmLab');

  before(async function () {
    this.timeout(120_000);
    const host = process.env['DOCKER_HOST'] ?? '';
    assert.ok(host.startsWith('unix://'), 'the runner passes the test dockerd as DOCKER_HOST');
    docker = new Docker({ socketPath: host.slice('unix://'.length) });
    project = await createVagrantProject(docker, { host } as TestDockerDaemon);
    api = await activateSwarmLab();
    api.machinesTree.getChildren();
  });

  after(async function () {
    this.timeout(120_000);
    await config().update('vagrant.folders', undefined, vscode.ConfigurationTarget.Global);
    const core03 = vagrantMachine('core-03');
    if (core03 && core03.vagrant?.state !== 'not_created') {
      await vscode.commands.executeCommand('swarmLab.vagrant.destroy', core03, true);
    }
    await project?.remove();
  });

  const vagrantMachine = (name: string): Machine | undefined =>
    api.machines.machines().find((m) => m.source === 'vagrant' && m.name === name);

  it("lists the Vagrantfile's machines with Vagrant's own state", async function () {
    this.timeout(90_000);
    await config().update('vagrant.folders', [project.dir], vscode.ConfigurationTarget.Global);
    const machines = await waitForEvent(
      api.machines.onDidChange,
      () => {
        const found = ['core-01', 'core-02', 'core-03'].map(vagrantMachine);
        return found.every(Boolean) ? (found as Machine[]) : undefined;
      },
      80_000,
      'three Vagrant machines',
    );
    for (const m of machines) {
      assert.equal(m.state.kind, 'stopped');
      assert.equal(m.vagrant?.state, 'not_created');
      assert.equal(api.machinesTree.getTreeItem(m).contextValue, 'machine.vagrant.not_created.stopped');
    }
  });

  it('brings a machine up and destroys it from its commands', async function () {
    this.timeout(120_000);
    assert.equal(await vscode.commands.executeCommand('swarmLab.vagrant.up', vagrantMachine('core-03')), true);
    const up = await waitForEvent(
      api.machines.onDidChange,
      () => (vagrantMachine('core-03')?.vagrant?.state === 'running' ? vagrantMachine('core-03') : undefined),
      60_000,
      'core-03 running',
    );
    // No sshd and no network in it: running for Vagrant, unreachable for Swarm Lab, with Vagrant's reason.
    assert.equal(up.state.kind, 'unreachable');
    assert.match(api.machinesTree.getTreeItem(up).contextValue as string, /^machine\.vagrant\.running\./);
    assert.equal(await vscode.commands.executeCommand('swarmLab.vagrant.destroy', up, true), true);
    await waitForEvent(
      api.machines.onDidChange,
      () => (vagrantMachine('core-03')?.vagrant?.state === 'not_created' ? true : undefined),
      60_000,
      'core-03 destroyed',
    );
  });
});

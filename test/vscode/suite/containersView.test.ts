import * as assert from 'node:assert/strict';
import Docker from 'dockerode';
import * as vscode from 'vscode';
import type { SwarmLabApi } from '../../../src/extension';
import { ensureBusyboxImage } from '../../harness/testImages';
import { activateSwarmLab, waitForEvent } from './extensionApi';

describe('Containers view in a real VS Code (real dockerd)', function () {
  let api: SwarmLabApi;
  let docker: Docker;
  let image: string;
  const name = `swarm-lab-vscode-${process.pid}`;

  before(async function () {
    this.timeout(120_000);
    const host = process.env['DOCKER_HOST'];
    assert.ok(host?.startsWith('unix://'), 'the runner passes the test dockerd as DOCKER_HOST');
    docker = new Docker({ socketPath: host!.slice('unix://'.length) });
    image = await ensureBusyboxImage(docker);
    api = await activateSwarmLab();
  });

  // Each test starts its own container under the same name.
  afterEach(async () => {
    await docker
      .getContainer(name)
      .remove({ force: true })
      .catch(() => undefined);
  });

  it('lists a container started outside VS Code, with its state, and drops it when removed', async () => {
    const tree = api.containersTree;
    tree.getChildren(); // what the view does when it is first shown
    await api.localEngine.refresh();
    const container = await docker.createContainer({ name, Image: image, Cmd: ['sleep', '300'] });
    await container.start();

    const node = await waitForEvent(
      tree.onDidChangeTreeData,
      () =>
        tree
          .getChildren(tree.getChildren()[0])
          .find((n) => n.kind === 'container' && n.container.name === name && n.container.state === 'running'),
      5_000,
      `${name} running in the tree`,
    );
    const item = tree.getTreeItem(node);
    assert.equal(item.label, name);
    assert.equal(item.description, image);
    assert.equal(item.contextValue, 'container.running');
    assert.equal((item.iconPath as vscode.ThemeIcon).id, 'vm-running');
    // appendText escapes spaces as &nbsp;: compare the text a user reads.
    const tooltip = (item.tooltip as vscode.MarkdownString).value.replace(/&nbsp;/g, ' ');
    assert.match(tooltip, /No ports published/);
    assert.equal((item.tooltip as vscode.MarkdownString).isTrusted, false);

    await container.remove({ force: true });
    await waitForEvent(
      tree.onDidChangeTreeData,
      () => (tree.containers().some((c) => c.name === name) ? undefined : true),
      5_000,
      `${name} gone from the tree`,
    );
  });

  it('inspects a container into a read-only JSON document', async () => {
    const container = await docker.createContainer({ name, Image: image, Cmd: ['sleep', '300'] });
    await container.start();
    try {
      const editor = await vscode.commands.executeCommand<vscode.TextEditor>('swarmLab.containers.inspect', name);
      assert.ok(editor, 'the command returns the editor it opened');
      assert.equal(editor.document.uri.scheme, 'swarm-lab-inspect');
      assert.equal(editor.document.languageId, 'json');
      const info = JSON.parse(editor.document.getText()) as { Id: string; Name: string };
      assert.equal(info.Id, container.id);
      assert.equal(info.Name, `/${name}`);
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    } finally {
      await container.remove({ force: true });
    }
  });

  it("shows a container's logs in a terminal of its own", async () => {
    const container = await docker.createContainer({
      name,
      Image: image,
      Cmd: ['sh', '-c', 'echo hello from swarm lab; sleep 300'],
    });
    await container.start();
    try {
      const terminal = await vscode.commands.executeCommand<vscode.Terminal>('swarmLab.containers.showLogs', name);
      assert.ok(terminal);
      assert.equal(terminal.name, `Logs: ${name}`);
      // Running it again focuses the same terminal instead of opening another.
      const again = await vscode.commands.executeCommand('swarmLab.containers.showLogs', name);
      assert.equal(again, terminal);
      terminal.dispose();
    } finally {
      await container.remove({ force: true });
    }
  });

  it('stops, starts and removes a container from its commands, the view following each change', async function () {
    this.timeout(30_000);
    const tree = api.containersTree;
    // PID 1 ignores SIGTERM unless it traps it: stop at once, not after Docker's 10 s.
    const cmd = ['sh', '-c', 'trap "exit 0" TERM; sleep 300 & wait'];
    const container = await docker.createContainer({ name, Image: image, Cmd: cmd });
    await container.start();
    const stateIs = (state: string) => () =>
      tree.containers().find((c) => c.name === name && c.state === state) ? true : undefined;
    await waitForEvent(tree.onDidChangeTreeData, stateIs('running'), 5_000, 'running');
    assert.equal(await vscode.commands.executeCommand('swarmLab.containers.stop', name), true);
    await waitForEvent(tree.onDidChangeTreeData, stateIs('exited'), 15_000, 'exited');
    assert.equal(await vscode.commands.executeCommand('swarmLab.containers.start', name), true);
    await waitForEvent(tree.onDidChangeTreeData, stateIs('running'), 5_000, 'running again');
    assert.equal(await vscode.commands.executeCommand('swarmLab.containers.remove', name, 'local', true), true);
    await waitForEvent(
      tree.onDidChangeTreeData,
      () => (tree.containers().some((c) => c.name === name) ? undefined : true),
      5_000,
      'removed',
    );
  });

  it('checks the Docker connection and reports the engine version', async () => {
    const version = await vscode.commands.executeCommand<{ version: string }>('swarmLab.checkDockerConnection');
    const expected = await docker.version();
    assert.equal(version.version, expected.Version);
  });

  it('says why the configured engine cannot be reached, and recovers when the setting is fixed', async () => {
    const config = vscode.workspace.getConfiguration('swarmLab');
    const engine = api.localEngine;
    api.containersTree.getChildren(); // the view is shown: the engine is followed
    const stateIs = (kind: string) => () => (engine.state.kind === kind ? engine.state : undefined);
    try {
      await config.update('dockerHost', 'unix:///run/swarm-lab-nowhere/docker.sock', vscode.ConfigurationTarget.Global);
      const down = await waitForEvent(engine.onDidChangeState, stateIs('unreachable'), 5_000, 'unreachable');
      assert.ok(down.kind === 'unreachable' && /socket does not exist/.test(down.message), JSON.stringify(down));
      const [local] = api.containersTree.getChildren();
      assert.deepEqual(local ? api.containersTree.getChildren(local) : [], [], 'no stale containers are shown');

      await config.update('dockerHost', 'localhost:2375', vscode.ConfigurationTarget.Global);
      api.containersTree.getChildren();
      const invalid = await waitForEvent(
        engine.onDidChangeState,
        () =>
          engine.state.kind === 'unreachable' && /Invalid setting/.test(engine.state.message)
            ? engine.state
            : undefined,
        5_000,
        'the invalid setting reported',
      );
      assert.match(JSON.stringify(invalid), /swarmLab\.dockerHost/);
    } finally {
      await config.update('dockerHost', undefined, vscode.ConfigurationTarget.Global);
    }
    api.containersTree.getChildren();
    await waitForEvent(engine.onDidChangeState, stateIs('live'), 10_000, 'live again');
  });
});

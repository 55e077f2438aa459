import * as assert from 'node:assert/strict';
import type { OutputLine } from '../../../src/core/labPanel/protocol';
import Docker from 'dockerode';
import * as vscode from 'vscode';
import type { SwarmLabApi } from '../../../src/extension';
import { testLabLayout } from '../../harness/testLab';
import { activateSwarmLab, waitForEvent } from './extensionApi';
import { inNode } from '../../harness/labNodeSshd';

describe("Lab steps from the palette in a real VS Code (the tests' local lab)", function () {
  let api: SwarmLabApi;
  const layout = testLabLayout();
  const docker = layout.nodes.map((n) => new Docker({ socketPath: n.dockerSocket }));
  const leaveAll = (): Promise<unknown> =>
    Promise.all(docker.map((d) => d.swarmLeave({ force: true }).catch(() => undefined)));

  before(async function () {
    this.timeout(120_000);
    api = await activateSwarmLab();
    // Fresh nodes, whatever an earlier suite left on them.
    await leaveAll();
    await api.machines.refresh();
  });

  after(async function () {
    this.timeout(60_000);
    await leaveAll();
  });

  it('dry-runs a step into a read-only document and changes nothing', async function () {
    this.timeout(60_000);
    const daemonJson = (): string => inNode(layout.nodes[0], ['cat', '/etc/docker/daemon.json']);
    const before = daemonJson();
    const doc = await vscode.commands.executeCommand<vscode.TextDocument>('swarmLab.steps.dryRun', 'docker.config');
    assert.ok(doc, 'the dry run opened no document');
    assert.equal(doc.languageId, 'swarm-lab-log');
    const text = doc.getText();
    assert.match(text, /==> Docker configuration \[docker\.config\] on core-01, core-02, core-03 \(dry run\)/);
    // The VM path, on a local lab node as on a VM.
    assert.match(text, /\[core-01\] \+ sudo -n sh -c /);
    assert.match(text, /\[core-02\] => would run: 3 actions/);
    assert.equal(daemonJson(), before);
  });

  it('runs "Swarm: Init and Join" and the Swarm view fills in: 1 manager and 2 workers', async function () {
    this.timeout(180_000);
    await vscode.commands.executeCommand('swarmLab.steps.swarmInitJoin');
    const nodes = await waitForEvent(
      api.swarm.onDidChange,
      () => {
        const tree = api.swarmTree;
        const group = tree.getChildren().find((i) => i.kind === 'nodes');
        const seen = group ? tree.getChildren(group).flatMap((n) => (n.kind === 'node' ? [n.node] : [])) : [];
        return seen.length === 3 && seen.every((n) => n.state === 'ready') ? seen : undefined;
      },
      90_000,
      'the 3 nodes in the Swarm view',
    ).catch((e: Error) => {
      const why = {
        machines: api.machines.machines().map((m) => [m.name, m.state]),
        manager: api.swarm.managerId,
        error: api.swarm.error,
      };
      throw new Error(`${e.message}: ${JSON.stringify(why)}`);
    });
    assert.deepEqual(
      nodes.map((n) => `${n.hostname} ${n.role}`),
      ['core-01 manager', 'core-02 worker', 'core-03 worker'],
    );
    const check = await api.labActions.runCheck('swarm.nodes-ready', new AbortController().signal);
    assert.deepEqual(check, { state: 'pass', why: 'core-01: 1 managers and 2 workers, all ready' });
  });

  it('reports "already done" through LabActions (the Run of the lab panel), with the lines as they come', async function () {
    this.timeout(120_000);
    const lines: OutputLine[] = [];
    const result = await api.labActions.runStep('swarm.init-join', (l) => lines.push(l), new AbortController().signal);
    assert.equal(result.ok, true, result.summary);
    assert.match(result.summary, /already done on core-01, core-02, core-03/);
    assert.ok(
      lines.some(
        (l) =>
          l.node === 'core-03' && l.kind === 'info' && /^already done: already in the swarm as a worker$/.test(l.text),
      ),
      JSON.stringify(lines),
    );
    assert.ok(!lines.some((l) => l.text.includes('SWMTKN')), 'a join token reached the panel');
  });
});

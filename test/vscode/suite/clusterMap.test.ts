import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import Docker from 'dockerode';
import * as vscode from 'vscode';
import type { ClusterMapModel } from '../../../src/core/cluster/clusterMap';
import type { ClusterMapMessage } from '../../../src/core/cluster/clusterMapProtocol';
import type { SwarmLabApi } from '../../../src/extension';
import type { ClusterMapPanel } from '../../../src/features/swarm/clusterMap/clusterMapPanel';
import { BUSYBOX_IMAGE, ensureBusyboxImage } from '../../harness/testImages';
import { testLabLayout } from '../../harness/testLab';
import { activateSwarmLab, waitForEvent } from './extensionApi';

const SERVICE = 'map-probe';
const NODES = ['core-01', 'core-02', 'core-03'];

function cspOf(html: string): string | undefined {
  return /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1].replace(/&#39;/g, "'");
}

describe("The cluster map in a real VS Code (the tests' local lab: 3 nodes)", function () {
  let api: SwarmLabApi;
  let panel: ClusterMapPanel;
  /** What the map's panel sent from its very first message on. */
  const posted: ClusterMapMessage[] = [];
  const layout = testLabLayout();
  const docker = layout.nodes.map((n) => new Docker({ socketPath: n.dockerSocket }));
  const leaveAll = (): Promise<unknown> =>
    Promise.all(docker.map((d) => d.swarmLeave({ force: true }).catch(() => undefined)));

  /** Resolves once the map (as the panel and the lab panel get it) passes `check`. */
  function mapWhere<T>(
    check: (model: ClusterMapModel, text: string) => T | undefined,
    what: string,
    timeoutMs = 60_000,
  ): Promise<T> {
    const feed = api.clusterMap.feed;
    return waitForEvent(feed.onDidChange, () => check(feed.model, feed.text), timeoutMs, what).catch((e: Error) => {
      const why = {
        text: feed.text,
        machines: api.machines.machines().map((m) => [m.name, m.state]),
        manager: api.swarm.managerId,
        error: api.swarm.error,
      };
      throw new Error(`${e.message}: ${JSON.stringify(why)}`);
    });
  }

  before(async function () {
    this.timeout(180_000);
    api = await activateSwarmLab();
    // Fresh nodes, whatever an earlier suite left on them; the service's image on each.
    await leaveAll();
    await Promise.all(docker.map((d) => ensureBusyboxImage(d)));
    await api.machines.refresh();
  });

  after(async function () {
    this.timeout(60_000);
    api.clusterMap.current?.dispose();
    api.labPanels.current?.dispose();
    await docker[0]
      .getService(SERVICE)
      .remove()
      .catch(() => undefined);
    await leaveAll();
    await api.machines.refresh();
  });

  it('opens from its command; its page (nonce script, strict CSP) asks for the map and gets it', async function () {
    this.timeout(60_000);
    let pageLoaded = false;
    const listening = api.clusterMap.onDidOpen((p) => {
      listening.dispose();
      p.onDidPostMessage((m) => posted.push(m));
      p.onDidLoadPage(() => (pageLoaded = true));
    });
    await vscode.commands.executeCommand('swarmLab.clusterMap.show');
    panel = api.clusterMap.current!;
    assert.ok(panel, 'the command opened the map');
    // The page's script says `ready` once it runs under the CSP; the panel answers with the map.
    await waitForEvent(panel.onDidLoadPage, () => (pageLoaded ? true : undefined), 30_000, "the page's ready");
    assert.equal(posted.at(-1)?.text, api.clusterMap.feed.text);

    const webview = panel.panel.webview;
    const nonce = panel.nonce;
    assert.equal(
      cspOf(webview.html),
      `default-src 'none'; style-src ${webview.cspSource}; script-src 'nonce-${nonce}'`,
    );
    assert.equal([...webview.html.matchAll(/<script/g)].length, 1);
    assert.ok(webview.html.includes(`<script nonce="${nonce}"`));
    panel.render();
    assert.notEqual(panel.nonce, nonce, 'a new nonce for each render');
    assert.ok(!webview.html.includes(nonce), 'the old nonce is gone');
  });

  it('shows the machines before the swarm, each "not in the swarm"', async function () {
    this.timeout(60_000);
    const text = await mapWhere(
      (_, t) => (NODES.every((n) => new RegExp(`^${n}: not in the swarm, running`, 'm').test(t)) ? t : undefined),
      'the 3 machines, not in the swarm',
    );
    assert.doesNotMatch(text, /manager|worker/);
  });

  it('forms the swarm (Swarm: Init and Join): the map lists core-01..03 with their roles and the leader', async function () {
    this.timeout(180_000);
    await vscode.commands.executeCommand('swarmLab.steps.swarmInitJoin');
    const model = await mapWhere(
      (m) => (m.nodes.length === 3 && m.nodes.every((n) => n.inSwarm && n.state === 'ready') ? m : undefined),
      'the 3 nodes in the swarm, ready',
      120_000,
    );
    assert.deepEqual(
      model.nodes.map((n) => [n.name, n.role, n.leader, n.availability, n.state]),
      [
        ['core-01', 'manager', true, 'active', 'ready'],
        ['core-02', 'worker', false, 'active', 'ready'],
        ['core-03', 'worker', false, 'active', 'ready'],
      ],
    );
    const text = api.clusterMap.feed.text;
    assert.match(text, /^core-01: manager \(leader\), active, ready — no tasks/m);
    assert.match(text, /^core-02: worker, active, ready — no tasks/m);
    assert.match(text, /^core-03: worker, active, ready — no tasks/m);
    // The open panel was sent this very map (no polling: the swarm's events brought it).
    const last = posted.at(-1)!;
    assert.equal(last.text, text);
    for (const n of NODES) {
      assert.ok(last.html.includes(`id="cm-node-${n}"`), `${n} has no card`);
    }
  });

  it("places a service's tasks on the nodes Docker placed them on (Q4)", async function () {
    this.timeout(120_000);
    await docker[0].createService({
      Name: SERVICE,
      Mode: { Replicated: { Replicas: 3 } },
      TaskTemplate: { ContainerSpec: { Image: BUSYBOX_IMAGE, Command: ['sleep', '3600'] } },
    });
    const model = await mapWhere(
      (m) => {
        const s = m.services.find((x) => x.name === SERVICE);
        const placed = m.nodes.flatMap((n) => n.tasks.filter((t) => t.service === SERVICE && t.state === 'running'));
        return s && s.running === 3 && placed.length === 3 ? m : undefined;
      },
      `${SERVICE} with 3 running tasks on the map`,
      90_000,
    );
    // Where Docker itself says each task runs.
    const nodes = (await docker[0].listNodes()) as Array<{ ID: string; Description: { Hostname: string } }>;
    const hostname = new Map(nodes.map((n) => [n.ID, n.Description.Hostname]));
    const tasks = (await docker[0].listTasks({
      filters: JSON.stringify({ service: [SERVICE], 'desired-state': ['running'] }),
    })) as Array<{ Slot: number; NodeID: string }>;
    const expected = tasks.map((t) => `${hostname.get(t.NodeID)} ${SERVICE}.${t.Slot}`).sort();
    const shown = model.nodes.flatMap((n) =>
      n.tasks.filter((t) => t.service === SERVICE).map((t) => `${n.name} ${t.name}`),
    );
    assert.deepEqual(shown.sort(), expected);
    assert.deepEqual(
      model.services.find((s) => s.name === SERVICE)?.nodes,
      [...new Set(tasks.map((t) => hostname.get(t.NodeID)!))].sort(),
    );
    assert.deepEqual(model.unplaced, []);
    // The text version says it on each node's line.
    const lines = api.clusterMap.feed.text.split('\n');
    for (const line of expected) {
      const [node, task] = line.split(' ');
      assert.ok(
        lines.some((l) => l.startsWith(`${node}: `) && l.includes(`${task} running`)),
        `${task} on ${node}: ${lines.join(' | ')}`,
      );
    }
    assert.ok(posted.at(-1)!.html.includes(`<span class="cm-task-name">${SERVICE}.1</span>`));
  });

  it('marks the node holding the virtual IP (Q6)', async function () {
    this.timeout(60_000);
    const node = layout.nodes[1];
    const vip = node.address.replace(/\.\d+$/, '.100');
    // What keepalived does on the node that wins: the virtual IP as a second address.
    execFileSync('ip', ['netns', 'exec', node.namespace, 'ip', 'addr', 'add', `${vip}/32`, 'dev', 'eth1']);
    const config = vscode.workspace.getConfiguration('swarmLab');
    try {
      await config.update('virtualIp', vip, vscode.ConfigurationTarget.Global);
      const model = await mapWhere(
        (m) => (m.vip.holders.length > 0 ? m : undefined),
        'a node holding the virtual IP on the map',
        30_000,
      );
      assert.deepEqual(model.vip, { known: true, holders: [node.name] });
      assert.match(api.clusterMap.feed.text, /^Virtual IP: held by core-02$/m);
      assert.match(api.clusterMap.feed.text, /^core-02: .* — holds the virtual IP/m);
    } finally {
      execFileSync('ip', ['netns', 'exec', node.namespace, 'ip', 'addr', 'del', `${vip}/32`, 'dev', 'eth1']);
      await config.update('virtualIp', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('shows the same map above the sections of the lab panel', async function () {
    this.timeout(60_000);
    api.labPanels.current?.dispose();
    const messages: ClusterMapMessage[] = [];
    const listening = api.labPanels.onDidOpen((p) => {
      listening.dispose();
      p.onDidPostMessage((m) => {
        if (m.type === 'clusterMap') {
          messages.push(m);
        }
      });
    });
    await vscode.commands.executeCommand('swarmLab.lab.open');
    const lab = api.labPanels.current!;
    try {
      await waitForEvent(
        lab.onDidPostMessage,
        () => messages.find((m) => m.text.includes(`${SERVICE}.1 running`)),
        30_000,
        'a cluster map message from the lab panel',
      );
      const map = messages.at(-1)!;
      assert.equal(map.text, api.clusterMap.feed.text);
      // The lab panel names the map in its own region: no title, node headings under the section's.
      assert.ok(!map.html.includes('cm-title'));
      assert.ok(map.html.includes('<h3 class="cm-node-name">core-01</h3>'));
    } finally {
      lab.dispose();
    }
  });
});

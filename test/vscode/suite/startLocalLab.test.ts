import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Docker from 'dockerode';
import * as vscode from 'vscode';
import type { SwarmLabApi } from '../../../src/extension';
import { labImageNames } from '../../../src/localLab/images/labImageSpecs';
import { runningLab } from '../../../src/localLab/labOwner';
import { LocalLab } from '../../../src/localLab/localLab';
import { nodePidFile } from '../../../src/localLab/nodeProcess';
import { testLabLayout } from '../../harness/testLab';
import { dockerdPid } from '../../harness/labNodeSshd';
import type { HostMessage } from '../../../src/core/labPanel/protocol';
import { activateSwarmLab, waitForEvent } from './extensionApi';

type LabMessage = Extract<HostMessage, { type: 'lab' }>;

/**
 * Start Local Lab as a student meets it: the extension alone, its own
 * storage, no image cache anywhere; and beside another lab folder that
 * already runs the same nodes.
 */
describe('Start Local Lab in a real VS Code: the running lab is the lab; images built when no cache exists', function () {
  let api: SwarmLabApi;
  const layout = testLabLayout();
  const docker = layout.nodes.map((n) => new Docker({ socketPath: n.dockerSocket }));
  const config = (): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration('swarmLab');
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'swarm-lab-start-'));
  const leaveAll = (): Promise<unknown> =>
    Promise.all(docker.map((d) => d.swarmLeave({ force: true }).catch(() => undefined)));
  /** Each node's first process and its dockerd: unchanged when nothing restarted. */
  const daemons = (): string[] =>
    layout.nodes.map((n) => [fs.readFileSync(nodePidFile(n), 'utf8').trim(), String(dockerdPid(layout, n))].join(','));
  const progressOf = async (work: () => Thenable<unknown>): Promise<string[]> => {
    const seen: string[] = [];
    const sub = api.localLab.onProgress((m) => seen.push(m));
    try {
      await work();
    } finally {
      sub.dispose();
    }
    return seen;
  };

  before(async function () {
    this.timeout(60_000);
    api = await activateSwarmLab();
    await leaveAll();
  });

  after(async function () {
    this.timeout(60_000);
    await config().update('localLab.stateDir', undefined, vscode.ConfigurationTarget.Global);
    await config().update('localLab.imageCache', undefined, vscode.ConfigurationTarget.Global);
    await leaveAll();
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  it('with debootstrap hidden from PATH: names it with its apt-get line, and starts nothing', async function () {
    this.timeout(120_000);
    await vscode.commands.executeCommand('swarmLab.localLab.stop');
    assert.equal(runningLab(layout.instance), undefined, 'the lab did not stop');
    // A PATH of links to every program of the real one, debootstrap left out.
    const bin = path.join(scratch, 'bin');
    fs.mkdirSync(bin);
    for (const dir of (process.env['PATH'] ?? '').split(':').filter((d) => fs.existsSync(d))) {
      for (const name of fs.readdirSync(dir)) {
        if (name !== 'debootstrap' && !fs.existsSync(path.join(bin, name))) {
          fs.symlinkSync(path.join(dir, name), path.join(bin, name));
        }
      }
    }
    const realPath = process.env['PATH'];
    process.env['PATH'] = bin;
    let message: unknown;
    try {
      message = await vscode.commands.executeCommand('swarmLab.localLab.start');
    } finally {
      process.env['PATH'] = realPath;
    }
    assert.equal(
      message,
      'The local lab needs debootstrap on this computer: run `apt-get install debootstrap`, then Start Local Lab again.',
    );
    assert.equal(runningLab(layout.instance), undefined, 'a node started');
    const namespaces = fs.existsSync('/run/netns') ? fs.readdirSync('/run/netns') : [];
    assert.deepEqual(
      namespaces.filter((n) => n.startsWith(`${layout.prefix}-`)),
      [],
    );
  });

  it('the open lab panel follows the machines: section 2 said none, and says where it runs once the lab is back', async function () {
    this.timeout(120_000);
    await vscode.commands.executeCommand('swarmLab.lab.open');
    const panel = api.labPanels.current!;
    const nextLab = (match: (m: LabMessage) => boolean): Promise<LabMessage> => {
      let found: LabMessage | undefined;
      return waitForEvent(
        (listener) =>
          panel.onDidPostMessage((m) => {
            if (m.type === 'lab' && match(m)) {
              found = m;
              listener(m);
            }
          }),
        () => found,
        60_000,
        'a section message from the lab panel',
      );
    };
    const none = nextLab((m) => m.section.id === 'docker-swarm');
    await panel.handleMessage({ type: 'showSection', sectionId: 'docker-swarm' });
    const before = (await none).section.environment;
    assert.equal(before?.noMachines, true, JSON.stringify(before));
    assert.ok(before?.unavailable['swarm.init-join'], 'Run is disabled while there is no machine');
    // The tests' lab back, as another program (npm start, npm run lab) would start it; the panel is not touched.
    const back = nextLab((m) => m.section.id === 'docker-swarm' && m.section.environment?.noMachines !== true);
    await new LocalLab(layout.stateDir, () => undefined, layout.instance).up(3);
    await api.machines.refresh();
    const after = (await back).section.environment;
    assert.deepEqual(after?.unavailable, {}, 'every step of section 2 can run');
    panel.dispose();
  });

  it('adopts the lab another folder runs (same nodes): no node restarted, nothing made in the configured folder', async function () {
    this.timeout(120_000);
    const elsewhere = path.join(scratch, 'my-lab');
    await config().update('localLab.stateDir', elsewhere, vscode.ConfigurationTarget.Global);
    const before = daemons();
    await vscode.commands.executeCommand('swarmLab.localLab.start');
    assert.equal(api.localLab.stateDir(), layout.stateDir, 'the running lab is the lab');
    assert.deepEqual(daemons(), before, 'no node restarted');
    assert.equal(fs.existsSync(path.join(elsewhere, 'nodes')), false, 'no second lab in the configured folder');
    const status = await api.localLab.lab().status();
    assert.deepEqual(
      status.map((s) => `${s.name} ${s.sshd} ${s.dockerd}`),
      ['core-01 true true', 'core-02 true true', 'core-03 true true'],
    );
  });

  it('with no image cache and nodes without the lab images: builds them with progress per image, and sections 2 and 3 pass', async function () {
    this.timeout(900_000);
    // Nodes as fresh as a new lab's: no container, none of the lab's images.
    await Promise.all(
      docker.map(async (d) => {
        for (const c of await d.listContainers({ all: true })) {
          await d.getContainer(c.Id).remove({ force: true });
        }
        for (const image of [...labImageNames(), 'python-app:latest', 'app-proxy:latest']) {
          await d
            .getImage(image)
            .remove({ force: true })
            .catch(() => undefined);
        }
      }),
    );
    const cache = path.join(scratch, 'lab-images');
    await config().update('localLab.imageCache', cache, vscode.ConfigurationTarget.Global);
    const progress = await progressOf(() => vscode.commands.executeCommand('swarmLab.localLab.start'));
    assert.ok(
      progress.some((m) => /the Debian base/.test(m)),
      `no progress for the Debian base: ${progress.join(' | ')}`,
    );
    const built = progress.filter((m) => /^building the lab images \(\d+\/\d+\): /.test(m));
    assert.ok(built.length >= 5, `too few image steps shown: ${progress.join(' | ')}`);
    assert.ok(
      fs.readdirSync(cache).some((f) => /^lab-images-[0-9a-f]+\.tar\.gz$/.test(f)),
      'no tarball in the cache',
    );
    for (const d of docker) {
      const tags = new Set((await d.listImages()).flatMap((i) => i.RepoTags ?? []));
      assert.deepEqual(
        labImageNames().filter((n) => !tags.has(n)),
        [],
      );
    }

    // Sections 2 and 3, as the panel's Run does them (LabActions), then their checks.
    await api.machines.refresh();
    const run = async (id: string): Promise<void> => {
      const lines: string[] = [];
      const result = await api.labActions.runStep(id, (l) => lines.push(l.text), new AbortController().signal);
      assert.equal(result.ok, true, `${id}: ${result.summary}\n${lines.slice(-20).join('\n')}`);
    };
    const check = async (id: string): Promise<void> => {
      const outcome = await api.labActions.runCheck(id, new AbortController().signal);
      assert.equal(outcome.state, 'pass', `${id}: ${outcome.why}`);
    };
    for (const id of ['docker.config', 'swarm.init-join']) {
      await run(id);
    }
    await check('docker.config-applied');
    await check('swarm.nodes-ready');
    // The Swarm view follows: the steps restarted the engines (docker.config) and formed the swarm.
    await waitForEvent(
      api.swarm.onDidChange,
      () => (api.swarm.snapshot?.nodes.length === 3 ? true : undefined),
      60_000,
      'the 3 nodes in the Swarm view after section 2',
    ).catch((e: Error) => {
      const why = {
        machines: api.machines.machines().map((m) => [m.name, m.state]),
        manager: api.swarm.managerId,
        error: api.swarm.error,
      };
      throw new Error(`${e.message}: ${JSON.stringify(why)}`);
    });
    for (const id of ['compose.install', 'stack.build-local', 'stack.deploy']) {
      await run(id);
    }
    for (const id of ['compose.present', 'stack.converged', 'stack.app-answers']) {
      await check(id);
    }
  });

  it('a second Start Local Lab loads from the cache without building', async function () {
    this.timeout(120_000);
    const cache = path.join(scratch, 'lab-images');
    const tarball = fs.readdirSync(cache).find((f) => f.endsWith('.tar.gz'))!;
    const mtime = fs.statSync(path.join(cache, tarball)).mtimeMs;
    const progress = await progressOf(() => vscode.commands.executeCommand('swarmLab.localLab.start'));
    assert.deepEqual(
      progress.filter((m) => m.startsWith('building')),
      [],
    );
    assert.equal(fs.statSync(path.join(cache, tarball)).mtimeMs, mtime, 'the cache was rewritten');
  });
});

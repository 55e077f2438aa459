import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Docker from 'dockerode';
import * as vscode from 'vscode';
import type { SwarmLabApi } from '../../../src/extension';
import type { NodeOutcome } from '../../../src/clients/images/imageDistribution';
import { demuxFrames } from '../../harness/dockerFrames';
import { BUSYBOX_IMAGE, ensureBusyboxImage } from '../../harness/testImages';
import { testLabLayout } from '../../harness/testLab';
import { activateSwarmLab, waitForEvent } from './extensionApi';

/** CRLF, comments, quotes and a Docker Hub image: what must survive an edit byte for byte. */
const COMPOSE = [
  '# the dumb service, as the seed report left it',
  'services:',
  '  python-app:',
  '    build: ./python-app   # built on every node by hand, so far',
  '    image: m1.swarm:5000/python-app:latest',
  '  database:',
  "    image: 'redis'",
  '  app-proxy:',
  '    build: ./proxy',
  '    image: "m1.swarm:5000/app-proxy"  # no tag: latest',
  '  probe:',
  '    build: ./probe',
  '    image: swarm-lab-test/lens-probe:latest',
  '',
].join('\r\n');

const MALFORMED = 'services:\n  app:\n    image: "m1.swarm:5000/app\n    build: .\n';

/** Output of a one-off container (stdout and stderr). */
async function run(d: Docker, cmd: string[]): Promise<string> {
  const c = await d.createContainer({
    Image: 'swarm-lab-test/lens-probe:latest',
    Cmd: cmd,
    HostConfig: { NetworkMode: 'none' },
  });
  try {
    await c.start();
    await c.wait();
    return demuxFrames(await c.logs({ stdout: true, stderr: true, follow: false }));
  } finally {
    await c.remove({ force: true });
  }
}

const lensesOf = (uri: vscode.Uri): Thenable<vscode.CodeLens[]> =>
  vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 100);

/** Runs a lens's command as a click does. */
function execute(lens: vscode.CodeLens): Thenable<unknown> {
  const args: unknown[] = lens.command?.arguments ?? [];
  return vscode.commands.executeCommand(lens.command?.command ?? '', ...args);
}

function titled(lenses: readonly vscode.CodeLens[], line: number): string[] {
  return lenses.filter((l) => l.range.start.line === line).map((l) => l.command?.title ?? '');
}

describe('Compose lenses in a real VS Code (and images on the tests’ local lab)', function () {
  let api: SwarmLabApi;
  const workspace = process.env['SWARM_LAB_TEST_WORKSPACE'] ?? '';
  const dir = path.join(workspace, 'lens-project');
  const file = path.join(dir, 'docker-compose.yml');
  const broken = path.join(dir, 'compose-broken.yaml');
  const layout = testLabLayout();
  const docker = layout.nodes.map((n) => new Docker({ socketPath: n.dockerSocket }));
  let doc: vscode.TextDocument;

  before(async function () {
    this.timeout(120_000);
    assert.ok(workspace, 'the runner names the test workspace');
    fs.mkdirSync(path.join(dir, 'probe'), { recursive: true });
    fs.writeFileSync(file, COMPOSE);
    fs.writeFileSync(broken, MALFORMED);
    // A tiny image built FROM the busybox every node gets, with content unique to this run.
    fs.writeFileSync(path.join(dir, 'probe', 'Dockerfile'), `FROM ${BUSYBOX_IMAGE}\nCOPY . /ctx/\n`);
    fs.writeFileSync(path.join(dir, 'probe', 'run.txt'), `${process.pid} ${Date.now()}\n`);
    fs.writeFileSync(path.join(dir, 'probe', '.dockerignore'), 'secret.txt\n');
    fs.writeFileSync(path.join(dir, 'probe', 'secret.txt'), 'not for the engine\n');
    await Promise.all(docker.map((d) => ensureBusyboxImage(d)));
    await Promise.all(
      docker.map((d) =>
        d
          .getImage('swarm-lab-test/lens-probe:latest')
          .remove({ force: true })
          .catch(() => undefined),
      ),
    );
    api = await activateSwarmLab();
    doc = await vscode.workspace.openTextDocument(file);
    await vscode.window.showTextDocument(doc);
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('shows the lenses of a compose file opened in the editor', async () => {
    const lenses = await lensesOf(doc.uri);
    // python-app and app-proxy are in registry form, probe in local form.
    assert.deepEqual(titled(lenses, 0), ['All images → registry', 'All images → local']);
    assert.ok(titled(lenses, 4).includes('→ local form'), titled(lenses, 4).join(' | '));
    assert.ok(titled(lenses, 9).includes('→ local form'));
    assert.ok(titled(lenses, 12).includes('→ registry form'));
    // Docker Hub's redis is never switched: no lens says it could be.
    assert.ok(!titled(lenses, 6).some((t) => /form/.test(t)));
    const flip = lenses.find((l) => l.range.start.line === 4 && l.command?.title === '→ local form')!;
    assert.equal(flip.command?.command, 'swarmLab.compose.switchImage');
  });

  it('changes exactly the image scalar, and undo restores the file byte for byte', async () => {
    const before = doc.getText();
    assert.equal(doc.eol, vscode.EndOfLine.CRLF);
    const flip = (await lensesOf(doc.uri)).find(
      (l) => l.range.start.line === 4 && l.command?.title === '→ local form',
    )!;
    const applied = await execute(flip);
    assert.equal(applied, true);
    const after = doc.getText();
    assert.equal(after, before.replace('    image: m1.swarm:5000/python-app:latest', '    image: python-app:latest'));
    // Everything outside the scalar is the same bytes, CRLF included.
    const start = before.indexOf('m1.swarm:5000/python-app:latest');
    assert.equal(after.slice(0, start), before.slice(0, start));
    assert.equal(
      after.slice(start + 'python-app:latest'.length),
      before.slice(start + 'm1.swarm:5000/python-app:latest'.length),
    );
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('undo');
    assert.equal(doc.getText(), before);
    assert.equal(doc.isDirty, false);
    assert.equal(fs.readFileSync(file, 'utf8'), COMPOSE, 'nothing was saved');
  });

  it('switches every built image in one edit, undone in one step', async () => {
    const before = doc.getText();
    const all = (await lensesOf(doc.uri)).find((l) => l.command?.title === 'All images → local');
    assert.ok(all);
    assert.deepEqual(all.command?.arguments?.slice(1), ['local', 'built']);
    assert.equal(await execute(all), true);
    const after = doc.getText();
    assert.match(after, /image: python-app:latest\r\n/);
    assert.ok(after.includes('image: "app-proxy"  # no tag: latest\r\n'));
    assert.match(after, /image: 'redis'\r\n/);
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('undo');
    assert.equal(doc.getText(), before);
  });

  it('never parses an unchanged version twice (lenses, hovers and commands share one analysis)', async () => {
    await lensesOf(doc.uri);
    const computed = api.compose.analyses.computed;
    await lensesOf(doc.uri);
    await vscode.commands.executeCommand('vscode.executeHoverProvider', doc.uri, new vscode.Position(4, 14));
    await lensesOf(doc.uri);
    assert.equal(api.compose.analyses.computed, computed);
  });

  it('does not parse again the text an undo goes back to', async () => {
    const before = doc.getText();
    await lensesOf(doc.uri);
    const computed = api.compose.analyses.computed;
    // app-proxy: a text no earlier test made, so its analysis is new.
    assert.equal(
      await vscode.commands.executeCommand('swarmLab.compose.switchImage', doc.uri, 'app-proxy', 'local'),
      true,
    );
    assert.ok(titled(await lensesOf(doc.uri), 9).includes('→ registry form'));
    assert.equal(api.compose.analyses.computed, computed + 1, 'the new text is analysed once');
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('undo');
    assert.equal(doc.getText(), before);
    assert.ok(titled(await lensesOf(doc.uri), 9).includes('→ local form'));
    assert.equal(api.compose.analyses.computed, computed + 1, 'the text before the edit was not parsed again');
  });

  it('gives a malformed file a diagnostic and no lens, and never edits it', async () => {
    const broke = await vscode.workspace.openTextDocument(broken);
    await vscode.window.showTextDocument(broke);
    const diagnostics = await waitForEvent(
      vscode.languages.onDidChangeDiagnostics,
      () => {
        const d = vscode.languages.getDiagnostics(broke.uri).filter((x) => x.source === 'Swarm Lab');
        return d.length > 0 ? d : undefined;
      },
      10_000,
      'a Swarm Lab diagnostic on the malformed file',
    );
    assert.equal(diagnostics[0].severity, vscode.DiagnosticSeverity.Error);
    assert.match(diagnostics[0].message, /Not valid YAML, so Swarm Lab leaves this file untouched/);
    assert.deepEqual(await lensesOf(broke.uri), []);
    assert.equal(await vscode.commands.executeCommand('swarmLab.compose.switchAllImages', broke.uri, 'local'), false);
    assert.equal(broke.getText(), MALFORMED);
    assert.equal(broke.isDirty, false);
    await vscode.window.showTextDocument(doc);
  });

  it('builds once and distributes to the 3 nodes, then the lens says 3/3 nodes', async function () {
    this.timeout(180_000);
    const outcomes = await vscode.commands.executeCommand<NodeOutcome[]>(
      'swarmLab.images.buildAndDistribute',
      doc.uri,
      'probe',
    );
    assert.deepEqual(
      outcomes.map((o) => [o.node, o.kind]),
      [
        ['core-01', 'built'],
        ['core-02', 'loaded'],
        ['core-03', 'loaded'],
      ],
    );
    const ids = await Promise.all(
      docker.map(async (d) => (await d.getImage('swarm-lab-test/lens-probe:latest').inspect()).Id),
    );
    assert.equal(new Set(ids).size, 1, `one image ID on every node: ${ids.join(', ')}`);
    // The loaded image runs, and .dockerignore was applied to the uploaded context.
    assert.deepEqual((await run(docker[2], ['ls', '-A', '/ctx'])).split(/\s+/).filter(Boolean), [
      '.dockerignore',
      'Dockerfile',
      'run.txt',
    ]);
    const model = api.compose.presence.model;
    await waitForEvent(
      api.compose.presence.onDidChange,
      () => (model.report('swarm-lab-test/lens-probe:latest')?.present.length === 3 ? true : undefined),
      30_000,
      'the presence model to see the image on 3 nodes',
    );
    const lens = titled(await lensesOf(doc.uri), 12);
    assert.ok(lens.includes('$(check) 3/3 nodes'), lens.join(' | '));
  });

  it('follows image events: an image removed on core-02 is missing there, at once', async function () {
    this.timeout(60_000);
    await docker[1].getImage('swarm-lab-test/lens-probe:latest').remove({ force: true });
    const model = api.compose.presence.model;
    await waitForEvent(
      api.compose.presence.onDidChange,
      () => (model.report('swarm-lab-test/lens-probe:latest')?.missing.includes('core-02') ? true : undefined),
      15_000,
      'the removal on core-02 to reach the model',
    );
    const lens = titled(await lensesOf(doc.uri), 12);
    assert.ok(lens.includes('$(warning) 2/3 nodes · missing on core-02'), lens.join(' | '));
  });

  it('hovers the image with each node, its image ID and date', async () => {
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
      'vscode.executeHoverProvider',
      doc.uri,
      new vscode.Position(12, 16),
    );
    const ours = hovers
      .flatMap((h) => h.contents)
      .map((c) => (c instanceof vscode.MarkdownString ? c : undefined))
      .find((c) => c?.value.includes('core-01'));
    assert.ok(ours, 'a hover lists the nodes');
    assert.equal(ours.isTrusted, false);
    const text = ours.value.replace(/&nbsp;/g, ' ').replace(/\\/g, '');
    assert.match(text, /core-01\*\*: `[0-9a-f]{12}` · created \d{4}-\d\d-\d\d \d\d:\d\d/);
    assert.match(text, /core-02\*\*: .*missing/);
  });
});

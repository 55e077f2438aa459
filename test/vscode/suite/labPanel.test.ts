import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { SwarmLabApi } from '../../../src/extension';
import type { LabActions } from '../../../src/core/labPanel/labActions';
import { LAB_PANEL_VIEW_TYPE, type HostMessage } from '../../../src/core/labPanel/protocol';
import { applyEdit, setAnswer } from '../../../src/core/report/reportEdit';
import { formatReport } from '../../../src/core/report/reportFormat';
import { newReport } from '../../../src/core/report/reportModel';
import type { LabPanel } from '../../../src/features/lab/panel/labPanel';
import { activateSwarmLab, waitForEvent } from './extensionApi';

type Msg<T extends HostMessage['type']> = Extract<HostMessage, { type: T }>;

/** Resolves with the first message of a type the panel sends that passes `match`. */
function nextMessage<T extends HostMessage['type']>(
  panel: LabPanel,
  type: T,
  match: (m: Msg<T>) => boolean = () => true,
  timeoutMs = 30_000,
): Promise<Msg<T>> {
  let found: Msg<T> | undefined;
  return waitForEvent(
    (listener) =>
      panel.onDidPostMessage((m) => {
        if (m.type === type && match(m as Msg<T>)) {
          found = m as Msg<T>;
          listener(m);
        }
      }),
    () => found,
    timeoutMs,
    `a "${type}" message from the lab panel`,
  );
}

function cspOf(html: string): string | undefined {
  return /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1].replace(/&#39;/g, "'");
}

describe('The lab panel in a real VS Code: the report file is the source of truth', function () {
  this.timeout(120_000);
  let api: SwarmLabApi;
  let panel: LabPanel;
  let reportUri: vscode.Uri;
  /** What the first panel sent from its very first message on. */
  const firstMessages: HostMessage[] = [];

  before(async () => {
    api = await activateSwarmLab();
    reportUri = api.labPanels.report.uri()!;
    assert.ok(!fs.existsSync(reportUri.fsPath), 'the test workspace starts without a report');
    const listening = api.labPanels.onDidOpen((p) => {
      listening.dispose();
      p.onDidPostMessage((m) => firstMessages.push(m));
    });
    await vscode.commands.executeCommand('swarmLab.lab.open');
    panel = api.labPanels.current!;
    assert.ok(panel, 'the command opened the panel');
  });

  after(async () => {
    panel?.dispose();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('opens from its command; its page asks for the lab (the script ran under the CSP) and gets it', async () => {
    // The page posts `ready` once its nonce-allowed script runs: no script, no lab.
    const lab = await waitForEvent(
      panel.onDidPostMessage,
      () => firstMessages.find((m): m is Msg<'lab'> => m.type === 'lab'),
      60_000,
      'the page to ask for the lab',
    );
    assert.equal(lab.sections.length, 15);
    assert.equal(lab.report.exists, false);
    assert.equal(lab.section.number, 1, 'a first opening starts at the first section');
    assert.deepEqual([...lab.languages].sort(), ['en', 'fr']);
    assert.equal(lab.language, vscode.env.language.startsWith('fr') ? 'fr' : 'en', "VS Code's display language");
  });

  it('renders a page whose CSP allows only its nonce script, with a new nonce each render', () => {
    const first = panel.panel.webview.html;
    const nonce = panel.nonce;
    const csp = cspOf(first);
    assert.ok(csp, 'a CSP meta tag');
    assert.match(csp, /^default-src 'none'; /);
    assert.match(csp, new RegExp(`script-src 'nonce-${nonce.replace(/[+/=]/g, (c) => `\\${c}`)}';`));
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    const source = panel.panel.webview.cspSource;
    assert.ok(csp.includes(`; style-src ${source}; img-src ${source} data:; font-src ${source}`), csp);
    assert.ok(first.includes(`<script nonce="${nonce}"`));
    assert.equal([...first.matchAll(/<script/g)].length, 1);
    panel.render();
    assert.notEqual(panel.nonce, nonce);
    assert.ok(cspOf(panel.panel.webview.html)!.includes(`'nonce-${panel.nonce}'`));
    assert.ok(!panel.panel.webview.html.includes(nonce), 'the old nonce is gone');
    const roots = panel.panel.webview.options.localResourceRoots?.map((u) => u.path) ?? [];
    assert.equal(roots.length, 1);
    assert.match(roots[0], /\/dist\/webview$/);
  });

  it('creates the report when asked, from the lab’s outline', async () => {
    const lab = panel.lab!;
    const changed = nextMessage(panel, 'answers', (m) => m.report.exists);
    await panel.handleMessage({ type: 'createReport' });
    await changed;
    assert.equal(fs.readFileSync(reportUri.fsPath, 'utf8'), formatReport(newReport(lab.outline)));
  });

  it('writes an answer typed in the panel as exactly setAnswer’s edit, saved, and undo reverts it', async () => {
    const lab = panel.lab!;
    const doc = await vscode.workspace.openTextDocument(reportUri);
    await vscode.window.showTextDocument(doc, { preview: false });
    const before = doc.getText();
    const answer = 'The registry runs on core-02:\n\n```\n$ docker service ps registry\n```\n<script>alert(1)</script>';
    const expected = applyEdit(before, setAnswer(before, 'Q4', answer, lab.outline, lab.headings)!);

    const saved = nextMessage(panel, 'answerSaved', (m) => m.questionId === 'Q4');
    await panel.handleMessage({ type: 'setAnswer', questionId: 'Q4', text: answer, base: '', seq: 1 });
    assert.equal((await saved).seq, 1);
    assert.equal(doc.getText(), expected);
    assert.equal(doc.isDirty, false, 'saved: the document had no unsaved changes of the student');
    assert.equal(fs.readFileSync(reportUri.fsPath, 'utf8'), expected);
    assert.ok(expected.includes('<script>alert(1)</script>'), 'kept as typed, as text');

    await vscode.window.showTextDocument(doc, { preview: false });
    await vscode.commands.executeCommand('undo');
    await waitForEvent(
      vscode.workspace.onDidChangeTextDocument,
      () => (doc.getText() === before ? true : undefined),
      10_000,
      'undo to restore the report',
    );
    assert.equal(doc.getText(), before);
    await doc.save();
  });

  it('follows the file: an edit in the text editor reaches the panel, with progress', async () => {
    const lab = panel.lab!;
    const doc = await vscode.workspace.openTextDocument(reportUri);
    const edit = setAnswer(doc.getText(), 'Q5', 'Because of the routing mesh.', lab.outline, lab.headings)!;
    const answers = nextMessage(panel, 'answers', (m) => m.answers['Q5'] === 'Because of the routing mesh.');
    const progress = nextMessage(panel, 'progress', (m) =>
      m.sections.some((s) => s.id === 'registry-1' && s.answered === 1),
    );
    const change = new vscode.WorkspaceEdit();
    change.insert(doc.uri, doc.positionAt(edit.offset), edit.newText);
    assert.equal(edit.length, 0);
    assert.ok(await vscode.workspace.applyEdit(change));
    const m = await answers;
    assert.equal(m.report.dirty, true, 'unsaved in the editor: the panel says so');
    await progress;
    assert.equal(panel.knownAnswers().get('Q5'), 'Because of the routing mesh.');
  });

  it('edits the document, not the file, when it has unsaved changes, and never clobbers them', async () => {
    const doc = await vscode.workspace.openTextDocument(reportUri);
    assert.equal(doc.isDirty, true);
    const onDisk = fs.readFileSync(reportUri.fsPath, 'utf8');
    const saved = nextMessage(panel, 'answerSaved', (m) => m.questionId === 'Q6');
    await panel.handleMessage({
      type: 'setAnswer',
      questionId: 'Q6',
      text: 'nsenter shows the VIP.',
      base: '',
      seq: 2,
    });
    await saved;
    assert.equal(fs.readFileSync(reportUri.fsPath, 'utf8'), onDisk, 'the file on disk is untouched');
    const answers = panel.knownAnswers();
    assert.equal(answers.get('Q5'), 'Because of the routing mesh.', 'the unsaved edit is still there');
    assert.equal(answers.get('Q6'), 'nsenter shows the VIP.');
    assert.ok(doc.isDirty);

    // The panel typed over an older text of Q5: the file's newer text wins until the student chooses.
    const conflict = nextMessage(panel, 'answerConflict', (m) => m.questionId === 'Q5');
    await panel.handleMessage({ type: 'setAnswer', questionId: 'Q5', text: 'panel text', base: '', seq: 3 });
    assert.equal((await conflict).fileText, 'Because of the routing mesh.');
    assert.equal(panel.knownAnswers().get('Q5'), 'Because of the routing mesh.');
    await doc.save();
  });

  it('ignores malformed messages from the page', async () => {
    const before = (await vscode.workspace.openTextDocument(reportUri)).getText();
    await panel.handleMessage({ type: 'setAnswer', questionId: 'Q4', text: 42 });
    await panel.handleMessage({ type: 'eval', code: 'x' });
    await panel.handleMessage('ready');
    assert.equal((await vscode.workspace.openTextDocument(reportUri)).getText(), before);
  });

  it('runs a step through the plugged-in actions, streams its output and offers it as evidence', async () => {
    const actions: LabActions = {
      runStep: (_id, onOutput) => {
        onOutput({ node: 'core-01', kind: 'command', text: 'docker service create --name registry registry:2' });
        onOutput({ node: 'core-01', kind: 'out', text: 'overall progress: 1 out of 1 tasks' });
        return Promise.resolve({
          ok: true,
          summary: 'registry created',
          evidence: [{ node: 'core-01', command: 'docker service ls', output: 'ID  NAME\nx1  registry\n' }],
        });
      },
      runCheck: (id) => Promise.resolve({ state: id === 'registry.answers' ? 'pass' : 'fail', why: 'GET /v2/ → {}' }),
    };
    const registration = api.labPanels.registerActions(actions);
    try {
      const shown = nextMessage(panel, 'lab', (m) => m.section.id === 'registry-1');
      await panel.handleMessage({ type: 'showSection', sectionId: 'registry-1' });
      await shown;
      const output = nextMessage(panel, 'stepOutput', (m) => m.stepId === 'registry.deploy');
      const finished = nextMessage(panel, 'stepFinished', (m) => m.stepId === 'registry.deploy');
      const check = nextMessage(
        panel,
        'checkState',
        (m) => m.checkId === 'registry.answers' && m.check.state === 'pass',
      );
      await panel.handleMessage({ type: 'runStep', stepId: 'registry.deploy' });
      assert.equal((await output).lines.length, 2);
      const done = await finished;
      assert.equal(done.ok, true);
      assert.equal(done.evidence, '```console\n[core-01] $ docker service ls\nID  NAME\nx1  registry\n```');
      await check;
    } finally {
      registration.dispose();
    }
    // Disposed: the extension's own engine is back. Asked for a step the local lab cannot run
    // (Weave Scope's: no image here), it says why, never a fake success, and runs nothing.
    const engine = nextMessage(panel, 'stepFinished', (m) => m.stepId === 'scope.launch');
    await panel.handleMessage({ type: 'runStep', stepId: 'scope.launch' });
    const back = await engine;
    assert.equal(back.ok, false);
    assert.match(
      back.summary,
      /Debian has no Weave Scope and the local lab cannot download weaveworks\/scope:1\.13\.2/,
    );
  });

  it('says per section whether it can run where the lab is, and why not', async () => {
    const harbor = nextMessage(panel, 'lab', (m) => m.section.id === 'harbor');
    await panel.handleMessage({ type: 'showSection', sectionId: 'harbor' });
    const env = (await harbor).section.environment;
    assert.ok(env, 'the engine tells the panel where the section would run');
    // Harbor's installer needs the Internet and real VMs: never runnable in this test's lab.
    assert.ok(env.unavailable['harbor.install'], JSON.stringify(env));
    const registry = nextMessage(panel, 'lab', (m) => m.section.id === 'registry-1');
    await panel.handleMessage({ type: 'showSection', sectionId: 'registry-1' });
    const runs = (await registry).section.environment;
    assert.ok(runs);
    assert.deepEqual(runs.unavailable, {}, 'the registry runs in the local lab and on VMs');
    // The backups go into the open workspace folder: section 14 runs here.
    const backup = nextMessage(panel, 'lab', (m) => m.section.id === 'backup');
    await panel.handleMessage({ type: 'showSection', sectionId: 'backup' });
    const backupEnv = (await backup).section.environment;
    assert.ok(backupEnv);
    assert.deepEqual(backupEnv.unavailable, {}, JSON.stringify(backupEnv));
  });

  it('comes back on the same section through its serializer (as after a reload)', async () => {
    panel.dispose();
    const restoredPanel = vscode.window.createWebviewPanel(LAB_PANEL_VIEW_TYPE, 'Lab', vscode.ViewColumn.Active, {});
    const opened = waitForEvent(
      api.labPanels.onDidOpen,
      () =>
        api.labPanels.current && api.labPanels.current.panel === restoredPanel ? api.labPanels.current : undefined,
      10_000,
      'the restored panel',
    );
    await api.labPanels.deserializeWebviewPanel(restoredPanel, { sectionId: 'keepalived', language: 'fr' });
    panel = await opened;
    const lab = await nextMessage(panel, 'lab', (m) => m.section.id === 'keepalived', 60_000);
    assert.equal(lab.language, 'fr');
    assert.equal(lab.section.number, 8);
    assert.equal(lab.answers['Q6'], 'nsenter shows the VIP.');
  });
});

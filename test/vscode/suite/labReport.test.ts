import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { SwarmLabApi } from '../../../src/extension';
import type { HostMessage } from '../../../src/core/labPanel/protocol';
import { exportMarkdown } from '../../../src/core/report/reportExport';
import { formatReport } from '../../../src/core/report/reportFormat';
import { importReport } from '../../../src/core/report/reportImport';
import { parseReport } from '../../../src/core/report/reportParse';
import type { LabPanel } from '../../../src/features/lab/panel/labPanel';
import { activateSwarmLab, waitForEvent } from './extensionApi';

/** The repository, from out/test/vscode/suite/. */
const REPO = path.resolve(__dirname, '..', '..', '..', '..');
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

function message<T extends HostMessage['type']>(
  panel: LabPanel,
  type: T,
  match: (m: Extract<HostMessage, { type: T }>) => boolean,
  what: string,
): Promise<Extract<HostMessage, { type: T }>> {
  let found: Extract<HostMessage, { type: T }> | undefined;
  return waitForEvent(
    (listener) =>
      panel.onDidPostMessage((m) => {
        if (m.type === type && match(m as Extract<HostMessage, { type: T }>)) {
          found = m as Extract<HostMessage, { type: T }>;
          listener(m);
        }
      }),
    () => found,
    60_000,
    what,
  );
}

describe('The lab and the report around the panel: lab folder, language, import, export', function () {
  this.timeout(120_000);
  let api: SwarmLabApi;
  let folder: vscode.Uri;
  let report: vscode.Uri;

  before(async () => {
    api = await activateSwarmLab();
    folder = vscode.workspace.workspaceFolders![0].uri;
    report = api.labPanels.report.uri()!;
  });

  after(async () => {
    await vscode.workspace.getConfiguration('swarmLab').update('labPath', undefined);
    api.labPanels.current?.dispose();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('switches the lab between French and English', async () => {
    await vscode.commands.executeCommand('swarmLab.lab.open');
    const panel = api.labPanels.current!;
    const en = message(panel, 'lab', (m) => m.language === 'en', 'the lab in English');
    await panel.handleMessage({ type: 'setLanguage', language: 'en' });
    assert.match((await en).section.title, /[A-Za-z]/);
    const fr = message(panel, 'lab', (m) => m.language === 'fr', 'the lab in French');
    await panel.handleMessage({ type: 'setLanguage', language: 'fr' });
    const shown = await fr;
    assert.equal(panel.lab?.headings.otherNotes, 'Autres notes', "the report's headings follow the lab's language");
    assert.ok(shown.sections.some((s) => s.title.startsWith('Registre')));
  });

  it("shows a teacher's malformed lab as an error naming the file and the line", async () => {
    const lab = path.join(folder.fsPath, 'my-lab');
    fs.mkdirSync(path.join(lab, 'fr'), { recursive: true });
    fs.writeFileSync(
      path.join(lab, 'fr', '01-intro.md'),
      ['---', 'id: intro', 'number: 1', 'title: Intro', 'colour: blue', '---', '', 'Text.', ''].join('\n'),
    );
    const panel = api.labPanels.current!;
    const error = message(panel, 'labError', () => true, 'the lab error');
    await vscode.workspace.getConfiguration('swarmLab').update('labPath', 'my-lab');
    const shown = await error;
    assert.match(shown.message, /my-lab\/fr\/01-intro\.md:5: Unknown field "colour"/);

    const back = message(panel, 'lab', (m) => m.sections.length === 15, 'the built-in lab again');
    await vscode.workspace.getConfiguration('swarmLab').update('labPath', undefined);
    await back;
  });

  it('never writes a report outside the workspace folder, whatever the setting says', async () => {
    const config = vscode.workspace.getConfiguration('swarmLab');
    try {
      for (const outside of ['../outside.md', '/etc/motd', '..']) {
        await config.update('reportFile', outside);
        assert.equal(api.labPanels.report.uri(), undefined, outside);
        const status = await api.labPanels.report.status();
        assert.match(status.problem ?? '', /inside the workspace folder/);
        await assert.rejects(api.labPanels.report.create(api.labPanels.current!.lab!), /inside the workspace folder/);
      }
      await config.update('reportFile', 'reports/tp1.md');
      assert.equal(api.labPanels.report.uri()?.path, vscode.Uri.joinPath(folder, 'reports', 'tp1.md').path);
    } finally {
      await config.update('reportFile', undefined);
    }
    assert.equal(api.labPanels.report.uri()?.path, report.path);
  });

  it('imports a hand-written report: mapped to the questions, the previous report kept beside it', async () => {
    const lab = api.labPanels.current!.lab!;
    const source = vscode.Uri.joinPath(folder, 'my-report.md');
    const handWritten = fs.readFileSync(path.join(REPO, 'test', 'fixtures', 'reports', 'heading-style.md'), 'utf8');
    fs.writeFileSync(source.fsPath, handWritten);
    const before = fs.existsSync(report.fsPath) ? fs.readFileSync(report.fsPath, 'utf8') : undefined;

    await vscode.commands.executeCommand('swarmLab.report.import', source, { confirm: true });

    const expected = formatReport(importReport(handWritten, lab.outline, lab.l10n, lab.headings).model);
    assert.equal(fs.readFileSync(report.fsPath, 'utf8'), expected);
    assert.equal(fs.readFileSync(source.fsPath, 'utf8'), handWritten, 'the source is never changed');
    assert.match(expected, /### Q1 — /);
    if (before !== undefined && before !== expected) {
      const kept = vscode.Uri.joinPath(report, '..', path.basename(report.fsPath).replace(/\.md$/, '.orig.md'));
      assert.equal(fs.readFileSync(kept.fsPath, 'utf8'), before, 'nothing of the previous report is lost');
    }
  });

  it('exports clean Markdown, and HTML with images from the workspace only', async () => {
    const lab = api.labPanels.current!.lab!;
    const doc = await vscode.workspace.openTextDocument(report);
    fs.mkdirSync(path.join(folder.fsPath, 'img'), { recursive: true });
    fs.writeFileSync(path.join(folder.fsPath, 'img', 'inside.png'), PNG);
    fs.writeFileSync(path.join(folder.fsPath, '..', 'outside.png'), PNG);
    const panel = api.labPanels.current!;
    const saved = message(panel, 'answerSaved', (m) => m.questionId === 'Q5', 'Q5 written');
    await panel.handleMessage({
      type: 'setAnswer',
      questionId: 'Q5',
      text: 'Inside: ![in](img/inside.png)\n\nOutside: ![out](../outside.png)\n\n<script>alert(1)</script>',
      base: parseReport(doc.getText(), lab.outline, lab.headings).answers.get('Q5')?.text ?? '',
      seq: 100,
    });
    await saved;

    const md = vscode.Uri.joinPath(folder, 'handed-in.md');
    await vscode.commands.executeCommand('swarmLab.report.exportMarkdown', md);
    assert.equal(
      fs.readFileSync(md.fsPath, 'utf8'),
      exportMarkdown(parseReport(doc.getText(), lab.outline, lab.headings)),
    );

    const html = vscode.Uri.joinPath(folder, 'handed-in.html');
    await vscode.commands.executeCommand('swarmLab.report.exportHtml', html);
    const page = fs.readFileSync(html.fsPath, 'utf8');
    assert.match(page, /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:;/);
    assert.match(page, /<img src="data:image\/png;base64,iVBORw0KGgo[^"]*" alt="in">/);
    assert.doesNotMatch(page, /alt="out"/, 'an image outside the workspace is not inlined');
    assert.match(page, /\[out\]/);
    assert.match(page, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
    assert.doesNotMatch(page, /<script/);
  });
});

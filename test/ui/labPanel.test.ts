import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Docker from 'dockerode';
import type { Frame } from 'playwright-core';
import { labEnv } from '../harness/ground';
import { CACHE_DIR, REPO_ROOT } from '../harness/paths';
import { waitFor } from '../harness/waitFor';
import { LabLayout } from '../../src/localLab/labLayout';
import { LocalLab } from '../../src/localLab/localLab';
import {
  answerInReport,
  goToSection,
  labFrame,
  runCommandOnceListed,
  scrollIntoView,
  sectionHeading,
  waitForCheck,
} from './labPanelPage';
import { VsCodeSession } from './vscodeSession';

const WORKSPACE = 'ui-lab-panel';
const REPORT = path.join(CACHE_DIR, 'workspaces', WORKSPACE, 'rendu-tp1.md');

describe('The lab panel as a student uses it (Playwright, real VS Code, the tests’ local lab)', function () {
  let session: VsCodeSession;
  let frame: Frame;
  let lab: LocalLab;
  let layout: LabLayout;

  before(async function () {
    this.timeout(900_000);
    const env = labEnv();
    lab = new LocalLab(env['SWARM_LAB_STATE'] ?? '', () => undefined, Number(env['SWARM_LAB_INSTANCE']));
    // Fresh nodes, outside any swarm (an earlier file made one), with the lab's images (the registry's).
    await lab.down({ purge: true });
    layout = (await lab.up(3)).layout;
    await lab.loadImages(layout, {
      cacheDir: path.join(CACHE_DIR, 'lab-images'),
      samplesDir: path.join(REPO_ROOT, 'samples', 'tp1'),
    });
    for (const node of layout.nodes) {
      const info = (await new Docker({ socketPath: node.dockerSocket }).info()) as {
        Swarm?: { LocalNodeState?: string };
      };
      assert.equal(info.Swarm?.LocalNodeState, 'inactive', `${node.name} starts outside any swarm`);
    }
    session = await VsCodeSession.open(WORKSPACE, env);
  });

  after(async function () {
    this.timeout(180_000);
    await session?.close();
    await lab?.down();
  });

  it('opens from the palette on the first section, offering to create the report', async () => {
    await runCommandOnceListed(session, 'Swarm Lab: Open Lab');
    frame = await labFrame(session);
    await waitFor('the first section', async () => (await sectionHeading(frame)).startsWith('1. '), 30_000);
    await frame.locator('[data-action="create-report"]').waitFor({ timeout: 30_000 });
    assert.equal(fs.existsSync(REPORT), false, 'nothing is written before the student asks');
    await frame.locator('[data-action="create-report"]').click();
    await waitFor('the report file', () => fs.existsSync(REPORT), 30_000);
    await frame.locator('[data-report].quiet').waitFor({ timeout: 30_000 });
  });

  it('goes to a section with the keyboard only (Alt+Page Down, then Tab and Enter in the list)', async () => {
    await frame.locator('main h1').click();
    for (let n = 2; n <= 5; n++) {
      await session.page.keyboard.press('Alt+PageDown');
      await waitFor(`section ${n}`, async () => (await sectionHeading(frame)).startsWith(`${n}. `), 30_000);
      // The heading takes the focus, so the next key press goes on from there.
      await waitFor(
        'the focus on the heading',
        async () => (await frame.evaluate<string | undefined>('document.activeElement?.tagName')) === 'H1',
        5_000,
      );
    }
    // Tab through the section list to section 6, as a keyboard user does.
    await frame.locator('nav.sections button[data-section]').first().focus();
    for (let i = 0; i < 5; i++) {
      await session.page.keyboard.press('Tab');
    }
    assert.equal(await frame.evaluate<string | undefined>('document.activeElement?.dataset.section'), 'registry-1');
    await session.page.keyboard.press('Enter');
    await waitFor('section 6', async () => (await sectionHeading(frame)).startsWith('6. '), 30_000);
    await session.page.keyboard.press('Alt+PageUp');
    await waitFor('section 5', async () => (await sectionHeading(frame)).startsWith('5. '), 30_000);
    await session.page.keyboard.press('Alt+PageDown');
    await waitFor('section 6 again', async () => (await sectionHeading(frame)).startsWith('6. '), 30_000);
  });

  it('saves an answer typed in the panel into the report file; HTML typed stays text', async () => {
    const box = frame.locator('[data-question="Q4"] textarea');
    await box.click();
    const typed =
      'The registry runs on core-02. <img src=x onerror="document.body.dataset.pwned=1"><script>document.body.dataset.pwned=2</script>';
    await session.page.keyboard.type(typed);
    await waitFor(
      'the answer in rendu-tp1.md',
      () => fs.readFileSync(REPORT, 'utf8').includes(`### Q4 — `) && fs.readFileSync(REPORT, 'utf8').includes(typed),
      30_000,
      100,
    );
    await frame
      .locator('[data-question="Q4"] .status', { hasText: 'Saved in rendu-tp1.md' })
      .waitFor({ timeout: 30_000 });
    await frame.locator('[data-question="Q4"] .toggle').click();
    const preview = frame.locator('[data-preview="Q4"]');
    await preview.locator('p').waitFor({ timeout: 30_000 });
    assert.match((await preview.textContent()) ?? '', /<script>document\.body\.dataset\.pwned=2<\/script>/);
    assert.equal(await preview.locator('script, img').count(), 0, 'shown as text, not as elements');
    assert.equal(await frame.evaluate<string | undefined>('document.body.dataset.pwned'), undefined, 'nothing ran');
    await frame.locator('[data-question="Q4"] .toggle').click();
  });

  it('forms the swarm from section 2: Run streams its output and swarm.nodes-ready turns green', async function () {
    this.timeout(300_000);
    await goToSection(frame, 'docker-swarm', 2);
    // Where the section runs, before anything is run: all of it, on the local lab.
    await frame
      .locator('[data-environment]', { hasText: 'Everything in this section runs on the local lab.' })
      .waitFor({ timeout: 30_000 });
    // The nodes start outside any swarm, and the panel says so.
    await waitForCheck(frame, 'swarm.nodes-ready', 'fail', 60_000);
    const step = frame.locator('[data-step="swarm.init-join"]');
    await step.locator('button', { hasText: /^Run$/ }).click();
    // The engine's lines stream in, each with its node.
    await step
      .locator('.output .line', { hasText: /^\[core-01\] / })
      .first()
      .waitFor({ timeout: 120_000 });
    await step.locator('.status.ok').waitFor({ timeout: 180_000 });
    const output = (await step.locator('.output').textContent()) ?? '';
    assert.match(output, /\[core-01\] .*docker swarm init --advertise-addr /);
    assert.match(output, /\[core-0[23]\] .*docker swarm join --token \*\*\* /);
    assert.doesNotMatch(output, /SWMTKN/, 'no join token is shown');
    assert.match((await step.locator('.status.ok').textContent()) ?? '', /^✓ .*ok on core-01/);
    // The section asks no question: the panel says where evidence cannot go rather than offering a button.
    await step.locator('.hint', { hasText: 'This section has no question to put evidence in.' }).waitFor();
    await waitForCheck(frame, 'swarm.nodes-ready', 'pass', 120_000);
    const check = frame.locator('[data-check="swarm.nodes-ready"]');
    assert.equal(await check.locator('.mark').textContent(), '✓');
    assert.match((await check.locator('.why').textContent()) ?? '', /1 managers and 2 workers, all ready/);
    await scrollIntoView(check);
    await session.screenshot('ui-lab-panel-swarm-ready');
  });

  it('runs the registry from section 6, its check turns green, and its output goes into Q4 of the report', async function () {
    this.timeout(300_000);
    await goToSection(frame, 'registry-1', 6);
    await waitForCheck(frame, 'registry.answers', 'fail', 60_000);
    const step = frame.locator('[data-step="registry.deploy"]');
    await step.locator('button', { hasText: /^Run$/ }).click();
    await step
      .locator('.output .line', { hasText: /^\[core-01\] / })
      .first()
      .waitFor({ timeout: 120_000 });
    await step.locator('.status.ok').waitFor({ timeout: 240_000 });
    await waitForCheck(frame, 'registry.answers', 'pass', 120_000);
    assert.equal(await frame.locator('[data-check="registry.answers"] .mark').textContent(), '✓');

    // Q4 was typed in earlier on this section: the evidence button names it.
    const insert = step.locator('[data-evidence-for="registry.deploy"]');
    assert.equal((await insert.textContent())?.trim(), 'Insert as evidence in Q4');
    const typedBefore = answerInReport(fs.readFileSync(REPORT, 'utf8'), 'Q4');
    await insert.click();
    const fenced = /```console\n\[core-01\] \$ .*curl -fsS -m 5 http:\/\/127\.0\.0\.1:5000\/v2\/.*\n\{\}\n```/;
    await waitFor('the evidence in rendu-tp1.md', () => fenced.test(fs.readFileSync(REPORT, 'utf8')), 30_000, 100);
    const report = fs.readFileSync(REPORT, 'utf8');
    const q4 = answerInReport(report, 'Q4');
    assert.match(q4, fenced, 'the console block is under the Q4 heading');
    assert.ok(q4.startsWith(typedBefore.trimEnd()), 'the answer typed before is kept, the evidence after it');
    assert.doesNotMatch(answerInReport(report, 'Q5'), /```console/, 'nothing went into Q5');
    assert.match(await frame.locator('[data-question="Q4"] textarea').inputValue(), fenced);
    await scrollIntoView(frame.locator('[data-check="registry.answers"]'));
  });

  it('follows the theme: light, dark and high contrast', async () => {
    await session.screenshot('ui-lab-panel-light');
    for (const [theme, shot, dark] of [
      ['Dark Modern', 'ui-lab-panel-dark', true],
      ['Dark High Contrast', 'ui-lab-panel-high-contrast', true],
    ] as const) {
      await runCommandOnceListed(session, 'Preferences: Color Theme');
      // The theme picker replaces the palette: wait for it before typing.
      const rows = session.page.locator('.quick-input-list .monaco-list-row');
      await rows.filter({ hasText: 'Light Modern' }).first().waitFor({ timeout: 30_000 });
      await session.page.locator('.quick-input-widget input').fill(theme);
      await rows
        .filter({ hasText: new RegExp(`^${theme}`) })
        .first()
        .waitFor({ timeout: 30_000 });
      await session.page.keyboard.press('Enter');
      frame = await labFrame(session);
      await waitFor(
        `the panel in ${theme}`,
        async () =>
          (await frame.evaluate<boolean>(
            // Run in the webview (the tests have no DOM types): the body's background follows the theme.
            `(() => { const [r, g, b] = getComputedStyle(document.body).backgroundColor.match(/\\d+/g).map(Number); return r + g + b < 200; })()`,
          )) === dark,
        30_000,
        200,
      );
      await session.screenshot(shot);
    }
  });

  it('imports a hand-written report only after the preview is confirmed, keeping the previous one', async () => {
    const dir = path.dirname(REPORT);
    const handWritten = [
      '# TP1',
      '',
      '**Q4 : où tourne le registre ?**',
      'Sur core-03, un seul conteneur.',
      '',
      '**Q5 : pourquoi partout ?**',
      'Le routing mesh.',
      '',
    ].join('\n');
    fs.writeFileSync(path.join(dir, 'hand.md'), handWritten);
    const before = fs.readFileSync(REPORT, 'utf8');
    const page = session.page;
    const openDialog = async (): Promise<void> => {
      await runCommandOnceListed(session, 'Swarm Lab: Import a Hand-Written Report…');
      // code-server's own file dialog: a quick input holding a path.
      await page.locator('.quick-input-widget', { hasText: 'Import a report written by hand' }).waitFor();
      // It lists the workspace folder (and fills in its path when it has read it, so a path typed
      // before that is overwritten): choosing the file in its list is what a person does.
      await page
        .locator('.quick-input-list .monaco-list-row')
        .filter({ has: page.locator('.label-name', { hasText: /^hand\.md$/ }) })
        .click();
      try {
        await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Write rendu-tp1.md' }).waitFor();
      } catch (error) {
        await session.screenshot('ui-lab-import-failed');
        throw error;
      }
    };
    await openDialog();
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Sur core-03' }).waitFor();
    await session.screenshot('ui-lab-import-preview');
    await page.keyboard.press('Escape');
    await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
    assert.equal(fs.readFileSync(REPORT, 'utf8'), before, 'nothing written without the confirmation');

    await openDialog();
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Write rendu-tp1.md' }).click();
    await waitFor('the imported report', () => fs.readFileSync(REPORT, 'utf8').includes('Sur core-03'), 30_000, 100);
    assert.equal(fs.readFileSync(path.join(dir, 'rendu-tp1.orig.md'), 'utf8'), before, 'the previous report is kept');
    assert.equal(fs.readFileSync(path.join(dir, 'hand.md'), 'utf8'), handWritten, 'the source is untouched');
    // The panel follows the file it was written to.
    await waitFor(
      'the imported answer in the panel',
      async () =>
        (await frame.locator('[data-question="Q4"] textarea').inputValue()) === 'Sur core-03, un seul conteneur.',
      30_000,
      200,
    );
  });

  it('comes back on the same section, with the answer, after a window reload', async () => {
    await runCommandOnceListed(session, 'Developer: Reload Window');
    await session.page.locator('.monaco-workbench .part.activitybar').waitFor({ timeout: 60_000 });
    // The restored webview may be built more than once while the workbench lays itself out:
    // the page is looked up again at each try rather than held.
    const restored = async (): Promise<string | undefined> => {
      const page = await labFrame(session, 10_000);
      if (!(await sectionHeading(page)).startsWith('6. ')) {
        return undefined;
      }
      return page.locator('[data-question="Q4"] textarea').inputValue({ timeout: 5_000 });
    };
    await waitFor(
      'section 6 with the answer from the report, after the reload',
      async () => (await restored()) === 'Sur core-03, un seul conteneur.',
      120_000,
      250,
    );
  });
});

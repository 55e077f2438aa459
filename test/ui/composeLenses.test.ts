import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { labEnv } from '../harness/ground';
import { CACHE_DIR, REPO_ROOT } from '../harness/paths';
import { VsCodeSession } from './vscodeSession';

const NAME = 'ui-lenses';

describe('Compose lenses as a person uses them (Playwright, real VS Code, the sample project)', function () {
  let session: VsCodeSession;
  let compose: string;

  before(async function () {
    this.timeout(180_000);
    session = await VsCodeSession.open(NAME, labEnv());
    // The lab's own compose project, copied into the fresh workspace the session opened.
    const project = path.join(CACHE_DIR, 'workspaces', NAME, 'tp1');
    fs.cpSync(path.join(REPO_ROOT, 'samples', 'tp1'), project, { recursive: true });
    compose = path.join(project, 'docker-compose.yml');
  });

  after(async function () {
    this.timeout(60_000);
    await session?.close();
  });

  /** The editor's text as a person reads it (VS Code renders spaces as no-break spaces). */
  const editorText = async (): Promise<string> =>
    (await session.page.locator('.editor-instance .view-lines').innerText()).replace(/\u00a0/g, ' ');

  it("opens the sample's docker-compose.yml and clicks “→ local form”: the reference flips", async function () {
    this.timeout(120_000);
    const page = session.page;
    await page.locator('.monaco-workbench .part.editor').click();
    await page.keyboard.press('Control+P');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor();
    await input.fill('tp1/docker-compose.yml');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'docker-compose.yml' }).first().waitFor();
    await page.keyboard.press('Enter');
    await page.locator('.editor-instance .view-lines', { hasText: 'python-app' }).waitFor({ timeout: 30_000 });
    assert.match(await editorText(), /image: m1\.swarm:5000\/python-app:latest/);

    const lens = page.locator('.codelens-decoration a', { hasText: '→ local form' }).first();
    await lens.waitFor({ timeout: 60_000 });
    await page.locator('.codelens-decoration', { hasText: 'All images → local' }).waitFor();
    await session.screenshot('ui-compose-lenses');
    await lens.click();

    await page
      .locator('.editor-instance .view-lines', { hasText: 'image: python-app:latest' })
      .waitFor({ timeout: 10_000 });
    const text = await editorText();
    assert.match(text, /image: python-app:latest/);
    // Only that service's reference changed.
    assert.match(text, /image: m1\.swarm:5000\/app-proxy:latest/);
    assert.match(text, /image: redis/);
    // The lenses follow the new version: python-app now offers the way back.
    await page.locator('.codelens-decoration a', { hasText: '→ registry form' }).waitFor({ timeout: 10_000 });
    await page.locator('.codelens-decoration', { hasText: 'All images → registry' }).waitFor();
    await session.screenshot('ui-compose-lens-flipped');
    // The edit is in the editor, not saved behind the user's back.
    assert.match(fs.readFileSync(compose, 'utf8'), /image: m1\.swarm:5000\/python-app:latest/);
  });
});

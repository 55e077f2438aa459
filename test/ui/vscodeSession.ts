import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../harness/browser';
import { RunningCodeServer, startCodeServer } from '../harness/codeServer';
import { REPO_ROOT, RESULTS_DIR } from '../harness/paths';
import { freshWorkspace } from '../harness/workspace';

export const VSIX = path.join(REPO_ROOT, 'dist', 'swarm-lab.vsix');

/**
 * A person's VS Code: code-server with Swarm Lab installed from its .vsix
 * (no test driver, so notifications show as they do for users), in Chromium.
 */
export class VsCodeSession {
  private constructor(
    readonly server: RunningCodeServer,
    private readonly browser: Browser,
    readonly page: Page,
  ) {}

  static async open(name: string, env: Record<string, string>): Promise<VsCodeSession> {
    if (!fs.existsSync(VSIX)) {
      throw new Error(`${VSIX} is missing: the ui tier runs after \`npm run package\``);
    }
    const server = await startCodeServer({
      workspace: freshWorkspace(name),
      smokeTestDriver: false,
      installVsix: VSIX,
      env,
    });
    const browser = await launchChromium().catch(async (e: unknown) => {
      await server.stop();
      throw e;
    });
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(server.workspaceUrl());
    await page.locator('.monaco-workbench .part.activitybar').waitFor({ timeout: 60_000 });
    return new VsCodeSession(server, browser, page);
  }

  async screenshot(name: string): Promise<string> {
    fs.mkdirSync(RESULTS_DIR, { recursive: true });
    const file = path.join(RESULTS_DIR, `${name}.png`);
    await this.page.screenshot({ path: file });
    return file;
  }

  async openViewContainer(title: string): Promise<void> {
    await this.page.locator(`.activitybar .action-item a[aria-label^="${title}"]`).click();
  }

  /** F1, the command's title, Enter: as a person runs a command. */
  async runCommand(title: string): Promise<void> {
    await this.page.keyboard.press('F1');
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor();
    await input.fill(`>${title}`);
    await this.page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor();
    await this.page.keyboard.press('Enter');
  }

  async close(): Promise<void> {
    await this.browser.close().catch(() => undefined);
    await this.server.stop();
  }
}

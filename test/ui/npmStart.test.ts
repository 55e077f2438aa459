import * as assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../harness/browser';
import { REPO_ROOT, RESULTS_DIR } from '../harness/paths';
import { markedEnv, markedProcesses, spawnGroup, stopGroup, waitForLogLine } from '../harness/processes';
import { waitFor } from '../harness/waitFor';
import { runningLab } from '../../src/localLab/labOwner';

/** The user's lab instance, the one `npm start` brings up (the tests' own lab is instance 1). */
const USER_INSTANCE = 0;

/** Namespaces of the user's lab instance (`swarmlab-…`; the tests' lab is `swarmlab1-…`). */
function userLabNamespaces(): string[] {
  return fs.existsSync('/run/netns') ? fs.readdirSync('/run/netns').filter((n) => n.startsWith('swarmlab-')) : [];
}

/**
 * The README's first command, run for real (`npm start`: its script, the
 * build, the lab, code-server), then opened in Chromium as a newcomer does.
 */
describe('`npm start` as a newcomer runs it: the lab it starts is the one VS Code shows; Ctrl+C leaves nothing', function () {
  const logFile = path.join(RESULTS_DIR, 'npm-start.log');
  let child: ChildProcess;
  let url: string;
  let browser: Browser | undefined;
  let page: Page;

  const screenshot = async (name: string): Promise<void> => {
    await page.screenshot({ path: path.join(RESULTS_DIR, `${name}.png`) });
  };

  before(async function () {
    this.timeout(900_000);
    assert.equal(
      runningLab(USER_INSTANCE),
      undefined,
      'a lab already runs as instance 0 on this machine: npm start would adopt it, and this test must start its own',
    );
    fs.mkdirSync(RESULTS_DIR, { recursive: true });
    fs.writeFileSync(logFile, '');
    child = spawnGroup('npm', ['start'], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...markedEnv(), SWARM_LAB_PORT: '0' },
      logFile,
    });
    // Installs nothing here (CI installed it), builds, brings the lab up with its images, serves VS Code.
    url = (await waitForLogLine(child, logFile, /Swarm Lab is running in VS Code at:\s+(http\S+)/, 840_000))[1];
  });

  after(async function () {
    this.timeout(120_000);
    await browser?.close().catch(() => undefined);
    await stopGroup(child, 60_000);
  });

  it('shows core-01, core-02 and core-03 with their engine versions within 20 s of the page loading', async function () {
    this.timeout(180_000);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(url);
    await page.locator('.monaco-workbench .part.activitybar').waitFor({ timeout: 90_000 });
    const loaded = Date.now();
    await page.locator('.activitybar .action-item a[aria-label^="Swarm Lab"]').click();
    for (const name of ['core-01', 'core-02', 'core-03']) {
      const row = page.locator('.pane-body .monaco-list-row', {
        has: page.locator('.label-name', { hasText: new RegExp(`^${name}$`) }),
      });
      await row
        .locator('.label-description', { hasText: /Docker \d+\.\d+/ })
        .first()
        .waitFor({ timeout: Math.max(1, 20_000 - (Date.now() - loaded)) })
        .catch(async (e: Error) => {
          await screenshot('npm-start-machines-missing');
          throw new Error(`${name} with its engine version was not shown within 20 s: ${e.message}`);
        });
    }
    await screenshot('npm-start-machines');
  });

  it('stops on Ctrl+C: no namespace and no process of what it started is left', async function () {
    this.timeout(180_000);
    await browser?.close();
    browser = undefined;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    // What a terminal does on Ctrl+C: SIGINT to the foreground process group.
    process.kill(-child.pid!, 'SIGINT');
    await exited;
    await waitFor(
      'the lab and VS Code gone',
      () =>
        Promise.resolve(runningLab(USER_INSTANCE) === undefined && markedProcesses().length === 0 ? true : undefined),
      120_000,
      250,
    ).catch(() => undefined);
    assert.equal(runningLab(USER_INSTANCE), undefined, 'the lab still runs');
    assert.deepEqual(userLabNamespaces(), []);
    assert.deepEqual(markedProcesses(), []);
  });
});

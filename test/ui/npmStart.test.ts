import * as assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import type { Browser, Frame, Page } from 'playwright-core';
import { launchChromium } from '../harness/browser';
import { CACHE_DIR, FIRST_HOUR_FILE, REPO_ROOT, RESULTS_DIR } from '../harness/paths';
import { markedEnv, markedProcesses, spawnGroup, stopGroup, waitForLogLine } from '../harness/processes';
import { waitFor } from '../harness/waitFor';
import { labLayout } from '../../src/localLab/labLayout';
import { runningLab } from '../../src/localLab/labOwner';
import { LocalLab } from '../../src/localLab/localLab';
import { answerInReport, goToSection, labFrame, runCommandOnceListed, waitForCheck } from './labPanelPage';

/** The user's lab instance, the one `npm start` brings up (the tests' own lab is instance 1). */
const USER_INSTANCE = 0;
const WORKSPACE = path.join(CACHE_DIR, 'workspaces', 'ui-npm-start');
const REPORT = path.join(WORKSPACE, 'rendu-tp1.md');
const LAB_STATE = path.join(CACHE_DIR, 'lab-npm-start');

/** Namespaces of the user's lab instance (`swarmlab-…`; the tests' lab is `swarmlab1-…`). */
function userLabNamespaces(): string[] {
  return fs.existsSync('/run/netns') ? fs.readdirSync('/run/netns').filter((n) => n.startsWith('swarmlab-')) : [];
}

/** The status code of GET http://host:port/, or the error's code (bounded: 5 s). */
function httpStatus(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const req = http.get({ host, port, path: '/', timeout: 5_000 }, (res) => {
      res.resume();
      resolve(String(res.statusCode));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
  });
}

/**
 * The README's first command, run for real (`npm start`: its script, the
 * build, the lab, code-server), then used in Chromium as a newcomer does:
 * the machines, sections 2 and 3 from the lab panel, an answer with its
 * evidence, a compose lens, and Ctrl+C.
 */
describe('`npm start` as a newcomer runs it: the lab it starts is the one VS Code shows, sections 2 and 3 from the panel, Ctrl+C leaves nothing', function () {
  const logFile = path.join(RESULTS_DIR, 'npm-start.log');
  const nodes = labLayout('/', 3, USER_INSTANCE).nodes;
  let child: ChildProcess;
  let started: number;
  let url: string;
  let browser: Browser | undefined;
  let page: Page;
  let frame: Frame;

  const screenshot = async (name: string): Promise<void> => {
    await page.screenshot({ path: path.join(RESULTS_DIR, `${name}.png`) });
  };
  /** A view's pane in the Swarm Lab container, by its title. */
  const pane = (title: string) =>
    page.locator('.pane', { has: page.locator('.pane-header h3.title', { hasText: new RegExp(`^${title}$`, 'i') }) });

  before(async function () {
    this.timeout(900_000);
    assert.equal(
      runningLab(USER_INSTANCE),
      undefined,
      'a lab already runs as instance 0 on this machine: npm start would adopt it, and this test must start its own',
    );
    fs.mkdirSync(RESULTS_DIR, { recursive: true });
    fs.rmSync(WORKSPACE, { recursive: true, force: true });
    // A lab folder of its own, purged: a newcomer's first lab (no swarm, no stack), not a developer's.
    await new LocalLab(LAB_STATE, () => undefined, USER_INSTANCE).down({ purge: true });
    fs.writeFileSync(logFile, '');
    started = Date.now();
    child = spawnGroup('npm', ['start'], {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        ...markedEnv(),
        SWARM_LAB_PORT: '0',
        SWARM_LAB_WORKSPACE: WORKSPACE,
        SWARM_LAB_STATE: LAB_STATE,
      },
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

  it('within 20 s of the page loading: core-01..03 with their engine versions, and section 2 says it runs on the local lab', async function () {
    this.timeout(180_000);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(url);
    await page.locator('.monaco-workbench .part.activitybar').waitFor({ timeout: 90_000 });
    const loaded = Date.now();
    const left = (): number => Math.max(1, 20_000 - (Date.now() - loaded));
    await page.locator('.activitybar .action-item a[aria-label^="Swarm Lab"]').click();
    for (const node of nodes) {
      const row = pane('Machines').locator('.monaco-list-row', {
        has: page.locator('.label-name', { hasText: new RegExp(`^${node.name}$`) }),
      });
      await row
        .locator('.label-description', { hasText: /Docker \d+\.\d+/ })
        .first()
        .waitFor({ timeout: left() })
        .catch(async (e: Error) => {
          await screenshot('npm-start-machines-missing');
          throw new Error(`${node.name} with its engine version was not shown within 20 s: ${e.message}`);
        });
      console.log(`      ${node.name} shown ${Date.now() - loaded} ms after the page loaded`);
    }
    await screenshot('npm-start-machines');
    await runCommandOnceListed({ page }, 'Swarm Lab: Open Lab');
    frame = await labFrame({ page });
    await goToSection(frame, 'docker-swarm', 2);
    await frame
      .locator('[data-environment]', { hasText: 'Everything in this section runs on the local lab.' })
      .waitFor({ timeout: left() })
      .catch(async (e: Error) => {
        await screenshot('npm-start-section-2-missing');
        throw new Error(`section 2 did not say it runs on the local lab within 20 s: ${e.message}`);
      });
    await screenshot('npm-start-section-2');
  });

  /** The cluster map above the section, unfolded (the student opens it once; the panel remembers). */
  const openMap = async () => {
    const region = frame.locator('details.cluster-map-region');
    if ((await region.getAttribute('open')) === null) {
      await region.locator('summary').first().click();
    }
    return region;
  };

  /** Runs a step with its Run button and waits for its ✓. */
  const runStep = async (id: string, timeoutMs: number): Promise<void> => {
    const step = frame.locator(`[data-step="${id}"]`);
    await step.locator('button', { hasText: /^Run$/ }).click();
    await step
      .locator('.status.ok')
      .waitFor({ timeout: timeoutMs })
      .catch(async (e: Error) => {
        await screenshot(`npm-start-${id}-failed`);
        const out = ((await step.textContent().catch(() => '')) ?? '').slice(-1500);
        throw new Error(`${id} did not succeed: ${e.message}\n${out}`);
      });
  };

  it('runs section 2 from the panel: both checks turn green and the Swarm view shows 3 nodes', async function () {
    this.timeout(420_000);
    await runStep('docker.config', 180_000);
    await runStep('swarm.init-join', 180_000);
    await waitForCheck(frame, 'docker.config-applied', 'pass', 120_000);
    await waitForCheck(frame, 'swarm.nodes-ready', 'pass', 120_000);
    await screenshot('npm-start-section-2-green');
    // The Swarm view's nodes are in a "Nodes" group, folded: open it as a person does.
    const swarm = pane('Swarm');
    await swarm
      .locator('.monaco-list-row .label-name', { hasText: /^Nodes$/ })
      .click({ timeout: 60_000 })
      .catch(async (e: Error) => {
        await screenshot('npm-start-swarm-view-empty');
        throw e;
      });
    for (const node of nodes) {
      await swarm
        .locator('.monaco-list-row .label-name', { hasText: new RegExp(`^${node.name}$`) })
        .first()
        .waitFor({ timeout: 60_000 });
    }
    // The cluster map shows the same nodes with their roles, the leader first.
    const map = await openMap();
    await map
      .locator('[data-node="core-01"] .cm-facts', { hasText: /manager \(leader\)/ })
      .waitFor({ timeout: 60_000 });
    for (const node of nodes.slice(1)) {
      await map.locator(`[data-node="${node.name}"] .cm-facts`, { hasText: /worker/ }).waitFor({ timeout: 60_000 });
    }
    await screenshot('npm-start-cluster-map');
  });

  it('runs section 3 from the panel: the stack converges and the app answers on port 8080 of every node', async function () {
    this.timeout(900_000);
    await goToSection(frame, 'dumb-service-1', 3);
    await runStep('compose.install', 120_000);
    await runStep('stack.build-local', 600_000);
    await runStep('stack.deploy', 300_000);
    for (const id of ['compose.present', 'stack.converged', 'stack.app-answers']) {
      await waitForCheck(frame, id, 'pass', 180_000);
    }
    const seconds = (Date.now() - started) / 1000;
    fs.writeFileSync(FIRST_HOUR_FILE, `${JSON.stringify({ 'ui.first_hour_s': Math.round(seconds) })}\n`);
    await screenshot('npm-start-section-3-green');
    const answers = await Promise.all(nodes.map((n) => httpStatus(n.address, 8080)));
    assert.deepEqual(answers, ['200', '200', '200'], 'GET / on port 8080 of core-01, core-02, core-03');
    await pane('Swarm')
      .locator('.monaco-list-row .label-name', { hasText: /^python_dirty_app$/ })
      .first()
      .waitFor({ timeout: 60_000 });
    // The map places python-app's three tasks on their nodes (the lab's Q4), as the swarm says.
    const map = await openMap();
    await waitFor(
      "python-app's 3 tasks on the map",
      async () => (await map.locator('.cm-card .cm-task-name', { hasText: /python-app\.\d/ }).count()) === 3,
      60_000,
      250,
    );
    await map
      .locator('[data-node] .cm-task-name', { hasText: /python-app\.1/ })
      .first()
      .scrollIntoViewIfNeeded();
    await screenshot('npm-start-cluster-map-tasks');
  });

  it('types an answer to Q4 and inserts a step’s output as evidence: the report on disk holds both', async function () {
    this.timeout(420_000);
    await goToSection(frame, 'registry-1', 6);
    await frame.locator('[data-action="create-report"]').click({ timeout: 30_000 });
    await waitFor('the report file', () => fs.existsSync(REPORT), 30_000);
    // The section is drawn again with the new report: type into the new box, not the old one.
    await frame.locator('[data-report].quiet').waitFor({ timeout: 30_000 });
    const typed = 'The registry runs on every node (a global service).';
    await frame.locator('[data-question="Q4"] textarea').click();
    await page.keyboard.type(typed);
    await waitFor('the answer in the report', () => fs.readFileSync(REPORT, 'utf8').includes(typed), 30_000, 100);
    await runStep('registry.deploy', 300_000);
    await frame.locator('[data-evidence-for="registry.deploy"]').click();
    await waitFor(
      'the evidence in the report',
      () => /```console\n\[core-01\] \$ /.test(answerInReport(fs.readFileSync(REPORT, 'utf8'), 'Q4')),
      30_000,
      100,
    );
    const q4 = answerInReport(fs.readFileSync(REPORT, 'utf8'), 'Q4').trim();
    assert.ok(q4.startsWith(typed), `Q4 in the report: ${q4}`);
    await screenshot('npm-start-q4-evidence');
  });

  it('flips an image with a compose lens, and Undo puts the file back', async function () {
    this.timeout(120_000);
    const compose = path.join(WORKSPACE, 'docker-compose.yml');
    const onDisk = fs.readFileSync(compose, 'utf8');
    const editorText = async (): Promise<string> =>
      (await page.locator('.editor-instance .view-lines').innerText()).replace(/\u00a0/g, ' ');
    // The lab panel fills the editor area: Go to File from the palette, as a person would.
    await runCommandOnceListed({ page }, 'Go to File...');
    await page.locator('.quick-input-widget input').fill('docker-compose.yml');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'docker-compose.yml' }).first().waitFor();
    await page.keyboard.press('Enter');
    await page.locator('.editor-instance .view-lines', { hasText: 'python-app' }).waitFor({ timeout: 30_000 });
    assert.match(await editorText(), /image: m1\.swarm:5000\/python-app:latest/);
    await page.locator('.codelens-decoration a', { hasText: '→ local form' }).first().click({ timeout: 60_000 });
    await page.locator('.editor-instance .view-lines', { hasText: 'image: python-app:latest' }).waitFor();
    await screenshot('npm-start-lens-flipped');
    await page.locator('.editor-instance .view-lines').click();
    await page.keyboard.press('Control+Z');
    await page
      .locator('.editor-instance .view-lines', { hasText: 'image: m1.swarm:5000/python-app:latest' })
      .waitFor({ timeout: 10_000 });
    assert.doesNotMatch(await editorText(), /image: python-app:latest/);
    assert.equal(fs.readFileSync(compose, 'utf8'), onDisk, 'nothing was written to disk');
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
        runningLab(USER_INSTANCE) === undefined && markedProcesses().length === 0 && userLabNamespaces().length === 0,
      120_000,
      250,
    ).catch(() => undefined);
    assert.equal(runningLab(USER_INSTANCE), undefined, 'the lab still runs');
    assert.deepEqual(userLabNamespaces(), []);
    assert.deepEqual(markedProcesses(), []);
  });
});

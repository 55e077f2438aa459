import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { launchChromium } from './browser';
import { codeServerInstall, startCodeServer, UNTRUSTED } from './codeServer';
import type { TestDockerDaemon } from './dockerDaemon';
import { REPO_ROOT, RESULTS_DIR } from './paths';
import { readResult, TierResult } from './results';
import { freshWorkspace } from './workspace';

export interface SuiteRun {
  /** The engine the extension sees as DOCKER_HOST, if any. */
  readonly docker?: TestDockerDaemon;
  /** Folder of the suite's compiled index.js (default: the vscode tier). */
  readonly suiteDir?: string;
  /** The name results are recorded under. */
  readonly tier?: string;
  readonly env?: Record<string, string>;
  /** Lines the suite prints, for callers that read figures from them. */
  readonly onLine?: (line: string) => void;
  /** Keep the suite's lines off stdout (they still reach onLine). */
  readonly quiet?: boolean;
  /** Packaged extensions to install beside Swarm Lab (bench fixtures). */
  readonly extraVsix?: readonly string[];
  /** The folder of test/fixtures the workspace is copied from (default: workspace). */
  readonly fixture?: string;
  /** false: the workspace opens untrusted (restricted mode). Default: trusted. */
  readonly workspaceTrust?: boolean;
  /** Adds to the fresh workspace what its fixture cannot hold (binary files), before VS Code opens it. */
  readonly prepare?: (workspace: string) => Promise<unknown>;
}

export const SUITE_LINE_PREFIX = '[swarm-lab-suite] ';

/**
 * Runs a mocha suite inside a real VS Code extension host: through
 * @vscode/test-electron when VS Code can be downloaded (and displayed), else
 * through code-server in headless Chromium. SWARM_LAB_VSCODE=electron or
 * code-server forces one.
 */
export async function runVsCodeSuite(run: SuiteRun): Promise<TierResult> {
  const tier = run.tier ?? 'vscode';
  const suiteDir = run.suiteDir ?? path.join(REPO_ROOT, 'out', 'test', 'vscode', 'suite');
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  const resultsFile = path.join(RESULTS_DIR, `${tier}.json`);
  fs.rmSync(resultsFile, { force: true });
  const workspace = freshWorkspace(tier, run.fixture);
  await run.prepare?.(workspace);
  const env = {
    ...(run.docker ? { DOCKER_HOST: run.docker.host } : {}),
    SWARM_LAB_TEST_RESULTS: resultsFile,
    SWARM_LAB_TEST_TIER: tier,
    SWARM_LAB_TEST_WORKSPACE: workspace,
    ...(process.env['SWARM_LAB_TEST_GREP'] ? { SWARM_LAB_TEST_GREP: process.env['SWARM_LAB_TEST_GREP'] } : {}),
    // The bench watches the extension at rest for 3 minutes (idleAtRest.test.ts); the tier, 20 s.
    ...(process.env['SWARM_LAB_IDLE_WINDOW_S']
      ? { SWARM_LAB_IDLE_WINDOW_S: process.env['SWARM_LAB_IDLE_WINDOW_S'] }
      : {}),
    ...run.env,
  };
  const choice = process.env['SWARM_LAB_VSCODE'] ?? 'auto';
  const electron = choice === 'electron' || (choice === 'auto' && (await electronVsCode()) !== undefined);
  let exitCode: number;
  if (electron) {
    exitCode = await runInElectron(suiteDir, workspace, env, run);
  } else {
    exitCode = await runInCodeServer(suiteDir, workspace, env, run);
  }
  const result = readResult(tier);
  if (!result) {
    // The host died or never ran the suite: that is a failure, not zero tests.
    return { tier, passed: 0, failed: 1, pending: 0 };
  }
  if (exitCode !== 0 && result.failed === 0) {
    return { ...result, failed: 1 };
  }
  return result;
}

/** A downloaded VS Code (cached in .vscode-test) when this machine can get one and show it. */
async function electronVsCode(): Promise<string | undefined> {
  if (!process.env['DISPLAY']) {
    return undefined;
  }
  try {
    const { downloadAndUnzipVSCode } = await import('@vscode/test-electron');
    return await withTimeout(downloadAndUnzipVSCode({ cachePath: path.join(REPO_ROOT, '.vscode-test') }), 60_000);
  } catch (error) {
    console.log(`VS Code could not be downloaded (${(error as Error).message}); using code-server.`);
    return undefined;
  }
}

async function runInElectron(
  suiteDir: string,
  workspace: string,
  env: Record<string, string>,
  run: SuiteRun,
): Promise<number> {
  const { runTests } = await import('@vscode/test-electron');
  const extensionsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'swarm-lab-electron-ext-'));
  const userData = fs.mkdtempSync(path.join(os.tmpdir(), 'swarm-lab-electron-'));
  const untrusted = run.workspaceTrust === false;
  if (untrusted) {
    fs.mkdirSync(path.join(userData, 'User'), { recursive: true });
    fs.writeFileSync(path.join(userData, 'User', 'settings.json'), JSON.stringify(UNTRUSTED));
  }
  try {
    return await runTests({
      extensionDevelopmentPath: REPO_ROOT,
      extensionTestsPath: suiteDir,
      cachePath: path.join(REPO_ROOT, '.vscode-test'),
      launchArgs: [
        workspace,
        `--user-data-dir=${userData}`,
        `--extensions-dir=${extensionsDir}`,
        ...(untrusted ? [] : ['--disable-workspace-trust']),
        ...(run.extraVsix ?? []).flatMap((v) => ['--install-extension', v]),
      ],
      extensionTestsEnv: env,
    });
  } catch (error) {
    console.error(`the extension host failed: ${String(error)}`);
    return 1;
  } finally {
    fs.rmSync(userData, { recursive: true, force: true });
    fs.rmSync(extensionsDir, { recursive: true, force: true });
  }
}

async function runInCodeServer(
  suiteDir: string,
  workspace: string,
  env: Record<string, string>,
  { onLine, quiet = false, extraVsix = [], workspaceTrust }: SuiteRun,
): Promise<number> {
  if (!codeServerInstall()) {
    throw new Error(
      'neither a downloadable VS Code nor code-server is available: run `npm test` to install code-server',
    );
  }
  const server = await startCodeServer({
    workspace,
    smokeTestDriver: true,
    env,
    installVsix: extraVsix,
    ...(workspaceTrust === false ? { workspaceTrust } : {}),
  });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    let finish: (code: number) => void = () => undefined;
    const exited = new Promise<number>((resolve) => (finish = resolve));
    await page.exposeFunction('codeAutomationLog', (_level: unknown, message: unknown) => {
      for (const line of String(message).split('\n')) {
        const at = line.indexOf(SUITE_LINE_PREFIX);
        if (at >= 0) {
          const text = line.slice(at + SUITE_LINE_PREFIX.length);
          if (!quiet) {
            console.log(`  ${text}`);
          }
          onLine?.(text);
        }
      }
    });
    await page.exposeFunction('codeAutomationExit', (code: number) => finish(Number(code)));
    const payload = JSON.stringify([
      ['extensionDevelopmentPath', server.remoteUri(REPO_ROOT)],
      ['extensionTestsPath', server.remoteUri(suiteDir)],
    ]);
    await page.goto(server.workspaceUrl({ payload }));
    return await withTimeout(exited, 10 * 60_000);
  } finally {
    await browser.close();
    await server.stop();
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

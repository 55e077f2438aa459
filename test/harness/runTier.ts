/**
 * Runs one test tier and records its counts in test-results/<tier>.json:
 *   unit         mocha on modules that import no `vscode`
 *   integration  mocha against a real dockerd and a real sshd
 *   vscode       a mocha suite inside a real VS Code extension host
 *   ui           Playwright driving a real VS Code with the packaged .vsix
 *   vm           the VM box built (or found) and booted under QEMU, then 3 VMs by vagrant up with the swarmlab_qemu
 *                provider and the whole lab run on them (as root)
 *   vm-course    the course's 5 VMs: 3 managers and 2 workers (not part of npm test: CI's time)
 * Usage: node out/test/harness/runTier.js <tier>
 */
import Mocha from 'mocha';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startTestDockerDaemon, TestDockerDaemon } from './dockerDaemon';
import { setGround } from './ground';
import { testFiles } from './mochaFiles';
import { LocalLab } from '../../src/localLab/localLab';
import { IMAGE_CACHE_DIR } from '../../src/localLab/cli';
import { plantHostileBackups } from './hostileWorkspace';
import { HOSTILE_CASES_FILE, REPO_ROOT } from './paths';
import { closingLine, TierResult, writeResult } from './results';
import { startTestSshDaemon, TestSshDaemon } from './sshDaemon';
import { leaveAllSwarms } from './labSwarm';
import { TEST_LAB_INSTANCE, TEST_LAB_STATE_DIR } from './testLab';
import { labLayout } from '../../src/localLab/labLayout';
import { runVsCodeSuite } from './vscodeSuiteRunner';

const TIERS = ['unit', 'integration', 'vscode', 'ui', 'vm', 'vm-course'] as const;
type Tier = (typeof TIERS)[number];

async function runMocha(tier: Tier, timeoutMs: number): Promise<TierResult> {
  // Every LocalLab the tests make finds the nodes' base system in the repository's cache.
  process.env['SWARM_LAB_IMAGE_CACHE'] ??= IMAGE_CACHE_DIR;
  // SWARM_LAB_TEST_GREP runs only the matching tests, SWARM_LAB_TEST_FILES=labPanel,zzTeardown only the
  // files whose name contains one of the words (a developer's loop; CI sets neither).
  const grep = process.env['SWARM_LAB_TEST_GREP'];
  const mocha = new Mocha({
    ui: 'bdd',
    reporter: 'spec',
    timeout: timeoutMs,
    color: process.stdout.isTTY,
    ...(grep ? { grep } : {}),
  });
  const only = (process.env['SWARM_LAB_TEST_FILES'] ?? '').split(',').filter((w) => w !== '');
  const files = testFiles(path.join(REPO_ROOT, 'out', 'test', tier)).filter(
    (f) => only.length === 0 || only.some((w) => path.basename(f).includes(w)),
  );
  files.forEach((f) => mocha.addFile(f));
  await mocha.loadFilesAsync();
  return new Promise((resolve) => {
    const runner = mocha.run(() =>
      resolve({
        tier,
        passed: runner.stats?.passes ?? 0,
        failed: runner.stats?.failures ?? 0,
        pending: runner.stats?.pending ?? 0,
      }),
    );
  });
}

/**
 * The tests' local lab (instance 1, beside a user's), 3 nodes without
 * images, for the tiers that show machines; the extension finds it through
 * SWARM_LAB_STATE and SWARM_LAB_INSTANCE.
 */
async function startTestLab(): Promise<{ env: Record<string, string>; stop(): Promise<void> }> {
  const stateDir = TEST_LAB_STATE_DIR;
  const lab = new LocalLab(stateDir, () => undefined, TEST_LAB_INSTANCE);
  await lab.down();
  await lab.up(3);
  await leaveAllSwarms(labLayout(stateDir, 3, TEST_LAB_INSTANCE));
  return {
    env: {
      SWARM_LAB_STATE: stateDir,
      SWARM_LAB_INSTANCE: String(TEST_LAB_INSTANCE),
      // The repository's image cache, as `npm start` gives it; a test that wants a cold build sets its own.
      SWARM_LAB_IMAGE_CACHE: IMAGE_CACHE_DIR,
    },
    stop: () => lab.down(),
  };
}

/**
 * The vscode tier: the main suite (a trusted workspace), then the hostile
 * suite in a window of its own, on test/fixtures/hostile opened untrusted.
 * Both record their hostile cases in one file (reliability.hostile_cases).
 */
/** Where the fixture's hostile settings would leave a trace if a value ran in a shell. */
const HOSTILE_SETTINGS_MARKER = '/tmp/swarm-lab-hostile-marker';

async function runVsCodeTier(docker: TestDockerDaemon, env: Record<string, string>): Promise<TierResult> {
  fs.mkdirSync(path.dirname(HOSTILE_CASES_FILE), { recursive: true });
  fs.rmSync(HOSTILE_CASES_FILE, { force: true });
  fs.rmSync(HOSTILE_SETTINGS_MARKER, { force: true });
  const withCases = { ...env, SWARM_LAB_HOSTILE_CASES: HOSTILE_CASES_FILE };
  const main = await runVsCodeSuite({ docker, env: withCases });
  const hostile = await runVsCodeSuite({
    docker,
    env: withCases,
    tier: 'vscode-untrusted',
    suiteDir: path.join(REPO_ROOT, 'out', 'test', 'vscode', 'hostile'),
    fixture: 'hostile',
    workspaceTrust: false,
    prepare: plantHostileBackups,
  });
  return {
    tier: 'vscode',
    passed: main.passed + hostile.passed,
    failed: main.failed + hostile.failed,
    pending: main.pending + hostile.pending,
  };
}

async function runTier(tier: Tier): Promise<TierResult> {
  let docker: TestDockerDaemon | undefined;
  let ssh: TestSshDaemon | undefined;
  let lab: { env: Record<string, string>; stop(): Promise<void> } | undefined;
  try {
    switch (tier) {
      case 'unit':
        return await runMocha(tier, 5_000);
      case 'integration':
        [docker, ssh] = await Promise.all([startTestDockerDaemon(), startTestSshDaemon()]);
        setGround({ docker, ssh });
        return await runMocha(tier, 30_000);
      case 'vscode':
        docker = await startTestDockerDaemon();
        lab = await startTestLab();
        return await runVsCodeTier(docker, lab.env);
      case 'ui':
        docker = await startTestDockerDaemon();
        lab = await startTestLab();
        setGround({ docker, labEnv: lab.env });
        return await runMocha(tier, 120_000);
      case 'vm':
      case 'vm-course':
        // Booting under emulation (TCG) takes a while; the box build has its own, longer timeout.
        return await runMocha(tier, 120_000);
      default:
        throw new Error(`unknown tier ${String(tier)}`);
    }
  } finally {
    await Promise.all([docker?.stop(), ssh?.stop(), lab?.stop()]);
  }
}

async function main(): Promise<void> {
  const tier = process.argv[2] as Tier;
  if (!TIERS.includes(tier)) {
    console.error(`usage: runTier.js <${TIERS.join('|')}>`);
    process.exit(2);
  }
  let result: TierResult;
  try {
    result = await runTier(tier);
  } catch (error) {
    // A ground that cannot start is a failure of the tier, never a silent pass.
    console.error(
      `[${tier}] could not run: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    result = { tier, passed: 0, failed: 1, pending: 0 };
  }
  writeResult(result);
  console.log(`\n[${tier}] ${closingLine([result])}`);
  process.exitCode = result.failed > 0 ? 1 : 0;
}

void main();

import * as fs from 'node:fs';
import Mocha from 'mocha';
import * as util from 'node:util';
import { testFiles } from '../harness/mochaFiles';

/** Must match SUITE_LINE_PREFIX in test/harness/vscodeSuiteRunner.ts. */
const PREFIX = '[swarm-lab-suite] ';

/**
 * Runs the mocha files of `dir` inside the extension host. In code-server the
 * host's console reaches the test runner only as whole strings, so the
 * reporter's printf-style calls are formatted here and marked with a prefix.
 * The counts are written where the runner asked (SWARM_LAB_TEST_RESULTS).
 */
export async function runSuiteInHost(dir: string, timeoutMs = 30_000): Promise<void> {
  Mocha.reporters.Base.consoleLog = (...args: unknown[]): void => {
    for (const line of util.format(...args).split('\n')) {
      console.log(PREFIX + line);
    }
  };
  // SWARM_LAB_TEST_GREP runs only the tests whose title matches (one suite while working on it).
  const grep = process.env['SWARM_LAB_TEST_GREP'];
  const mocha = new Mocha({ ui: 'bdd', reporter: 'spec', color: false, timeout: timeoutMs, ...(grep ? { grep } : {}) });
  testFiles(dir).forEach((f) => mocha.addFile(f));
  await mocha.loadFilesAsync();
  const stats = await new Promise<Mocha.Stats>((resolve) => {
    const runner = mocha.run(() => resolve(runner.stats!));
  });
  const tier = process.env['SWARM_LAB_TEST_TIER'] ?? 'vscode';
  const out = process.env['SWARM_LAB_TEST_RESULTS'];
  if (out) {
    fs.writeFileSync(
      out,
      JSON.stringify({ tier, passed: stats.passes, failed: stats.failures, pending: stats.pending }),
    );
  }
  if (stats.failures > 0) {
    throw new Error(`${stats.failures} test(s) failed`);
  }
}

/** A figure for `npm run bench`, printed where the runner collects it. */
export function reportFigure(name: string, value: number, unit: string): void {
  console.log(`${PREFIX}FIGURE ${JSON.stringify({ name, value, unit })}`);
}

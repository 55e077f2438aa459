import * as fs from 'node:fs';
import { HOSTILE_CASES_FILE } from '../harness/paths';
import { type FigureSource, runTestTier } from './figures';

/**
 * reliability.hostile_cases: the hostile-workspace cases tried in a real
 * VS Code (the vscode tier's two hostile suites: the fixture opened
 * untrusted, then its values and files in a trusted workspace), each a
 * value or a file of the fixture and where the user meets it. The figure
 * is the count tried; it is reported only when every case held, so a
 * failing case fails the bench rather than lowering a number.
 */
export const hostileFigure: FigureSource = {
  names: ['reliability.hostile_cases'],
  measure: () => {
    fs.rmSync(HOSTILE_CASES_FILE, { force: true });
    const passed = runTestTier('vscode', { SWARM_LAB_TEST_GREP: 'A hostile workspace' });
    const cases = fs.existsSync(HOSTILE_CASES_FILE)
      ? fs
          .readFileSync(HOSTILE_CASES_FILE, 'utf8')
          .split('\n')
          .filter((l) => l !== '')
          .map((l) => JSON.parse(l) as { case: string; held: boolean })
      : [];
    const failed = cases.filter((c) => !c.held).map((c) => c.case);
    if (!passed || cases.length === 0 || failed.length > 0) {
      throw new Error(
        `reliability.hostile_cases: ${failed.length} of ${cases.length} cases did not hold (${failed.join('; ')}); see the output above`,
      );
    }
    return Promise.resolve([{ name: 'reliability.hostile_cases', value: cases.length, unit: 'cases' }]);
  },
};

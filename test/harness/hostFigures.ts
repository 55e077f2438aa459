import * as fs from 'node:fs';
import * as path from 'node:path';
import { RESULTS_DIR } from './paths';

/**
 * Figures measured by tests in the real extension host or the real page
 * (the vscode and ui tiers), by name; `npm run bench` runs those tests and
 * reads this file, so that the measuring code exists once, in the tests.
 */
export const HOST_FIGURES_FILE = path.join(RESULTS_DIR, 'host-figures.json');

export function readHostFigures(): Record<string, number> {
  try {
    return JSON.parse(fs.readFileSync(HOST_FIGURES_FILE, 'utf8')) as Record<string, number>;
  } catch {
    return {};
  }
}

/** Adds figures to the file (a figure measured again replaces its last value). */
export function recordHostFigures(figures: Record<string, number>): void {
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  fs.writeFileSync(HOST_FIGURES_FILE, `${JSON.stringify({ ...readHostFigures(), ...figures }, null, 2)}\n`);
}

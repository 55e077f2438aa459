import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { REPO_ROOT } from '../harness/paths';

/** A measured figure, by name: what `npm run bench -- --json` prints. */
export interface Figure {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
}

export interface FigureSource {
  /** Names of the figures it produces (for --only). */
  readonly names: readonly string[];
  measure(runs: number): Promise<Figure[]>;
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

export const round1 = (x: number): number => Math.round(x * 10) / 10;

/**
 * Runs a test tier (out/test/harness/runTier.js) for a figure that reads
 * what its tests recorded; its output goes to stderr, beside the bench's.
 * True when the tier passed.
 */
export function runTestTier(tier: 'vscode' | 'ui', env: Record<string, string>): boolean {
  const r = spawnSync(process.execPath, [path.join(REPO_ROOT, 'out', 'test', 'harness', 'runTier.js'), tier], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 2, 2],
  });
  return r.status === 0;
}

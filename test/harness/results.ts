import * as fs from 'node:fs';
import * as path from 'node:path';
import { RESULTS_DIR } from './paths';

export interface TierResult {
  readonly tier: string;
  readonly passed: number;
  readonly failed: number;
  readonly pending: number;
}

export function resultFile(tier: string): string {
  return path.join(RESULTS_DIR, `${tier}.json`);
}

export function writeResult(result: TierResult): void {
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  fs.writeFileSync(resultFile(result.tier), JSON.stringify(result));
}

export function readResult(tier: string): TierResult | undefined {
  try {
    return JSON.parse(fs.readFileSync(resultFile(tier), 'utf8')) as TierResult;
  } catch {
    return undefined;
  }
}

/** The plain closing line CI reads. */
export function closingLine(results: readonly TierResult[]): string {
  const passed = results.reduce((n, r) => n + r.passed, 0);
  const failed = results.reduce((n, r) => n + r.failed, 0);
  const pending = results.reduce((n, r) => n + r.pending, 0);
  return `${passed} passed, ${failed} failed${pending ? `, ${pending} skipped` : ''}`;
}

import * as fs from 'node:fs';

/**
 * A hostile case tried: its name and whether the extension held. The
 * figure reliability.hostile_cases counts these lines (the runner names the
 * file in SWARM_LAB_HOSTILE_CASES); without it, nothing is recorded.
 */
export function recordCase(name: string, held: boolean): void {
  const file = process.env['SWARM_LAB_HOSTILE_CASES'];
  if (file) {
    fs.appendFileSync(file, `${JSON.stringify({ case: name, held })}\n`);
  }
}

/** Runs one case: it held when `check` does not throw. Rethrows, so the test fails as well. */
export async function hostileCase(name: string, check: () => Promise<void> | void): Promise<void> {
  try {
    await check();
    recordCase(name, true);
  } catch (error) {
    recordCase(name, false);
    throw error;
  }
}

/**
 * A lab section run as Run Section runs it, then its checks asked until
 * they pass: what the full-run figures (local lab, VMs) and the VM lab's
 * test share. Steps and checks that cannot run in the environment are left
 * out and said, never counted as passed.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { LabSection } from '../../src/core/lab/labContent';
import type { CheckOutcome } from '../../src/core/labPanel/labActions';
import type { LabRunner } from '../../src/core/labRunner/labRunner';
import { stepFailures } from './localLab';
import { waitFor } from './waitFor';
import { REPO_ROOT } from './paths';

const LAB_ROOT = path.join(REPO_ROOT, 'labs', 'tp1');

/** The sections' ids, read from the reference language's front matter (known before any run: test and figure names). */
export function sectionIds(): string[] {
  const dir = path.join(LAB_ROOT, 'fr');
  return fs
    .readdirSync(dir)
    .filter((f) => /^\d{2}-.*\.md$/.test(f))
    .sort()
    .flatMap((f) => {
      const id = /^id:\s*(\S+)\s*$/m.exec(fs.readFileSync(path.join(dir, f), 'utf8'))?.[1];
      return id ? [id] : [];
    });
}

/** How long a section's checks may take to pass once its steps are done (keepalived's election, a converging stack). */
export const CHECKS_PASS_MS = 90_000;

export interface SectionOutcome {
  /** Set when no step of the section can run here: why, per step. */
  readonly skipped?: string;
  readonly seconds: number;
  readonly steps: readonly string[];
  readonly checks: readonly string[];
  /** What was left out, each reason once (`a, b: why; c: why`); empty when nothing. */
  readonly leftOut: string;
}

/** What cannot run here, each reason once: `a, b: why; c: why`. */
export function leftOut(unavailable: Readonly<Record<string, string>>): string {
  const byReason = new Map<string, string[]>();
  for (const [id, why] of Object.entries(unavailable)) {
    byReason.set(why, [...(byReason.get(why) ?? []), id]);
  }
  return [...byReason].map(([why, ids]) => `${ids.join(', ')}: ${why}`).join('; ');
}

/**
 * Runs the section's steps that can run here through the runner, then asks
 * each of its checks that can until it passes (within checksPassMs). Throws
 * with the failing step or check and its reason.
 */
export async function runSectionToGreen(
  runner: LabRunner,
  section: Pick<LabSection, 'number' | 'id' | 'steps' | 'checks'>,
  options: { checksPassMs?: number; logFile?: string } = {},
): Promise<SectionOutcome> {
  const { unavailable } = await runner.availability([...section.steps, ...section.checks]);
  const steps = section.steps.filter((id) => unavailable[id] === undefined);
  const checks = section.checks.filter((id) => unavailable[id] === undefined);
  const left = leftOut(unavailable);
  if (steps.length === 0) {
    return { skipped: left || 'it has none', seconds: 0, steps, checks, leftOut: left };
  }
  const where = `section ${section.number} ${section.id}`;
  const s0 = performance.now();
  const run = await runner.runSectionSteps(section.number);
  if (!run.ok) {
    const see = options.logFile ? ` (see ${options.logFile})` : '';
    throw new Error(`${where}: ${stepFailures(run.reports).join('; ') || 'no step ran'}${see}`);
  }
  const deadline = performance.now() + (options.checksPassMs ?? CHECKS_PASS_MS);
  for (const id of checks) {
    // The cluster converges on its own (an election, a stack's tasks): asked again each second, within the bound.
    let outcome: CheckOutcome | undefined;
    try {
      await waitFor(
        `${id} to pass`,
        async () => (outcome = await runner.runCheck(id)).state === 'pass',
        Math.max(0, deadline - performance.now()),
        1000,
      );
    } catch {
      throw new Error(`${where}: check ${id} ${outcome?.state ?? 'not run'}: ${outcome?.why ?? ''}`);
    }
  }
  return {
    seconds: (performance.now() - s0) / 1000,
    steps: run.reports.map((r) => r.stepId),
    checks,
    leftOut: left,
  };
}

import type { Localizer } from '../l10n';
import type { CheckState, OutputLine, SectionEnvironment } from './protocol';

/**
 * What the lab panel needs from the step engine: run a step by its id, and
 * evaluate a check by its id. The engine lives elsewhere and is plugged in
 * through this interface (see the extension's lab actions registry); until it
 * is, unavailableLabActions answers honestly that nothing can run, rather
 * than pretending a step worked.
 */

/** A command and what it printed, to quote in an answer. */
export interface Evidence {
  /** The node it ran on; absent when it ran on the machine running VS Code. */
  readonly node?: string;
  readonly command: string;
  readonly output: string;
}

export interface StepOutcome {
  readonly ok: boolean;
  /** One sentence: what happened, or why it failed. */
  readonly summary: string;
  readonly evidence?: readonly Evidence[];
}

export interface CheckOutcome {
  readonly state: CheckState;
  /** Why it passes, fails, or cannot tell. */
  readonly why: string;
  readonly evidence?: readonly Evidence[];
}

export interface LabActions {
  /** Output is streamed through onOutput; the signal cancels. Never throws for a failed step: ok is false. */
  runStep(id: string, onOutput: (line: OutputLine) => void, signal: AbortSignal): Promise<StepOutcome>;
  runCheck(id: string, signal: AbortSignal): Promise<CheckOutcome>;
  /**
   * Checks whose answer may have changed (the cluster model moved): the
   * panel evaluates them again. Optional: an engine without events is only
   * asked when a section is shown or a student asks.
   */
  onDidChangeChecks?(listener: (ids: readonly string[]) => void): { dispose(): void };
  /** Whether these steps and checks (a section's) can run where the lab's machines are now, and why not. */
  availability?(ids: readonly string[]): Promise<SectionEnvironment>;
  /**
   * The lab's machines changed (a lab started or stopped, VMs came up):
   * what `availability` answers may have changed, and the panel asks again.
   */
  onDidChangeAvailability?(listener: () => void): { dispose(): void };
}

/** The panel's actions before the step engine is plugged in: nothing runs, and it says so. */
export function unavailableLabActions(l10n: Localizer): LabActions {
  return {
    runStep: (id) =>
      Promise.resolve({
        ok: false,
        summary: l10n.t(
          'The step "{0}" is not available yet in this version of Swarm Lab: run its commands by hand.',
          id,
        ),
      }),
    runCheck: (id) =>
      Promise.resolve({
        state: 'unknown',
        why: l10n.t('The check "{0}" is not available yet in this version of Swarm Lab.', id),
      }),
  };
}

/**
 * Where a run's progress goes: the steps' log (the output channel, and the
 * caller's onOutput), the lab panel's lines (each node's output and
 * outcome, unformatted), and the caller's own listeners (the progress
 * notification), from the one stream of engine events.
 */
import type { Localizer } from '../l10n';
import { outcomeLine, panelLine } from '../labPanel/stepOutcome';
import type { StepEvents } from '../steps/engine';
import { stepLog } from '../steps/logFormat';
import type { RunOptions } from './ports';

export function runEvents(log: (line: string) => void, options: RunOptions, l10n: Localizer): StepEvents {
  const steps = stepLog(
    (line) => {
      log(line);
      options.onOutput?.(line);
    },
    { l10n },
  );
  return {
    stepStarted: (e) => {
      steps.stepStarted?.(e);
      options.events?.stepStarted?.(e);
    },
    line: (e) => {
      steps.line?.(e);
      options.onLine?.(panelLine(e.node, e.kind, e.text));
    },
    nodeFinished: (e) => {
      steps.nodeFinished?.(e);
      options.onLine?.(outcomeLine(e.node, e.outcome, l10n));
      options.events?.nodeFinished?.(e);
    },
    stepFinished: (e) => steps.stepFinished?.(e),
  };
}

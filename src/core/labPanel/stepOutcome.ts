import type { Localizer } from '../l10n';
import type { LineKind } from '../steps/nodeRun';
import { describeOutcome } from '../steps/logFormat';
import type { NodeOutcome, StepReport } from '../steps/step';
import type { Evidence, StepOutcome } from './labActions';
import type { OutputLine } from './protocol';

/**
 * The step engine's results in the lab panel's terms: its lines as the
 * panel's output lines, its reports as one sentence per run, and its
 * evidence text as (node, command, output) items the panel fences.
 */

/** An engine line as the panel shows it (an action being taken reads as a command). */
export function panelLine(node: string, kind: LineKind, text: string): OutputLine {
  return { node, kind: kind === 'action' ? 'command' : kind, text };
}

/** What happened on a node, as a line for the panel: `already done: in the swarm as a worker`. */
export function outcomeLine(node: string, outcome: NodeOutcome, l10n: Localizer): OutputLine {
  const why = describeOutcome(outcome, l10n);
  const word = outcomeWord(outcome.kind, l10n);
  return { node, kind: outcome.kind === 'failed' ? 'err' : 'info', text: why ? `${word}: ${why}` : word };
}

function outcomeWord(kind: NodeOutcome['kind'], l10n: Localizer): string {
  switch (kind) {
    case 'ok':
      return l10n.t('ok');
    case 'already-done':
      return l10n.t('already done');
    case 'failed':
      return l10n.t('failed');
    case 'skipped':
      return l10n.t('skipped');
    case 'cancelled':
      return l10n.t('cancelled');
    case 'planned':
      return l10n.t('would run');
  }
}

/**
 * One sentence for a run of one or more steps: per outcome, the nodes in it,
 * e.g. `ok on core-01; already done on core-02, core-03`. A step that did not
 * run at all says why; a failure names its nodes and reason, once for the
 * nodes that failed for the same reason.
 */
export function summarizeReports(reports: readonly StepReport[], l10n: Localizer): string {
  const errors = reports.filter((r) => r.error !== undefined).map((r) => `${r.title}: ${r.error}`);
  if (errors.length > 0) {
    return errors.join('; ');
  }
  if (reports.length === 0) {
    return l10n.t('Nothing ran.');
  }
  const byKind = new Map<NodeOutcome['kind'], string[]>();
  // Nodes by failure reason: a reason several nodes share (one that names them all) is said once.
  const failures = new Map<string, string[]>();
  for (const report of reports) {
    for (const { node, outcome } of report.nodes) {
      if (outcome.kind === 'failed') {
        failures.set(outcome.reason, [...(failures.get(outcome.reason) ?? []), node]);
        continue;
      }
      const nodes = byKind.get(outcome.kind) ?? [];
      if (!nodes.includes(node)) {
        nodes.push(node);
      }
      byKind.set(outcome.kind, nodes);
    }
  }
  const parts = [...byKind].map(([kind, nodes]) => l10n.t('{0} on {1}', outcomeWord(kind, l10n), nodes.join(', ')));
  const failed = [...failures].map(([reason, nodes]) => l10n.t('failed on {0}: {1}', nodes.join(', '), reason));
  return [...failed, ...parts].join('; ');
}

/**
 * The engine keeps evidence as text: `$ command` lines each followed by the
 * command's output (see nodeRun's default collect). Split it back into
 * items; text before the first `$ ` line (a step's own collect) is kept as
 * output of the step itself, so nothing is dropped.
 */
export function evidenceItems(reports: readonly StepReport[]): Evidence[] {
  const items: Evidence[] = [];
  for (const report of reports) {
    for (const { node, outcome } of report.nodes) {
      if (outcome.kind === 'ok' && outcome.evidence) {
        items.push(...splitEvidence(node, report.title, outcome.evidence));
      }
    }
  }
  return items;
}

function splitEvidence(node: string, title: string, text: string): Evidence[] {
  const items: Array<{ command: string; lines: string[] }> = [];
  for (const line of text.split('\n')) {
    if (line.startsWith('$ ')) {
      items.push({ command: line.slice(2), lines: [] });
    } else if (items.length === 0) {
      items.push({ command: title, lines: [line] });
    } else {
      items[items.length - 1].lines.push(line);
    }
  }
  return items.map((i) => ({ node, command: i.command, output: i.lines.join('\n') }));
}

/** The panel's outcome for a run: ok only when every node of every step succeeded and nothing was cancelled. */
export function panelStepOutcome(reports: readonly StepReport[], ok: boolean, l10n: Localizer): StepOutcome {
  const evidence = evidenceItems(reports);
  return { ok, summary: summarizeReports(reports, l10n), ...(evidence.length > 0 ? { evidence } : {}) };
}

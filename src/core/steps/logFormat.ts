/**
 * The step log's line format, shared with the TextMate grammar
 * syntaxes/swarm-lab-log.tmLanguage.json (change both together):
 *
 *   12:00:01 ==> Join the swarm [swarm.join] on core-02, core-03
 *   12:00:01 ==> Join the swarm [swarm.join] on core-02 (dry run)
 *   12:00:01 [core-02] $ docker swarm join --token *** 172.17.8.101:2377
 *   12:00:01 [core-02] + upload /etc/docker/daemon.json (87 bytes)
 *   12:00:02 [core-02] This node joined a swarm as a worker.
 *   12:00:02 [core-02] ! Error response from daemon: …     (stderr)
 *   12:00:02 [core-02] * not in a swarm yet                  (engine information)
 *   12:00:02 [core-02] => ok | already done | failed | skipped | cancelled | would run: …
 *   12:00:03 <== Join the swarm [swarm.join]: ok 1, failed 1
 *   12:00:03 !! The lab has no manager node.
 *
 * The outcome words after `=>` and in the summary are fixed, like log
 * levels, so that the grammar (and a reader's grep) finds them in every
 * language; the reasons after them are localized.
 */
import type { Localizer } from '../l10n';
import type { StepEvents } from './engine';
import type { LineKind } from './nodeRun';
import type { CancelledAt, NodeOutcome, StepReport } from './step';

export const OUTCOME_WORDS = {
  ok: 'ok',
  'already-done': 'already done',
  failed: 'failed',
  skipped: 'skipped',
  cancelled: 'cancelled',
  planned: 'would run',
} as const satisfies Record<NodeOutcome['kind'], string>;

const LINE_MARKERS: Record<LineKind, string> = { out: '', err: '! ', command: '$ ', action: '+ ', info: '* ' };

export interface LogFormatOptions {
  readonly l10n: Localizer;
  /** The time at the start of each line; null for none (a channel that stamps lines itself). */
  readonly clock?: (() => Date) | null;
}

/** `12:00:01`, local time: the log is read while the lab runs, next to the clock on the wall. */
export function formatTime(date: Date): string {
  return [date.getHours(), date.getMinutes(), date.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
}

export function formatStepHeader(
  step: { readonly id: string; readonly title: string },
  nodes: readonly string[],
  dryRun: boolean,
): string {
  const where = nodes.length > 0 ? ` on ${nodes.join(', ')}` : '';
  return `==> ${oneLine(step.title)} [${step.id}]${where}${dryRun ? ' (dry run)' : ''}`;
}

/** A node's line; a text of several lines gives several lines, each with the prefix. */
export function formatNodeLines(node: string, kind: LineKind, text: string): string[] {
  return splitLines(text).map((line) => `[${node}] ${LINE_MARKERS[kind]}${line}`.trimEnd());
}

/** `[core-01] => failed: reason`, the reason's further lines as stderr lines (they usually are). */
export function formatOutcome(node: string, outcome: NodeOutcome, l10n: Localizer): string[] {
  const word = OUTCOME_WORDS[outcome.kind];
  const [first = '', ...rest] = splitLines(describeOutcome(outcome, l10n));
  const head = `[${node}] => ${word}${first !== '' ? `: ${first}` : ''}`;
  return [head, ...rest.map((line) => `[${node}] ! ${line}`.trimEnd())];
}

/** The reason or detail of an outcome, localized; empty for a plain ok. */
export function describeOutcome(outcome: NodeOutcome, l10n: Localizer): string {
  switch (outcome.kind) {
    case 'ok':
      return '';
    case 'already-done':
    case 'skipped':
    case 'failed':
      return outcome.reason ?? '';
    case 'cancelled':
      return describeCancelled(outcome.at, l10n);
    case 'planned':
      return outcome.actions.length === 1 ? l10n.t('1 action') : l10n.t('{0} actions', outcome.actions.length);
  }
}

export function describeCancelled(at: CancelledAt, l10n: Localizer): string {
  switch (at.stage) {
    case 'not-started':
      return l10n.t('not started; nothing was changed');
    case 'connect':
      return l10n.t('stopped while connecting; nothing was changed');
    case 'check':
      return l10n.t('stopped while checking; nothing was changed');
    case 'plan':
      return l10n.t('stopped while planning; nothing was changed');
    case 'run':
      return at.interrupted === undefined
        ? l10n.t('{0} of {1} actions done, stopped before the next one', at.done, at.of)
        : l10n.t('{0} of {1} actions done, interrupted during: {2}', at.done, at.of, oneLine(at.interrupted));
  }
}

/** `<== Title [id]: ok 2, already done 1, failed 1` (or the step's error). */
export function formatStepSummary(report: StepReport): string {
  const counts = new Map<string, number>();
  for (const n of report.nodes) {
    const word = OUTCOME_WORDS[n.outcome.kind];
    counts.set(word, (counts.get(word) ?? 0) + 1);
  }
  const parts = Object.values(OUTCOME_WORDS)
    .filter((word) => counts.has(word))
    .map((word) => `${word} ${counts.get(word)}`);
  return `<== ${oneLine(report.title)} [${report.stepId}]: ${parts.length > 0 ? parts.join(', ') : 'no nodes'}`;
}

export function formatError(message: string): string[] {
  return splitLines(message).map((line) => `!! ${line}`);
}

/**
 * StepEvents that write the log: give it to the engine and a sink that
 * appends a line to the output channel.
 */
export function stepLog(sink: (line: string) => void, options: LogFormatOptions): StepEvents {
  const clock = options.clock === undefined ? (): Date => new Date() : options.clock;
  const write = (lines: readonly string[]): void => {
    const stamp = clock ? `${formatTime(clock())} ` : '';
    lines.forEach((line) => sink(stamp + line));
  };
  return {
    stepStarted: ({ step, nodes, dryRun }) => write([formatStepHeader(step, nodes, dryRun)]),
    line: ({ node, kind, text }) => write(formatNodeLines(node, kind, text)),
    nodeFinished: ({ node, outcome }) => write(formatOutcome(node, outcome, options.l10n)),
    stepFinished: ({ report }) => {
      if (report.error !== undefined) {
        write(formatError(report.error));
      }
      write([formatStepSummary(report)]);
    },
  };
}

function splitLines(text: string): string[] {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  while (lines.length > 1 && lines[lines.length - 1] === '') {
    lines.pop();
  }
  return lines;
}

function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ');
}

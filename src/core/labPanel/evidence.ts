import type { Localizer } from '../l10n';
import type { Evidence } from './labActions';

/**
 * Evidence in an answer: the command and what it printed, as a fenced block
 * a teacher can read in any Markdown viewer. The output is cleaned the way a
 * terminal shows it (colours removed, progress redraws collapsed), trimmed,
 * and cut in the middle when long, since a report is read, not grepped.
 */

export interface EvidenceOptions {
  readonly l10n: Localizer;
  /** Output lines kept per command; the middle is cut beyond it. */
  readonly maxLines?: number;
}

const DEFAULT_MAX_LINES = 60;
// CSI sequences (colours, cursor moves) and OSC sequences (titles, links).
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)/g;

/** One fenced block per command, in order, separated by a blank line. */
export function formatEvidence(items: readonly Evidence[], options: EvidenceOptions): string {
  return items.map((item) => formatOne(item, options)).join('\n\n');
}

function formatOne(item: Evidence, options: EvidenceOptions): string {
  const prompt = `${item.node !== undefined ? `[${item.node}] ` : ''}$ ${oneLine(item.command)}`;
  const lines = [prompt, ...cut(cleanOutput(item.output), options)];
  const fence = fenceFor(lines);
  return [`${fence}console`, ...lines, fence].join('\n');
}

/** Output as a terminal leaves it on screen, without blank lines around it. */
export function cleanOutput(output: string): string[] {
  const lines = output
    .replace(ANSI, '')
    .replace(/\r\n/g, '\n')
    .split('\n')
    // A lone \r redraws the line (progress bars): what stays is the last drawing.
    .map((l) => (l.split('\r').pop() ?? '').trimEnd());
  let first = 0;
  let last = lines.length - 1;
  while (first <= last && lines[first] === '') {
    first++;
  }
  while (last >= first && lines[last] === '') {
    last--;
  }
  return lines.slice(first, last + 1);
}

function cut(lines: readonly string[], options: EvidenceOptions): string[] {
  const max = Math.max(4, options.maxLines ?? DEFAULT_MAX_LINES);
  if (lines.length <= max) {
    return [...lines];
  }
  const tail = Math.floor(max / 4);
  const head = max - tail - 1;
  const dropped = lines.length - head - tail;
  return [
    ...lines.slice(0, head),
    options.l10n.t('… {0} lines left out …', dropped),
    ...lines.slice(lines.length - tail),
  ];
}

/** Longer than any run of backticks inside, so that no output line can close it. */
function fenceFor(lines: readonly string[]): string {
  const longest = Math.max(0, ...lines.map((l) => Math.max(0, ...(l.match(/`+/g) ?? []).map((r) => r.length))));
  return '`'.repeat(Math.max(3, longest + 1));
}

function oneLine(command: string): string {
  return command.replace(/\s*\r?\n\s*/g, ' ').trim();
}

/**
 * The answer with a block inserted as paragraphs of their own: at the end of
 * the line the cursor is on (or at the end of the answer), a blank line before
 * and after. Returns the new text and where the cursor goes (after the block).
 */
export function insertBlock(answer: string, block: string, cursor?: number): { text: string; cursor: number } {
  const at = cursor === undefined ? answer.length : lineEnd(answer, Math.max(0, Math.min(cursor, answer.length)));
  const before = answer.slice(0, at).replace(/\s+$/, '');
  const after = answer.slice(at).replace(/^[ \t]*\n?/, '');
  const lead = before === '' ? '' : `${before}\n\n`;
  const middle = lead + block;
  const trail = after.trim() === '' ? '\n' : `\n\n${after.replace(/^\s*\n/, '')}`;
  return { text: middle + trail, cursor: middle.length + 1 };
}

function lineEnd(text: string, offset: number): number {
  const nl = text.indexOf('\n', offset);
  return nl < 0 ? text.length : nl;
}

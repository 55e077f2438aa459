import type { Localizer } from '../l10n';
import { LabContentError } from './labError';

/**
 * The body of a section file: Markdown cut by directive lines that place the
 * section's steps, checks and questions, e.g. `::: step swarm.init-join`.
 * A directive is a whole line starting at its first column; inside a fenced
 * code block the same text is code, not a directive.
 */

export type DirectiveKind = 'step' | 'check' | 'question';
export const DIRECTIVE_KINDS: readonly DirectiveKind[] = ['step', 'check', 'question'];

export type LabBlock =
  | { readonly kind: 'markdown'; readonly text: string; readonly line: number }
  | { readonly kind: DirectiveKind; readonly id: string; readonly line: number };

const DIRECTIVE = /^:::(.*)$/;
const FENCE = /^\s*(`{3,}|~{3,})(.*)$/;

export function parseBody(body: string, firstLine: number, file: string, l10n: Localizer): LabBlock[] {
  const blocks: LabBlock[] = [];
  let text: string[] = [];
  let textLine = firstLine;
  const flush = (): void => {
    const start = text.findIndex((l) => l.trim() !== '');
    if (start >= 0) {
      const end = text.length - [...text].reverse().findIndex((l) => l.trim() !== '');
      blocks.push({ kind: 'markdown', text: text.slice(start, end).join('\n'), line: textLine + start });
    }
  };

  let fence: { readonly marker: string; readonly line: number } | undefined;
  const lines = body.split(/\r?\n/);
  for (const [i, line] of lines.entries()) {
    const lineNo = firstLine + i;
    const fenceMatch = FENCE.exec(line);
    if (fence) {
      if (fenceMatch && isClosing(fenceMatch, fence.marker)) {
        fence = undefined;
      }
    } else if (fenceMatch && !(fenceMatch[1].startsWith('`') && fenceMatch[2].includes('`'))) {
      fence = { marker: fenceMatch[1], line: lineNo };
    } else {
      const directive = DIRECTIVE.exec(line);
      if (directive) {
        flush();
        blocks.push(readDirective(directive[1], lineNo, file, l10n));
        text = [];
        textLine = lineNo + 1;
        continue;
      }
    }
    text.push(line);
  }
  if (fence) {
    throw new LabContentError(
      file,
      fence.line,
      l10n.t('The code block opened on line {0} is never closed.', fence.line),
    );
  }
  flush();
  return blocks;
}

/** CommonMark: the same character, at least as long, nothing after it. */
function isClosing(match: RegExpExecArray, opening: string): boolean {
  return match[1][0] === opening[0] && match[1].length >= opening.length && match[2].trim() === '';
}

function readDirective(rest: string, line: number, file: string, l10n: Localizer): LabBlock {
  const words = rest
    .trim()
    .split(/\s+/)
    .filter((w) => w !== '');
  const kind = DIRECTIVE_KINDS.find((k) => k === words[0]);
  if (!kind) {
    throw new LabContentError(
      file,
      line,
      l10n.t(
        'Unknown directive "{0}": a directive is "::: step <id>", "::: check <id>" or "::: question <id>".',
        `:::${rest}`.trim(),
      ),
    );
  }
  if (words.length !== 2) {
    throw new LabContentError(file, line, l10n.t('A directive is written "::: {0} <id>", with one id.', kind));
  }
  return { kind, id: words[1], line };
}

/**
 * Just enough Ruby to edit a Vagrantfile line by line without disturbing
 * the rest: each line with its own line ending (so that untouched lines
 * stay byte for byte), a view without comments, a view without comments
 * nor string contents (for block counting: `"do"` or `# end` in a string
 * or a comment must not open or close anything), and do/end matching.
 * Not a parser: a file this cannot follow is refused by the caller.
 */

export interface RubyLine {
  /** The line as written, without its line ending. */
  readonly text: string;
  /** '\n', '\r\n', or '' for a last line without one. */
  readonly eol: string;
  /** The text with comments blanked (same length, offsets stay valid). */
  readonly code: string;
  /** The code with string contents blanked too. */
  readonly bare: string;
}

type LexState =
  | { readonly kind: 'code' }
  | { readonly kind: 'string'; readonly quote: string }
  | { readonly kind: 'heredoc'; readonly id: string; readonly squiggly: boolean }
  | { readonly kind: 'doc-comment' };

export function splitRubyLines(source: string): RubyLine[] {
  const raw = source.match(/[^\n]*\n|[^\n]+$/g) ?? [];
  const lines: RubyLine[] = [];
  let state: LexState = { kind: 'code' };
  const pendingHeredocs: Array<{ id: string; squiggly: boolean }> = [];
  for (const chunk of raw) {
    const eol = chunk.endsWith('\r\n') ? '\r\n' : chunk.endsWith('\n') ? '\n' : '';
    const text = chunk.slice(0, chunk.length - eol.length);
    if (state.kind === 'heredoc') {
      // A heredoc's body is string content, whatever it looks like (shell scripts with if/fi, do/done).
      const ended: boolean = (state.squiggly ? text.trim() : text.trimEnd()) === state.id;
      lines.push({ text, eol, code: blank(text), bare: blank(text) });
      state = ended ? nextHeredoc(pendingHeredocs) : state;
      continue;
    }
    if (state.kind === 'doc-comment' || (state.kind === 'code' && text.startsWith('=begin'))) {
      lines.push({ text, eol, code: blank(text), bare: blank(text) });
      state = text.startsWith('=end') ? { kind: 'code' } : { kind: 'doc-comment' };
      continue;
    }
    const lexed = lexLine(text, state);
    lines.push({ text, eol, code: lexed.code, bare: lexed.bare });
    state = lexed.state;
    pendingHeredocs.push(...lexed.heredocs);
    if (state.kind === 'code' && pendingHeredocs.length > 0) {
      state = nextHeredoc(pendingHeredocs);
    }
  }
  return lines;
}

export function joinRubyLines(lines: readonly RubyLine[]): string {
  return lines.map((l) => l.text + l.eol).join('');
}

function nextHeredoc(pending: Array<{ id: string; squiggly: boolean }>): LexState {
  const next = pending.shift();
  return next ? { kind: 'heredoc', ...next } : { kind: 'code' };
}

function blank(text: string): string {
  return text.replace(/[^\t]/g, ' ');
}

/** One line of code: where strings and a comment are, and whether a string goes on to the next line. */
function lexLine(
  text: string,
  start: LexState,
): { code: string; bare: string; state: LexState; heredocs: Array<{ id: string; squiggly: boolean }> } {
  let code = '';
  let bare = '';
  let state = start;
  let braces = 0; // depth of #{…} inside a double-quoted string
  const heredocs: Array<{ id: string; squiggly: boolean }> = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (state.kind === 'string') {
      if (c === '\\' && i + 1 < text.length) {
        code += c + text[i + 1];
        bare += '  ';
        i++;
      } else if (state.quote === '"' && c === '#' && text[i + 1] === '{') {
        braces++;
        code += '#{';
        bare += '  ';
        i++;
      } else if (braces > 0 && c === '}') {
        braces--;
        code += c;
        bare += ' ';
      } else if (braces === 0 && c === state.quote) {
        code += c;
        bare += c;
        state = { kind: 'code' };
      } else {
        code += c;
        bare += c === '\t' ? '\t' : ' ';
      }
      continue;
    }
    const heredoc = /^<<([~-]?)(["']?)([A-Za-z_]\w*)\2/.exec(text.slice(i));
    if (heredoc && /[\s(,=]$|^$/.test(text.slice(0, i))) {
      heredocs.push({ id: heredoc[3], squiggly: heredoc[1] !== '' });
      code += heredoc[0];
      bare += blank(heredoc[0]);
      i += heredoc[0].length - 1;
    } else if (c === '#') {
      code += blank(text.slice(i));
      bare += blank(text.slice(i));
      break;
    } else if (c === '"' || c === "'" || c === '`') {
      state = { kind: 'string', quote: c };
      code += c;
      bare += c;
    } else if (c === '?' && /[A-Za-z0-9_)\]]/.test(text[i - 1] ?? ' ') === false && /['"#]/.test(text[i + 1] ?? '')) {
      // A character literal (?" or ?#): two characters of string, not a quote or comment.
      code += c + text[i + 1];
      bare += '  ';
      i++;
    } else {
      code += c;
      bare += c;
    }
  }
  return { code, bare, state, heredocs };
}

const OPENERS = /^(?:if|unless|while|until|case|def|class|module|begin|for)\b/;
const LOOP_WITH_DO = /^(?:while|until|for)\b/;

/** How much a line opens (+) or closes (−) do/end-style blocks. */
export function blockDelta(bare: string): number {
  const statement = bare.trim();
  const doCount = [...bare.matchAll(/(?<![.\w:])do\b(?![?!:])/g)].length;
  const endCount = [...bare.matchAll(/(?<![.\w:])end\b(?![?!:])/g)].length;
  let opens = doCount;
  if (OPENERS.test(statement)) {
    // `while x do` opens one block, not two.
    opens += LOOP_WITH_DO.test(statement) && doCount > 0 ? 0 : 1;
  }
  // `x = if …` and `x = case …` open a block too.
  if (/=\s*(?:if|unless|case|begin)\b/.test(statement) && !/==\s*(?:if|unless|case|begin)\b/.test(statement)) {
    opens += 1;
  }
  return opens - endCount;
}

/**
 * The index of the line that closes the block opened on line `start`, or
 * undefined if the blocks do not balance (a file this cannot follow).
 */
export function blockEnd(lines: readonly RubyLine[], start: number): number | undefined {
  let depth = blockDelta(lines[start].bare);
  if (depth <= 0) {
    return undefined;
  }
  for (let j = start + 1; j < lines.length; j++) {
    depth += blockDelta(lines[j].bare);
    if (depth <= 0) {
      return depth === 0 ? j : undefined;
    }
  }
  return undefined;
}

/** The first line at or after `from` (before `to`) whose comment-free code matches. */
export function findLine(lines: readonly RubyLine[], pattern: RegExp, from = 0, to = lines.length): number | undefined {
  for (let i = from; i < to; i++) {
    if (pattern.test(lines[i].code)) {
      return i;
    }
  }
  return undefined;
}

/** Leading whitespace of a line. */
export function indentOf(text: string): string {
  return /^[ \t]*/.exec(text)?.[0] ?? '';
}

/** Builds a line to insert, with the file's line ending. */
export function newLine(text: string, eol: string): RubyLine {
  const lexed = lexLine(text, { kind: 'code' });
  return { text, eol, code: lexed.code, bare: lexed.bare };
}

/**
 * A Ruby argument list (what stands between a call's brackets) split at its
 * top-level commas, each argument trimmed: commas inside brackets or quoted
 * strings (backslash escapes included) stay in their argument.
 */
export function splitTopLevel(text: string): string[] {
  const args: string[] = [];
  let depth = 0;
  let quote = '';
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === '\\') {
        current += c + (text[++i] ?? '');
        continue;
      }
      quote = c === quote ? '' : quote;
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if ('([{'.includes(c)) {
      depth++;
    } else if (')]}'.includes(c)) {
      depth--;
    } else if (c === ',' && depth === 0) {
      args.push(current.trim());
      current = '';
      continue;
    }
    current += c;
  }
  args.push(current.trim());
  return args;
}

/**
 * POSIX shell quoting for remote commands. An SSH `exec` takes one string
 * that the node's login shell parses, so every value that comes from a user,
 * a setting or an engine answer must reach that shell as exactly one word,
 * whatever it contains. Quoting is the only tool here: no value is ever
 * concatenated into a command line by hand.
 *
 * What quoting does NOT do: stop option injection. A value `--force` quoted
 * is still the word `--force`, and the program reads it as an option. Put
 * `--` before operands (see `operands`) or refuse a leading dash
 * (`checkOperand`) where a value lands in operand position.
 *
 * The target is a POSIX shell (sh, dash, bash, zsh, busybox ash): the lab's
 * nodes log in with bash. csh and fish quote differently and are not supported.
 */

import type { Localizer } from '../l10n';

export type ShellQuoteProblem = 'nul' | 'leading-dash' | 'empty-command';

/**
 * A value that cannot be passed safely. `problem` lets the caller word a
 * localized message (see describeShellQuoteError); the English message is
 * for logs and programmers.
 */
export class ShellQuoteError extends Error {
  constructor(
    readonly problem: ShellQuoteProblem,
    readonly value: string,
  ) {
    super(`cannot pass ${JSON.stringify(value)} to a shell: ${problem}`);
    this.name = 'ShellQuoteError';
  }
}

/**
 * Characters that never mean anything to a POSIX shell, anywhere in a word.
 * Left out on purpose: `~` (tilde expansion), `{ }` (brace expansion in bash
 * and zsh), `[ ] * ?` (globs), `!` (history in interactive bash), `^` (a
 * pipe in the old Bourne shell), `#` (comment at a word start), `=` (handled
 * below: assignment at a command start) and anything non-ASCII (a locale
 * could make some multibyte sequences special).
 */
const BARE = /^[A-Za-z0-9_@%+,./:-]+$/;
/**
 * `NAME=value` as the first word would be an assignment, not a command; a
 * leading `=` is an expansion in zsh (`=ls` is `/bin/ls`).
 */
const BARE_WITH_EQUALS = /^[A-Za-z0-9_@%+,./:-][A-Za-z0-9_@%+,./:=-]*$/;
const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;

/**
 * One argument as one shell word. Plain words stay readable (`docker`,
 * `172.17.8.101:2377`, `--label-add=zone=a`); anything else is put between
 * single quotes, inside which a POSIX shell interprets nothing at all, not
 * even a newline; a single quote itself becomes `'\''` (close, escaped
 * quote, reopen). NUL cannot be carried by any argv: refused.
 */
export function quoteArg(arg: string): string {
  if (arg.includes('\0')) {
    throw new ShellQuoteError('nul', arg);
  }
  if (BARE.test(arg) || (BARE_WITH_EQUALS.test(arg) && !ASSIGNMENT.test(arg))) {
    return arg;
  }
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** An argv as one command line: each argument quoted, separated by spaces. */
export function commandLine(argv: readonly string[]): string {
  if (argv.length === 0) {
    throw new ShellQuoteError('empty-command', '');
  }
  return argv.map(quoteArg).join(' ');
}

/**
 * A command line built by `sh`, `operands` or `shellCommand`: its text is
 * trusted shell (pipes, redirections written by the step's author) with
 * every user value already quoted. A distinct type so that a raw string can
 * never be passed where a command is expected.
 */
export class ShellCommand {
  constructor(readonly text: string) {}

  toString(): string {
    return this.text;
  }
}

/** What may be interpolated in `sh`: a value (one word), a list (one word each), or a built command (verbatim). */
export type ShellValue = string | number | readonly (string | number)[] | ShellCommand;

/**
 * A tagged template that quotes each interpolation as one word:
 *   sh`docker node update --label-add ${label} ${node}`
 * The literal parts are the author's shell, taken raw as String.raw does
 * (a backslash reaches the shell as written: sh`printf '%s\n' ${x}`). An
 * interpolation inside quotes written in the template (`"${x}"`) is refused:
 * the value's own quotes would then appear in it literally.
 */
export function sh(strings: TemplateStringsArray, ...values: readonly ShellValue[]): ShellCommand {
  let text = '';
  let state: QuoteState = 'none';
  strings.raw.forEach((literal, i) => {
    state = scanQuotes(literal, state);
    text += literal;
    if (i < values.length) {
      if (state !== 'none') {
        throw new Error(`sh: interpolation ${i + 1} is inside ${state} quotes in the template; remove them`);
      }
      text += interpolate(values[i]);
    }
  });
  if (state !== 'none') {
    throw new Error('sh: the template leaves a quote open');
  }
  return new ShellCommand(text);
}

/** `-- 'a' 'b'`: operands after the end of options, for programs that honour `--` (docker, rm, mkdir, cp…). */
export function operands(...values: readonly string[]): ShellCommand {
  return new ShellCommand(['--', ...values.map(quoteArg)].join(' '));
}

/**
 * A value that lands where a program would take a leading dash as an option
 * and `--` is not available (e.g. `docker swarm join … <host:port>` after
 * flags, `nsenter --target <pid>`): refuses it instead of quoting it.
 */
export function checkOperand(value: string): string {
  if (value.startsWith('-')) {
    throw new ShellQuoteError('leading-dash', value);
  }
  return value;
}

/** A command given as argv or already built: the text an SSH exec sends. */
export function shellCommand(command: readonly string[] | ShellCommand): ShellCommand {
  return command instanceof ShellCommand ? command : new ShellCommand(commandLine(command));
}

function interpolate(value: ShellValue): string {
  if (value instanceof ShellCommand) {
    return value.text;
  }
  if (typeof value === 'number') {
    return quoteArg(String(value));
  }
  if (typeof value === 'string') {
    return quoteArg(value);
  }
  return value.map((v) => quoteArg(String(v))).join(' ');
}

type QuoteState = 'none' | 'single' | 'double';

/** Follows POSIX quoting through a literal part of the template. */
function scanQuotes(literal: string, start: QuoteState): QuoteState {
  let state = start;
  for (let i = 0; i < literal.length; i++) {
    const c = literal[i];
    if (state === 'single') {
      if (c === "'") {
        state = 'none';
      }
    } else if (c === '\\') {
      i++; // an escaped character, outside or inside double quotes
    } else if (state === 'double') {
      if (c === '"') {
        state = 'none';
      }
    } else if (c === "'") {
      state = 'single';
    } else if (c === '"') {
      state = 'double';
    }
  }
  return state;
}

/** A user-facing sentence for a value refused by quoting. */
export function describeShellQuoteError(error: ShellQuoteError, l10n: Localizer): string {
  switch (error.problem) {
    case 'nul':
      return l10n.t('A value contains a NUL character, which no command argument can carry.');
    case 'leading-dash':
      return l10n.t('The value {0} starts with a dash and would be read as an option.', JSON.stringify(error.value));
    case 'empty-command':
      return l10n.t('The command is empty.');
  }
}

/**
 * Where the lab's settings live in a coreos-vagrant style Vagrantfile: the
 * `Vagrant.configure` block, the per-instance loop, the machine's
 * `config.vm.define` block and its VirtualBox provider block. Also the
 * file's own style (line endings, indentation unit) so that inserted lines
 * look like the user's, and the edits themselves (whole lines replaced or
 * inserted, every other line kept byte for byte).
 */
import type { Localizer } from '../l10n';
import { blockDelta, blockEnd, findLine, indentOf, newLine, type RubyLine, splitRubyLines } from './rubyLines';

export interface Block {
  /** Line of `… do |name|` and line of its `end`. */
  readonly start: number;
  readonly end: number;
  /** The block's parameter (`config`, `vb`, `i`). */
  readonly name: string;
}

export interface VagrantLayout {
  readonly lines: readonly RubyLine[];
  readonly configure: Block;
  /** `(1..$num_instances).each do |i|` or `1.upto($num_instances) do |i|`. */
  readonly loop?: Block;
  /** `config.vm.define … do |config|`, inside the loop. */
  readonly define?: Block;
  /** `config.vm.provider :virtualbox do |vb|`, inside the define block. */
  readonly provider?: Block;
  /** The line ending of the file ('\r\n' or '\n'). */
  readonly eol: string;
  /** One level of indentation in this file: a tab or some spaces. */
  readonly unit: string;
}

const CONFIGURE = /\bVagrant\.configure\s*\(?\s*(?:["']2["']|2)\s*\)?\s*do\s*\|\s*(\w+)\s*\|/;
const LOOP =
  /(?:\(\s*1\s*\.\.\s*\$num_instances\s*\)\s*\.each|\b1\s*\.upto\s*\(\s*\$num_instances\s*\))\s*do\s*\|\s*(\w+)\s*\|/;
const DEFINE = /\b\w+\.vm\.define\b.*\bdo\s*\|\s*(\w+)\s*\|/;
const PROVIDER =
  /\b\w+\.vm\.provider\s*\(?\s*(?::virtualbox|"virtualbox"|'virtualbox')\s*\)?[^#]*\bdo\s*\|\s*(\w+)\s*(?:,\s*\w+\s*)?\|/;

export type LayoutResult =
  { readonly ok: true; readonly layout: VagrantLayout } | { readonly ok: false; readonly error: string };

export function layoutOf(text: string, l10n: Localizer): LayoutResult {
  const lines = splitRubyLines(text);
  if (!balanced(lines)) {
    return {
      ok: false,
      error: l10n.t(
        'Swarm Lab cannot follow the blocks of this Vagrantfile (a do/end pair does not match); it was left untouched.',
      ),
    };
  }
  const configure = block(lines, CONFIGURE, 0, lines.length);
  if (!configure) {
    return {
      ok: false,
      error: l10n.t(
        'This file does not look like a Vagrantfile (no Vagrant.configure("2") block); it was left untouched.',
      ),
    };
  }
  const loop = block(lines, LOOP, configure.start + 1, configure.end);
  const define = loop && block(lines, DEFINE, loop.start + 1, loop.end);
  const provider = define && block(lines, PROVIDER, define.start + 1, define.end);
  return {
    ok: true,
    layout: { lines, configure, loop, define, provider, eol: eolOf(lines), unit: unitOf(lines, configure) },
  };
}

function block(lines: readonly RubyLine[], pattern: RegExp, from: number, to: number): Block | undefined {
  const start = findLine(lines, pattern, from, to);
  if (start === undefined) {
    return undefined;
  }
  const end = blockEnd(lines, start);
  const name = pattern.exec(lines[start].code)?.[1];
  return end !== undefined && end < to && name ? { start, end, name } : undefined;
}

/** Every block closes, and nothing closes what was never opened. */
function balanced(lines: readonly RubyLine[]): boolean {
  let depth = 0;
  for (const line of lines) {
    depth += blockDelta(line.bare);
    if (depth < 0) {
      return false;
    }
  }
  return depth === 0;
}

function eolOf(lines: readonly RubyLine[]): string {
  const crlf = lines.filter((l) => l.eol === '\r\n').length;
  const lf = lines.filter((l) => l.eol === '\n').length;
  return crlf > lf ? '\r\n' : '\n';
}

/** The indentation of the configure block's first line, or two spaces. */
function unitOf(lines: readonly RubyLine[], configure: Block): string {
  const outer = indentOf(lines[configure.start].text);
  for (let i = configure.start + 1; i < configure.end; i++) {
    const inner = indentOf(lines[i].text);
    if (lines[i].text.trim() !== '' && inner.length > outer.length && inner.startsWith(outer)) {
      return inner.slice(outer.length);
    }
  }
  return '  ';
}

/** The indentation of the lines inside a block: its first non-blank inner line, or one unit deeper. */
export function innerIndent(layout: VagrantLayout, b: Block): string {
  for (let i = b.start + 1; i < b.end; i++) {
    if (layout.lines[i].text.trim() !== '') {
      return indentOf(layout.lines[i].text);
    }
  }
  return indentOf(layout.lines[b.start].text) + layout.unit;
}

/** A change to the file: one line rewritten, or new lines before a given line. */
export type LineEdit =
  | { readonly kind: 'replace'; readonly line: number; readonly text: string }
  | { readonly kind: 'insert'; readonly before: number; readonly texts: readonly string[] };

/** Applies edits; every line not named by one comes out exactly as it went in. */
export function applyEdits(layout: VagrantLayout, edits: readonly LineEdit[]): RubyLine[] {
  const lines = [...layout.lines];
  // From the bottom up, so that earlier indices stay valid. At the same
  // line: the replace first, then the inserts last-given first, so that
  // they end up in the order given.
  const ordered = edits
    .map((edit, i) => ({ edit, i }))
    .sort((a, b) => at(b.edit) - at(a.edit) || rank(a.edit) - rank(b.edit) || b.i - a.i)
    .map((e) => e.edit);
  for (const edit of ordered) {
    if (edit.kind === 'replace') {
      lines[edit.line] = newLine(edit.text, lines[edit.line].eol);
    } else {
      lines.splice(edit.before, 0, ...edit.texts.map((t) => newLine(t, layout.eol)));
    }
  }
  return lines;
}

function rank(edit: LineEdit): number {
  return edit.kind === 'replace' ? 0 : 1;
}

function at(edit: LineEdit): number {
  return edit.kind === 'replace' ? edit.line : edit.before;
}

/** The sentence shared by every edit that needs the per-machine block. */
export function noMachineBlock(l10n: Localizer): string {
  return l10n.t(
    'This Vagrantfile has no per-machine block ((1..$num_instances).each do |i| … config.vm.define … do |config|); it was left untouched.',
  );
}

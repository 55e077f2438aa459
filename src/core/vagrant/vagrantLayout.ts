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

/** `config.vm.provider :virtualbox do |vb|` and the like. */
export interface ProviderBlock extends Block {
  /** `virtualbox`, `libvirt`, `docker`…; undefined when named by a variable (`provider vmware do`). */
  readonly provider: string | undefined;
  /** Inside a machine's define block, or for every machine. */
  readonly scope: 'machine' | 'all';
  /** Inside an `if` (coreos-vagrant's `if $enable_serial_logging`) or another block: it may not run. */
  readonly conditional: boolean;
}

export interface VagrantLayout {
  readonly lines: readonly RubyLine[];
  readonly configure: Block;
  /** `(1..$num_instances).each do |i|` or `1.upto($num_instances) do |i|`. */
  readonly loop?: Block;
  /** `config.vm.define … do |config|`, inside the loop. */
  readonly define?: Block;
  /**
   * The machine's own VirtualBox block: `config.vm.provider :virtualbox do |vb|`
   * directly in the define block (not the one for every machine, nor one
   * inside `if $enable_serial_logging`).
   */
  readonly provider?: Block;
  /** The machine's own libvirt block, likewise. */
  readonly libvirt?: Block;
  /** Every provider block in the configure block, in file order. */
  readonly providers: readonly ProviderBlock[];
  /** Every `config.vm.define … do` block, in file order (one inside the loop, or written one by one). */
  readonly defines: readonly Block[];
  /** The line ending of the file ('\r\n' or '\n'). */
  readonly eol: string;
  /** One level of indentation in this file: a tab or some spaces. */
  readonly unit: string;
}

const CONFIGURE = /\bVagrant\.configure\s*\(?\s*(?:["']2["']|2)\s*\)?\s*do\s*\|\s*(\w+)\s*\|/;
const LOOP =
  /(?:\(\s*1\s*\.\.\s*\$num_instances\s*\)\s*\.each|\b1\s*\.upto\s*\(\s*\$num_instances\s*\))\s*do\s*\|\s*(\w+)\s*\|/;
const DEFINE = /\b\w+\.vm\.define\b.*\bdo\s*\|\s*(\w+)\s*\|/;
const ANY_PROVIDER =
  /\b\w+\.vm\.provider\s*\(?\s*(?::(\w+)|"(\w+)"|'(\w+)'|([a-z_]\w*))\s*\)?[^#]*\bdo\s*\|\s*(\w+)\s*(?:,\s*\w+\s*)?\|/;

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
  const parents = parentsOf(lines);
  const defines = blocks(lines, DEFINE, configure);
  const providers = blocks(lines, ANY_PROVIDER, configure, 5).map((b): ProviderBlock => {
    const m = ANY_PROVIDER.exec(lines[b.start].code)!;
    const owner = defines.find((d) => d.start < b.start && b.end < d.end);
    const scope = owner ? 'machine' : 'all';
    // Directly in the define block (or, for all machines, in the configure block or the loop).
    const parent = parents[b.start];
    const direct = owner ? parent === owner.start : parent === configure.start || parent === loop?.start;
    return { ...b, provider: m[1] ?? m[2] ?? m[3], scope, conditional: !direct };
  });
  const [provider, libvirt] = [ownProvider(providers, define, 'virtualbox'), ownProvider(providers, define, 'libvirt')];
  return {
    ok: true,
    layout: {
      lines,
      configure,
      loop,
      define,
      provider: provider && { start: provider.start, end: provider.end, name: provider.name },
      libvirt: libvirt && { start: libvirt.start, end: libvirt.end, name: libvirt.name },
      providers,
      defines,
      eol: eolOf(lines),
      unit: unitOf(lines, configure),
    },
  };
}

/**
 * The machine's own block for a provider: directly in the define block of
 * the loop (not inside an `if` or another block, which may not run).
 */
export function ownProvider(
  providers: readonly ProviderBlock[],
  define: Block | undefined,
  name: string,
): ProviderBlock | undefined {
  return (
    define &&
    providers.find(
      (p) =>
        p.provider === name && !p.conditional && p.scope === 'machine' && define.start < p.start && p.end < define.end,
    )
  );
}

/** The blocks for a provider that every machine runs: directly in the configure block or the loop. */
export function sharedProviders(providers: readonly ProviderBlock[], name: string): ProviderBlock[] {
  return providers.filter((p) => p.provider === name && !p.conditional && p.scope === 'all');
}

/** Every block whose first line matches, inside `within`. */
function blocks(lines: readonly RubyLine[], pattern: RegExp, within: Block, group = 1): Block[] {
  const out: Block[] = [];
  for (let i = within.start + 1; i < within.end; i++) {
    if (pattern.test(lines[i].code)) {
      const b = block(lines, pattern, i, within.end, group);
      if (b) {
        out.push(b);
      }
    }
  }
  return out;
}

/** For each line, the first line of the innermost block around it (-1 at the top level). */
export function parentsOf(lines: readonly RubyLine[]): number[] {
  const stack: number[] = [];
  return lines.map((l, i) => {
    const parent = stack[stack.length - 1] ?? -1;
    const delta = blockDelta(l.bare);
    for (let k = 0; k < delta; k++) {
      stack.push(i);
    }
    for (let k = 0; k > delta; k--) {
      stack.pop();
    }
    return parent;
  });
}

function block(lines: readonly RubyLine[], pattern: RegExp, from: number, to: number, group = 1): Block | undefined {
  const start = findLine(lines, pattern, from, to);
  if (start === undefined) {
    return undefined;
  }
  const end = blockEnd(lines, start);
  const name = pattern.exec(lines[start].code)?.[group];
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
  return applyLineEdits(layout.lines, layout.eol, edits);
}

/** The same, on any Ruby file's lines (config.rb), new lines ending with `eol`. */
export function applyLineEdits(source: readonly RubyLine[], eol: string, edits: readonly LineEdit[]): RubyLine[] {
  const lines = [...source];
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
      lines.splice(edit.before, 0, ...edit.texts.map((t) => newLine(t, eol)));
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
export function noMachineBlock(l10n: Localizer, layout?: VagrantLayout): string {
  const names = layout && !layout.loop ? layout.defines.map((d) => defineName(layout.lines[d.start].code) ?? '?') : [];
  if (names.length > 0) {
    return l10n.t(
      'This Vagrantfile writes its machines one by one ({0}): Swarm Lab changes machines made by a loop only, and never invents one. Write them as a loop, then run this again: (1..$num_instances).each do |i| config.vm.define "core-%02d" % i do |config| … end end. The Vagrantfile was left untouched.',
      names.join(', '),
    );
  }
  return l10n.t(
    'This Vagrantfile has no per-machine block ((1..$num_instances).each do |i| … config.vm.define … do |config|); it was left untouched.',
  );
}

/** The name a define line gives (`config.vm.define "core-01" do`, `:web`), or the define call when it computes it. */
export function defineName(code: string): string | undefined {
  const m = /\.vm\.define\s*\(?\s*(?:"([^"#]*)"|'([^']*)'|:(\w+)|([^,\s)]+))/.exec(code);
  return m ? (m[1] ?? m[2] ?? m[3] ?? `config.vm.define ${m[4]}`) : undefined;
}

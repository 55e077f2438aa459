/**
 * The `$settings` of a coreos-vagrant layout and where Vagrant really takes
 * them from. The Vagrantfile writes defaults (`$num_instances = 1`), then
 * loads a `config.rb` beside it when there is one (`require CONFIG`), whose
 * assignments (`$num_instances=3`) win: Vagrant runs what config.rb says.
 */
import { evaluateRuby, type RubyValue } from './rubyValues';
import { blockDelta, type RubyLine, splitRubyLines } from './rubyLines';

export type SettingsFile = 'Vagrantfile' | 'config.rb';

export interface GlobalAssignment {
  readonly name: string;
  readonly expression: string;
  /** 0-based, in its own file. */
  readonly line: number;
  readonly file: SettingsFile;
  /** Inside an `if` (or any block), or with a modifier (`… if $x.nil?`): it may not run. */
  readonly conditional: boolean;
  /** At the top level, the condition that decides it: `$x.nil?` for `$x ||= 3` and `$x = 3 if $x.nil?`. */
  readonly when?: string;
}

const ASSIGNMENT = /^\s*\$(\w+)\s*(\|\|)?=(?!=)\s*(\S.*?)\s*$/;
const MODIFIER = /\s(?:if|unless)\s/;

/** Every `$name = …` line of a file, with whether it always runs. */
export function globalAssignments(lines: readonly RubyLine[], file: SettingsFile): GlobalAssignment[] {
  const out: GlobalAssignment[] = [];
  let depth = 0;
  lines.forEach((l, line) => {
    const m = ASSIGNMENT.exec(l.code);
    if (m) {
      const modifier = MODIFIER.test(l.bare) ? /^(.*?)\s+(if|unless)\s+(.*)$/.exec(m[3]) : null;
      const conditional = depth > 0 || m[2] !== undefined || modifier !== null;
      const when =
        depth > 0
          ? undefined
          : m[2] !== undefined
            ? `$${m[1]}.nil?`
            : modifier
              ? `${modifier[2] === 'unless' ? '!' : ''}(${modifier[3]})`
              : undefined;
      const expression = modifier && depth === 0 ? modifier[1] : m[3];
      out.push({ name: m[1], expression, line, file, conditional, ...(when !== undefined ? { when } : {}) });
    }
    depth += blockDelta(l.bare);
  });
  return out;
}

/**
 * The line that loads config.rb, if the Vagrantfile does: coreos-vagrant's
 * `CONFIG = File.join(File.dirname(__FILE__), "config.rb")` then
 * `require CONFIG` (or `load CONFIG`), or a direct `require_relative 'config'`,
 * `load "config.rb"`, `eval(File.read("config.rb"))`.
 */
export function configRbLoadLine(lines: readonly RubyLine[]): number | undefined {
  const constants = new Set<string>();
  for (const l of lines) {
    const m = /^\s*([A-Z]\w*)\s*=\s*.*["'](?:\.\/)?config\.rb["']/.exec(l.text);
    if (m) {
      constants.add(m[1]);
    }
  }
  for (const [i, l] of lines.entries()) {
    if (!/\b(?:require|load|require_relative|eval)\b/.test(l.code)) {
      continue;
    }
    const names = [...constants].some((c) => new RegExp(`\\b${c}\\b`).test(l.code));
    if (names || /["'](?:\.\/)?config(?:\.rb)?["']/.test(l.code)) {
      return i;
    }
  }
  return undefined;
}

export interface SettingsSources {
  readonly vagrantfile: readonly RubyLine[];
  /** config.rb's lines, when the Vagrantfile loads it and it exists. */
  readonly configRb?: readonly RubyLine[];
  readonly loadLine?: number;
}

export function settingsSources(vagrantfile: readonly RubyLine[], configRb: string | undefined): SettingsSources {
  const loadLine = configRbLoadLine(vagrantfile);
  return {
    vagrantfile,
    ...(loadLine !== undefined ? { loadLine } : {}),
    ...(loadLine !== undefined && configRb !== undefined ? { configRb: splitRubyLines(configRb) } : {}),
  };
}

/**
 * The assignments that decide `$name`, in the order Vagrant runs them: the
 * Vagrantfile's unconditional ones up to the load of config.rb, config.rb's,
 * then the Vagrantfile's after it. The last one wins; conditional ones are
 * returned apart (they may or may not run).
 */
export function assignmentsOf(
  sources: SettingsSources,
  name: string,
): { readonly sure: GlobalAssignment[]; readonly conditional: GlobalAssignment[] } {
  const all = ordered(sources).filter((a) => a.name === name);
  return { sure: all.filter((a) => !a.conditional), conditional: all.filter((a) => a.conditional) };
}

/** Both files' assignments in the order Vagrant runs them: config.rb's where the Vagrantfile loads it. */
function ordered(sources: SettingsSources): GlobalAssignment[] {
  const at = (a: GlobalAssignment): number => (a.file === 'config.rb' ? (sources.loadLine ?? 0) + 0.5 : a.line);
  return [
    ...globalAssignments(sources.vagrantfile, 'Vagrantfile'),
    ...globalAssignments(sources.configRb ?? [], 'config.rb'),
  ].sort((x, y) => at(x) - at(y) || x.line - y.line);
}

/**
 * Every global's value as Vagrant would have it; `unknown`: those assigned
 * from what the files do not say (the environment, a condition); any other
 * global is nil. Also the helpers `def x … end`.
 */
export function globalValues(sources: SettingsSources): {
  globals: Map<string, RubyValue>;
  methods: Map<string, string>;
  unknown: Set<string>;
} {
  const globals = new Map<string, RubyValue>();
  const unknown = new Set<string>();
  const methods = definedMethods(sources.vagrantfile);
  const all = ordered(sources);
  for (const a of all) {
    const scope = { globals, locals: new Map(), methods, unknownGlobals: unknown };
    const runs = a.when !== undefined ? evaluateRuby(a.when, scope) : !a.conditional;
    if (runs === undefined || (a.conditional && a.when === undefined)) {
      // Decided by what the files do not say: unknown, unless an assignment that always runs sets it.
      if (!all.some((b) => b.name === a.name && !b.conditional)) {
        unknown.add(a.name);
      }
      continue;
    }
    if (runs === false || runs === null) {
      continue;
    }
    const value = evaluateRuby(a.expression, scope);
    if (value === undefined) {
      globals.delete(a.name);
      unknown.add(a.name);
    } else {
      globals.set(a.name, value);
      unknown.delete(a.name);
    }
  }
  return { globals, methods, unknown };
}

/** `def vm_memory` / one expression / `end`: coreos-vagrant's helpers for old setting names. */
function definedMethods(lines: readonly RubyLine[]): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i + 2 < lines.length; i++) {
    const def = /^\s*def\s+(\w+[?!]?)\s*(?:\(\s*\))?\s*$/.exec(lines[i].code);
    if (def && /^\s*end\s*$/.test(lines[i + 2].code)) {
      out.set(def[1], lines[i + 1].code.trim());
    }
  }
  return out;
}

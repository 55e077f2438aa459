/**
 * The machines a Vagrantfile will make, read from its text (and config.rb's)
 * without running `vagrant`: names (`"%s-%02d" % [$instance_name_prefix, i]`
 * and its variants), how many (config.rb's `$num_instances` winning),
 * addresses (`"172.17.8.#{i+100}"`), memory, CPUs, the provider, the network
 * and whether each machine has the data disk. What the Machines view shows
 * as "not created" before the first `vagrant up`, and what the steps plan
 * from. A value the file computes from anything else (the environment, a
 * file) is left out rather than guessed; a count that cannot be told makes
 * the whole plan fail, with the reason.
 */
import type { Localizer } from '../l10n';
import { defaultProvider, namedProviders } from './diskProviders';
import { evaluateRuby, type RubyScope, type RubyValue } from './rubyValues';
import { readVagrantfile, type VagrantFiles, type VagrantLabSettings } from './vagrantfile';
import { assignmentsOf, globalValues, settingsSources } from './vagrantGlobals';
import { splitTopLevel } from './rubyLines';
import { layoutOf, parentsOf, type Block, type VagrantLayout } from './vagrantLayout';

export interface PlannedMachine {
  readonly name: string;
  /** The address on the host-only or bridged network, when the file gives one. */
  readonly ip?: string;
  readonly memoryMb?: number;
  readonly cpus?: number;
}

export interface VagrantfilePlan {
  readonly machines: readonly PlannedMachine[];
  /** Where the number of machines comes from. */
  readonly countFrom: 'Vagrantfile' | 'config.rb' | 'machines';
  /** The provider Vagrant uses unless told otherwise: the file's default, or the first it names, or VirtualBox. */
  readonly provider: string;
  readonly network: 'host-only' | 'bridged' | 'none';
  /** Each machine has the lab's data disk (VirtualBox, libvirt or swarmlab_qemu), as the file says. */
  readonly dataDisk: boolean;
  readonly notes: readonly string[];
}

export type PlanResult =
  { readonly ok: true; readonly plan: VagrantfilePlan } | { readonly ok: false; readonly error: string };

const LOOPS: ReadonlyArray<{
  pattern: RegExp;
  values: (m: RegExpExecArray, scope: RubyScope) => RubyValue[] | undefined;
}> = [
  {
    // (1..$num_instances).each do |i|, (1...n).each
    pattern: /\(\s*(.+?)\s*(\.\.\.?)\s*(.+?)\s*\)\s*\.each\s+do\s*\|\s*(\w+)\s*\|/,
    values: (m, scope) => range(evaluateRuby(m[1], scope), evaluateRuby(m[3], scope), m[2] === '...'),
  },
  {
    // 1.upto($num_instances) do |i|
    pattern: /(\S+)\s*\.upto\s*\(\s*(.+?)\s*\)\s*do\s*\|\s*(\w+)\s*\|/,
    values: (m, scope) => range(evaluateRuby(m[1], scope), evaluateRuby(m[2], scope), false),
  },
  {
    // $num_instances.times do |i| (from 0)
    pattern: /(\S+)\s*\.times\s+do\s*\|\s*(\w+)\s*\|/,
    values: (m, scope) => range(0, evaluateRuby(m[1], scope), true),
  },
  {
    // ["core-01", "core-02"].each do |name|, .each_with_index do |name, i|
    pattern: /(\[.*\]|\$\w+)\s*\.each(_with_index)?\s+do\s*\|\s*(\w+)\s*(?:,\s*(\w+)\s*)?\|/,
    values: (m, scope) => {
      const list = evaluateRuby(m[1], scope);
      return Array.isArray(list) ? [...(list as RubyValue[])] : undefined;
    },
  },
];

function range(from: RubyValue | undefined, to: RubyValue | undefined, exclusive: boolean): number[] | undefined {
  if (typeof from !== 'number' || typeof to !== 'number' || to - from > 100) {
    return undefined;
  }
  const out: number[] = [];
  for (let v = from; exclusive ? v < to : v <= to; v++) {
    out.push(v);
  }
  return out;
}

/** The locals a loop line binds for one of its values (the index too, for each_with_index). */
function loopLocals(line: string, value: RubyValue, index: number): Map<string, RubyValue> | undefined {
  for (const loop of LOOPS) {
    const m = loop.pattern.exec(line);
    if (!m) {
      continue;
    }
    if (loop === LOOPS[3]) {
      return new Map<string, RubyValue>([[m[3], value], ...(m[4] ? [[m[4], index] as [string, RubyValue]] : [])]);
    }
    return new Map([[m[m.length - 1], value]]);
  }
  return undefined;
}

const DEFINE_LINE = /\.vm\.define\b\s*(.*?)\s*\bdo\s*\|\s*\w+\s*\|/;

export function planVagrantMachines(text: string, l10n: Localizer, files: VagrantFiles = {}): PlanResult {
  const laid = layoutOf(text, l10n);
  const read = readVagrantfile(text, l10n, files);
  if (!laid.ok || !read.ok) {
    return { ok: false, error: !laid.ok ? laid.error : !read.ok ? read.error : '' };
  }
  const { layout } = laid;
  const { settings } = read;
  const sources = settingsSources(layout.lines, files.configRb);
  const { globals, methods, unknown } = globalValues(sources);
  const parents = parentsOf(layout.lines);
  const base: RubyScope = { globals, locals: new Map(), methods, unknownGlobals: unknown };
  const machines: PlannedMachine[] = [];
  let countFrom: VagrantfilePlan['countFrom'] = 'machines';
  const loops = loopsAround(layout, parents);
  if (loops.length > 0) {
    for (const { loop, define } of loops) {
      const values = valuesOf(layout.lines[loop.start].code, base);
      if (!values) {
        return { ok: false, error: countUnknown(layout.lines[loop.start].text.trim(), l10n) };
      }
      for (const [index, value] of values.entries()) {
        const locals = loopLocals(layout.lines[loop.start].code, value, index) ?? new Map<string, RubyValue>();
        const machine = machineOf(layout, parents, define, { ...base, locals });
        if (!machine) {
          return { ok: false, error: countUnknown(layout.lines[define.start].text.trim(), l10n) };
        }
        machines.push(machine);
      }
      const counted = /\$num_instances\b/.test(layout.lines[loop.start].code);
      const last = counted ? assignmentsOf(sources, 'num_instances').sure.pop() : undefined;
      countFrom = last?.file ?? countFrom;
    }
  } else if (layout.defines.length > 0) {
    for (const define of layout.defines) {
      const machine = machineOf(layout, parents, define, base);
      if (!machine) {
        return { ok: false, error: countUnknown(layout.lines[define.start].text.trim(), l10n) };
      }
      machines.push(machine);
    }
  } else {
    // No define block: Vagrant's one machine, named "default".
    machines.push({ name: 'default', ...machineSettings(layout, parents, layout.configure, base) });
  }
  const provider = defaultProvider(layout) ?? namedProviders(layout)[0] ?? 'virtualbox';
  return {
    ok: true,
    plan: {
      machines,
      countFrom,
      provider,
      network: settings.network?.kind ?? 'none',
      dataDisk: diskConfigured(provider, settings),
      notes: settings.notes,
    },
  };
}

function countUnknown(line: string, l10n: Localizer): string {
  return l10n.t('Swarm Lab cannot tell the machines from the Vagrantfile alone ({0}): only Vagrant can say.', line);
}

function valuesOf(code: string, scope: RubyScope): RubyValue[] | undefined {
  for (const loop of LOOPS) {
    const m = loop.pattern.exec(code);
    if (m) {
      return loop.values(m, scope);
    }
  }
  return undefined;
}

/** The loops of the configure block that hold a define block, each with that block. */
function loopsAround(layout: VagrantLayout, parents: readonly number[]): Array<{ loop: Block; define: Block }> {
  const out: Array<{ loop: Block; define: Block }> = [];
  for (const define of layout.defines) {
    const parent = parents[define.start];
    if (parent > layout.configure.start && LOOPS.some((l) => l.pattern.test(layout.lines[parent].code))) {
      out.push({ loop: { start: parent, end: define.end + 1, name: '' }, define });
    }
  }
  return out;
}

function machineOf(
  layout: VagrantLayout,
  parents: readonly number[],
  define: Block,
  scope: RubyScope,
): PlannedMachine | undefined {
  const m = DEFINE_LINE.exec(layout.lines[define.start].code);
  // `define("core-01", primary: true)`: the parentheses of the call, not of the name.
  const args = /^\((.*)\)$/.exec(m?.[1] ?? '')?.[1] ?? m?.[1] ?? '';
  const [first] = splitTopLevel(args).filter((s) => s !== '');
  const assigned = /^([a-z_]\w*)\s*=(?!=)\s*(.+)$/.exec(first ?? '');
  const name = evaluateRuby(assigned ? assigned[2] : (first ?? ''), scope);
  if (typeof name !== 'string' || name === '') {
    return undefined;
  }
  const locals = new Map(scope.locals);
  if (assigned) {
    locals.set(assigned[1], name);
  }
  return { name, ...machineSettings(layout, parents, define, { ...scope, locals }) };
}

/** Address, memory and CPUs of one machine: its define block's settings, else those for every machine. */
function machineSettings(
  layout: VagrantLayout,
  parents: readonly number[],
  define: Block,
  scope: RubyScope,
): Omit<PlannedMachine, 'name'> {
  const locals = new Map(scope.locals);
  const lines = layout.lines;
  let ip: RubyValue | undefined;
  for (let j = define.start + 1; j < define.end; j++) {
    if (parents[j] !== define.start) {
      continue; // inside an if, a loop, a provider block: not for every run
    }
    const local = /^\s*([a-z_]\w*)\s*=(?!=)\s*(\S.*?)\s*$/.exec(lines[j].code);
    const value = local ? evaluateRuby(local[2], { ...scope, locals }) : undefined;
    if (local && value !== undefined) {
      locals.set(local[1], value);
    } else if (local) {
      locals.delete(local[1]);
    }
    const network =
      /\.vm\.network\s*\(?\s*[:"']?(?:private|public)_network["']?\s*,.*?(?:\bip:|:ip\s*=>)\s*([^,]+?)\s*(?:,|\)?\s*$)/.exec(
        lines[j].code,
      );
    if (network) {
      ip = evaluateRuby(network[1], { ...scope, locals });
    }
  }
  const full = { ...scope, locals };
  const memory = providerValue(layout, define, full, /\.memory\s*=(?!=)\s*(\S.*?)\s*$/, '--memory');
  const cpus = providerValue(layout, define, full, /\.cpus\s*=(?!=)\s*(\S.*?)\s*$/, '--cpus');
  return {
    ...(typeof ip === 'string' ? { ip } : {}),
    ...(typeof memory === 'number' ? { memoryMb: memory } : {}),
    ...(typeof cpus === 'number' ? { cpus } : {}),
  };
}

/** `vb.memory = …` or `vb.customize ["modifyvm", :id, "--memory", …]` in the machine's provider block, else in the one for all. */
function providerValue(
  layout: VagrantLayout,
  define: Block,
  scope: RubyScope,
  assignment: RegExp,
  flag: string,
): RubyValue | undefined {
  const blocks = [
    ...layout.providers.filter((p) => !p.conditional && define.start < p.start && p.end < define.end),
    ...layout.providers.filter((p) => !p.conditional && p.scope === 'all'),
  ];
  for (const b of blocks) {
    for (let j = b.start + 1; j < b.end; j++) {
      const code = layout.lines[j].code;
      const m = assignment.exec(code);
      const custom = new RegExp(`["']${flag}["']\\s*,\\s*([^,\\]]+)`).exec(code);
      const expression = m?.[1] ?? custom?.[1];
      if (expression !== undefined) {
        const v = evaluateRuby(expression, scope);
        return typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
      }
    }
  }
  return undefined;
}

function diskConfigured(provider: string, settings: VagrantLabSettings): boolean {
  if (provider === 'libvirt') {
    return settings.libvirtDisk !== undefined;
  }
  if (provider === 'swarmlab_qemu') {
    return settings.qemuDisk !== undefined;
  }
  if (provider !== 'virtualbox') {
    return false;
  }
  const d = settings.dataDisk;
  return d !== undefined && d.attachLine !== undefined && (d.createLine === undefined || d.guarded);
}

/**
 * The lab's extra data disk (Ceph's OSD device, section 5): a 10 GB
 * VirtualBox disk per machine, created once and attached on the IDE
 * controller, port 1 device 1, as the seed's Vagrantfile does:
 *
 *   unless File.exist?(disk)
 *     vb.customize ['createmedium', '--filename', disk, '--size', 10 * 1024]
 *   end
 *   vb.customize ['storageattach', :id, '--storagectl', 'IDE Controller', …, '--medium', disk]
 *
 * Without the guard, the second `vagrant up` fails: VirtualBox refuses to
 * create a disk file that exists.
 */
import type { Localizer } from '../l10n';
import { blockEnd, indentOf, splitTopLevel, type RubyLine } from './rubyLines';
import { innerIndent, noMachineBlock, type LineEdit, type ProviderBlock, type VagrantLayout } from './vagrantLayout';

export interface DataDiskInfo {
  /** The disk file as a Ruby expression, as written (`"ddplus0#{i}.vdi"`). */
  readonly file: string;
  readonly sizeMb?: number;
  readonly controller?: string;
  readonly port?: number;
  readonly device?: number;
  /** Created only if the file does not exist yet. */
  readonly guarded: boolean;
  /** Line numbers (0-based) of the create and attach calls. */
  readonly createLine?: number;
  readonly attachLine?: number;
  /** The guard says `File.exists?`, gone from the Ruby of recent Vagrant releases. */
  readonly oldExistsCall: boolean;
  /** Line numbers (0-based) of the lines the create and attach calls go on to (an argument list over several lines). */
  readonly createLast?: number;
  readonly attachLast?: number;
}

export const DATA_DISK_SIZE_MB = 10 * 1024;

const CUSTOMIZE = /\.customize\s*\(?\s*\[(.*)\]\s*\)?/;
const DISK_WORDS = /\b(?:storageattach|createmedium|createhd)\b/;
const EXISTS = 'File\\.(?:exists?|file)\\?';
const GUARD = new RegExp(`^\\s*(?:unless\\s+|if\\s+(?:!\\s*|not\\s+))${EXISTS}`);
const GUARD_MODIFIER = new RegExp(`\\]\\s*\\)?\\s*(?:unless\\s+|if\\s+(?:!\\s*|not\\s+))${EXISTS}`);

export type DiskSearch =
  | {
      readonly ok: true;
      readonly disk?: DataDiskInfo;
      /** Disk calls that do not give each machine its disk: where, and why (localized). */
      readonly ignored: readonly string[];
    }
  | { readonly ok: false; readonly error: string };

/** One `x.customize [...]` call, its argument list possibly over several lines. */
interface CustomizeCall {
  readonly first: number;
  readonly last: number;
  readonly args: readonly string[];
}

/**
 * Finds the data disk in the machine's own VirtualBox block; calls anywhere
 * else (the block for all machines, one under `if $enable_serial_logging`)
 * do not give each machine its disk, and are reported apart.
 */
export function findDataDisk(layout: VagrantLayout, l10n: Localizer): DiskSearch {
  const { lines } = layout;
  const calls: CustomizeCall[] = [];
  for (let i = 0; i < lines.length; i++) {
    const last = /\.customize\b/.test(lines[i].code) ? statementEnd(lines, i) : i;
    const code = lines
      .slice(i, last + 1)
      .map((l) => l.code)
      .join(' ');
    if (!DISK_WORDS.test(code)) {
      i = last;
      continue;
    }
    const args = customizeArgs(code);
    const verb = args && unquote(args[0]);
    if (!args || (verb !== 'createmedium' && verb !== 'createhd' && verb !== 'storageattach')) {
      // Built some other way (a shell command, a computed list): do not guess.
      return {
        ok: false,
        error: l10n.t(
          'Line {0} of the Vagrantfile handles a disk in a way Swarm Lab cannot read; it was left untouched.',
          i + 1,
        ),
      };
    }
    calls.push({ first: i, last, args });
    i = last;
  }
  const where = diskRegion(layout);
  const ignored = calls.filter((c) => !where.inside(c.first));
  const mine = calls.filter((c) => where.inside(c.first));
  const verbOf = (c: CustomizeCall): string | undefined => unquote(c.args[0]);
  const create = mine.find((c) => verbOf(c) === 'createmedium' || verbOf(c) === 'createhd');
  const attach = mine.find((c) => verbOf(c) === 'storageattach');
  // One note per block, at its first disk call.
  const firsts = new Map(ignored.reverse().map((c) => [where.block(c.first), c.first]));
  const notes = [...firsts.values()].sort((a, b) => a - b).map((line) => where.why(line, l10n));
  if (!create && !attach) {
    return { ok: true, ignored: notes };
  }
  const createOpts = options(create?.args ?? []);
  const attachOpts = options(attach?.args ?? []);
  const guard = create && guardOf(lines, create.first, create.last);
  return {
    ok: true,
    ignored: notes,
    disk: {
      file: createOpts.get('--filename') ?? attachOpts.get('--medium') ?? '',
      sizeMb: evaluateSize(createOpts.get('--size')),
      controller: unquote(attachOpts.get('--storagectl')),
      port: integer(attachOpts.get('--port')),
      device: integer(attachOpts.get('--device')),
      guarded: guard !== undefined,
      createLine: create?.first,
      attachLine: attach?.first,
      oldExistsCall: guard !== undefined && /File\.exists\?/.test(lines[guard].code),
      ...(create && create.last !== create.first ? { createLast: create.last } : {}),
      ...(attach && attach.last !== attach.first ? { attachLast: attach.last } : {}),
    },
  };
}

/**
 * Where a disk call gives each machine its own disk: the machine's own
 * VirtualBox block; in a file without one, anywhere but a block that may
 * not run or one shared by every machine of a loop.
 */
function diskRegion(layout: VagrantLayout): {
  inside(line: number): boolean;
  block(line: number): number;
  why(line: number, l10n: Localizer): string;
} {
  const blockOf = (line: number): ProviderBlock | undefined =>
    layout.providers.filter((p) => p.start < line && line < p.end).pop();
  const own = layout.provider;
  return {
    block: (line) => blockOf(line)?.start ?? -1,
    inside: (line) => {
      if (own) {
        return own.start < line && line < own.end;
      }
      const b = blockOf(line);
      return !b?.conditional && !(layout.loop && b?.scope === 'all');
    },
    why: (line, l10n) =>
      blockOf(line)?.conditional
        ? l10n.t(
            'The disk calls on line {0} are in a block that runs only under a condition (such as if $enable_serial_logging): they do not count as the data disk.',
            line + 1,
          )
        : l10n.t(
            'The disk calls on line {0} are in the block for every machine: all would share one disk file, so they do not count as the data disk.',
            line + 1,
          ),
  };
}

/** The line where a statement that opens brackets on line `i` closes them (strings and comments ignored). */
function statementEnd(lines: readonly RubyLine[], i: number): number {
  let depth = 0;
  for (let j = i; j < lines.length; j++) {
    for (const c of lines[j].bare) {
      depth += '([{'.includes(c) ? 1 : ')]}'.includes(c) ? -1 : 0;
    }
    if (depth <= 0) {
      return j;
    }
  }
  return i;
}

/**
 * The edits that give each machine its guarded data disk: the whole snippet
 * when there is none, a guard when the creation has none, the attachment
 * when it is missing, `File.exist?` for the removed `File.exists?`.
 * Returns an error when the machine block it needs is not there.
 */
export function dataDiskEdits(
  layout: VagrantLayout,
  disk: DataDiskInfo | undefined,
  l10n: Localizer,
): { ok: true; edits: LineEdit[] } | { ok: false; error: string } {
  const { lines } = layout;
  if (disk?.createLine !== undefined) {
    const edits: LineEdit[] = [];
    const createLine = disk.createLine;
    const createLast = disk.createLast ?? createLine;
    const guard = guardOf(lines, createLine, createLast);
    if (guard === undefined) {
      edits.push({ kind: 'replace', line: createLast, text: addGuard(lines[createLast], disk.file) });
    } else if (disk.oldExistsCall) {
      edits.push({ kind: 'replace', line: guard, text: lines[guard].text.replace('File.exists?', 'File.exist?') });
    }
    if (disk.attachLine === undefined) {
      const around = guard !== undefined && guard < createLine;
      const after = around ? (blockEnd(lines, guard) ?? createLast) : createLast;
      const indent = indentOf(lines[around ? guard : createLine].text);
      const vb = /(\w+)\.customize/.exec(lines[createLine].code)?.[1] ?? 'vb';
      // In the quotes the user's create call uses.
      const quote = /\.customize\s*\(?\s*\['/.test(lines[createLine].code) ? "'" : '"';
      edits.push({ kind: 'insert', before: after + 1, texts: [indent + attachCall(vb, disk.file, quote)] });
    }
    return { ok: true, edits };
  }
  if (disk?.attachLine !== undefined) {
    // Attached, created some other way (by hand, once): nothing to add.
    return { ok: true, edits: [] };
  }
  const { loop, define, provider } = layout;
  if (!loop || !define) {
    return { ok: false, error: noMachineBlock(l10n, layout) };
  }
  if (provider) {
    const indent = innerIndent(layout, provider);
    return {
      ok: true,
      edits: [
        {
          kind: 'insert',
          before: provider.end,
          texts: snippet(provider.name, loop.name, layout.unit).map((t) => indent + t),
        },
      ],
    };
  }
  // No VirtualBox block for the machine yet: one, holding the disk.
  const indent = innerIndent(layout, define);
  const vb = define.name === 'vb' ? 'virtualbox' : 'vb';
  const texts = [
    `${define.name}.vm.provider :virtualbox do |${vb}|`,
    ...snippet(vb, loop.name, layout.unit).map((t) => layout.unit + t),
    'end',
  ];
  return { ok: true, edits: [{ kind: 'insert', before: define.end, texts: texts.map((t) => indent + t) }] };
}

/** The lines added to a provider block, relative to its inner indentation. */
function snippet(vb: string, index: string, unit: string): string[] {
  return [
    `# Swarm Lab: a second ${DATA_DISK_SIZE_MB / 1024} GB disk, created on the first "vagrant up" only`,
    `data_disk = File.join(File.dirname(__FILE__), "data-disk-%02d.vdi" % ${index})`,
    'unless File.exist?(data_disk)',
    `${unit}${vb}.customize ["createmedium", "--filename", data_disk, "--size", ${DATA_DISK_SIZE_MB / 1024} * 1024]`,
    'end',
    attachCall(vb, 'data_disk', '"'),
  ];
}

function attachCall(vb: string, file: string, quote: string): string {
  const words = [
    'storageattach',
    ':id',
    '--storagectl',
    'IDE Controller',
    '--port',
    '1',
    '--device',
    '1',
    '--type',
    'hdd',
    '--medium',
  ];
  const args = words.map((w) => (/^(?::id|\d+)$/.test(w) ? w : quote + w + quote));
  return `${vb}.customize [${[...args, file].join(', ')}]`;
}

/** `vb.customize [...]` becomes `vb.customize [...] unless File.exist?(file)`, before any comment. */
function addGuard(line: RubyLine, file: string): string {
  const comment = line.code.length - line.code.trimEnd().length;
  const codeEnd = line.text.length - comment;
  const body = line.text.slice(0, codeEnd).trimEnd();
  return `${body} unless File.exist?(${file})${line.text.slice(body.length)}`;
}

/** The line of the guard around a create call on lines first..last (its last line, for a modifier), if any. */
function guardOf(lines: readonly RubyLine[], createLine: number, last = createLine): number | undefined {
  if (GUARD_MODIFIER.test(lines[last].code)) {
    return last;
  }
  for (let i = createLine - 1; i >= 0; i--) {
    const end = blockEnd(lines, i);
    if (GUARD.test(lines[i].code) && end !== undefined && end > last) {
      return i;
    }
    if (lines[i].code.trim() !== '' && indentOf(lines[i].text).length < indentOf(lines[createLine].text).length) {
      // The first line to the left is the enclosing one: if it is not a guard, there is none.
      return undefined;
    }
  }
  return undefined;
}

/** The arguments of `x.customize [a, b, …]`, split at top-level commas. */
function customizeArgs(code: string): string[] | undefined {
  const inner = CUSTOMIZE.exec(code)?.[1];
  if (inner === undefined) {
    return undefined;
  }
  return splitTopLevel(inner);
}

/** `--flag, value` pairs of a VBoxManage argument list. */
function options(args: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i < args.length - 1; i++) {
    const flag = unquote(args[i]);
    if (flag?.startsWith('--')) {
      out.set(flag, args[i + 1]);
    }
  }
  return out;
}

/** The text of a plain string literal (no interpolation), or undefined. */
function unquote(token: string | undefined): string | undefined {
  const m = token === undefined ? null : /^(["'])(.*)\1$/.exec(token);
  return m && !(m[1] === '"' && m[2].includes('#{')) ? m[2] : undefined;
}

function integer(token: string | undefined): number | undefined {
  return token !== undefined && /^\d+$/.test(token) ? Number(token) : undefined;
}

/** `10 * 1024`, `10240`: a product of integers, in MB as VBoxManage takes it. */
function evaluateSize(token: string | undefined): number | undefined {
  if (token === undefined || !/^\d+(?:\s*\*\s*\d+)*$/.test(token)) {
    return undefined;
  }
  return token.split('*').reduce((product, n) => product * Number(n.trim()), 1);
}

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
import { blockEnd, indentOf, type RubyLine } from './rubyLines';
import { innerIndent, noMachineBlock, type LineEdit, type VagrantLayout } from './vagrantLayout';

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
}

export const DATA_DISK_SIZE_MB = 10 * 1024;

const CUSTOMIZE = /\.customize\s*\(?\s*\[(.*)\]\s*\)?/;
const DISK_WORDS = /\b(?:storageattach|createmedium|createhd)\b/;
const GUARD = /^\s*(?:unless\s+|if\s+(?:!\s*|not\s+))File\.exists?\?/;
const GUARD_MODIFIER = /\]\s*\)?\s*(?:unless\s+|if\s+(?:!\s*|not\s+))File\.exists?\?/;

export type DiskSearch =
  { readonly ok: true; readonly disk?: DataDiskInfo } | { readonly ok: false; readonly error: string };

/** Finds the data disk in the machine's provider block (or anywhere, if there is none). */
export function findDataDisk(layout: VagrantLayout, l10n: Localizer): DiskSearch {
  const { lines } = layout;
  let create: { line: number; args: string[] } | undefined;
  let attach: { line: number; args: string[] } | undefined;
  for (const [i, line] of lines.entries()) {
    if (!DISK_WORDS.test(line.code)) {
      continue;
    }
    const args = customizeArgs(line.code);
    const verb = args && unquote(args[0]);
    if (verb === 'createmedium' || verb === 'createhd') {
      create ??= { line: i, args: args ?? [] };
    } else if (verb === 'storageattach') {
      attach ??= { line: i, args: args ?? [] };
    } else {
      // Split over several lines, or built some other way: do not guess.
      return {
        ok: false,
        error: l10n.t(
          'Line {0} of the Vagrantfile handles a disk in a way Swarm Lab cannot read; it was left untouched.',
          i + 1,
        ),
      };
    }
  }
  if (!create && !attach) {
    return { ok: true };
  }
  const createOpts = options(create?.args ?? []);
  const attachOpts = options(attach?.args ?? []);
  const guard = create && guardOf(lines, create.line);
  return {
    ok: true,
    disk: {
      file: createOpts.get('--filename') ?? attachOpts.get('--medium') ?? '',
      sizeMb: evaluateSize(createOpts.get('--size')),
      controller: unquote(attachOpts.get('--storagectl')),
      port: integer(attachOpts.get('--port')),
      device: integer(attachOpts.get('--device')),
      guarded: guard !== undefined,
      createLine: create?.line,
      attachLine: attach?.line,
      oldExistsCall: guard !== undefined && /File\.exists\?/.test(lines[guard].code),
    },
  };
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
    const guard = guardOf(lines, createLine);
    if (guard === undefined) {
      edits.push({ kind: 'replace', line: createLine, text: addGuard(lines[createLine], disk.file) });
    } else if (disk.oldExistsCall) {
      edits.push({ kind: 'replace', line: guard, text: lines[guard].text.replace('File.exists?', 'File.exist?') });
    }
    if (disk.attachLine === undefined) {
      const after = guard !== undefined && guard !== createLine ? (blockEnd(lines, guard) ?? createLine) : createLine;
      const indent = indentOf(lines[guard ?? createLine].text);
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
    return { ok: false, error: noMachineBlock(l10n) };
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

/** The line of the guard around a create call (itself, for a modifier), if any. */
function guardOf(lines: readonly RubyLine[], createLine: number): number | undefined {
  if (GUARD_MODIFIER.test(lines[createLine].code)) {
    return createLine;
  }
  for (let i = createLine - 1; i >= 0; i--) {
    const end = blockEnd(lines, i);
    if (GUARD.test(lines[i].code) && end !== undefined && end > createLine) {
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
  const args: string[] = [];
  let depth = 0;
  let quote = '';
  let current = '';
  for (let i = 0; i < inner.length; i++) {
    const c = inner[i];
    if (quote) {
      if (c === '\\') {
        current += c + (inner[++i] ?? '');
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

/**
 * Vagrant's `--machine-readable` output, and what `vagrant status` says in it.
 *
 * Each line is `timestamp,target,type,data…` (Vagrant's ui.rb, MachineReadable#machine).
 * Vagrant escapes inside each data field: a comma becomes `%!(VAGRANT_COMMA)`,
 * a newline the two characters `\n`, a carriage return `\r`. Other lines can
 * be mixed in (`ssh-config` also prints its block plainly): they are skipped.
 */

export interface MachineReadableLine {
  readonly timestamp: number;
  /** The machine the line is about; '' for the environment as a whole. */
  readonly target: string;
  readonly type: string;
  readonly data: readonly string[];
}

const LINE = /^(\d+),([^,]*),([^,]+)(?:,(.*))?$/;

export function unescapeVagrant(field: string): string {
  // One pass, so that a `\` followed by `n` produced by an earlier replacement is not read twice.
  return field.replace(/%!\(VAGRANT_COMMA\)|\\n|\\r/g, (m) => (m === '\\n' ? '\n' : m === '\\r' ? '\r' : ','));
}

export function parseMachineReadable(text: string): MachineReadableLine[] {
  const lines: MachineReadableLine[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const m = LINE.exec(raw);
    if (!m) {
      continue;
    }
    lines.push({
      timestamp: Number(m[1]),
      target: m[2],
      type: m[3],
      data: m[4] === undefined ? [] : m[4].split(',').map(unescapeVagrant),
    });
  }
  return lines;
}

/** The states the views act on; any other provider state is kept raw as 'other'. */
export type VagrantState = 'running' | 'poweroff' | 'stopped' | 'not_created' | 'saved' | 'aborted' | 'other';

const KNOWN_STATES: ReadonlySet<string> = new Set([
  'running',
  'poweroff',
  'stopped',
  'not_created',
  'saved',
  'aborted',
]);

export interface VagrantMachineStatus {
  readonly name: string;
  readonly state: VagrantState;
  /** The provider's own state id (`gurumeditation`, `paused`, `host_state_unknown`…). */
  readonly rawState: string;
  /** `docker`, `virtualbox`, `libvirt`… */
  readonly provider: string;
  /** Vagrant's short wording ("not created", "poweroff"). */
  readonly label: string;
  /** Vagrant's long explanation of the state, when it gave one. */
  readonly description?: string;
}

/** What `error-exit` says: Vagrant's error class and its message. */
export interface VagrantExitError {
  /** e.g. `Vagrant::Errors::NoEnvironmentError`. */
  readonly errorClass: string;
  readonly message: string;
}

export function vagrantExitError(lines: readonly MachineReadableLine[]): VagrantExitError | undefined {
  const exit = lines.find((l) => l.type === 'error-exit');
  return exit ? { errorClass: exit.data[0] ?? '', message: (exit.data[1] ?? '').trim() } : undefined;
}

export function toVagrantState(raw: string): VagrantState {
  return KNOWN_STATES.has(raw) ? (raw as VagrantState) : 'other';
}

/**
 * Machines of `vagrant status --machine-readable`, in the Vagrantfile's
 * order. A machine exists once it has a `state` line; `metadata,provider`
 * lines (printed while the environment loads) only fill in its provider.
 */
export function parseVagrantStatus(text: string | readonly MachineReadableLine[]): {
  machines: VagrantMachineStatus[];
  error?: VagrantExitError;
} {
  const lines = typeof text === 'string' ? parseMachineReadable(text) : text;
  const byName = new Map<string, { rawState?: string; provider?: string; label?: string; description?: string }>();
  const entry = (name: string): { rawState?: string; provider?: string; label?: string; description?: string } => {
    let e = byName.get(name);
    if (!e) {
      e = {};
      byName.set(name, e);
    }
    return e;
  };
  for (const l of lines) {
    if (!l.target) {
      continue;
    }
    switch (l.type) {
      case 'metadata':
        if (l.data[0] === 'provider') {
          entry(l.target).provider ??= l.data[1];
        }
        break;
      case 'provider-name':
        entry(l.target).provider = l.data[0];
        break;
      case 'state':
        entry(l.target).rawState = l.data[0];
        break;
      case 'state-human-short':
        entry(l.target).label = l.data[0];
        break;
      case 'state-human-long':
        entry(l.target).description = l.data[0];
        break;
    }
  }
  const machines: VagrantMachineStatus[] = [];
  for (const [name, e] of byName) {
    if (e.rawState === undefined) {
      continue;
    }
    machines.push({
      name,
      state: toVagrantState(e.rawState),
      rawState: e.rawState,
      provider: e.provider ?? '',
      label: e.label ?? e.rawState.replace(/_/g, ' '),
      ...(e.description ? { description: e.description } : {}),
    });
  }
  const error = vagrantExitError(lines);
  return error ? { machines, error } : { machines };
}

/**
 * The human lines of a machine-readable run (`ui` lines: "==> core-01:
 * Creating the container..."), for an output channel while `up` runs.
 */
export function humanLines(line: MachineReadableLine): string[] {
  if (line.type !== 'ui' || line.data.length < 2) {
    return [];
  }
  return line.data
    .slice(1)
    .join(',')
    .split('\n')
    .filter((s) => s.trim() !== '');
}

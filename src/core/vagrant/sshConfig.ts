import { MachineReadableLine, parseMachineReadable } from './vagrantStatus';

/**
 * One `Host` block of `vagrant ssh-config`. Vagrant renders it from a fixed
 * template (templates/commands/ssh_config/config.erb), one block per machine,
 * so a small reader is enough: no Match, no wildcards, no Include resolution
 * (an `Include` line is kept as an option). The `ssh-config` package would
 * also read it, but core stays free of dependencies for this.
 */
export interface SshHostConfig {
  /** The `Host` name: the machine's name unless `--host` was given. */
  readonly host: string;
  readonly hostName: string;
  readonly port: number;
  readonly user: string;
  /** Every `IdentityFile`, in order (Vagrant lists several when `ssh.private_key_path` is a list). */
  readonly identityFiles: readonly string[];
  /** The other keywords as written (`StrictHostKeyChecking`, `UserKnownHostsFile`, `IdentitiesOnly`…). */
  readonly options: Readonly<Record<string, string>>;
}

/** `Key value`, `Key=value` or `Key "value with spaces"`, as OpenSSH reads them. */
const KEYWORD = /^\s*([A-Za-z][A-Za-z0-9]*)\s*(?:=\s*|\s+)(.*?)\s*$/;

function unquote(value: string): string {
  return value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;
}

/** Reads every `Host` block of an OpenSSH-style text; lines before the first `Host` are ignored. */
export function parseSshConfig(text: string): SshHostConfig[] {
  const hosts: SshHostConfig[] = [];
  let current:
    { host: string; fields: Map<string, string>; identityFiles: string[]; options: Record<string, string> } | undefined;
  const flush = (): void => {
    if (current) {
      const f = current.fields;
      hosts.push({
        host: current.host,
        hostName: f.get('hostname') ?? current.host,
        port: Number(f.get('port') ?? 22),
        user: f.get('user') ?? '',
        identityFiles: current.identityFiles,
        options: current.options,
      });
    }
  };
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) {
      continue;
    }
    const m = KEYWORD.exec(line);
    if (!m) {
      continue;
    }
    const key = m[1];
    const value = unquote(m[2]);
    const lower = key.toLowerCase();
    if (lower === 'host') {
      flush();
      // `Host a b` names several patterns; Vagrant writes one. The first is the name.
      current = { host: value.split(/\s+/)[0], fields: new Map(), identityFiles: [], options: {} };
    } else if (!current) {
      continue;
    } else if (lower === 'identityfile') {
      current.identityFiles.push(value);
    } else if (lower === 'hostname' || lower === 'port' || lower === 'user') {
      // OpenSSH keeps the first value of a keyword; so do we.
      if (!current.fields.has(lower)) {
        current.fields.set(lower, value);
      }
    } else if (!Object.hasOwn(current.options, key)) {
      current.options[key] = value;
    }
  }
  flush();
  return hosts;
}

/**
 * The blocks of `vagrant ssh-config --machine-readable`, keyed by machine:
 * the `ssh-config` lines carry their machine as target, which stays right
 * even when `--host` renamed the block. The plain copy Vagrant prints after
 * each line is ignored.
 */
export function parseMachineReadableSshConfig(
  text: string | readonly MachineReadableLine[],
): Map<string, SshHostConfig> {
  const lines = typeof text === 'string' ? parseMachineReadable(text) : text;
  const byMachine = new Map<string, SshHostConfig>();
  for (const l of lines) {
    if (l.type === 'ssh-config' && l.target) {
      const [host] = parseSshConfig(l.data.join(','));
      if (host) {
        byMachine.set(l.target, host);
      }
    }
  }
  return byMachine;
}

/** Vagrant turns host key checking off (`StrictHostKeyChecking no`) unless `ssh.verify_host_key` is set. */
export function checksHostKey(config: SshHostConfig): boolean {
  const value = Object.entries(config.options).find(([k]) => k.toLowerCase() === 'stricthostkeychecking')?.[1];
  return value === undefined || value.toLowerCase() !== 'no';
}

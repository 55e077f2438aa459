import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import type { SSHConfig } from 'ssh-config';
import { english, Localizer } from '../l10n';
import { expandHome } from './knownHosts';

/**
 * The user's ~/.ssh/config, read the way ssh reads it for the options
 * Swarm Lab uses (HostName, Port, User, IdentityFile, IdentityAgent,
 * IdentitiesOnly) and for those it cannot honour (ProxyJump, ProxyCommand),
 * which are reported rather than silently skipped. `Include` is expanded
 * here: the parser (ssh-config) keeps it as a plain directive.
 */

/** The config with its Includes spliced in, and what could not be read. */
export interface SshConfigText {
  readonly file: string;
  readonly text: string;
  readonly problems: readonly string[];
}

/** What ~/.ssh/config says of one host name or alias. */
export interface SshConfigHost {
  readonly alias: string;
  /** HostName, with %h expanded; the alias itself when unset. */
  readonly hostName: string;
  readonly port?: number;
  readonly user?: string;
  /** Token- and ~-expanded, in the config's order (ssh tries them in turn). */
  readonly identityFiles: readonly string[];
  readonly identitiesOnly: boolean;
  /** IdentityAgent: 'none', a socket path, or undefined (SSH_AUTH_SOCK). */
  readonly identityAgent?: string;
  readonly proxyJump?: string;
  readonly proxyCommand?: string;
  /** Directives with a value that cannot be used (e.g. a port that is not a number). */
  readonly problems: readonly string[];
}

export function defaultSshConfigFile(home = os.homedir()): string {
  return path.join(home, '.ssh', 'config');
}

/** ssh's limit on nested Includes (READCONF_MAX_DEPTH). */
const MAX_DEPTH = 16;

/**
 * Reads the config and the files it includes. A missing config is an empty
 * one. Include paths are relative to ~/.ssh, `*` and `?` are expanded in
 * the file name part (sorted, as ssh's glob does); included files that do
 * not exist are skipped, as ssh does.
 */
export async function readSshConfig(
  file = defaultSshConfigFile(),
  home = os.homedir(),
  l10n: Localizer = english,
): Promise<SshConfigText> {
  const problems: string[] = [];
  const text = await expandIncludes(file, home, 0, problems, l10n);
  return { file, text, problems };
}

async function expandIncludes(
  file: string,
  home: string,
  depth: number,
  problems: string[],
  l10n: Localizer,
): Promise<string> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    // No config is an empty config; a missing included file is skipped, as ssh does.
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      problems.push(l10n.t('Cannot read {0}: {1}', file, (error as Error).message));
    }
    return '';
  }
  const out: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    const include = /^\s*include[\s=]+(.*)$/i.exec(line);
    // CanonicalizeHostName makes the parser run nslookup synchronously: not in an editor.
    if (/^\s*canonicalizehostname\b/i.test(line)) {
      continue;
    }
    if (!include) {
      out.push(line);
      continue;
    }
    if (depth >= MAX_DEPTH) {
      problems.push(l10n.t('{0}: Include nested too deeply.', file));
      continue;
    }
    for (const arg of include[1].trim().split(/\s+/)) {
      const unquoted = arg.replace(/^"(.*)"$/, '$1');
      const p = unquoted.startsWith('~') ? expandHome(unquoted, home) : path.resolve(home, '.ssh', unquoted);
      for (const f of await globFiles(p, problems, l10n)) {
        out.push(await expandIncludes(f, home, depth + 1, problems, l10n));
      }
    }
  }
  return out.join('\n');
}

async function globFiles(p: string, problems: string[], l10n: Localizer): Promise<string[]> {
  const dir = path.dirname(p);
  const base = path.basename(p);
  if (/[*?]/.test(dir)) {
    problems.push(l10n.t('Include {0}: wildcards are only supported in the file name.', p));
    return [];
  }
  if (!/[*?]/.test(base)) {
    return [p];
  }
  const re = new RegExp(
    `^${base
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  );
  const names = await fs.readdir(dir).catch(() => [] as string[]);
  return names
    .filter((n) => re.test(n))
    .sort()
    .map((n) => path.join(dir, n));
}

let library: Promise<typeof import('ssh-config')> | undefined;

/** ssh-config is small (~22 kB) but only needed when SSH hosts are configured: loaded on first use. */
function sshConfigLibrary(): Promise<typeof import('ssh-config')> {
  library ??= import('ssh-config');
  return library;
}

async function parse(text: string): Promise<SSHConfig> {
  return (await sshConfigLibrary()).parse(text);
}

/**
 * The concrete Host aliases the user can pick: every name of every `Host`
 * line that has no wildcard or negation, in file order, without repeats.
 */
export async function listHostAliases(config: SshConfigText): Promise<string[]> {
  const aliases = new Set<string>();
  for (const line of await parse(config.text)) {
    if ('param' in line && /^host$/i.test(line.param)) {
      const values = Array.isArray(line.value) ? line.value.map((v) => v.val) : line.value.split(/\s+/);
      values.filter((v) => v !== '' && !/[*?!]/.test(v)).forEach((v) => aliases.add(v));
    }
  }
  return [...aliases];
}

/** The options ssh would use for `ssh <alias>`. `Match exec` is never run (no shell from a settings read). */
export async function resolveSshConfigHost(
  config: SshConfigText,
  alias: string,
  context: { home?: string; localUser?: string; user?: string; port?: number } = {},
  l10n: Localizer = english,
): Promise<SshConfigHost> {
  const home = context.home ?? os.homedir();
  const computed = (await parse(config.text)).compute(
    context.user !== undefined ? { Host: alias, User: context.user } : { Host: alias },
    { ignoreCase: true, matchExec: false },
  );
  const one = (key: string): string | undefined => {
    const v = computed[key];
    const s = Array.isArray(v) ? v[0] : v;
    return s === undefined || s === '' ? undefined : s;
  };
  const problems: string[] = [];
  const hostName = (one('hostname') ?? alias).replace(/%(.)/g, (m, c: string) =>
    c === 'h' ? alias : c === '%' ? '%' : m,
  );
  let port: number | undefined;
  const portText = one('port');
  if (portText !== undefined) {
    port = Number(portText);
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      problems.push(l10n.t('{0}: Port {1} is not a port number.', config.file, portText));
      port = undefined;
    }
  }
  const user = context.user ?? one('user');
  const tokens: Record<string, string> = {
    '%': '%',
    d: home,
    u: context.localUser ?? os.userInfo().username,
    h: hostName,
    n: alias,
    r: user ?? context.localUser ?? os.userInfo().username,
    p: String(context.port ?? port ?? 22),
  };
  const expand = (p: string): string =>
    expandHome(
      p.replace(/%(.)/g, (m, c: string) => tokens[c] ?? m),
      home,
    );
  const files = computed.identityfile;
  const identityFiles = (Array.isArray(files) ? files : files ? [files] : [])
    .filter((f) => f.toLowerCase() !== 'none')
    .map(expand);
  const proxyJump = one('proxyjump');
  const proxyCommand = one('proxycommand');
  const agent = one('identityagent');
  return {
    alias,
    hostName,
    ...(port !== undefined ? { port } : {}),
    ...(user !== undefined ? { user } : {}),
    identityFiles,
    identitiesOnly: one('identitiesonly')?.toLowerCase() === 'yes',
    ...(agent !== undefined && !/^\$?\{?SSH_AUTH_SOCK\}?$/.test(agent)
      ? { identityAgent: agent === 'none' ? 'none' : expand(agent) }
      : {}),
    ...(proxyJump !== undefined && proxyJump.toLowerCase() !== 'none' ? { proxyJump } : {}),
    ...(proxyCommand !== undefined && proxyCommand.toLowerCase() !== 'none' ? { proxyCommand } : {}),
    problems,
  };
}

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { english, Localizer } from '../l10n';
import { MachineDefinition } from '../machines/machine';
import { expandHome } from './knownHosts';
import { readSshConfig, resolveSshConfigHost, SshConfigText } from './sshConfig';

/**
 * The `swarmLab.hosts` setting: machines reached over plain SSH. Each entry
 * is an object, or a string `user@host:port` / a Host alias of ~/.ssh/config.
 * Like `ssh <entry>`, ~/.ssh/config fills in what the entry leaves out; what
 * the entry says wins. A bad entry is reported with why and skipped; the
 * others still work.
 */

export const DEFAULT_DOCKER_SOCKET = '/var/run/docker.sock';

/** One well-formed entry, before ~/.ssh/config. `index` is its 0-based place in the setting. */
export interface SshHostEntry {
  readonly index: number;
  readonly name?: string;
  readonly host: string;
  readonly port?: number;
  readonly user?: string;
  readonly identityFile?: string;
  readonly dockerSocket?: string;
}

export interface SshHostProblem {
  readonly index: number;
  /** The sentence for the user: which entry, and what is wrong. */
  readonly message: string;
}

const FIELDS = ['name', 'host', 'port', 'user', 'identityFile', 'dockerSocket'];
// No whitespace, quotes or shell characters, and no leading '-': the host and
// user also reach an `ssh` command line (terminals), where they must never
// read as options.
const HOST = /^(?!-)[^\s@/,'"`$;|&<>\\()]+$/;
const USER = /^[A-Za-z0-9_][A-Za-z0-9._-]*$/;

/**
 * `user@host:port`, `host:port`, `user@host`, `host`, `[v6addr]:port`,
 * optionally `ssh://` in front. A bare IPv6 address (several colons) is a
 * host without a port. Undefined when it is none of these.
 */
export function parseHostString(text: string): { user?: string; host: string; port?: number } | undefined {
  let rest = text.trim().replace(/^ssh:\/\//, '');
  let user: string | undefined;
  const at = rest.lastIndexOf('@');
  if (at >= 0) {
    user = rest.slice(0, at);
    rest = rest.slice(at + 1);
  }
  let host = rest;
  let portText: string | undefined;
  const bracketed = /^\[([^\]]+)\](?::(.*))?$/.exec(rest);
  if (bracketed) {
    host = bracketed[1];
    portText = bracketed[2];
  } else if ((rest.match(/:/g) ?? []).length === 1) {
    [host, portText] = rest.split(':');
  }
  const port = portText === undefined ? undefined : Number(portText);
  if (host === '' || user === '' || (port !== undefined && !validPort(port))) {
    return undefined;
  }
  return { host, ...(user !== undefined ? { user } : {}), ...(port !== undefined ? { port } : {}) };
}

function validPort(port: unknown): port is number {
  return typeof port === 'number' && Number.isInteger(port) && port >= 1 && port <= 65535;
}

/** Checks each entry; well-formed ones come back as SshHostEntry, the others as problems. */
export function parseSshHostsSetting(
  value: unknown,
  l10n: Localizer = english,
): { entries: SshHostEntry[]; problems: SshHostProblem[] } {
  const entries: SshHostEntry[] = [];
  const problems: SshHostProblem[] = [];
  if (value === undefined || value === null) {
    return { entries, problems };
  }
  if (!Array.isArray(value)) {
    problems.push({ index: -1, message: l10n.t('swarmLab.hosts must be a list of hosts.') });
    return { entries, problems };
  }
  value.forEach((raw: unknown, index) => {
    const why = entryProblem(raw, l10n);
    if (why !== undefined) {
      problems.push({ index, message: entryMessage(index, raw, why, l10n) });
      return;
    }
    if (typeof raw === 'string') {
      entries.push({ index, ...parseHostString(raw)! });
      return;
    }
    const o = raw as Record<string, unknown>;
    const trimmed = (k: string): string | undefined => {
      const v = o[k];
      return typeof v === 'string' ? v.trim() : undefined;
    };
    const fields = {
      name: trimmed('name'),
      user: trimmed('user'),
      identityFile: trimmed('identityFile'),
      dockerSocket: trimmed('dockerSocket'),
      port: o.port as number | undefined,
    };
    const defined = Object.entries(fields).filter(([, v]) => v !== undefined && v !== '');
    entries.push({ index, host: trimmed('host')!, ...Object.fromEntries(defined) });
  });
  return { entries, problems };
}

function entryProblem(raw: unknown, l10n: Localizer): string | undefined {
  if (typeof raw === 'string') {
    const parsed = parseHostString(raw);
    if (!parsed) {
      return l10n.t('expected user@host:port, host or a Host alias of ~/.ssh/config.');
    }
    if (!HOST.test(parsed.host)) {
      return l10n.t('{0} is not a valid host name.', parsed.host);
    }
    return parsed.user !== undefined && !USER.test(parsed.user)
      ? l10n.t('{0} is not a valid user name.', parsed.user)
      : undefined;
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return l10n.t('expected an object or a string.');
  }
  const o = raw as Record<string, unknown>;
  const unknown = Object.keys(o).filter((k) => !FIELDS.includes(k));
  if (unknown.length > 0) {
    return l10n.t('unknown field {0} (known: {1}).', unknown.join(', '), FIELDS.join(', '));
  }
  for (const k of ['name', 'host', 'user', 'identityFile', 'dockerSocket']) {
    if (o[k] !== undefined && (typeof o[k] !== 'string' || o[k].trim() === '')) {
      return l10n.t('{0} must be a non-empty string.', k);
    }
  }
  const host = typeof o.host === 'string' ? o.host.trim() : undefined;
  if (host === undefined) {
    return l10n.t('host is missing.');
  }
  if (!HOST.test(host)) {
    return l10n.t('{0} is not a valid host name.', host);
  }
  if (typeof o.user === 'string' && !USER.test(o.user.trim())) {
    return l10n.t('{0} is not a valid user name.', o.user);
  }
  if (o.port !== undefined && !validPort(o.port)) {
    return l10n.t('port must be a whole number from 1 to 65535.');
  }
  if (typeof o.dockerSocket === 'string' && !o.dockerSocket.trim().startsWith('/')) {
    return l10n.t('dockerSocket must be an absolute path on the machine.');
  }
  return undefined;
}

function entryMessage(index: number, raw: unknown, why: string, l10n: Localizer): string {
  const o = typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
  const named = [o.name, o.host].find((v): v is string => typeof v === 'string' && v.trim() !== '');
  const label = typeof raw === 'string' ? raw : (named ?? JSON.stringify(raw));
  return l10n.t('swarmLab.hosts, entry {0} ({1}): {2}', index + 1, label, why);
}

/** What resolution needs from the outside world; the defaults read the real one. */
export interface SshHostsEnvironment {
  readonly home: string;
  readonly localUser: string;
  /** SSH_AUTH_SOCK, when an agent runs. */
  readonly agentSocket?: string;
  readonly exists: (file: string) => boolean;
}

export function currentSshHostsEnvironment(): SshHostsEnvironment {
  const agentSocket = process.env.SSH_AUTH_SOCK;
  return {
    home: os.homedir(),
    localUser: os.userInfo().username,
    ...(agentSocket ? { agentSocket } : {}),
    exists: (f) => fs.existsSync(f),
  };
}

/** ssh's default identities that ssh2 can use (no security-key types), in ssh's order. */
const DEFAULT_IDENTITIES = ['id_rsa', 'id_ecdsa', 'id_ed25519'];

/**
 * The machines of well-formed entries, completed by ~/.ssh/config. An entry
 * that needs what Swarm Lab cannot do (ProxyJump, ProxyCommand), or has no
 * key and no agent, becomes a problem instead; a key file that does not
 * exist yet does not: the machine's item says so when it connects.
 */
export async function resolveSshHosts(
  entries: readonly SshHostEntry[],
  config: SshConfigText,
  env: SshHostsEnvironment = currentSshHostsEnvironment(),
  l10n: Localizer = english,
): Promise<{ machines: MachineDefinition[]; problems: SshHostProblem[] }> {
  const machines: MachineDefinition[] = [];
  const problems: SshHostProblem[] = [];
  const byName = new Map<string, number>();
  for (const e of entries) {
    const problem = (why: string): void => {
      problems.push({
        index: e.index,
        message: l10n.t('swarmLab.hosts, entry {0} ({1}): {2}', e.index + 1, e.name ?? e.host, why),
      });
    };
    const c = await resolveSshConfigHost(
      config,
      e.host,
      {
        home: env.home,
        localUser: env.localUser,
        ...(e.user ? { user: e.user } : {}),
        ...(e.port ? { port: e.port } : {}),
      },
      l10n,
    );
    if (c.proxyJump !== undefined || c.proxyCommand !== undefined) {
      problem(
        c.proxyJump !== undefined
          ? l10n.t(
              '~/.ssh/config gives it ProxyJump {0}, which Swarm Lab does not support: it connects directly.',
              c.proxyJump,
            )
          : l10n.t('~/.ssh/config gives it a ProxyCommand, which Swarm Lab does not support: it connects directly.'),
      );
      continue;
    }
    if (!HOST.test(c.hostName)) {
      problem(l10n.t('{0} is not a valid host name.', c.hostName));
      continue;
    }
    const port = e.port ?? c.port ?? 22;
    const user = e.user ?? c.user ?? env.localUser;
    const name = e.name ?? (port === 22 || e.port === undefined ? e.host : `${e.host}:${port}`);
    if (byName.has(name)) {
      problem(l10n.t('the name {0} is already used by entry {1}.', name, byName.get(name)! + 1));
      continue;
    }
    const identity = chooseIdentity(e, c.identityFiles, c.identitiesOnly, c.identityAgent, env);
    if (!identity.identityFile && !identity.agent) {
      problem(l10n.t('no key: set identityFile, or IdentityFile in ~/.ssh/config, or start ssh-agent.'));
      continue;
    }
    byName.set(name, e.index);
    c.problems.forEach((p) => problem(p));
    machines.push({
      id: `ssh:${name}`,
      name,
      source: 'ssh',
      host: c.hostName,
      port,
      user,
      identityFile: identity.identityFile,
      ...(identity.agent ? { agent: identity.agent } : {}),
      ...(e.dockerSocket && e.dockerSocket !== DEFAULT_DOCKER_SOCKET ? { dockerSocket: e.dockerSocket } : {}),
    });
  }
  return { machines, problems };
}

/**
 * Like ssh: the entry's key, else the config's first existing IdentityFile,
 * else the first existing default key; the agent (IdentityAgent or
 * SSH_AUTH_SOCK) besides, unless IdentitiesOnly limits ssh to the files.
 */
function chooseIdentity(
  e: SshHostEntry,
  configured: readonly string[],
  identitiesOnly: boolean,
  identityAgent: string | undefined,
  env: SshHostsEnvironment,
): { identityFile: string; agent?: string } {
  const agent = identityAgent === 'none' ? undefined : (identityAgent ?? env.agentSocket);
  let identityFile: string;
  if (e.identityFile) {
    identityFile = expandHome(e.identityFile, env.home);
  } else if (configured.length > 0) {
    // None exists yet: with an agent, rely on it; without, name the first so the error says which file is missing.
    identityFile = configured.find((f) => env.exists(f)) ?? (agent ? '' : configured[0]);
  } else {
    identityFile = DEFAULT_IDENTITIES.map((n) => path.join(env.home, '.ssh', n)).find((f) => env.exists(f)) ?? '';
  }
  return { identityFile, ...(agent && !(identitiesOnly && identityFile) ? { agent } : {}) };
}

/**
 * The whole setting in one call: parse, read ~/.ssh/config (only when
 * there are entries), resolve. Problems come in the setting's order.
 */
export async function sshHostMachines(
  value: unknown,
  options: { sshConfigFile?: string; env?: SshHostsEnvironment; l10n?: Localizer } = {},
): Promise<{ machines: MachineDefinition[]; problems: SshHostProblem[] }> {
  const l10n = options.l10n ?? english;
  const env = options.env ?? currentSshHostsEnvironment();
  const parsed = parseSshHostsSetting(value, l10n);
  if (parsed.entries.length === 0) {
    return { machines: [], problems: parsed.problems };
  }
  const config = await readSshConfig(options.sshConfigFile ?? path.join(env.home, '.ssh', 'config'), env.home, l10n);
  const resolved = await resolveSshHosts(parsed.entries, config, env, l10n);
  const configProblems = config.problems.map((message) => ({ index: -1, message }));
  return {
    machines: resolved.machines,
    problems: [...configProblems, ...parsed.problems, ...resolved.problems].sort((a, b) => a.index - b.index),
  };
}

import * as crypto from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { english, Localizer } from '../l10n';

/**
 * OpenSSH's known_hosts, read and written the way `ssh` does (sshd(8),
 * "SSH_KNOWN_HOSTS FILE FORMAT"), so that the user's one file serves both
 * `ssh` in a terminal and Swarm Lab: a host accepted in one is known to the
 * other, and a changed key is refused by both.
 */

/** Which host names a line covers: a pattern list, or one hashed name. */
export type HostMatcher =
  | { readonly kind: 'patterns'; readonly patterns: readonly string[] }
  | { readonly kind: 'hashed'; readonly salt: Buffer; readonly hash: Buffer };

export interface KnownHostsEntry {
  /** 1-based, as editors and `ssh-keygen -R` messages count. */
  readonly line: number;
  readonly marker?: 'revoked';
  readonly hosts: HostMatcher;
  readonly keyType: string;
  readonly keyBase64: string;
}

/** A line that is not used, and why (malformed, or a feature not supported). */
export interface IgnoredLine {
  readonly line: number;
  readonly reason: string;
  /** Set when the line has a host field: lets a check tell whether it concerned the host asked about. */
  readonly hosts?: HostMatcher;
}

export interface ParsedKnownHosts {
  readonly entries: readonly KnownHostsEntry[];
  readonly ignored: readonly IgnoredLine[];
}

export type HostKeyCheck =
  | { readonly status: 'known'; readonly line: number }
  /** otherKeyTypes: key types already known for the host (a different algorithm was offered). */
  | {
      readonly status: 'unknown';
      readonly otherKeyTypes: readonly string[];
      readonly ignored: readonly IgnoredLine[];
    }
  | {
      readonly status: 'changed';
      /** Every line holding another key of the same type for the host; the first is quoted in messages. */
      readonly lines: readonly number[];
      readonly knownFingerprint: string;
      readonly offeredFingerprint: string;
    }
  | { readonly status: 'revoked'; readonly line: number; readonly offeredFingerprint: string };

export function defaultKnownHostsFile(home = os.homedir()): string {
  return path.join(home, '.ssh', 'known_hosts');
}

/** `~` and `~/…` as the shell expands them; other paths unchanged. */
export function expandHome(p: string, home = os.homedir()): string {
  return p === '~' ? home : p.startsWith('~/') ? path.join(home, p.slice(2)) : p;
}

/** `SHA256:` and the unpadded base64 of the key blob's SHA-256, as `ssh-keygen -l` prints it. */
export function fingerprint(key: Buffer | string): string {
  const blob = typeof key === 'string' ? Buffer.from(key, 'base64') : key;
  return `SHA256:${crypto.createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

/** The algorithm name a key blob starts with (SSH wire format: uint32 length, name). */
export function keyTypeOf(blob: Buffer): string | undefined {
  if (blob.length < 4) {
    return undefined;
  }
  const n = blob.readUInt32BE(0);
  return n > 0 && n < 64 && 4 + n <= blob.length ? blob.toString('latin1', 4, 4 + n) : undefined;
}

/** The name a host is filed under: `host` on port 22, `[host]:port` otherwise; lower case, as ssh does. */
export function hostLookupName(host: string, port: number): string {
  const h = host.toLowerCase();
  return port === 22 ? h : `[${h}]:${port}`;
}

export function parseKnownHosts(text: string, l10n: Localizer = english): ParsedKnownHosts {
  const entries: KnownHostsEntry[] = [];
  const ignored: IgnoredLine[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = i + 1;
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) {
      return;
    }
    const fields = trimmed.split(/\s+/);
    let marker: string | undefined;
    if (fields[0].startsWith('@')) {
      marker = fields.shift();
    }
    const [hostField, keyType, keyBase64] = fields;
    const hosts = hostField !== undefined ? parseHostField(hostField) : undefined;
    if (marker === '@cert-authority') {
      // ssh2 does not negotiate host certificates, so a CA line can never
      // vouch for a key here: say so rather than fail silently.
      ignored.push({
        line,
        reason: l10n.t('@cert-authority lines are not supported (host certificates): add the host key itself.'),
        ...(hosts ? { hosts } : {}),
      });
      return;
    }
    if (marker !== undefined && marker !== '@revoked') {
      ignored.push({ line, reason: l10n.t('Unknown marker {0}.', marker) });
      return;
    }
    if (!hosts || !keyType || !keyBase64) {
      ignored.push({ line, reason: l10n.t('Malformed line: expected host names, a key type and a key.') });
      return;
    }
    const blob = Buffer.from(keyBase64, 'base64');
    if (keyTypeOf(blob) !== keyType) {
      ignored.push({ line, reason: l10n.t('The key data does not match its type {0}.', keyType), hosts });
      return;
    }
    entries.push({ line, hosts, keyType, keyBase64, ...(marker === '@revoked' ? { marker: 'revoked' as const } : {}) });
  });
  return { entries, ignored };
}

function parseHostField(field: string): HostMatcher | undefined {
  if (field.startsWith('|1|')) {
    const [salt, hash] = field.slice(3).split('|');
    if (!salt || !hash) {
      return undefined;
    }
    return { kind: 'hashed', salt: Buffer.from(salt, 'base64'), hash: Buffer.from(hash, 'base64') };
  }
  const patterns = field.split(',').filter((p) => p !== '');
  return patterns.length > 0 ? { kind: 'patterns', patterns } : undefined;
}

/**
 * OpenSSH's match_hostname: any negated pattern that matches excludes the
 * host; otherwise one positive match is enough. `*` and `?` are the only
 * wildcards; comparison ignores case.
 */
export function hostMatches(hosts: HostMatcher, name: string): boolean {
  if (hosts.kind === 'hashed') {
    const mac = crypto.createHmac('sha1', hosts.salt).update(name).digest();
    return mac.length === hosts.hash.length && crypto.timingSafeEqual(mac, hosts.hash);
  }
  let positive = false;
  for (const p of hosts.patterns) {
    const negated = p.startsWith('!');
    if (globMatches(negated ? p.slice(1) : p, name)) {
      if (negated) {
        return false;
      }
      positive = true;
    }
  }
  return positive;
}

function globMatches(pattern: string, name: string): boolean {
  const re = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${re}$`, 'i').test(name);
}

/**
 * What known_hosts says of the key a host offered. Like ssh: a revoked key
 * is refused whatever else the file says; a matching line makes the host
 * known; another key of the same type means the key changed; keys of other
 * types only leave the host unknown (ssh asks then too, with a warning).
 */
export function check(
  hostsText: string,
  host: string,
  port: number,
  keyType: string,
  keyBase64: string,
  l10n: Localizer = english,
): HostKeyCheck {
  const name = hostLookupName(host, port);
  const parsed = parseKnownHosts(hostsText, l10n);
  const forHost = parsed.entries.filter((e) => hostMatches(e.hosts, name));
  const offered = Buffer.from(keyBase64, 'base64');
  const same = (e: KnownHostsEntry): boolean => Buffer.from(e.keyBase64, 'base64').equals(offered);
  const revoked = forHost.find((e) => e.marker === 'revoked' && same(e));
  if (revoked) {
    return { status: 'revoked', line: revoked.line, offeredFingerprint: fingerprint(offered) };
  }
  const plain = forHost.filter((e) => e.marker === undefined);
  const match = plain.find((e) => e.keyType === keyType && same(e));
  if (match) {
    return { status: 'known', line: match.line };
  }
  const others = plain.filter((e) => e.keyType === keyType);
  if (others.length > 0) {
    return {
      status: 'changed',
      lines: others.map((e) => e.line),
      knownFingerprint: fingerprint(others[0].keyBase64),
      offeredFingerprint: fingerprint(offered),
    };
  }
  return {
    status: 'unknown',
    otherKeyTypes: [...new Set(plain.map((e) => e.keyType))],
    ignored: parsed.ignored.filter((i) => i.hosts && hostMatches(i.hosts, name)),
  };
}

/**
 * The line that files a key under a host. Hashed by default, as Debian's and
 * Ubuntu's ssh_config do (`HashKnownHosts yes`): a leaked known_hosts then
 * does not list the machines the user reaches, and `ssh`, `ssh-keygen -F`
 * and `ssh-keygen -R` still find the line. The line number in our messages
 * makes up for the name no longer being readable.
 */
export function knownHostsLine(
  host: string,
  port: number,
  keyType: string,
  keyBase64: string,
  options: { hash?: boolean; salt?: Buffer } = {},
): string {
  const name = hostLookupName(host, port);
  if (options.hash === false) {
    return `${name} ${keyType} ${keyBase64}`;
  }
  const salt = options.salt ?? crypto.randomBytes(20); // SHA-1's size, as ssh uses
  const hash = crypto.createHmac('sha1', salt).update(name).digest();
  return `|1|${salt.toString('base64')}|${hash.toString('base64')} ${keyType} ${keyBase64}`;
}

const appending = new Map<string, Promise<unknown>>();

/**
 * Appends a line to a known_hosts file without ever leaving a half-written
 * file: the new content goes to a temporary file beside it, then replaces it
 * by rename (atomic on one file system). The file keeps its mode; a symlink
 * is followed so the link stays a link. A missing folder is created 0700, as
 * ssh requires of ~/.ssh. Appends in this process are serialized; another
 * program appending in the same instant could lose its line (ssh itself
 * takes no lock either). Resolves to the new line's number.
 */
export function appendKnownHostsLine(file: string, line: string): Promise<number> {
  const previous = appending.get(file) ?? Promise.resolve();
  const next = previous.catch(() => undefined).then(() => appendNow(file, line));
  appending.set(file, next);
  void next.finally(() => appending.get(file) === next && appending.delete(file)).catch(() => undefined);
  return next;
}

async function appendNow(file: string, line: string): Promise<number> {
  const target = await fs.realpath(file).catch(() => file);
  await fs.mkdir(path.dirname(target), { recursive: true, mode: 0o700 });
  let current = '';
  let mode = 0o600;
  try {
    current = await fs.readFile(target, 'utf8');
    mode = (await fs.stat(target)).mode & 0o7777;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw error;
    }
  }
  const head = current === '' || current.endsWith('\n') ? current : `${current}\n`;
  const text = `${head}${line}\n`;
  const tmp = path.join(
    path.dirname(target),
    `.${path.basename(target)}.${process.pid}.${crypto.randomBytes(4).toString('hex')}`,
  );
  try {
    const handle = await fs.open(tmp, 'wx', mode);
    try {
      await handle.writeFile(text, 'utf8');
      await handle.chmod(mode); // the umask may have narrowed the mode given to open
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(tmp, target);
  } catch (error) {
    await fs.rm(tmp, { force: true });
    throw error;
  }
  return text.split('\n').length - 1;
}

/**
 * What a restore rehearsal refuses to deploy, and which archive it takes.
 * An archive may come from anywhere (a classmate, the web): the rehearsal
 * runs its stacks as root on this computer's fresh local lab, so a stack
 * that asks for privileges, the host's namespaces or a bind mount of a
 * system path is refused, each one named. The newest archive is the one
 * whose manifest says so, not the one whose file name sorts last: a name
 * is the easiest thing to forge.
 */
import { posix } from 'node:path';
import type { YamlModule } from '../compose/composeYaml';
import { archivesIn, readManifest, unpackBackup } from './backupArchive';
import type { BackupStore } from './labConfig';

/** Bind sources refused, with everything below them; `/` and `/var` themselves only. */
const SYSTEM_TREES = [
  '/etc',
  '/proc',
  '/sys',
  '/dev',
  '/boot',
  '/root',
  '/home',
  '/usr',
  '/bin',
  '/sbin',
  '/lib',
  '/lib64',
  '/run',
  '/var/run',
  '/var/lib',
  '/var/log',
];
const SYSTEM_EXACT = ['/', '/var'];
const HOST_MODES = ['pid', 'ipc', 'network_mode', 'userns_mode', 'uts', 'cgroup'] as const;
const RISKY_CAPABILITIES = new Set([
  'ALL',
  'SYS_ADMIN',
  'SYS_MODULE',
  'SYS_PTRACE',
  'SYS_RAWIO',
  'DAC_READ_SEARCH',
  'NET_ADMIN',
  'SYS_BOOT',
]);

/** Whether a bind mount's source reaches the host's system or climbs out of the stack's folder. */
function systemPath(source: string): boolean {
  if (source.split('/').includes('..')) {
    return true;
  }
  if (!source.startsWith('/')) {
    return source.startsWith('~');
  }
  const p = posix.normalize(source).replace(/(.)\/+$/, '$1');
  return SYSTEM_EXACT.includes(p) || SYSTEM_TREES.some((t) => p === t || p.startsWith(`${t}/`));
}

type Raw = Record<string, unknown>;
const isObject = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** The bind sources of a service's volumes, short syntax (`/etc:/x:ro`) and long (`type: bind`). */
function bindSources(volumes: unknown): string[] {
  return list(volumes).flatMap((v) => {
    if (typeof v === 'string') {
      const source = v.split(':')[0];
      return /^[/.~]/.test(source) ? [source] : [];
    }
    return isObject(v) && v['type'] === 'bind' && typeof v['source'] === 'string' ? [v['source']] : [];
  });
}

/** What is refused in one compose file: `stack_service (what)`, in compose's own words. */
export function composeRisks(stack: string, compose: unknown): string[] {
  if (!isObject(compose)) {
    return [];
  }
  const hostNetworks = new Set(
    Object.entries(isObject(compose['networks']) ? compose['networks'] : {})
      .filter(([key, n]) => key === 'host' || (isObject(n) && n['name'] === 'host'))
      .map(([key]) => key),
  );
  hostNetworks.add('host');
  const risks: string[] = [];
  for (const [name, raw] of Object.entries(isObject(compose['services']) ? compose['services'] : {})) {
    if (!isObject(raw)) {
      continue;
    }
    const found: string[] = [];
    if (raw['privileged'] === true || raw['privileged'] === 'true') {
      found.push('privileged: true');
    }
    for (const key of HOST_MODES) {
      const mode = raw[key];
      if (mode === 'host' || (typeof mode === 'string' && /^(?:container|service):/.test(mode))) {
        found.push(`${key}: ${mode}`);
      }
    }
    const networks = Array.isArray(raw['networks'])
      ? raw['networks']
      : Object.keys(isObject(raw['networks']) ? raw['networks'] : {});
    for (const n of networks) {
      if (typeof n === 'string' && hostNetworks.has(n)) {
        found.push(`networks: ${n}`);
      }
    }
    for (const cap of list(raw['cap_add'])) {
      if (RISKY_CAPABILITIES.has(String(cap).toUpperCase().replace(/^CAP_/, ''))) {
        found.push(`cap_add: ${String(cap)}`);
      }
    }
    if (list(raw['devices']).length > 0) {
      found.push('devices');
    }
    for (const opt of list(raw['security_opt'])) {
      if (/unconfined|label[:=]disable/.test(String(opt))) {
        found.push(`security_opt: ${String(opt)}`);
      }
    }
    for (const source of bindSources(raw['volumes'])) {
      if (systemPath(source)) {
        found.push(`volumes: ${source}`);
      }
    }
    if (found.length > 0) {
      risks.push(`${stack}_${name} (${found.join(', ')})`);
    }
  }
  return risks;
}

/** Every refusal of an unpacked archive's stacks (empty: it may be rehearsed). */
export function restoreRisks(files: ReadonlyMap<string, string>, Y: YamlModule): string[] {
  const manifest = readManifest(files);
  return (manifest?.stacks ?? []).flatMap((stack) => {
    const text = files.get(`stacks/${stack}/docker-compose.yml`);
    if (text === undefined) {
      return [];
    }
    try {
      return composeRisks(stack, Y.parse(text));
    } catch {
      return [`${stack} (docker-compose.yml cannot be read)`];
    }
  });
}

export interface StoredArchive {
  readonly name: string;
  readonly bytes: Uint8Array;
  readonly files: Map<string, string>;
  /** The manifest's time (ISO); undefined when the archive has none it can read. */
  readonly createdAt?: string;
}

/** The time an archive's name carries, for an archive whose manifest cannot be read. */
function nameTime(name: string): number {
  const m = /-(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z(?:-\d+)?\.tar\.gz$/.exec(name);
  return m ? Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]) : 0;
}

/**
 * The stack's archives, newest first by their manifest's time. One whose
 * manifest cannot be read sorts by its name's time: it is then the one
 * checked, and its problems are named, rather than passed over in silence.
 */
export async function archivesByTime(store: BackupStore, stack: string): Promise<StoredArchive[]> {
  const read = await Promise.all(
    archivesIn(await store.list(), stack).map(async (name): Promise<StoredArchive & { time: number }> => {
      const bytes = await store.read(name);
      const files = await unpackBackup(bytes).catch(() => new Map<string, string>());
      const createdAt = readManifest(files)?.createdAt;
      const time = createdAt !== undefined && !Number.isNaN(Date.parse(createdAt)) ? Date.parse(createdAt) : NaN;
      return {
        name,
        bytes,
        files,
        ...(Number.isNaN(time) ? {} : { createdAt }),
        time: Number.isNaN(time) ? nameTime(name) : time,
      };
    }),
  );
  return read
    .sort((a, b) => b.time - a.time || b.name.localeCompare(a.name))
    .map(({ time: _time, ...archive }) => archive);
}

export async function newestArchive(store: BackupStore, stack: string): Promise<StoredArchive | undefined> {
  return (await archivesByTime(store, stack))[0];
}

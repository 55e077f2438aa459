import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { run, throwIfAborted } from '../run';

/**
 * The Debian root file system every "real app" lab image starts from
 * (python-app, app-proxy, redis). No registry can be reached, so it is made
 * with debootstrap from the machine's own Debian mirror, then cached as a
 * gzip tarball with a key of its own: changing the sample app must not
 * re-run debootstrap (about 95 s).
 */
export interface DebianBaseSpec {
  readonly suite: string;
  readonly packages: readonly string[];
}

/** Bump when the recipe below changes in a way the tarball should follow. */
const ROOTFS_FORMAT = 'debian-rootfs-v1';
const DEFAULT_MIRROR = 'http://deb.debian.org/debian';

export function rootfsKey(spec: DebianBaseSpec): string {
  const text = JSON.stringify({ f: ROOTFS_FORMAT, s: spec.suite, p: [...spec.packages].sort() });
  return crypto.createHash('sha256').update(text).digest('hex');
}

export function rootfsTarball(cacheDir: string, spec: DebianBaseSpec): string {
  return path.join(cacheDir, `debian-rootfs-${spec.suite}-${rootfsKey(spec).slice(0, 12)}.tar.gz`);
}

/**
 * The mirror apt already uses for `suite` on this machine (deb822 .sources
 * files first, then the one-line sources.list): the only Debian archive a
 * machine without internet can reach.
 */
export function detectMirror(suite: string, etcApt = '/etc/apt'): string {
  const listDir = path.join(etcApt, 'sources.list.d');
  const files = fs.existsSync(listDir) ? fs.readdirSync(listDir).sort() : [];
  for (const f of files.filter((name) => name.endsWith('.sources'))) {
    for (const stanza of fs.readFileSync(path.join(listDir, f), 'utf8').split(/\n\s*\n/)) {
      const field = (name: string): string[] =>
        new RegExp(`^${name}:\\s*(.*)$`, 'mi').exec(stanza)?.[1].trim().split(/\s+/) ?? [];
      if (field('Types').includes('deb') && field('Suites').includes(suite) && !/^Enabled:\s*no/im.test(stanza)) {
        const uri = field('URIs')[0];
        if (uri) {
          return uri;
        }
      }
    }
  }
  const lists = [
    path.join(etcApt, 'sources.list'),
    ...files.filter((n) => n.endsWith('.list')).map((n) => path.join(listDir, n)),
  ];
  for (const file of lists.filter((f) => fs.existsSync(f))) {
    for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
      const m = /^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+(\S+)/.exec(line.trim());
      if (m && m[2] === suite) {
        return m[1];
      }
    }
  }
  return DEFAULT_MIRROR;
}

export interface BuildRootfsOptions {
  readonly cacheDir: string;
  readonly log: (line: string) => void;
  readonly signal?: AbortSignal;
}

/**
 * Returns the cached rootfs tarball, making it first if needed:
 * debootstrap (minbase) → apt-get install in a chroot (no recommends, no
 * service starts) → clean apt caches → tar | gzip -1 → atomic rename.
 * The work folder lives under cacheDir (same file system for the rename, and
 * never in a shared /tmp) and is unmounted and removed even on failure.
 */
export async function ensureDebianRootfs(spec: DebianBaseSpec, opts: BuildRootfsOptions): Promise<string> {
  const target = rootfsTarball(opts.cacheDir, spec);
  if (fs.existsSync(target)) {
    return target;
  }
  fs.mkdirSync(opts.cacheDir, { recursive: true });
  const work = fs.mkdtempSync(path.join(opts.cacheDir, 'debootstrap-'));
  const rootfs = path.join(work, 'rootfs');
  const partial = path.join(work, 'rootfs.tar.gz');
  try {
    const mirror = detectMirror(spec.suite);
    let t = Date.now();
    opts.log(`debootstrap --variant=minbase ${spec.suite} from ${mirror} (about a minute)…`);
    await run('debootstrap', ['--variant=minbase', spec.suite, rootfs, mirror], { signal: opts.signal });
    opts.log(`debootstrap done in ${Math.round((Date.now() - t) / 1000)} s`);
    throwIfAborted(opts.signal);

    // Package scripts must not try to start services inside the chroot.
    const policy = path.join(rootfs, 'usr/sbin/policy-rc.d');
    fs.writeFileSync(policy, '#!/bin/sh\nexit 101\n', { mode: 0o755 });
    if (!fs.existsSync(path.join(rootfs, 'etc/resolv.conf'))) {
      fs.copyFileSync('/etc/resolv.conf', path.join(rootfs, 'etc/resolv.conf'));
    }
    t = Date.now();
    opts.log(`apt-get install ${spec.packages.join(' ')}…`);
    await run('mount', ['-t', 'proc', 'proc', path.join(rootfs, 'proc')], { signal: opts.signal });
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive', LC_ALL: 'C' };
    await run('chroot', [rootfs, 'apt-get', 'update', '-q'], { signal: opts.signal, env });
    await run('chroot', [rootfs, 'apt-get', 'install', '-y', '-q', '--no-install-recommends', ...spec.packages], {
      signal: opts.signal,
      env,
    });
    await run('chroot', [rootfs, 'apt-get', 'clean'], { signal: opts.signal, env });
    await unmountUnder(work);
    opts.log(`packages installed in ${Math.round((Date.now() - t) / 1000)} s`);

    // What a container engine provides itself, or what only grows the image.
    for (const rel of ['var/lib/apt/lists', 'var/cache/apt', 'var/log', 'tmp']) {
      emptyDir(path.join(rootfs, rel));
    }
    fs.writeFileSync(path.join(rootfs, 'etc/resolv.conf'), '');
    fs.writeFileSync(path.join(rootfs, 'etc/hostname'), '');

    t = Date.now();
    await run('sh', ['-c', 'tar --numeric-owner -C "$1" -c . | gzip -1 > "$2"', 'sh', rootfs, partial], {
      signal: opts.signal,
    });
    fs.renameSync(partial, target);
    opts.log(`rootfs tarball ${mb(target)} MB in ${Math.round((Date.now() - t) / 1000)} s`);
    removeOthers(opts.cacheDir, /^debian-rootfs-.*\.tar\.gz$/, target);
    return target;
  } finally {
    await unmountUnder(work).catch(() => undefined);
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** debootstrap and our chroot mount /proc (and sometimes /sys) inside the target; a failed run leaves them. */
export async function unmountUnder(dir: string): Promise<void> {
  const prefix = fs.realpathSync(dir) + '/';
  const mounts = fs
    .readFileSync('/proc/mounts', 'utf8')
    .split('\n')
    .map((line) => line.split(' ')[1]?.replace(/\\040/g, ' '))
    .filter((m): m is string => !!m && m.startsWith(prefix))
    .reverse(); // innermost first
  for (const m of mounts) {
    await run('umount', [m]).catch(() => run('umount', ['-l', m]));
  }
}

function emptyDir(dir: string): void {
  if (!fs.existsSync(dir)) {
    return;
  }
  for (const entry of fs.readdirSync(dir)) {
    fs.rmSync(path.join(dir, entry), { recursive: true, force: true });
  }
}

export function removeOthers(dir: string, pattern: RegExp, keep: string): void {
  for (const name of fs.readdirSync(dir)) {
    const file = path.join(dir, name);
    if (pattern.test(name) && file !== keep) {
      fs.rmSync(file, { force: true });
    }
  }
}

function mb(file: string): number {
  return Math.round(fs.statSync(file).size / 1e6);
}

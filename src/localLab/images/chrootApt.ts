import * as fs from 'node:fs';
import * as path from 'node:path';
import { run } from '../run';

/**
 * Turning the lab's Debian base (the debootstrap tarball) into a bigger
 * system with apt, shared by the local lab's node base and the VM box: both
 * unpack the tarball into a folder of their own, then install packages in a
 * chroot from this computer's Debian mirror (the only archive it can reach).
 */

const CHROOT_ENV = { DEBIAN_FRONTEND: 'noninteractive', LC_ALL: 'C' };

/** Unpacks the base tarball into `root` (an empty or missing folder), with the host's resolv.conf so apt can resolve the mirror. */
export async function unpackRootfs(tarball: string, root: string, signal?: AbortSignal): Promise<void> {
  fs.mkdirSync(root, { recursive: true });
  await run('tar', ['--numeric-owner', '-C', root, '-xzf', tarball], { signal });
  fs.copyFileSync('/etc/resolv.conf', path.join(root, 'etc', 'resolv.conf'));
}

/**
 * apt-get install (no recommends) in a chroot of `root`, then empties apt's
 * caches and lists. A mount namespace of its own: /proc and /dev in the
 * chroot vanish with it, even on a crash, so no cleanup can be forgotten.
 * /dev is needed by package scripts such as a kernel's (update-initramfs).
 */
export async function aptInstallInChroot(
  root: string,
  packages: readonly string[],
  signal?: AbortSignal,
): Promise<void> {
  await run(
    'unshare',
    [
      '--mount',
      '--propagation',
      'private',
      'sh',
      '-euc',
      'mount -t proc proc "$1/proc"; mount --bind /dev "$1/dev"; shift; exec chroot "$@"',
      'sh',
      root,
      root,
      'sh',
      '-euc',
      [
        'apt-get update -q',
        `apt-get install -y -q --no-install-recommends ${packages.join(' ')}`,
        'apt-get clean',
        'rm -rf /var/lib/apt/lists/*',
      ].join('\n'),
    ],
    { signal, env: { ...process.env, ...CHROOT_ENV } },
  );
}

/**
 * Runs a shell script as root in a chroot of `root` (users, units, config
 * files: nothing that needs /proc), with a clean PATH so the host's does
 * not leak in. `args` become $1, $2… of the script.
 */
export async function runInChroot(
  root: string,
  script: string,
  args: readonly string[],
  signal?: AbortSignal,
): Promise<void> {
  await run('chroot', [root, 'sh', '-c', script, 'setup', ...args], {
    signal,
    env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', ...CHROOT_ENV },
  });
}

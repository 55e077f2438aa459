import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { aptInstallInChroot, runInChroot, unpackRootfs } from './images/chrootApt';
import { ensureDebianRootfs, rootfsKey } from './images/debianBase';
import { BASE_PACKAGES, DEBIAN_SUITE } from './images/labImageSpecs';
import { CORE_UID } from './labLayout';
import { throwIfAborted } from './run';

/**
 * The read-only lower layer every local lab node boots from (issue 18): the
 * lab's Debian base (the same debootstrap tarball its images start from)
 * plus what a course VM has — systemd, sshd, sudo, Docker, GlusterFS —
 * installed with apt from this machine's Debian mirror. Each node's writes go
 * to an overlay upper layer in its own folder, never here.
 *
 * Made once per recipe (about a minute), kept in the image cache as a folder
 * (overlayfs needs a folder, not a tarball), renamed into place atomically.
 */

/** What a course VM has that the lab's steps use, beyond Debian's minimal base. */
export const NODE_PACKAGES: readonly string[] = [
  'systemd-sysv',
  'dbus',
  'openssh-server',
  'sudo',
  'docker.io',
  'iptables',
  'fuse3',
  'kmod',
  'procps',
  'iproute2',
  'curl',
  'ca-certificates',
  'glusterfs-server',
  'glusterfs-client',
  // Installed for its Python libraries only: the `docker-compose` program
  // itself is moved to the download folder below, which stands in for the
  // Internet the course's compose.install downloads it from.
  'docker-compose',
];

/**
 * Where compose.install "downloads" docker-compose from on a local lab node
 * (curl's file:// scheme; the node has no Internet, as this machine).
 */
export const NODE_DOWNLOADS = '/usr/share/swarm-lab/downloads';
export const NODE_COMPOSE_URL = `file://${NODE_DOWNLOADS}/docker-compose`;

/** Where a node's dockerd also listens, bind-mounted from the node's folder: this machine's way in. */
export const NODE_HOST_SOCKET_DIR = '/run/swarm-lab';

/** Bump when SETUP (or anything else of the recipe) changes. */
const NODE_BASE_FORMAT = 'node-base-v1';

/**
 * Run in the chroot as root, after apt: the course VM's user and services.
 * $1 is core's UID. The units are the node's own; nothing runs here.
 */
const SETUP = String.raw`
set -eu
groupadd -g "$1" core
useradd -K UID_MIN="$1" -u "$1" -g "$1" -G sudo,docker -m -s /bin/bash -c 'Swarm Lab' core
# "*": no password, but not locked (a locked account cannot log in by key).
usermod -p '*' core
echo 'core ALL=(ALL) NOPASSWD:ALL' > /etc/sudoers.d/core
chmod 440 /etc/sudoers.d/core
mkdir -p /usr/share/swarm-lab/downloads
mv /usr/bin/docker-compose /usr/share/swarm-lab/downloads/docker-compose-Linux-x86_64
rm -f /etc/ssh/ssh_host_* /usr/sbin/policy-rc.d
: > /etc/machine-id
: > /etc/resolv.conf
printf 'PasswordAuthentication no\nKbdInteractiveAuthentication no\nPermitRootLogin no\nAllowUsers core\nAllowTcpForwarding local\nAllowStreamLocalForwarding local\nX11Forwarding no\nPrintMotd no\n' > /etc/ssh/sshd_config.d/swarm-lab.conf
mkdir -p /etc/systemd/journald.conf.d
printf '[Journal]\nStorage=volatile\nRuntimeMaxUse=8M\n' > /etc/systemd/journald.conf.d/swarm-lab.conf
# nspawn mounts cgroup v1 hierarchies read-only; each node's cgroup is its
# cgroup namespace's root, so read-write stays inside the node.
cat > /etc/systemd/system/cgroup-rw.service <<'UNIT'
[Unit]
Description=cgroup hierarchies read-write for containerd (Swarm Lab node)
DefaultDependencies=no
Before=containerd.service docker.service
ConditionPathIsDirectory=/sys/fs/cgroup/memory
[Service]
Type=oneshot
ExecStart=/bin/sh -c 'for d in /sys/fs/cgroup/*/; do mount -o remount,bind,rw "$d"; done'
[Install]
WantedBy=sysinit.target
UNIT
mkdir -p /etc/systemd/system/docker.service.d
cat > /etc/systemd/system/docker.service.d/swarm-lab.conf <<'UNIT'
[Service]
Environment=DOCKER_SERVICE_PREFER_OFFLINE_IMAGE=1
ExecStart=
ExecStart=/usr/sbin/dockerd -H fd:// -H unix:///run/swarm-lab/docker.sock --containerd=/run/containerd/containerd.sock $DOCKER_OPTS
UNIT
# No dbus (4 MB a node): the lab never runs systemctl unprivileged; sudo systemctl
# talks to systemd's own socket.
systemctl mask getty@tty1.service console-getty.service systemd-logind.service dbus.service dbus.socket \
  nginx.service redis-server.service systemd-networkd-wait-online.service
# GlusterFS is installed but off, as before section 5 on a VM: storage.gluster starts it.
systemctl disable glusterd
systemctl enable ssh docker containerd cgroup-rw
`;

export function nodeBaseKey(): string {
  const text = JSON.stringify({
    f: NODE_BASE_FORMAT,
    rootfs: rootfsKey({ suite: DEBIAN_SUITE, packages: BASE_PACKAGES }),
    p: [...NODE_PACKAGES].sort(),
    setup: SETUP,
    uid: CORE_UID,
  });
  return crypto.createHash('sha256').update(text).digest('hex').slice(0, 12);
}

export function nodeBaseDir(cacheDir: string): string {
  return path.join(cacheDir, `node-base-${nodeBaseKey()}`);
}

export interface NodeBaseOptions {
  readonly cacheDir: string;
  readonly log: (line: string) => void;
  readonly signal?: AbortSignal;
}

/** The cache holds the base system of this recipe (no apt run is needed). */
export function nodeBaseReady(cacheDir: string): boolean {
  return fs.existsSync(path.join(nodeBaseDir(cacheDir), 'etc', 'os-release'));
}

/** The node base folder, made first when the cache lacks it. */
export async function ensureNodeBase(opts: NodeBaseOptions): Promise<string> {
  const target = nodeBaseDir(opts.cacheDir);
  if (nodeBaseReady(opts.cacheDir)) {
    return target;
  }
  const tarball = await ensureDebianRootfs(
    { suite: DEBIAN_SUITE, packages: BASE_PACKAGES },
    { cacheDir: opts.cacheDir, log: opts.log, ...(opts.signal ? { signal: opts.signal } : {}) },
  );
  const work = fs.mkdtempSync(path.join(opts.cacheDir, 'node-base-build-'));
  const root = path.join(work, 'root');
  try {
    const started = Date.now();
    opts.log(`making the nodes' base system (once, about a minute): apt-get install ${NODE_PACKAGES.join(' ')}`);
    await unpackRootfs(tarball, root, opts.signal);
    await aptInstallInChroot(root, NODE_PACKAGES, opts.signal);
    throwIfAborted(opts.signal);
    await runInChroot(root, SETUP, [String(CORE_UID)], opts.signal);
    fs.renameSync(root, target);
    opts.log(`the nodes' base system is ready in ${Math.round((Date.now() - started) / 1000)} s: ${target}`);
    // Older bases stay: a running lab may still boot from one (its lower layer).
    return target;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

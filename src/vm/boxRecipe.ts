import * as crypto from 'node:crypto';
import * as path from 'node:path';
import { IMAGES_DISK_LABEL } from '../core/labSteps/storageDisk';
import { NODE_DOWNLOADS } from '../localLab/nodeBase';

/**
 * What goes into the VM box, as data: the packages, the script that makes
 * a Vagrant box of the tree, the disk size. Everything here feeds the box's
 * cache key, so changing any of it builds a new box instead of reusing a
 * stale one.
 */

/** Bump when the build steps in box.ts change in a way the box should follow. */
export const BOX_FORMAT = 'vm-box-v1';

/** Beyond the lab's Debian base: a kernel with its modules (IPVS, vxlan, overlay…), and what a course VM has. */
export const BOX_PACKAGES: readonly string[] = [
  'linux-image-cloud-amd64',
  'systemd-sysv',
  // Without udev, systemd never sees /dev/vda as a device unit and virtio modules are not loaded on demand.
  'udev',
  'dbus',
  'kmod',
  'openssh-server',
  'sudo',
  'docker.io',
  // The cloud kernel enables AppArmor: without its parser, dockerd cannot load docker-default and no container starts.
  'apparmor',
  'iptables',
  'iproute2',
  'procps',
  'curl',
  'ca-certificates',
  // Vagrant's rsync synced folders need it in the guest.
  'rsync',
  // Section 5 where Ceph cannot run (offline: no Ceph image): GlusterFS bricks on the data disk, formatted by the step.
  'glusterfs-server',
  'glusterfs-client',
  'e2fsprogs',
  // For its Python libraries: the program goes to the download folder compose.install fetches it from (as on the local lab's nodes).
  'docker-compose',
];

/** The virtual size of the root disk; qcow2 stores only what is written, so a roomy disk costs nothing. */
export const BOX_DISK_GB = 8;

/**
 * The guest's kernel command line: the root disk is the first virtio disk, no bootloader reads it.
 * net.ifnames=0: the NICs are eth0 (NAT) and eth1 (the private network), as in the course's VMs,
 * where the lab's steps look for the nodes' lab address and keepalived's interface.
 */
export const BOX_KERNEL_CMDLINE = 'console=ttyS0 root=/dev/vda rw panic=-1 net.ifnames=0';

/**
 * Run in the chroot as root, after apt. $1 is Vagrant's insecure public key.
 * What a Vagrant box must have: a vagrant user with password-less sudo that
 * logs in with that key. What must differ per VM is left for the first boot:
 * sshd host keys, machine-id; the hostname is Vagrant's to set.
 */
export const BOX_SETUP = String.raw`
set -eu
useradd -m -s /bin/bash -G sudo,docker -c 'Vagrant' vagrant
# "*": no password, but not locked (a locked account cannot log in by key either).
usermod -p '*' vagrant
echo 'vagrant ALL=(ALL) NOPASSWD:ALL' > /etc/sudoers.d/vagrant
chmod 440 /etc/sudoers.d/vagrant
install -d -m 700 -o vagrant -g vagrant /home/vagrant/.ssh
printf '%s\n' "$1" > /home/vagrant/.ssh/authorized_keys
chown vagrant:vagrant /home/vagrant/.ssh/authorized_keys
chmod 600 /home/vagrant/.ssh/authorized_keys
# No RSA host key: making one takes ~18 s of an emulated (TCG) first boot; OpenSSH and Vagrant's net-ssh accept ECDSA.
printf 'PasswordAuthentication no\nKbdInteractiveAuthentication no\nPermitRootLogin no\nUseDNS no\nHostKey /etc/ssh/ssh_host_ed25519_key\nHostKey /etc/ssh/ssh_host_ecdsa_key\n' > /etc/ssh/sshd_config.d/swarm-lab.conf
# Two VMs of one box must not share host keys or a machine-id: both are made on first boot.
rm -f /etc/ssh/ssh_host_* /usr/sbin/policy-rc.d
: > /etc/machine-id
rm -f /var/lib/dbus/machine-id
: > /etc/resolv.conf
: > /etc/hostname
# pam_env logs an error at every login without it.
printf 'LANG=C.UTF-8\n' > /etc/default/locale
printf '/dev/vda / ext4 defaults 0 1\n' > /etc/fstab
# The lab's images disk (npm run vm -- up), when the VM has one: Docker's data root, mounted before containerd
# and dockerd start. Not an fstab line: under emulation its device can take longer than any short timeout to
# show up, and a long one would hold back every VM without the disk. udev settled, blkid finds it or not.
cat > /etc/systemd/system/swarm-lab-images.service <<'UNIT'
[Unit]
Description=The lab's images disk on /var/lib/docker, when this VM has one
After=local-fs.target systemd-udev-trigger.service
Before=containerd.service docker.service
[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/bin/sh -c 'udevadm settle --timeout=120; d=$(blkid -L ${IMAGES_DISK_LABEL}) || exit 0; mkdir -p /var/lib/docker; mountpoint -q /var/lib/docker || mount "$d" /var/lib/docker'
[Install]
RequiredBy=containerd.service docker.service
UNIT
# Debian's ssh.service does not make missing host keys (cloud-init usually does).
cat > /etc/systemd/system/ssh-host-keys.service <<'UNIT'
[Unit]
Description=SSH host keys of this VM (made on first boot)
Before=ssh.service
ConditionPathExists=!/etc/ssh/ssh_host_ed25519_key
[Service]
Type=oneshot
ExecStart=/bin/sh -c "rm -f /etc/ssh/ssh_host_*; ssh-keygen -q -N '' -t ed25519 -f /etc/ssh/ssh_host_ed25519_key; ssh-keygen -q -N '' -t ecdsa -f /etc/ssh/ssh_host_ecdsa_key"
[Install]
WantedBy=ssh.service
UNIT
# The lab's Debian base carries nginx and redis for its images; in a VM they would only fail at boot.
systemctl mask nginx.service redis-server.service
# glusterd is section 5's to start (storage.gluster), as on the local lab's nodes: not at boot before that.
systemctl disable glusterd.service
# The VM has no Internet: compose.install "downloads" docker-compose from here (curl's file://).
mkdir -p ${NODE_DOWNLOADS}
mv /usr/bin/docker-compose ${NODE_DOWNLOADS}/docker-compose-Linux-x86_64
# QEMU's user-mode network answers DHCP; systemd-networkd is already in the systemd package.
# networkd applies the first file (by name) that matches a link: 99- lets Vagrant's 50-vagrant-<link>.network
# (a private_network's static address, written by its Debian guest capability) win over this catch-all.
cat > /etc/systemd/network/99-dhcp.network <<'UNIT'
[Match]
Name=en* eth*
[Network]
DHCP=yes
UNIT
# One configured link is enough: a second NIC without DHCP must not hold docker back for two minutes.
mkdir -p /etc/systemd/system/systemd-networkd-wait-online.service.d
printf '[Service]\nExecStart=\nExecStart=/lib/systemd/systemd-networkd-wait-online --any --timeout=30\n' \
  > /etc/systemd/system/systemd-networkd-wait-online.service.d/any.conf
systemctl enable ssh ssh-host-keys systemd-networkd docker containerd swarm-lab-images
`;

export interface BoxRecipe {
  /** The key of the lab's Debian base tarball the box starts from. */
  readonly rootfsKey: string;
  readonly packages: readonly string[];
  readonly setup: string;
  /** Vagrant's insecure public key, as written into authorized_keys. */
  readonly publicKey: string;
  readonly diskGb: number;
  readonly cmdline: string;
}

export function defaultRecipe(rootfsKey: string, publicKey: string): BoxRecipe {
  return {
    rootfsKey,
    packages: BOX_PACKAGES,
    setup: BOX_SETUP,
    publicKey: publicKey.trim(),
    diskGb: BOX_DISK_GB,
    cmdline: BOX_KERNEL_CMDLINE,
  };
}

/** 12 hex digits naming the box folder; package order does not matter, anything else does. */
export function boxKey(recipe: BoxRecipe): string {
  const text = JSON.stringify({
    f: BOX_FORMAT,
    rootfs: recipe.rootfsKey,
    p: [...recipe.packages].sort(),
    setup: recipe.setup,
    key: recipe.publicKey.trim(),
    disk: recipe.diskGb,
    cmdline: recipe.cmdline,
  });
  return crypto.createHash('sha256').update(text).digest('hex').slice(0, 12);
}

/** The files of a built box, all in one folder of the cache. */
export interface BoxFiles {
  readonly dir: string;
  /** The root disk, qcow2. */
  readonly image: string;
  readonly kernel: string;
  readonly initrd: string;
  readonly metadata: string;
  readonly vagrantfile: string;
  /** The Vagrant box: a tarball of the four files above (`vagrant box add NAME FILE`). */
  readonly boxFile: string;
}

export const BOX_DIR_PREFIX = 'vm-box-';

export function boxFiles(cacheDir: string, key: string): BoxFiles {
  const dir = path.join(cacheDir, `${BOX_DIR_PREFIX}${key}`);
  return {
    dir,
    image: path.join(dir, 'box.img'),
    kernel: path.join(dir, 'vmlinuz'),
    initrd: path.join(dir, 'initrd.img'),
    metadata: path.join(dir, 'metadata.json'),
    vagrantfile: path.join(dir, 'Vagrantfile'),
    boxFile: path.join(dir, 'swarmlab_qemu.box'),
  };
}

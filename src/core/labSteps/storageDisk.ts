/**
 * On VMs, GlusterFS's bricks live on each VM's data disk (the second disk
 * Configure Vagrantfile adds), not on the root file system: this phase of
 * storage.gluster formats that disk (only when it is empty) and mounts it
 * where the brick goes, by UUID in /etc/fstab so it comes back after a
 * reboot. A disk that already holds a file system other than ext4, or a
 * partition table, is never formatted: the node fails with what it found.
 */
import type { Localizer } from '../l10n';
import { sh } from '../shell/shellQuote';
import type { Step } from '../steps/step';
import { rootAction } from './labSession';

/** Where the data disk is mounted; the brick (GLUSTER_BRICK) is a folder of it. */
export const DATA_DISK_MOUNT = '/srv/gluster';
/** The data disk's names, in the order looked for: virtio (QEMU, libvirt), then SCSI/SATA (VirtualBox). */
export const DATA_DISK_DEVICES: readonly string[] = ['/dev/vdb', '/dev/sdb'];
/** The label a disk formatted by Swarm Lab carries. */
export const DATA_DISK_LABEL = 'swarm-lab-data';
/** The VM lab's disk of Docker images (src/vm/imagesDisk.ts), mounted on /var/lib/docker: never a data disk. */
export const IMAGES_DISK_LABEL = 'swarm-lab-images';

/** What is mounted on the brick's folder, from /proc/mounts (readable by any user): `SOURCE TYPE`. */
const DISK_MOUNT_READ = sh`awk -v m=${DATA_DISK_MOUNT} '$2 == m { print $1, $3 }' /proc/mounts`;

/**
 * Finds the data disk, formats it when it carries nothing (no file system,
 * no partition table), adds it to /etc/fstab by UUID once, mounts it.
 * blkid -p probes the device itself, not a cache that may be stale.
 */
export const PREPARE_DATA_DISK = sh`set -e
d=''
for c in ${DATA_DISK_DEVICES}; do if [ -b "$c" ] && [ "$(blkid -p -o value -s LABEL "$c" || true)" != ${IMAGES_DISK_LABEL} ]; then d=$c; break; fi; done
if [ -z "$d" ]; then echo ${`no data disk (${DATA_DISK_DEVICES.join(' or ')}): give each machine one (Configure Vagrantfile), then vagrant reload`} >&2; exit 1; fi
t=$(blkid -p -o value -s TYPE "$d" || true)
p=$(blkid -p -o value -s PTTYPE "$d" || true)
if [ -n "$p" ]; then echo "$d has a partition table ($p): Swarm Lab formats only an empty disk" >&2; exit 1; fi
if [ -z "$t" ]; then mkfs.ext4 -q -L ${DATA_DISK_LABEL} "$d"; echo "formatted $d (ext4)"; t=ext4; fi
if [ "$t" != ext4 ]; then echo "$d holds a $t file system: Swarm Lab formats only an empty disk" >&2; exit 1; fi
u=$(blkid -p -o value -s UUID "$d")
mkdir -p ${DATA_DISK_MOUNT}
if ! grep -q "^UUID=$u " /etc/fstab; then printf 'UUID=%s %s ext4 defaults,nofail 0 2\n' "$u" ${DATA_DISK_MOUNT} >> /etc/fstab; fi
mountpoint -q ${DATA_DISK_MOUNT} || mount ${DATA_DISK_MOUNT}
echo "$d mounted on" ${DATA_DISK_MOUNT}`;

/** The phase: done when a block device is mounted on the brick's folder. */
export function dataDiskPhase(l10n: Localizer): Step<undefined> {
  return {
    id: 'storage.gluster.disk',
    title: l10n.t('The data disk formatted and mounted on {0}', DATA_DISK_MOUNT),
    targets: 'all',
    changesMachines: true,
    async check(ctx) {
      const out = await ctx.session.exec(DISK_MOUNT_READ, { signal: ctx.signal });
      const [source = '', type = ''] = out.stdout.trim().split(/\s+/);
      return source.startsWith('/dev/')
        ? { state: 'done', reason: ctx.l10n.t('{0} ({1}) is mounted on {2}', source, type, DATA_DISK_MOUNT) }
        : { state: 'todo', reason: ctx.l10n.t('no disk is mounted on {0}', DATA_DISK_MOUNT) };
    },
    plan: (ctx) => [rootAction(ctx, PREPARE_DATA_DISK, { evidence: true })],
  };
}

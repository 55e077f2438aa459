/**
 * Section 5, the option the local lab runs: a GlusterFS volume replicated
 * on every node, mounted on /data of every node over FUSE. Chosen because
 * this machine's kernel has no NFS (neither server nor client) but has FUSE,
 * and GlusterFS's daemons are plain user-space processes that run inside a
 * node's network namespace (see the README). glusterd on every node, the
 * peers and the volume from the first manager, the mount on every node,
 * each from its own glusterd.
 */
import type { Localizer } from '../l10n';
import { sh } from '../shell/shellQuote';
import type { NodeContext, NodeTarget, Step } from '../steps/step';
import type { LabStep, LabStepConfig } from './labConfig';
import { labSession, rootAction } from './labSession';
import { cephUnavailable } from './storageCeph';
import { dataDiskPhase } from './storageDisk';

export const GLUSTER_VOLUME = 'data';
/** Each node's brick: under /srv, the node's own (on a VM, a folder of its data disk: storageDisk.ts). */
export const GLUSTER_BRICK = '/srv/gluster/data';
/** A node's mount of the volume, as /proc/mounts types it. */
export const GLUSTER_FSTYPE = 'fuse.glusterfs';

/** glusterd answers its CLI on this node (its socket is under the node's own /run). */
const GLUSTERD_ANSWERS = sh`gluster --mode=script pool list`;

/**
 * Starts glusterd: through systemd where it runs (a VM), else directly (a
 * local lab node has no init of its own); then waits, bounded, until it
 * answers.
 */
export const START_GLUSTERD = sh`mkdir -p ${GLUSTER_BRICK} && if [ -d /run/systemd/system ]; then systemctl start glusterd; else glusterd -p /run/glusterd.pid; fi && i=0 && until gluster --mode=script pool list >/dev/null 2>&1; do i=$((i+1)); if [ $i -ge 50 ]; then echo 'glusterd did not answer in 10 s' >&2; exit 1; fi; sleep 0.2; done`;

/** `gluster peer probe` of each other node, then a bounded wait until all are connected peers. */
export function probePeers(others: readonly NodeTarget[]): ReturnType<typeof sh> {
  const addresses = others.map((n) => n.address);
  return sh`for a in ${addresses}; do gluster --mode=script peer probe "$a" || exit 1; done && i=0 && until [ "$(gluster --mode=script peer status | grep -c 'Peer in Cluster (Connected)')" -ge ${others.length} ]; do i=$((i+1)); if [ $i -ge 100 ]; then gluster --mode=script peer status >&2; exit 1; fi; sleep 0.2; done`;
}

/** The volume over every node's brick: replicated on all when there are 2 nodes or more. */
export function createVolume(cluster: readonly NodeTarget[]): ReturnType<typeof sh> {
  const bricks = cluster.map((n) => `${n.address}:${GLUSTER_BRICK}`);
  const layout = [...(cluster.length >= 2 ? ['replica', String(cluster.length)] : []), ...bricks];
  // `force`: on a VM the brick sits on the root file system, which gluster refuses without it.
  return sh`gluster --mode=script volume create ${GLUSTER_VOLUME} ${layout} force`;
}

/** The node mounts the volume from its own glusterd; /data stays writable by the lab's user. */
export function mountData(node: NodeTarget): ReturnType<typeof sh> {
  return sh`mkdir -p /data && mount -t glusterfs ${`${node.address}:/${GLUSTER_VOLUME}`} /data && chmod 1777 /data`;
}

async function asRoot(
  ctx: NodeContext,
  command: ReturnType<typeof sh>,
): Promise<{ code: number | null; stdout: string }> {
  return labSession(ctx.session).machine.execAsRoot(command, { signal: ctx.signal });
}

function glusterdPhase(l10n: Localizer): Step<undefined> {
  return {
    id: 'storage.gluster.glusterd',
    title: l10n.t('glusterd on every node'),
    targets: 'all',
    changesMachines: true,
    async check(ctx) {
      const out = await asRoot(ctx, GLUSTERD_ANSWERS);
      return out.code === 0
        ? { state: 'done', reason: ctx.l10n.t('glusterd answers') }
        : { state: 'todo', reason: ctx.l10n.t('glusterd does not answer') };
    },
    plan: (ctx) => [rootAction(ctx, START_GLUSTERD)],
  };
}

type VolumeMemo = 'create' | 'start';

function volumePhase(l10n: Localizer): Step<VolumeMemo> {
  return {
    id: 'storage.gluster.volume',
    title: l10n.t('The replicated GlusterFS volume'),
    targets: 'firstManager',
    changesMachines: true,
    async check(ctx) {
      const out = await asRoot(ctx, sh`gluster --mode=script volume info ${GLUSTER_VOLUME}`);
      if (out.code !== 0) {
        return { state: 'todo', reason: ctx.l10n.t('no volume {0}', GLUSTER_VOLUME), memo: 'create' };
      }
      const status = /^Status:\s*(\S+)/m.exec(out.stdout)?.[1] ?? '';
      const bricks = /^Number of Bricks:\s*(.+)$/m.exec(out.stdout)?.[1]?.trim() ?? '';
      return status === 'Started'
        ? { state: 'done', reason: ctx.l10n.t('volume {0} started, bricks {1}', GLUSTER_VOLUME, bricks) }
        : { state: 'todo', reason: ctx.l10n.t('volume {0} is {1}', GLUSTER_VOLUME, status), memo: 'start' };
    },
    plan(ctx, memo) {
      const start = rootAction(ctx, sh`gluster --mode=script volume start ${GLUSTER_VOLUME}`);
      if (memo === 'start') {
        return [start];
      }
      const others = ctx.cluster.filter((n) => n.name !== ctx.node.name);
      return [
        ...(others.length > 0 ? [rootAction(ctx, probePeers(others))] : []),
        rootAction(ctx, createVolume(ctx.cluster)),
        start,
        rootAction(ctx, sh`gluster --mode=script volume info ${GLUSTER_VOLUME}`, { evidence: true }),
      ];
    },
  };
}

/** The type and source of what is mounted on /data here, from /proc/mounts (readable by any user). */
export const DATA_MOUNT_READ = sh`awk '$2 == "/data" { print $3, $1 }' /proc/mounts`;

function mountPhase(l10n: Localizer): Step<undefined> {
  return {
    id: 'storage.gluster.mount',
    title: l10n.t('The volume mounted on /data of every node'),
    targets: 'all',
    changesMachines: true,
    async check(ctx) {
      const out = await ctx.session.exec(DATA_MOUNT_READ, { signal: ctx.signal });
      const mounted = out.stdout.split('\n').find((l) => l.startsWith(`${GLUSTER_FSTYPE} `));
      return mounted !== undefined
        ? { state: 'done', reason: ctx.l10n.t('/data is mounted: {0}', mounted) }
        : { state: 'todo', reason: ctx.l10n.t('/data is not a GlusterFS mount') };
    },
    plan: (ctx) => [rootAction(ctx, mountData(ctx.node))],
  };
}

/**
 * The local lab's shared storage, and the VMs' when Ceph cannot run there
 * (no Ceph image: an offline VM lab, swarmLab.images.ceph set to none). On
 * VMs the bricks go on each VM's data disk, formatted and mounted first.
 * With Ceph runnable, a VM lab does what the course does (CephFS), and a
 * second file system must not be mounted over it.
 */
export function glusterStep(config: LabStepConfig, l10n: Localizer): LabStep {
  const vm = config.environment === 'vm';
  const cephRuns = vm && cephUnavailable(config, l10n) === undefined;
  return {
    id: 'storage.gluster',
    title: l10n.t('Shared /data on a replicated GlusterFS volume'),
    section: 5,
    phases: [...(vm ? [dataDiskPhase(l10n)] : []), glusterdPhase(l10n), volumePhase(l10n), mountPhase(l10n)],
    ...(cephRuns
      ? {
          unavailable: l10n.t(
            'On VMs with the Ceph image, /data is CephFS (the storage.ceph-* steps); GlusterFS is the storage of labs without Ceph.',
          ),
        }
      : {}),
  };
}

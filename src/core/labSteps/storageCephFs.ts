/**
 * Section 5, option A continued: the pool settings and the client key
 * (`ceph` commands in the first monitor's container), then CephFS mounted
 * on /data of every node through an /etc/fstab line, and the cluster's
 * health check. The client key travels from the first node to the others
 * over the nodes' sessions and is never logged: it lands in a root-only
 * secret file that the fstab line names.
 */
import type { Localizer } from '../l10n';
import { sh } from '../shell/shellQuote';
import type { NodeTarget, Step } from '../steps/step';
import type { LabCheck, LabStep, LabStepConfig, NodeCheck } from './labConfig';
import { labCheck } from './labConfig';
import { commandFailure, labSession, rootAction } from './labSession';
import { cephMonitors, cephStep, cephUnavailable } from './storageCeph';

export const CLIENT = 'client.dockerswarm';
export const SECRET_FILE = '/etc/ceph/dockerswarm.secret';
const KEYRING = '/etc/ceph/ceph.client.dockerswarm.keyring';
const POOLS = ['cephfs_data', 'cephfs_metadata'];
const POOL_SIZE = 2;

/** What the fs step reads in the monitor's container: each pool's size, the OSD flags, the client's presence. */
export const CEPH_FS_READ = sh`docker exec ceph-mon sh -c ${`for p in ${POOLS.join(' ')}; do ceph osd pool get $p size; done; ceph osd dump | grep '^flags'; ceph auth get ${CLIENT} >/dev/null 2>&1 && echo client-present`}`;

/** The lab's `ceph` line of /etc/fstab: every monitor, the client's name and its secret file. */
export function cephFstabLine(cluster: readonly NodeTarget[]): string {
  const monitors = cephMonitors(cluster)
    .map((n) => n.address)
    .join(',');
  return `${monitors}:/ /data ceph name=dockerswarm,secretfile=${SECRET_FILE},noatime,_netdev 0 2`;
}

export function cephFsStep(config: LabStepConfig, l10n: Localizer): LabStep {
  const step: Step<undefined> = {
    id: 'storage.ceph-fs',
    title: l10n.t('Pool size 2, nodeep-scrub, the client.dockerswarm key'),
    targets: 'firstManager',
    changesMachines: true,
    async check(ctx) {
      const out = await ctx.session.exec(CEPH_FS_READ, { signal: ctx.signal });
      const sizes = POOLS.every((_p, i) => out.stdout.split('\n')[i]?.trim() === `size: ${POOL_SIZE}`);
      const noDeepScrub = /^flags .*nodeep-scrub/m.test(out.stdout);
      const client = out.stdout.includes('client-present');
      return sizes && noDeepScrub && client
        ? { state: 'done', reason: ctx.l10n.t('pools of size {0}, nodeep-scrub set, {1} exists', POOL_SIZE, CLIENT) }
        : { state: 'todo' };
    },
    plan() {
      return [
        ...POOLS.map((p) => ({
          kind: 'exec' as const,
          command: sh`docker exec ceph-mon ceph osd pool set ${p} size ${POOL_SIZE}`,
        })),
        { kind: 'exec', command: sh`docker exec ceph-mon ceph osd set nodeep-scrub` },
        // -o: the key goes to /etc/ceph (the container's bind mount), not to the log.
        {
          kind: 'exec',
          command: sh`docker exec ceph-mon ceph auth get-or-create ${CLIENT} mon 'allow r' mds 'allow rw' osd 'allow rw pool=cephfs_data' -o ${KEYRING}`,
        },
      ];
    },
  };
  return cephStep(config, l10n, step.id, step.title, [step]);
}

/** The secret file on this node, from the first monitor's key (read there, written here, never shown). */
function secretPhase(config: LabStepConfig, l10n: Localizer): Step<undefined> {
  const write = sh`umask 077 && cat > ${SECRET_FILE}`;
  return {
    id: 'storage.ceph-mount.secret',
    title: l10n.t('The client key’s secret file on every node'),
    targets: 'all',
    changesMachines: true,
    async check(ctx) {
      const has = await labSession(ctx.session).machine.execAsRoot(sh`test -s ${SECRET_FILE}`, { signal: ctx.signal });
      return has.code === 0
        ? { state: 'done', reason: ctx.l10n.t('{0} is in place', SECRET_FILE) }
        : { state: 'todo', reason: ctx.l10n.t('{0} is missing', SECRET_FILE) };
    },
    plan(ctx) {
      const first = ctx.cluster[0].name;
      const read = sh`docker exec ceph-mon ceph auth get-key ${CLIENT}`;
      return [
        {
          kind: 'call',
          description: ctx.l10n.t(
            'on {0}: {1}; on {2}: {3} (the key is not shown)',
            first,
            read.text,
            ctx.node.name,
            write.text,
          ),
          async run(session, io) {
            const source = await config.sessionOf(first, io.signal);
            const key = await source.exec(read, { signal: io.signal });
            if (key.code !== 0 || key.stdout.trim() === '') {
              throw new Error(commandFailure(`${first}: ${read.text}`, { ...key, stdout: '' }, ctx.l10n));
            }
            const out = await labSession(session).machine.execAsRoot(write, {
              signal: io.signal,
              stdin: `${key.stdout.trim()}\n`,
            });
            if (out.code !== 0) {
              throw new Error(commandFailure(write.text, out, ctx.l10n));
            }
          },
        },
      ];
    },
  };
}

function fstabPhase(l10n: Localizer): Step<undefined> {
  return {
    id: 'storage.ceph-mount',
    title: l10n.t('The ceph line of /etc/fstab and /data mounted'),
    targets: 'all',
    changesMachines: true,
    async check(ctx) {
      const line = cephFstabLine(ctx.cluster);
      const out = await ctx.session.exec(
        sh`grep -qxF ${line} /etc/fstab && echo fstab; awk '$2 == "/data" { print $3 }' /proc/mounts`,
        { signal: ctx.signal },
      );
      const inFstab = out.stdout.split('\n').includes('fstab');
      const mounted = out.stdout.split('\n').includes('ceph');
      return inFstab && mounted
        ? { state: 'done', reason: ctx.l10n.t('/data is mounted from CephFS, /etc/fstab has its line') }
        : { state: 'todo' };
    },
    plan(ctx) {
      const line = cephFstabLine(ctx.cluster);
      return [
        rootAction(ctx, sh`mkdir -p /data`),
        rootAction(ctx, sh`grep -qxF ${line} /etc/fstab || printf '%s\n' ${line} >> /etc/fstab`),
        rootAction(ctx, sh`mountpoint -q /data || mount /data`),
      ];
    },
  };
}

export function cephMountStep(config: LabStepConfig, l10n: Localizer): LabStep {
  return cephStep(config, l10n, 'storage.ceph-mount', l10n.t('The ceph line of /etc/fstab and /data mounted'), [
    secretPhase(config, l10n),
    fstabPhase(l10n),
  ]);
}

export function cephHealthyCheck(config: LabStepConfig, l10n: Localizer): LabCheck {
  return labCheck({
    id: 'storage.ceph-healthy',
    title: l10n.t('ceph status says HEALTH_OK'),
    section: 5,
    targets: 'firstManager',
    unavailable: cephUnavailable(config, l10n),
    async node(ctx): Promise<NodeCheck> {
      const out = await ctx.session.exec(sh`docker exec ceph-mon ceph status`, { signal: ctx.signal });
      if (out.code !== 0) {
        return { ok: false, why: commandFailure('docker exec ceph-mon ceph status', out, ctx.l10n) };
      }
      const health = /health:\s*(\S+)/i.exec(out.stdout)?.[1] ?? '';
      return health === 'HEALTH_OK'
        ? { ok: true, why: 'HEALTH_OK' }
        : { ok: false, why: ctx.l10n.t('ceph status says {0}', health || out.stdout.trim().split('\n')[0] || '?') };
    },
  });
}

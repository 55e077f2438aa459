/**
 * Section 5's checks, whichever the option: /data is a mount of a shared
 * file system on every node (CephFS on the VMs, GlusterFS in the local
 * lab), and a file written on one node is read back on every other.
 */
import type { Localizer } from '../l10n';
import { sh } from '../shell/shellQuote';
import type { CheckVerdict, LabCheck, LabStepConfig, NodeCheck } from './labConfig';
import { labSession } from './labSession';
import { DATA_MOUNT_READ } from './storageGluster';

/** The /proc/mounts types of a shared file system on /data (kernel CephFS, ceph-fuse, GlusterFS, NFS). */
export const SHARED_FS_TYPES = ['ceph', 'fuse.ceph-fuse', 'fuse.glusterfs', 'nfs', 'nfs4'];

export function dataMountedCheck(l10n: Localizer): LabCheck {
  return {
    id: 'storage.data-mounted',
    title: l10n.t('/data is a shared file system on every node'),
    section: 5,
    targets: 'all',
    async node(ctx): Promise<NodeCheck> {
      const out = await ctx.session.exec(DATA_MOUNT_READ, { signal: ctx.signal });
      if (out.code !== 0) {
        return { ok: false, why: out.stderr.trim() || ctx.l10n.t('/proc/mounts cannot be read') };
      }
      // The last mount on /data is the one in use.
      const line = out.stdout.trim().split('\n').filter(Boolean).pop();
      if (line === undefined) {
        return { ok: false, why: ctx.l10n.t('nothing is mounted on /data') };
      }
      const [type, source] = line.split(' ');
      return SHARED_FS_TYPES.includes(type)
        ? { ok: true, why: `${source} (${type})` }
        : { ok: false, why: ctx.l10n.t('/data is a {0} mount ({1}), not a shared file system', type, source ?? '') };
    },
  };
}

/** A name no earlier run used: the check proves this run's write, not an old file. */
function probeName(node: string): string {
  const nonce = `${Date.now().toString(36)}-${Math.floor(Math.random() * 1e9).toString(36)}`;
  return `/data/.swarm-lab-probe-${node}-${nonce}`;
}

/**
 * Runs on the first node: writes a probe file there (as root: /data's owner
 * differs between file systems), reads it on every other node through their
 * sessions, then removes it. Each other node's answer is the verdict.
 */
export function dataSharedCheck(config: LabStepConfig, l10n: Localizer): LabCheck {
  return {
    id: 'storage.data-shared',
    title: l10n.t('A file written on one node is read on the others'),
    section: 5,
    targets: 'firstManager',
    async node(ctx): Promise<NodeCheck> {
      const file = probeName(ctx.node.name);
      const token = file.split('-probe-')[1];
      const machine = labSession(ctx.session).machine;
      const wrote = await machine.execAsRoot(sh`printf '%s\n' ${token} > ${file}`, { signal: ctx.signal });
      if (wrote.code !== 0) {
        return { ok: false, why: ctx.l10n.t('cannot write {0}: {1}', file, wrote.stderr.trim()) };
      }
      try {
        const others = ctx.nodes.filter((n) => n.name !== ctx.node.name);
        if (others.length === 0) {
          return { ok: false, why: ctx.l10n.t('one node only: nothing to share with') };
        }
        const reads = await Promise.all(
          others.map(async (n) => {
            const out = await (
              await config.sessionOf(n.name, ctx.signal)
            ).exec(sh`cat ${file}`, { signal: ctx.signal });
            return { node: n.name, ok: out.code === 0 && out.stdout.trim() === token, err: out.stderr.trim() };
          }),
        );
        const missing = reads.filter((r) => !r.ok);
        return missing.length === 0
          ? {
              ok: true,
              why: ctx.l10n.t(
                '{0} written on {1}, read on {2}',
                file,
                ctx.node.name,
                others.map((n) => n.name).join(', '),
              ),
            }
          : {
              ok: false,
              why: ctx.l10n.t(
                '{0} written on {1} is not read on {2}',
                file,
                ctx.node.name,
                missing.map((r) => (r.err ? `${r.node} (${r.err})` : r.node)).join(', '),
              ),
            };
      } finally {
        await machine.execAsRoot(sh`rm -f ${file}`, { signal: ctx.signal }).catch(() => undefined);
      }
    },
    verdict(results): CheckVerdict {
      const [first] = [...results.values()];
      return first === undefined
        ? { state: 'unknown', why: l10n.t('no node answered') }
        : { state: first.ok ? 'pass' : 'fail', why: first.why };
    },
  };
}

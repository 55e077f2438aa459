/**
 * Section 5, option A: the lab's Ceph cluster run in `ceph/daemon`
 * containers on the host network. Monitors and managers on the first 3
 * nodes, an OSD on every node's data disk, an MDS on every node; the first
 * monitor creates /etc/ceph and the bootstrap keys, which the steps copy to
 * the other nodes themselves (nodeCopy.ts) before anything starts there, or
 * each node would create a cluster of its own. It needs the VMs' second
 * disk and the lab's image: in the local lab these steps are unavailable.
 */
import type { Localizer } from '../l10n';
import { sh, type ShellCommand } from '../shell/shellQuote';
import type { Action, NodeContext, NodeTarget, Step } from '../steps/step';
import type { LabStep, LabStepConfig } from './labConfig';
import { labStep } from './labConfig';
import { CEPH_IMAGE, labImage } from './labImages';
import { labSession, rootAction } from './labSession';
import { copyFromNode } from './nodeCopy';

/** The lab runs 3 monitors and 3 managers (a quorum survives one loss). */
export const CEPH_MONITORS = 3;
export const OSD_DEVICE = '/dev/sdb';
/** What the first monitor creates and every other node needs before its daemons start. */
export const CEPH_SHARED_FILES = [
  '/etc/ceph',
  '/var/lib/ceph/bootstrap-osd/ceph.keyring',
  '/var/lib/ceph/bootstrap-mds/ceph.keyring',
  '/var/lib/ceph/bootstrap-mgr/ceph.keyring',
  '/var/lib/ceph/bootstrap-rgw/ceph.keyring',
];
const CEPH_VOLUMES = ['-v', '/etc/ceph:/etc/ceph', '-v', '/var/lib/ceph/:/var/lib/ceph/'];

/** Why Ceph cannot run here, or undefined when it can. */
export function cephUnavailable(config: LabStepConfig, l10n: Localizer): string | undefined {
  if (config.environment === 'local-lab') {
    return l10n.t(
      'Ceph needs real VMs: a data disk per node ({0}) and the {1} image. The local lab has neither; its shared storage is storage.gluster.',
      OSD_DEVICE,
      CEPH_IMAGE.lab,
    );
  }
  return labImage(config, CEPH_IMAGE) === undefined
    ? l10n.t('No image for the role {0}: set it in swarmLab.images.', CEPH_IMAGE.role)
    : undefined;
}

/** The nodes running monitors and managers: the first 3 in the lab's order. */
export function cephMonitors(cluster: readonly NodeTarget[]): NodeTarget[] {
  return cluster.slice(0, CEPH_MONITORS);
}

/** The public network of the monitors: the first node's /24 (the lab's host-only network). */
export function cephPublicNetwork(address: string): string {
  const parts = address.split('.');
  return `${parts.slice(0, 3).join('.')}.0/24`;
}

function image(config: LabStepConfig): string {
  return labImage(config, CEPH_IMAGE) ?? CEPH_IMAGE.lab;
}

/** The `docker run` of each daemon, as the lab writes them. */
export function cephRun(
  daemon: 'mon' | 'mgr' | 'osd' | 'mds',
  node: NodeTarget,
  cluster: readonly NodeTarget[],
  config: LabStepConfig,
): ShellCommand {
  const name = `ceph-${daemon}`;
  const img = image(config);
  switch (daemon) {
    case 'mon':
      return sh`docker run -d --net=host --name ${name} --restart=always ${CEPH_VOLUMES} -e ${`MON_IP=${node.address}`} -e ${`CEPH_PUBLIC_NETWORK=${cephPublicNetwork(cluster[0].address)}`} ${img} mon`;
    case 'mgr':
      return sh`docker run -d --net=host --name ${name} --restart=always ${CEPH_VOLUMES} ${img} mgr`;
    case 'osd':
      // The OSD prepares and owns a raw disk: it needs the host's /dev and PID namespace.
      return sh`docker run -d --net=host --name ${name} --restart=always --privileged=true --pid=host ${CEPH_VOLUMES} -v /dev/:/dev/ -e ${`OSD_DEVICE=${OSD_DEVICE}`} -e OSD_TYPE=disk ${img} osd`;
    case 'mds':
      return sh`docker run -d --net=host --name ${name} --restart=always ${CEPH_VOLUMES} -e CEPHFS_CREATE=1 ${img} mds`;
  }
}

/** 'running', 'stopped' or 'missing': the daemon's container on this node. */
export async function containerStatus(ctx: NodeContext, name: string): Promise<'running' | 'stopped' | 'missing'> {
  const out = await ctx.session.exec(sh`docker container inspect --format '{{.State.Running}}' ${name}`, {
    signal: ctx.signal,
  });
  if (out.code !== 0) {
    if (/no such (object|container)/i.test(out.stderr)) {
      return 'missing';
    }
    throw new Error(out.stderr.trim() || ctx.l10n.t('docker inspect failed'));
  }
  return out.stdout.trim() === 'true' ? 'running' : 'stopped';
}

/** A phase running one daemon's container on `where` nodes: started when stopped, created when missing. */
function daemonPhase(
  id: string,
  title: string,
  daemon: 'mon' | 'mgr' | 'osd' | 'mds',
  config: LabStepConfig,
  where: (node: NodeTarget, cluster: readonly NodeTarget[]) => boolean,
  before: (ctx: NodeContext) => Action[] = () => [],
): Step<'create' | 'start'> {
  const name = `ceph-${daemon}`;
  return {
    id,
    title,
    targets: 'all',
    changesMachines: true,
    async check(ctx) {
      if (!where(ctx.node, ctx.cluster)) {
        return { state: 'done', reason: ctx.l10n.t('{0} does not run on this node', name) };
      }
      const status = await containerStatus(ctx, name);
      if (status === 'running') {
        return { state: 'done', reason: ctx.l10n.t('{0} runs', name) };
      }
      return status === 'stopped'
        ? { state: 'todo', reason: ctx.l10n.t('{0} is stopped', name), memo: 'start' }
        : { state: 'todo', reason: ctx.l10n.t('no {0} container', name), memo: 'create' };
    },
    plan(ctx, memo) {
      if (memo === 'start') {
        return [{ kind: 'exec', command: sh`docker start ${name}` }];
      }
      return [...before(ctx), { kind: 'exec', command: cephRun(daemon, ctx.node, ctx.cluster, config) }];
    },
  };
}

/** Waits (bounded) until the first monitor has written the cluster's configuration and keys. */
const WAIT_CEPH_FILES = sh`i=0; until [ -s /etc/ceph/ceph.conf ] && [ -s /var/lib/ceph/bootstrap-osd/ceph.keyring ]; do i=$((i+1)); if [ $i -ge 120 ]; then echo 'the monitor wrote no /etc/ceph/ceph.conf in 120 s' >&2; exit 1; fi; sleep 1; done`;

/** Copies the first monitor's files to a node that does not have them yet. */
function copyPhase(id: string, title: string, config: LabStepConfig, paths: readonly string[]): Step<undefined> {
  const proof = paths.find((p) => p.endsWith('.keyring')) ?? '/etc/ceph/ceph.conf';
  return {
    id,
    title,
    targets: 'all',
    changesMachines: true,
    async check(ctx) {
      if (ctx.node.name === ctx.cluster[0].name) {
        return { state: 'done', reason: ctx.l10n.t('the first monitor: the files come from here') };
      }
      const has = await labSession(ctx.session).machine.execAsRoot(
        sh`test -s /etc/ceph/ceph.conf && test -s ${proof}`,
        {
          signal: ctx.signal,
        },
      );
      return has.code === 0
        ? { state: 'done', reason: ctx.l10n.t('{0} is in place', proof) }
        : { state: 'todo', reason: ctx.l10n.t('{0} is missing', proof) };
    },
    plan(ctx) {
      return [copyFromNode(ctx, config, ctx.cluster[0].name, paths)];
    },
  };
}

const isFirst = (node: NodeTarget, cluster: readonly NodeTarget[]): boolean => node.name === cluster[0]?.name;
const isMonitor = (node: NodeTarget, cluster: readonly NodeTarget[]): boolean =>
  cephMonitors(cluster).some((n) => n.name === node.name);

/** A step of section 5, unavailable where Ceph cannot run. */
export function cephStep(
  config: LabStepConfig,
  l10n: Localizer,
  id: string,
  title: string,
  phases: Step<unknown>[],
): LabStep {
  return labStep({ id, title, section: 5, phases, unavailable: cephUnavailable(config, l10n) });
}

export function cephMonStep(config: LabStepConfig, l10n: Localizer): LabStep {
  const mkdirs = (ctx: NodeContext): Action[] => [rootAction(ctx, sh`mkdir -p /etc/ceph /var/lib/ceph`)];
  return cephStep(config, l10n, 'storage.ceph-mon', l10n.t('Ceph monitors on 3 nodes'), [
    daemonPhase('storage.ceph-mon.first', l10n.t('The first Ceph monitor'), 'mon', config, isFirst, (ctx) => [
      ...mkdirs(ctx),
    ]),
    {
      id: 'storage.ceph-mon.files',
      title: l10n.t('The first monitor wrote its configuration'),
      targets: 'firstManager',
      changesMachines: false,
      plan: (ctx) => [rootAction(ctx, WAIT_CEPH_FILES)],
    },
    copyPhase(
      'storage.ceph-mon.copy',
      l10n.t('/etc/ceph and the bootstrap keys on every node'),
      config,
      CEPH_SHARED_FILES,
    ),
    daemonPhase(
      'storage.ceph-mon.others',
      l10n.t('The other Ceph monitors'),
      'mon',
      config,
      (node, cluster) => isMonitor(node, cluster) && !isFirst(node, cluster),
    ),
  ]);
}

export function cephMgrStep(config: LabStepConfig, l10n: Localizer): LabStep {
  return cephStep(config, l10n, 'storage.ceph-mgr', l10n.t('Ceph managers on the monitors’ nodes'), [
    daemonPhase('storage.ceph-mgr', l10n.t('Ceph managers on the monitors’ nodes'), 'mgr', config, isMonitor),
  ]);
}

/** Refuses a disk that already holds a file system or partitions (blkid exits 2 when it finds nothing). */
export const OSD_DISK_FREE = sh`if blkid -p ${OSD_DEVICE} >/dev/null 2>&1; then echo ${`${OSD_DEVICE} already holds data: it is left alone`} >&2; exit 1; fi`;

export function cephOsdStep(config: LabStepConfig, l10n: Localizer): LabStep {
  return cephStep(config, l10n, 'storage.ceph-osd', l10n.t('A Ceph OSD on every node’s data disk'), [
    copyPhase('storage.ceph-osd.keyring', l10n.t('The bootstrap-osd key on every node'), config, [
      '/var/lib/ceph/bootstrap-osd/ceph.keyring',
    ]),
    daemonPhase(
      'storage.ceph-osd',
      l10n.t('A Ceph OSD on every node’s data disk'),
      'osd',
      config,
      () => true,
      (ctx) => [rootAction(ctx, OSD_DISK_FREE)],
    ),
  ]);
}

export function cephMdsStep(config: LabStepConfig, l10n: Localizer): LabStep {
  return cephStep(config, l10n, 'storage.ceph-mds', l10n.t('A Ceph MDS on every node (CephFS created)'), [
    daemonPhase('storage.ceph-mds', l10n.t('A Ceph MDS on every node (CephFS created)'), 'mds', config, () => true),
  ]);
}

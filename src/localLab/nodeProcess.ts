import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LabLayout, LabNode } from './labLayout';
import { NODE_HOST_SOCKET_DIR } from './nodeBase';
import { createNodeCgroups } from './nodeCgroups';

/**
 * A node is a systemd-nspawn container booting the nodes' base system
 * (nodeBase.ts) under an overlay whose upper layer is the node's own folder:
 * its systemd runs sshd, containerd and dockerd as on a course VM, and what
 * it writes stays in that folder. Why nspawn: docs/design/local-lab-nodes.md.
 */

/** Joins the node's cgroups (every hierarchy) first, then becomes the command given as arguments. */
const JOIN_CGROUPS = 'for f in $NODE_CGROUP_PROCS; do echo $$ > "$f"; done; exec "$@"';

/** The node's cgroup, below this process's own: <prefix>/<node>. */
export function nodeCgroupName(layout: LabLayout, node: LabNode): string {
  return `${layout.prefix}/${node.name}`;
}

export function nodeLogFile(node: LabNode): string {
  return path.join(node.dir, 'node.log');
}

export function nodePidFile(node: LabNode): string {
  return path.join(node.dir, 'node.pid');
}

/** The node's own layer: everything it wrote over the base system. */
export function nodeUpperDir(node: LabNode): string {
  return path.join(node.dir, 'upper');
}

/** nspawn's name for the node: unique per lab instance (its runtime folders are named after it). */
export function nodeMachineName(layout: LabLayout, node: LabNode): string {
  return `${layout.prefix}-${node.name}`;
}

/** The folder every node sees as the registry's storage (section 6 runs one registry per node, host-mode). */
export function registryStorageDir(layout: LabLayout): string {
  return path.join(layout.stateDir, 'shared', 'registry');
}

/** Where a node sees that folder: the registry step's default storage. */
export const NODE_REGISTRY_STORAGE = '/var/lib/swarm-lab-registry';

export function nspawnArgs(layout: LabLayout, node: LabNode, baseDir: string): string[] {
  return [
    `--directory=${baseDir}`,
    `--overlay=${baseDir}:${nodeUpperDir(node)}:/`,
    '--boot',
    '--register=no',
    '--keep-unit',
    `--machine=${nodeMachineName(layout, node)}`,
    `--hostname=${node.name}`,
    `--network-namespace-path=/run/netns/${node.namespace}`,
    '--console=pipe',
    // The node's own resolver and clock settings, none of this machine's.
    '--resolv-conf=off',
    '--timezone=off',
    '--link-journal=no',
    // dockerd, containerd and runc need them (mounts, iptables, namespaces of their containers).
    '--capability=all',
    '--system-call-filter=@keyring',
    // Docker's data outside the overlay (overlay2 cannot stack on overlayfs), kept between starts.
    `--bind=${path.join(node.dir, 'docker')}:/var/lib/docker`,
    // dockerd's second socket: this machine loads images and probes through it.
    `--bind=${path.join(node.dir, 'run')}:${NODE_HOST_SOCKET_DIR}`,
    // GlusterFS mounts /data over FUSE (section 5).
    '--bind=/dev/fuse',
    `--bind=${registryStorageDir(layout)}:${NODE_REGISTRY_STORAGE}`,
  ];
}

/** Starts the node, detached from this process; returns the PID of its systemd-nspawn. */
export function startNodeProcess(layout: LabLayout, node: LabNode, baseDir: string): number {
  const cgroups = createNodeCgroups(nodeCgroupName(layout, node));
  for (const dir of [path.join(node.dir, 'docker'), path.join(node.dir, 'run'), registryStorageDir(layout)]) {
    fs.mkdirSync(dir, { recursive: true, mode: 0o711 });
  }
  const log = fs.openSync(nodeLogFile(node), 'w');
  // `detached` makes it a session leader of its own (setsid): it outlives this process.
  const child = spawn('sh', ['-c', JOIN_CGROUPS, 'sh', 'systemd-nspawn', ...nspawnArgs(layout, node, baseDir)], {
    detached: true,
    stdio: ['ignore', log, log],
    env: {
      PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
      NODE_CGROUP_PROCS: cgroups.procsFiles.join(' '),
      // nspawn's default, said explicitly: the node's cgroup (joined above) is the root of its cgroup namespace.
      SYSTEMD_NSPAWN_USE_CGNS: '1',
    },
  });
  fs.closeSync(log);
  child.unref();
  if (child.pid === undefined) {
    throw new Error(`could not start ${node.name}`);
  }
  fs.writeFileSync(nodePidFile(node), `${child.pid}\n`);
  return child.pid;
}

/** The node's systemd as this machine numbers it (systemd-nspawn's child), if the node runs. */
export function nodeInitPid(node: LabNode): number | undefined {
  try {
    const nspawn = fs.readFileSync(nodePidFile(node), 'utf8').trim();
    const children = fs.readFileSync(`/proc/${nspawn}/task/${nspawn}/children`, 'utf8').trim().split(/\s+/);
    const pid = Number(children[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** `nsenter` into every namespace of the node, as its own root: for tests and repairs, never for steps. */
export function enterNodeArgs(node: LabNode): string[] {
  const pid = nodeInitPid(node);
  if (pid === undefined) {
    throw new Error(`${node.name} is not running`);
  }
  return ['nsenter', `--target=${pid}`, '--all', '--'];
}

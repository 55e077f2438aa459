import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LabLayout, LabNode } from './labLayout';
import { cgroupMounts, createNodeCgroups } from './nodeCgroups';

/**
 * The shell that becomes a node, run inside the node's network namespace and
 * fresh mount and UTS namespaces. Values arrive as environment variables,
 * never pasted into the script. It joins the node's cgroups before it starts
 * anything, so every process of the node (containers too) belongs to them.
 */
const NODE_SCRIPT = `
set -eu
# 'ip netns exec' mounted a fresh /sys whose cgroup folder is empty: dockerd
# needs the hierarchies back ("Devices cgroup isn't mounted" otherwise).
mount -t tmpfs -o mode=755 cgroup_root /sys/fs/cgroup
printf '%s\\n' "$CGROUP_MOUNTS" | while read -r dir type opts; do
  [ -n "$dir" ] || continue
  mkdir -p "/sys/fs/cgroup/$dir"
  mount -t "$type" -o "$opts" "$type" "/sys/fs/cgroup/$dir"
done
for f in $NODE_CGROUP_PROCS; do echo $$ > "$f"; done
hostname "$NODE_NAME"
# A per-node /run is mandatory (dockerd would use a containerd socket found
# there), and so is /etc/docker (the engine ID comes from its key.json).
mount --bind "$NODE_DIR/run" /run
mount --bind "$NODE_DIR/etc-docker" /etc/docker
mount --bind "$NODE_DIR/home" /home
# Shared storage (section 5, GlusterFS): glusterd's state, its logs and the
# bricks under /srv are the node's own, as on a VM; /run is already.
mount --bind "$NODE_DIR/glusterd" /var/lib/glusterd
mount --bind "$NODE_DIR/log-glusterfs" /var/log/glusterfs
mount --bind "$NODE_DIR/srv" /srv
for f in hostname hosts resolv.conf passwd group shadow; do
  mount --bind "$NODE_DIR/etc/$f" "/etc/$f"
done
/usr/sbin/sshd -D -e -f "$NODE_DIR/etc/ssh/sshd_config" &
DOCKER_SERVICE_PREFER_OFFLINE_IMAGE=1 dockerd --data-root "$NODE_DIR/docker" --pidfile /run/docker.pid &
wait
`;

/** Folders of this machine each node covers with one of its own (NODE_SCRIPT's binds). */
export const NODE_MOUNT_POINTS = ['/etc/docker', '/var/lib/glusterd', '/var/log/glusterfs', '/srv'];

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

/** Starts the node's processes, detached from this one; returns the node's PID. */
export function startNodeProcess(layout: LabLayout, node: LabNode): number {
  const cgroups = createNodeCgroups(nodeCgroupName(layout, node));
  // The mount points of the node's own /etc/docker and GlusterFS folders.
  for (const dir of NODE_MOUNT_POINTS) {
    fs.mkdirSync(dir, { recursive: true });
  }
  const log = fs.openSync(nodeLogFile(node), 'w');
  // `detached` makes it a session leader of its own (setsid): it outlives this process.
  const child = spawn(
    'ip',
    [
      'netns',
      'exec',
      node.namespace,
      'unshare',
      '--mount',
      '--uts',
      '--propagation',
      'private',
      'sh',
      '-c',
      NODE_SCRIPT,
    ],
    {
      detached: true,
      stdio: ['ignore', log, log],
      env: {
        PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
        NODE_NAME: node.name,
        NODE_DIR: node.dir,
        NODE_CGROUP_PROCS: cgroups.procsFiles.join(' '),
        CGROUP_MOUNTS: cgroupMounts(),
      },
    },
  );
  fs.closeSync(log);
  child.unref();
  if (child.pid === undefined) {
    throw new Error(`could not start ${node.name}`);
  }
  fs.writeFileSync(nodePidFile(node), `${child.pid}\n`);
  return child.pid;
}

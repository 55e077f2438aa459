import * as fs from 'node:fs';
import * as path from 'node:path';
import { walkFolder } from '../core/files/walkFolder';

/**
 * Each node lives in a cgroup of its own, in every hierarchy this machine
 * mounts (under this process's own cgroup there). systemd-nspawn makes the
 * cgroup it starts in the root of the node's cgroup namespace: a hierarchy
 * left out would let the node's systemd and containerd make their groups at
 * this machine's top level. It also gives per-node memory figures, and a
 * kill that reaches every process of the node, containers included.
 */

const CGROUP_ROOT = '/sys/fs/cgroup';

interface Hierarchy {
  /** Its mount point under /sys/fs/cgroup. */
  readonly dir: string;
  /** Its key in /proc/self/cgroup: controllers (`memory`, `cpu,cpuacct`, `name=systemd`) or '' for cgroup2. */
  readonly key: string;
}

/** The hierarchies mounted under /sys/fs/cgroup, from /proc/self/mounts. */
export function cgroupHierarchies(mounts = fs.readFileSync('/proc/self/mounts', 'utf8')): Hierarchy[] {
  return mounts
    .split('\n')
    .map((l) => l.split(' '))
    .filter(([, dir = '', type]) => dir.startsWith(`${CGROUP_ROOT}/`) && (type === 'cgroup' || type === 'cgroup2'))
    .map(([, dir = '', type = '', options = '']) => ({
      dir,
      key:
        type === 'cgroup2'
          ? ''
          : options
              .split(',')
              .filter((o) => !['rw', 'ro', 'nosuid', 'nodev', 'noexec', 'relatime', 'xattr'].includes(o))
              .filter((o) => !o.startsWith('release_agent=') && o !== 'clone_children')
              .sort()
              .join(','),
    }));
}

/** This process's cgroup path in a hierarchy, from /proc/self/cgroup. */
function ownCgroup(key: string): string {
  for (const line of fs.readFileSync('/proc/self/cgroup', 'utf8').split('\n')) {
    const [, controllers, p = '/'] = line.split(':');
    if (controllers !== undefined && controllers.split(',').sort().join(',') === key) {
      return p;
    }
  }
  return '/';
}

/** `nodeName` is a path below this process's cgroup, e.g. swarmlab/core-01. */
export interface NodeCgroups {
  /** cgroup.procs files a process writes its PID to, to join the node. */
  readonly procsFiles: readonly string[];
  /** The memory cgroup folder (for usage figures and for the kill). */
  readonly memoryDir: string;
}

export function nodeCgroups(nodeName: string): NodeCgroups {
  const hierarchies = cgroupHierarchies();
  const dirs = hierarchies.map((h) => path.join(h.dir, ownCgroup(h.key), nodeName));
  const memory = hierarchies.findIndex((h) => h.key.split(',').includes('memory'));
  if (memory < 0) {
    throw new Error('no memory cgroup: the local lab needs the cgroup v1 memory controller');
  }
  return { procsFiles: dirs.map((d) => path.join(d, 'cgroup.procs')), memoryDir: dirs[memory] };
}

export function createNodeCgroups(nodeName: string): NodeCgroups {
  const groups = nodeCgroups(nodeName);
  for (const procs of groups.procsFiles) {
    const dir = path.dirname(procs);
    fs.mkdirSync(dir, { recursive: true });
    // A new cpuset group has no CPUs until given some: copy them down from the nearest parent that has them.
    if (fs.existsSync(path.join(dir, 'cpuset.cpus'))) {
      fillCpuset(dir);
    }
  }
  return groups;
}

function fillCpuset(dir: string): void {
  for (const file of ['cpuset.cpus', 'cpuset.mems']) {
    if (fs.readFileSync(path.join(dir, file), 'utf8').trim() !== '') {
      continue;
    }
    const parent = path.dirname(dir);
    if (fs.existsSync(path.join(parent, file)) && parent !== CGROUP_ROOT) {
      fillCpuset(parent);
    }
    fs.writeFileSync(path.join(dir, file), fs.readFileSync(path.join(parent, file), 'utf8'));
  }
}

/** Every cgroup folder at or below `dir`, deepest first. */
function cgroupTree(dir: string): string[] {
  if (!fs.existsSync(dir)) {
    return [];
  }
  const below = [...walkFolder(dir)].filter((e) => e.dirent.isDirectory()).map((e) => path.join(dir, e.rel));
  // The walk puts a folder before what it holds: backwards, each comes after everything below it.
  return [...below.reverse(), dir];
}

/** PIDs of every process of the node, containers included. */
export function nodePids(nodeName: string): number[] {
  const pids = new Set<number>();
  for (const procs of nodeCgroups(nodeName).procsFiles) {
    for (const dir of cgroupTree(path.dirname(procs))) {
      for (const pid of readPids(path.join(dir, 'cgroup.procs'))) {
        pids.add(pid);
      }
    }
  }
  return [...pids];
}

function readPids(file: string): number[] {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

export function signalNode(nodeName: string, signal: NodeJS.Signals): number {
  const pids = nodePids(nodeName);
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
  return pids.length;
}

/** Removes the node's (empty) cgroups, deepest first. */
export function removeNodeCgroups(nodeName: string): void {
  for (const procs of nodeCgroups(nodeName).procsFiles) {
    for (const dir of cgroupTree(path.dirname(procs))) {
      try {
        fs.rmdirSync(dir);
      } catch {
        // still busy: the next `down` removes it
      }
    }
  }
}

/** Memory the node uses now (its processes and their page cache), in bytes. */
export function nodeMemoryBytes(nodeName: string): number | undefined {
  try {
    return Number(fs.readFileSync(path.join(nodeCgroups(nodeName).memoryDir, 'memory.usage_in_bytes'), 'utf8'));
  } catch {
    return undefined;
  }
}

/** The node's processes running `comm` (dockerd, sshd), as this machine numbers them. */
export function nodeProcessesNamed(nodeName: string, comm: string): number[] {
  return nodePids(nodeName).filter((pid) => {
    try {
      return fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === comm;
    } catch {
      return false;
    }
  });
}

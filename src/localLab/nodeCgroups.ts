import * as fs from 'node:fs';
import * as path from 'node:path';
import { walkFolder } from '../core/files/walkFolder';

/**
 * Each node lives in a cgroup of its own (memory and pids controllers, under
 * this process's own cgroup): it gives per-node memory figures, and a kill
 * that reaches every process of the node, containers included (containerd's
 * shims leave dockerd's process group, but not its cgroup).
 */

const CONTROLLERS = ['memory', 'pids'] as const;
const CGROUP_ROOT = '/sys/fs/cgroup';

/** This process's cgroup path in a v1 controller, from /proc/self/cgroup. */
function ownCgroup(controller: string): string {
  for (const line of fs.readFileSync('/proc/self/cgroup', 'utf8').split('\n')) {
    const [, controllers = '', p = '/'] = line.split(':');
    if (controllers.split(',').includes(controller)) {
      return p;
    }
  }
  throw new Error(`no ${controller} cgroup: the local lab needs cgroup v1 memory and pids controllers`);
}

/** `nodeName` is a path below this process's cgroup, e.g. swarmlab/core-01. */
export interface NodeCgroups {
  /** cgroup.procs files a process writes its PID to, to join the node. */
  readonly procsFiles: readonly string[];
  /** The memory cgroup folder (for usage figures and for the kill). */
  readonly memoryDir: string;
}

export function nodeCgroups(nodeName: string): NodeCgroups {
  const dirs = CONTROLLERS.map((c) => path.join(CGROUP_ROOT, c, ownCgroup(c), nodeName));
  return { procsFiles: dirs.map((d) => path.join(d, 'cgroup.procs')), memoryDir: dirs[0] };
}

export function createNodeCgroups(nodeName: string): NodeCgroups {
  const groups = nodeCgroups(nodeName);
  groups.procsFiles.forEach((f) => fs.mkdirSync(path.dirname(f), { recursive: true }));
  return groups;
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

/** The cgroup hierarchies to re-mount inside a node, whose /sys is fresh: "dir type options" lines. */
export function cgroupMounts(): string {
  return fs
    .readFileSync('/proc/self/mounts', 'utf8')
    .split('\n')
    .map((l) => l.split(' '))
    .filter(
      ([, mountPoint = '', type]) =>
        mountPoint.startsWith(`${CGROUP_ROOT}/`) && (type === 'cgroup' || type === 'cgroup2'),
    )
    .map(
      ([, mountPoint = '', type = '', options = '']) =>
        `${mountPoint.slice(CGROUP_ROOT.length + 1)} ${type} ${options}`,
    )
    .join('\n');
}

import * as fs from 'node:fs';
import * as path from 'node:path';
import { labLayout, MAX_NODES } from './labLayout';

/**
 * Which lab folder runs a lab instance on this machine, read from the kernel
 * rather than from a file of ours: a lab's node namespaces (`swarmlab-core-01`
 * …) are machine-wide, so two lab folders of one instance would fight over
 * them. Each node's first process carries its folder in its environment
 * (NODE_DIR, set by nodeProcess.ts), so the owner is found even for a lab
 * started by another VS Code, by `npm start` or by `npm run lab`.
 */
export interface RunningLab {
  /** The lab folder whose nodes run in this instance's namespaces. */
  readonly stateDir: string;
  /** The nodes whose namespace holds a process of that lab. */
  readonly nodes: readonly string[];
}

const NETNS_DIR = '/run/netns';

/** The network namespace inode a process lives in, as `readlink /proc/PID/ns/net` shows it. */
function netnsOf(pid: string): string | undefined {
  try {
    return fs.readlinkSync(`/proc/${pid}/ns/net`);
  } catch {
    return undefined;
  }
}

/** `net:[INODE]` of a named namespace (its bind mount under /run/netns), or undefined when it does not exist. */
function namedNetns(name: string): string | undefined {
  try {
    return `net:[${fs.statSync(path.join(NETNS_DIR, name)).ino}]`;
  } catch {
    return undefined;
  }
}

function nodeDirOf(pid: string): string | undefined {
  try {
    const environ = fs.readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0');
    return environ.find((v) => v.startsWith('NODE_DIR='))?.slice('NODE_DIR='.length);
  } catch {
    return undefined;
  }
}

/**
 * The lab folder running `instance`, or undefined when none of its node
 * namespaces holds a lab process. Reads /proc only (no command runs): cheap
 * enough for every list of the Machines view.
 */
export function runningLab(instance: number): RunningLab | undefined {
  // The namespace names do not depend on the folder: any folder gives them.
  const wanted = new Map<string, string>();
  for (const node of labLayout('/', MAX_NODES, instance).nodes) {
    const inode = namedNetns(node.namespace);
    if (inode) {
      wanted.set(inode, node.name);
    }
  }
  if (wanted.size === 0) {
    return undefined;
  }
  const found = new Map<string, Set<string>>();
  for (const pid of fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    const node = wanted.get(netnsOf(pid) ?? '');
    const nodeDir = node ? nodeDirOf(pid) : undefined;
    // <stateDir>/nodes/<name>: the folder two levels up is the lab's.
    if (node && nodeDir && path.basename(nodeDir) === node) {
      const stateDir = path.dirname(path.dirname(nodeDir));
      found.set(stateDir, (found.get(stateDir) ?? new Set()).add(node));
    }
  }
  // One folder in the normal case; if a past conflict left two, the larger one is the lab.
  const [best] = [...found].sort((a, b) => b[1].size - a[1].size);
  return best ? { stateDir: best[0], nodes: [...best[1]].sort() } : undefined;
}

/** Same folder, whatever the spelling (a trailing slash, a symbolic link). */
export function sameFolder(a: string, b: string): boolean {
  const real = (p: string): string => {
    try {
      return fs.realpathSync(p);
    } catch {
      return path.resolve(p);
    }
  };
  return real(a) === real(b);
}

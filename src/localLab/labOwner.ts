import * as fs from 'node:fs';
import * as path from 'node:path';
import { labLayout, MAX_NODES } from './labLayout';

/**
 * Which lab folder runs a lab instance on this machine, read from the kernel
 * rather than from a file of ours: a lab's node namespaces (`swarmlab-core-01`
 * …) are machine-wide, so two lab folders of one instance would fight over
 * them. Each node's systemd-nspawn carries its namespace and its folder on
 * its command line (nodeProcess.ts), so the owner is found even for a lab
 * started by another VS Code, by `npm start` or by `npm run lab`.
 */
export interface RunningLab {
  /** The lab folder whose nodes run in this instance's namespaces. */
  readonly stateDir: string;
  /** The nodes whose namespace holds a process of that lab. */
  readonly nodes: readonly string[];
}

const NETNS_DIR = '/run/netns';

/**
 * The node a process boots, from a systemd-nspawn command line: its network
 * namespace's name and its folder (the overlay's upper layer is
 * `<node folder>/upper`). Undefined for any other process.
 */
function nspawnNode(pid: string): { namespace: string; nodeDir: string } | undefined {
  let args: string[];
  try {
    args = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  } catch {
    return undefined;
  }
  if (path.basename(args[0] ?? '') !== 'systemd-nspawn') {
    return undefined;
  }
  const value = (flag: string): string | undefined =>
    args.find((a) => a.startsWith(`${flag}=`))?.slice(flag.length + 1);
  const namespace = value('--network-namespace-path');
  const overlay = value('--overlay')?.split(':');
  const upper = overlay && overlay.length >= 3 ? overlay[overlay.length - 2] : undefined;
  return namespace && upper ? { namespace: path.basename(namespace), nodeDir: path.dirname(upper) } : undefined;
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
    if (fs.existsSync(path.join(NETNS_DIR, node.namespace))) {
      wanted.set(node.namespace, node.name);
    }
  }
  if (wanted.size === 0) {
    return undefined;
  }
  const found = new Map<string, Set<string>>();
  for (const pid of fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    const booted = nspawnNode(pid);
    const node = booted ? wanted.get(booted.namespace) : undefined;
    const nodeDir = booted?.nodeDir;
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

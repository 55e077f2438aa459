import { spawnSync } from 'node:child_process';
import { LabLayout, LabNode } from '../../src/localLab/labLayout';
import { sshAnswers, until } from '../../src/localLab/labProbe';
import { nodeProcessesNamed } from '../../src/localLab/nodeCgroups';
import { enterNodeArgs, nodeCgroupName } from '../../src/localLab/nodeProcess';

/** Runs a command as root inside a lab node (its own systemd, its own root), as a VM's console would. */
export function inNode(node: LabNode, args: readonly string[]): string {
  const [cmd, ...rest] = [...enterNodeArgs(node), ...args];
  const r = spawnSync(cmd, rest, { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) {
    throw new Error(`${args.join(' ')} in ${node.name} failed (${r.status ?? r.signal}): ${r.stderr.trim()}`);
  }
  return r.stdout;
}

/** The node's dockerd as this machine numbers it. */
export function dockerdPid(layout: LabLayout, node: LabNode): number {
  const [pid] = nodeProcessesNamed(nodeCgroupName(layout, node), 'dockerd');
  if (pid === undefined) {
    throw new Error(`${node.name} has no dockerd`);
  }
  return pid;
}

/**
 * Takes a lab node's SSH away and brings it back, the way a crashed or
 * stopped sshd does on a VM: the node's systemd stops its ssh service (the
 * listener), then every sshd process left (each session) is killed.
 * dockerd is left alone. Returns how many sshd processes there were.
 */
export function killNodeSshd(layout: LabLayout, node: LabNode): number {
  const cgroup = nodeCgroupName(layout, node);
  const before = nodeProcessesNamed(cgroup, 'sshd').length;
  inNode(node, ['systemctl', 'stop', 'ssh.service']);
  for (const pid of nodeProcessesNamed(cgroup, 'sshd')) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone already
    }
  }
  return before;
}

export async function startNodeSshd(_layout: LabLayout, node: LabNode): Promise<void> {
  inNode(node, ['systemctl', 'start', 'ssh.service']);
  if (!(await until(() => sshAnswers(node.address), 10_000))) {
    throw new Error(`sshd of ${node.name} did not come back`);
  }
}

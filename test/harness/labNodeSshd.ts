import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LabLayout, LabNode } from '../../src/localLab/labLayout';
import { sshAnswers, until } from '../../src/localLab/labProbe';
import { nodeCgroups, nodePids } from '../../src/localLab/nodeCgroups';
import { nodeCgroupName, nodePidFile } from '../../src/localLab/nodeProcess';

/**
 * Takes a lab node's SSH away and brings it back, the way a crashed or
 * restarted sshd does on a VM: every sshd process of the node is killed
 * (the listener and each session), then a new listener is started in the
 * node's namespaces and cgroups. dockerd is left alone.
 */
export function killNodeSshd(layout: LabLayout, node: LabNode): number {
  const sshd = nodePids(nodeCgroupName(layout, node)).filter((pid) => comm(pid) === 'sshd');
  for (const pid of sshd) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone already
    }
  }
  return sshd.length;
}

export async function startNodeSshd(layout: LabLayout, node: LabNode): Promise<void> {
  const nodePid = fs.readFileSync(nodePidFile(node), 'utf8').trim();
  const { procsFiles } = nodeCgroups(nodeCgroupName(layout, node));
  const child = spawn(
    'sh',
    [
      '-c',
      'for f in $PROCS; do echo $$ > "$f"; done; exec nsenter -t "$NODE_PID" -m -u -n -- /usr/sbin/sshd -D -e -f "$CONF"',
    ],
    {
      detached: true,
      stdio: 'ignore',
      env: {
        PATH: process.env['PATH'] ?? '/usr/sbin:/usr/bin:/sbin:/bin',
        PROCS: procsFiles.join(' '),
        NODE_PID: nodePid,
        CONF: path.join(node.dir, 'etc', 'ssh', 'sshd_config'),
      },
    },
  );
  child.unref();
  if (!(await until(() => sshAnswers(node.address), 10_000))) {
    throw new Error(`sshd of ${node.name} did not come back`);
  }
}

function comm(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
}

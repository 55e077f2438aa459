/**
 * What `sudo` and systemd do on a VM, done for a local lab node from this
 * machine (the local lab runs as root here): a root command inside the
 * node's namespaces, and a restart of the node's dockerd. The node's own
 * `core` has no sudo, as nothing in a node may reach this machine's root.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { NodeMachine } from '../core/labSteps/labSession';
import { commandLine, type ShellCommand } from '../core/shell/shellQuote';
import type { ExecOptions, ExecOutcome } from '../core/steps/step';
import { LabLayout, LabNode } from './labLayout';
import { dockerAnswers, processAlive, readPid, until } from './labProbe';
import { nodeCgroups } from './nodeCgroups';
import { nodeCgroupName, nodeLogFile, nodePidFile } from './nodeProcess';

const PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** The node's own process: its namespaces are the node. */
function nodePid(node: LabNode): number {
  const pid = readPid(nodePidFile(node));
  if (pid === undefined || !processAlive(pid)) {
    throw new Error(`${node.name} is not running`);
  }
  return pid;
}

/** Moves this shell into the node's cgroups, then becomes the command given as arguments. */
const JOIN_CGROUPS = 'for f in $NODE_CGROUP_PROCS; do echo $$ > "$f"; done; exec "$@"';

/** `nsenter` into the node's mount, UTS and network namespaces: the node as its sshd sees it. */
function enterNode(pid: number): string[] {
  return ['nsenter', `--target=${pid}`, '--mount', '--uts', '--net', '--'];
}

export class LocalLabNodeMachine implements NodeMachine {
  constructor(
    private readonly layout: LabLayout,
    private readonly node: LabNode,
    /** Bound of the wait for a restarted engine (one with swarm state takes up to ~20 s). */
    private readonly engineTimeoutMs = 90_000,
  ) {}

  describeAsRoot(command: ShellCommand): string {
    return `${commandLine([...enterNode(readPid(nodePidFile(this.node)) ?? 0), 'sh', '-c', command.text])}`;
  }

  execAsRoot(command: ShellCommand, options: ExecOptions & { stdin?: string } = {}): Promise<ExecOutcome> {
    // Joins the node's cgroups first, as the node's own processes do: a daemon
    // a root command starts (glusterd) is the node's, and stops with it.
    const [cmd, ...args] = ['sh', '-c', JOIN_CGROUPS, 'sh', ...enterNode(nodePid(this.node)), 'sh', '-c', command.text];
    return new Promise((resolve, reject) => {
      if (options.signal?.aborted) {
        resolve({ code: null, stdout: '', stderr: '', cancelled: true });
        return;
      }
      const child = spawn(cmd, args, {
        stdio: ['pipe', 'pipe', 'pipe'],
        env: {
          PATH,
          HOME: '/root',
          NODE_CGROUP_PROCS: nodeCgroups(nodeCgroupName(this.layout, this.node)).procsFiles.join(' '),
        },
        detached: true,
      });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout.on('data', (d: Buffer) => {
        out.push(d);
        options.onStdout?.(d.toString('utf8'));
      });
      child.stderr.on('data', (d: Buffer) => {
        err.push(d);
        options.onStderr?.(d.toString('utf8'));
      });
      const onAbort = (): void => {
        try {
          process.kill(-child.pid!, 'SIGTERM');
        } catch {
          child.kill('SIGTERM');
        }
      };
      options.signal?.addEventListener('abort', onAbort, { once: true });
      child.once('error', (error) => {
        options.signal?.removeEventListener('abort', onAbort);
        reject(error);
      });
      child.once('close', (code) => {
        options.signal?.removeEventListener('abort', onAbort);
        resolve({
          code,
          stdout: Buffer.concat(out).toString('utf8'),
          stderr: Buffer.concat(err).toString('utf8'),
          ...(options.signal?.aborted ? { cancelled: true } : {}),
        });
      });
      // A command that exits before reading its input (a quick grep) closes the
      // pipe: the EPIPE is no failure of ours, its exit code says how it went.
      child.stdin.on('error', () => undefined);
      child.stdin.end(options.stdin ?? '');
    });
  }

  describeEngineRestart(): string {
    return `stop ${this.node.name}'s dockerd (SIGTERM), start it again in the node, wait until it answers`;
  }

  restartEngine(signal: AbortSignal): Promise<void> {
    return restartNodeEngine(this.layout, this.node, { signal, timeoutMs: this.engineTimeoutMs });
  }
}

/**
 * A dockerd that died (killed, crashed) leaves its containerd behind, or
 * only its pid file, whose number may by now be another process's: the
 * next dockerd would then wait for that "containerd" until it gives up.
 * Stop the orphan (its containers' shims stay, the next containerd takes
 * them over) and remove the pid file.
 */
async function stopOrphanContainerd(node: LabNode, nodeProcess: number): Promise<void> {
  const pidFile = path.join(node.dir, 'run', 'docker', 'containerd', 'containerd.pid');
  const pid = readPid(pidFile);
  if (pid === undefined) {
    return;
  }
  const sameNode = (): boolean => {
    try {
      return (
        fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'containerd' &&
        fs.readlinkSync(`/proc/${pid}/ns/mnt`) === fs.readlinkSync(`/proc/${nodeProcess}/ns/mnt`)
      );
    } catch {
      return false;
    }
  };
  if (sameNode()) {
    process.kill(pid, 'SIGTERM');
    if (!(await until(() => Promise.resolve(!processAlive(pid)), 15_000))) {
      process.kill(pid, 'SIGKILL');
      await until(() => Promise.resolve(!processAlive(pid)), 5_000);
    }
  }
  fs.rmSync(pidFile, { force: true });
}

/**
 * Stops the node's dockerd (its containers get their shutdown time), then
 * starts a new one in the node's namespaces and cgroups, as the node's own
 * start does, and waits until it answers. Also starts an engine that died.
 */
export async function restartNodeEngine(
  layout: LabLayout,
  node: LabNode,
  options: { signal?: AbortSignal; timeoutMs?: number } = {},
): Promise<void> {
  const pid = nodePid(node);
  const pidFile = path.join(node.dir, 'run', 'docker.pid');
  const old = readPid(pidFile);
  if (old !== undefined && processAlive(old)) {
    process.kill(old, 'SIGTERM');
    if (!(await until(() => Promise.resolve(!processAlive(old)), 30_000))) {
      process.kill(old, 'SIGKILL');
      await until(() => Promise.resolve(!processAlive(old)), 5_000);
    }
  }
  await stopOrphanContainerd(node, pid);
  if (options.signal?.aborted) {
    throw new Error('cancelled');
  }
  const log = fs.openSync(nodeLogFile(node), 'a');
  // Joins the node's cgroups first (its kill and its figures include the
  // engine), then becomes dockerd inside the node.
  const child = spawn(
    'sh',
    [
      '-c',
      JOIN_CGROUPS,
      'sh',
      ...enterNode(pid),
      'dockerd',
      '--data-root',
      path.join(node.dir, 'docker'),
      '--pidfile',
      '/run/docker.pid',
    ],
    {
      detached: true,
      stdio: ['ignore', log, log],
      env: {
        PATH,
        DOCKER_SERVICE_PREFER_OFFLINE_IMAGE: '1',
        NODE_CGROUP_PROCS: nodeCgroups(nodeCgroupName(layout, node)).procsFiles.join(' '),
      },
    },
  );
  fs.closeSync(log);
  child.unref();
  const deadline = options.timeoutMs ?? 90_000;
  const up = await until(
    async () => options.signal?.aborted === true || child.exitCode !== null || (await dockerAnswers(node.dockerSocket)),
    deadline,
    200,
  );
  if (child.exitCode !== null) {
    throw new Error(`${node.name}: dockerd exited at once (code ${child.exitCode}); see ${nodeLogFile(node)}`);
  }
  if (!up) {
    throw new Error(`${node.name}: dockerd did not answer within ${Math.round(deadline / 1000)} s`);
  }
}

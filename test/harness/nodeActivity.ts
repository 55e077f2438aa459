import * as fs from 'node:fs';
import * as path from 'node:path';
import type { LabLayout, LabNode } from '../../src/localLab/labLayout';
import { nodeLogFile } from '../../src/localLab/nodeProcess';
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import * as readline from 'node:readline';

/** One request line of dockerd's debug log: `level=debug msg="Calling GET /v1.41/info"`. */
const API_REQUEST = /level=debug msg="Calling (GET|HEAD|POST|PUT|DELETE) ([^"\s]+)/;

/**
 * What reaches each node of the tests' lab while it is watched, counted by
 * the node itself, not by the extension: every request to its Docker API
 * (dockerd's own debug log, switched on for the watch by a configuration
 * reload, SIGHUP, then switched back), and every program its sshd starts
 * (a connection, a command, an SFTP session: the descendants of the node's
 * sshd, seen in /proc). An SSH channel to the Docker socket starts no
 * program; its requests are in the first count.
 */
export class NodeActivity {
  private readonly offsets: number[];
  private readonly watcher: ChildProcessWithoutNullStreams;
  private readonly replies: readline.Interface;
  private readonly configs: (string | undefined)[];

  private constructor(private readonly nodes: readonly LabNode[]) {
    this.configs = nodes.map((n) => readOr(daemonJson(n)));
    nodes.forEach((n, i) => {
      const config = JSON.parse(this.configs[i] ?? '{}') as Record<string, unknown>;
      fs.writeFileSync(daemonJson(n), `${JSON.stringify({ ...config, debug: true }, null, 2)}\n`);
    });
    this.offsets = nodes.map((n) => fs.statSync(nodeLogFile(n)).size);
    // The watch runs in a process of its own: its scans of /proc would count as the extension host's CPU.
    this.watcher = spawn(
      process.execPath,
      [path.join(__dirname, 'processWatchCli.js'), ...nodes.map((n) => String(sshdPid(n)))],
      {
        env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
      },
    );
    this.replies = readline.createInterface({ input: this.watcher.stdout });
  }

  private nextReply(): Promise<string> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the process watch did not answer')), 10_000);
      this.replies.once('line', (line) => {
        clearTimeout(timer);
        resolve(line);
      });
    });
  }

  /** Starts watching every node (debug logging on, dockerd told to reload). */
  static async start(layout: LabLayout): Promise<NodeActivity> {
    const activity = new NodeActivity(layout.nodes);
    const ready = await activity.nextReply();
    if (ready !== 'ready') {
      throw new Error(`the process watch said ${ready}`);
    }
    await activity.reload();
    // The reload's own lines are before the offsets taken after it.
    activity.offsets.splice(0, activity.offsets.length, ...layout.nodes.map((n) => fs.statSync(nodeLogFile(n)).size));
    return activity;
  }

  /** Each node's Docker API requests since the start, as `METHOD path`. */
  requests(): string[][] {
    return this.nodes.map((n, i) => {
      const fd = fs.openSync(nodeLogFile(n), 'r');
      try {
        const size = fs.fstatSync(fd).size;
        const buffer = Buffer.alloc(Math.max(0, size - this.offsets[i]));
        fs.readSync(fd, buffer, 0, buffer.length, this.offsets[i]);
        return buffer
          .toString('utf8')
          .split('\n')
          .map((line) => API_REQUEST.exec(line))
          .filter((m): m is RegExpExecArray => m !== null)
          .map((m) => `${m[1]} ${m[2]}`);
      } finally {
        fs.closeSync(fd);
      }
    });
  }

  /** Each node's programs started by its sshd since the start, as `pid: command`. */
  async sshStarts(): Promise<string[][]> {
    const reply = this.nextReply();
    this.watcher.stdin.write('report\n');
    return JSON.parse(await reply) as string[][];
  }

  /** Stops watching: the nodes' configurations back as they were, reloaded. */
  async stop(): Promise<void> {
    this.watcher.stdin.end();
    this.replies.close();
    this.nodes.forEach((n, i) => {
      const before = this.configs[i];
      if (before === undefined) {
        fs.rmSync(daemonJson(n), { force: true });
      } else {
        fs.writeFileSync(daemonJson(n), before);
      }
    });
    await this.reload();
  }

  private async reload(): Promise<void> {
    for (const n of this.nodes) {
      process.kill(Number(fs.readFileSync(path.join(n.dir, 'run', 'docker.pid'), 'utf8').trim()), 'SIGHUP');
    }
    // dockerd reloads its configuration at once; a moment for the log to say so.
    await new Promise((r) => setTimeout(r, 1_000));
  }
}

/** The node's /etc/docker/daemon.json (its /etc/docker is a folder of the node's own). */
function daemonJson(node: LabNode): string {
  return path.join(node.dir, 'etc-docker', 'daemon.json');
}

function readOr(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * The node's sshd listener: the process started with the node's own
 * sshd_config (its connections re-execute with `-R`, then retitle themselves
 * `sshd: core [priv]`).
 */
function sshdPid(node: LabNode): number {
  const config = path.join(node.dir, 'etc', 'ssh', 'sshd_config');
  const found = fs
    .readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        // The listener retitles itself: `sshd: /usr/sbin/sshd -D -e -f <config> [listener] 0 of 10-100 startups`.
        const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
        return cmd.includes('/usr/sbin/sshd') && cmd.includes(` -f ${config}`) && !cmd.includes(' -R');
      } catch {
        return false;
      }
    });
  if (found.length !== 1) {
    throw new Error(`${node.name}: ${found.length} sshd listeners with ${config}`);
  }
  return Number(found[0]);
}

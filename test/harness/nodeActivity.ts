import * as fs from 'node:fs';
import * as path from 'node:path';
import type { LabLayout, LabNode } from '../../src/localLab/labLayout';
import { enterNodeArgs, nodeInitPid } from '../../src/localLab/nodeProcess';
import { dockerdPid, inNode } from './labNodeSshd';
import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from 'node:child_process';
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
  /** Each node's journal position (dockerd logs to its node's journal) where the count starts. */
  private readonly cursors: string[];
  private readonly watcher: ChildProcessWithoutNullStreams;
  private readonly replies: readline.Interface;
  private readonly configs: (string | undefined)[];

  private constructor(
    private readonly layout: LabLayout,
    private readonly nodes: readonly LabNode[],
  ) {
    this.configs = nodes.map((n) => readDaemonJson(n));
    nodes.forEach((n, i) => {
      const config = JSON.parse(this.configs[i] ?? '{}') as Record<string, unknown>;
      writeDaemonJson(n, `${JSON.stringify({ ...config, debug: true }, null, 2)}\n`);
    });
    this.cursors = nodes.map((n) => journalCursor(n));
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
    const activity = new NodeActivity(layout, layout.nodes);
    const ready = await activity.nextReply();
    if (ready !== 'ready') {
      throw new Error(`the process watch said ${ready}`);
    }
    await activity.reload();
    // The reload's own lines are before the offsets taken after it.
    activity.cursors.splice(0, activity.cursors.length, ...layout.nodes.map((n) => journalCursor(n)));
    return activity;
  }

  /** Each node's Docker API requests since the start, as `METHOD path`. */
  requests(): string[][] {
    return this.nodes.map((n, i) =>
      inNode(n, [
        'journalctl',
        '--unit=docker.service',
        '--output=cat',
        '--no-pager',
        `--after-cursor=${this.cursors[i]}`,
      ])
        .split('\n')
        .map((line) => API_REQUEST.exec(line))
        .filter((m): m is RegExpExecArray => m !== null)
        .map((m) => `${m[1]} ${m[2]}`),
    );
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
        inNode(n, ['rm', '-f', '/etc/docker/daemon.json']);
      } else {
        writeDaemonJson(n, before);
      }
    });
    await this.reload();
  }

  private async reload(): Promise<void> {
    for (const n of this.nodes) {
      process.kill(dockerdPid(this.layout, n), 'SIGHUP');
    }
    // dockerd reloads its configuration at once; a moment for the log to say so.
    await new Promise((r) => setTimeout(r, 1_000));
  }
}

/** The node's /etc/docker/daemon.json, read inside the node (its root is its own). */
function readDaemonJson(node: LabNode): string | undefined {
  const text = inNode(node, ['sh', '-c', 'cat /etc/docker/daemon.json 2>/dev/null || true']);
  return text === '' ? undefined : text;
}

function writeDaemonJson(node: LabNode, text: string): void {
  const [cmd, ...args] = [...enterNodeArgs(node), 'sh', '-c', 'cat > /etc/docker/daemon.json'];
  const r = spawnSync(cmd, args, { input: text, encoding: 'utf8', timeout: 30_000 });
  if (r.status !== 0) {
    throw new Error(`${node.name}: cannot write daemon.json: ${r.stderr}`);
  }
}

/** Where the node's journal ends now. */
function journalCursor(node: LabNode): string {
  const out = inNode(node, ['journalctl', '--unit=docker.service', '--lines=0', '--show-cursor', '--no-pager']);
  const cursor = /-- cursor: (\S+)/.exec(out)?.[1];
  if (cursor === undefined) {
    throw new Error(`${node.name}: no journal cursor in ${out}`);
  }
  return cursor;
}

/**
 * The node's sshd listener: the sshd the node's systemd started (its
 * connections are that listener's children, then their own).
 */
function sshdPid(node: LabNode): number {
  const init = nodeInitPid(node);
  const found = fs
    .readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
        // "pid (comm) state ppid …": the comm may hold spaces, the fields after it do not.
        const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        return state !== 'Z' && Number(ppid) === init && stat.includes('(sshd)');
      } catch {
        return false;
      }
    });
  if (found.length !== 1) {
    throw new Error(`${node.name}: ${found.length} sshd listeners under its systemd (${init ?? 'not running'})`);
  }
  return Number(found[0]);
}

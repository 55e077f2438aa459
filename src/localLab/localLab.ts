import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DEFAULT_NODES, LabLayout, labLayout, LabNode, MAX_NODES } from './labLayout';
import { ensureBridge, ensureNodeNetwork, namespaces, removeBridge, removeNodeNetwork } from './labNetwork';
import { dockerAnswers, engineInfo, processAlive, readPid, sshAnswers, until } from './labProbe';
import { runningLab, sameFolder } from './labOwner';
import type { LabImagesProgress } from './images/labImages';
import { nodePids, removeNodeCgroups, signalNode } from './nodeCgroups';
import { ensureNodeBase, nodeBaseReady } from './nodeBase';
import { hostKeyFile, writeLabKeys, writeNodeFiles, writeSshFiles } from './nodeFiles';
import { nodeCgroupName, nodeLogFile, nodeMachineName, nodePidFile, startNodeProcess } from './nodeProcess';

export type NodeOutcome = 'started' | 'already up' | 'repaired';

/**
 * Another lab folder runs this instance's nodes (same names, namespaces and
 * addresses) and is not healthy enough to adopt: nothing was started.
 */
export class LabConflictError extends Error {
  constructor(
    readonly otherStateDir: string,
    readonly instance: number,
  ) {
    super(
      `Another local lab, in ${otherStateDir}, holds this lab's nodes and is not healthy: stop it first (Stop Local Lab, or \`npm run lab -- down --state ${otherStateDir}\`), then start again.`,
    );
    this.name = 'LabConflictError';
  }
}

/** A node that did not come up; the message is one sentence, the log file holds the details. */
export class NodeStartError extends Error {
  constructor(
    readonly node: string,
    readonly logFile: string,
    readonly logTail: string,
  ) {
    super(`${node} did not come up (its log: ${logFile}).`);
    this.name = 'NodeStartError';
  }
}

export interface NodeStatus {
  readonly name: string;
  readonly address: string;
  /** The node's namespace and processes exist. */
  readonly running: boolean;
  readonly sshd: boolean;
  readonly dockerd: boolean;
  readonly role: 'manager' | 'worker' | 'none' | 'unknown';
  readonly engineId?: string;
}

export interface LabLog {
  (line: string): void;
}

/** The nodes a swarm with state may take to answer: each manager waits for a leader (up to ~20 s). */
const READY_TIMEOUT_MS = 60_000;
/** A node's orderly poweroff (its engine stops its containers first); then whatever is left is killed. */
const STOP_GRACE_MS = 15_000;

/** Where the nodes' base system and the lab's images are cached when no one says. */
export function defaultCacheDir(): string {
  return process.env['SWARM_LAB_IMAGE_CACHE'] || path.join(os.homedir(), '.cache', 'swarm-lab', 'lab-images');
}

/**
 * The local lab: N nodes on this machine, each a machine of its own booted
 * with systemd-nspawn (its own root file system over a shared read-only
 * base, its own network namespace, systemd running sshd and dockerd),
 * reachable as `core@core-0N` with sudo, as the course's VMs. `up` is
 * idempotent and repairs half-made nodes; `down` leaves no namespace,
 * process, veth or cgroup behind but keeps each node's layer and Docker
 * data, so the next `up` is fast (`purge` removes them too).
 */
export class LocalLab {
  constructor(
    readonly stateDir: string,
    private readonly log: LabLog = () => undefined,
    /** 0 for the user's lab; the tests run theirs as instance 1 beside it. */
    readonly instance = 0,
    /** Where the nodes' base system is kept (beside the lab's images); made there when missing. */
    readonly cacheDir = defaultCacheDir(),
  ) {}

  private get stateFile(): string {
    return path.join(this.stateDir, 'lab.json');
  }

  /** The node count of the last `up` (or the default). */
  nodeCount(): number {
    try {
      const n = (JSON.parse(fs.readFileSync(this.stateFile, 'utf8')) as { nodes?: number }).nodes;
      return typeof n === 'number' && n >= 1 && n <= MAX_NODES ? n : DEFAULT_NODES;
    } catch {
      return DEFAULT_NODES;
    }
  }

  layout(nodeCount = this.nodeCount()): LabLayout {
    return labLayout(this.stateDir, nodeCount, this.instance);
  }

  /**
   * Brings the nodes up. When another lab folder already runs this
   * instance's nodes, that lab is adopted as it is (its layout is returned,
   * `adopted` names its folder) if it is healthy, and refused otherwise:
   * never two sets of processes in the same namespaces.
   */
  async up(
    nodeCount = DEFAULT_NODES,
    options: {
      readonly signal?: AbortSignal;
      /** Called once when the nodes' base system must be made first (apt, about a minute). */
      readonly onNodeBase?: () => void;
    } = {},
  ): Promise<{ layout: LabLayout; outcomes: Map<string, NodeOutcome>; adopted?: string }> {
    const owner = runningLab(this.instance);
    if (owner && !sameFolder(owner.stateDir, this.stateDir)) {
      const other = new LocalLab(owner.stateDir, this.log, this.instance, this.cacheDir);
      const layout = other.layout();
      const healthy = await Promise.all(layout.nodes.map((n) => other.healthy(n)));
      if (!healthy.every(Boolean)) {
        throw new LabConflictError(owner.stateDir, this.instance);
      }
      this.log(`adopting the lab already running in ${owner.stateDir}`);
      return {
        layout,
        outcomes: new Map(layout.nodes.map((n) => [n.name, 'already up' as const])),
        adopted: owner.stateDir,
      };
    }
    const layout = this.layout(nodeCount);
    fs.mkdirSync(this.stateDir, { recursive: true });
    fs.writeFileSync(this.stateFile, `${JSON.stringify({ nodes: nodeCount }, null, 2)}\n`);
    const corePublicKey = await writeLabKeys(layout);
    // Made only when a node has to boot: a running lab is adopted without it.
    let base: Promise<string> | undefined;
    const baseDir = (): Promise<string> =>
      (base ??= (async () => {
        fs.mkdirSync(this.cacheDir, { recursive: true });
        if (!nodeBaseReady(this.cacheDir)) {
          options.onNodeBase?.();
        }
        return ensureNodeBase({
          cacheDir: this.cacheDir,
          log: this.log,
          ...(options.signal ? { signal: options.signal } : {}),
        });
      })());
    await ensureBridge(layout);
    const outcomes = new Map<string, NodeOutcome>();
    const hostKeys = new Map<string, string>();
    await Promise.all(
      layout.nodes.map(async (node) => {
        const outcome = await this.upNode(layout, node, corePublicKey, baseDir, hostKeys);
        outcomes.set(node.name, outcome);
        this.log(`${node.name} ${outcome}`);
      }),
    );
    writeSshFiles(layout, hostKeys);
    return { layout, outcomes };
  }

  private async upNode(
    layout: LabLayout,
    node: LabNode,
    corePublicKey: string,
    baseDir: () => Promise<string>,
    hostKeys: Map<string, string>,
  ): Promise<NodeOutcome> {
    if (await this.healthy(node)) {
      hostKeys.set(node.name, fs.readFileSync(`${hostKeyFile(node)}.pub`, 'utf8').trim());
      return 'already up';
    }
    // Whatever is left of a half-made or half-dead node goes before a clean start.
    const leftovers = nodePids(nodeCgroupName(layout, node)).length > 0;
    if (leftovers) {
      this.log(`${node.name}: repairing (stopping what is left of it)`);
      await this.stopNodeProcesses(layout, node, 0);
    }
    const base = await baseDir();
    fs.mkdirSync(node.dir, { recursive: true });
    hostKeys.set(node.name, await writeNodeFiles(layout, node, corePublicKey, base));
    await ensureNodeNetwork(layout, node);
    const pid = startNodeProcess(layout, node, base);
    const ready = await until(
      async () => !processAlive(pid) || ((await dockerAnswers(node.dockerSocket)) && (await sshAnswers(node.address))),
      READY_TIMEOUT_MS,
    );
    if (!ready || !processAlive(pid)) {
      const tail = fs.readFileSync(nodeLogFile(node), 'utf8').split('\n').slice(-15).join('\n');
      this.log(`${node.name} did not come up; its log (${nodeLogFile(node)}) ends with:\n${tail}`);
      throw new NodeStartError(node.name, nodeLogFile(node), tail);
    }
    return leftovers ? 'repaired' : 'started';
  }

  private async healthy(node: LabNode): Promise<boolean> {
    const pid = readPid(nodePidFile(node));
    return (
      pid !== undefined &&
      processAlive(pid) &&
      (await dockerAnswers(node.dockerSocket)) &&
      (await sshAnswers(node.address))
    );
  }

  async status(): Promise<NodeStatus[]> {
    const present = await namespaces();
    return Promise.all(
      this.layout().nodes.map(async (node): Promise<NodeStatus> => {
        const pid = readPid(nodePidFile(node));
        const running = present.has(node.namespace) && pid !== undefined && processAlive(pid);
        const [sshd, info] = await Promise.all([
          running ? sshAnswers(node.address) : false,
          running ? engineInfo(node.dockerSocket) : undefined,
        ]);
        const role = !info ? 'unknown' : info.swarmState !== 'active' ? 'none' : info.isManager ? 'manager' : 'worker';
        return {
          name: node.name,
          address: node.address,
          running,
          sshd,
          dockerd: info !== undefined,
          role,
          ...(info ? { engineId: info.id } : {}),
        };
      }),
    );
  }

  /**
   * Builds the lab's images once (on the first node, cached as a tarball) and
   * loads them into every node that lacks them. Nodes keep their images
   * between `down` and `up`, so this is quick after the first time.
   */
  async loadImages(
    layout: LabLayout,
    options: {
      cacheDir: string;
      samplesDir: string;
      signal?: AbortSignal;
      onProgress?: (progress: LabImagesProgress) => void;
    },
  ): Promise<Map<string, 'loaded' | 'present'>> {
    const { ensureLabImages, loadLabImages } = await import('./images/labImages');
    const { tarball, images, built } = await ensureLabImages({
      builder: layout.nodes[0].dockerSocket,
      cacheDir: options.cacheDir,
      samplesDir: options.samplesDir,
      log: this.log,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    });
    this.log(built ? `lab images built: ${images.join(', ')}` : `lab images from the cache: ${tarball}`);
    const outcomes = await loadLabImages(
      tarball,
      images,
      layout.nodes.map((n) => n.dockerSocket),
      options.signal,
    );
    const byNode = new Map(layout.nodes.map((n, i) => [n.name, outcomes[i]]));
    for (const [name, outcome] of byNode) {
      this.log(`${name} images ${outcome === 'present' ? 'already there' : 'loaded'}`);
    }
    return byNode;
  }

  /** Stops every node and removes the lab's namespaces, veths and cgroups. */
  async down(options: { purge?: boolean } = {}): Promise<void> {
    // The nodes' cgroups and namespaces are named by instance, not by folder:
    // stopping from another folder would kill the lab that runs here.
    const owner = runningLab(this.instance);
    if (owner && !sameFolder(owner.stateDir, this.stateDir)) {
      throw new Error(
        `The local lab running on this machine is the one in ${owner.stateDir}, not ${this.stateDir}: stop that one (Stop Local Lab, or \`npm run lab -- down --state ${owner.stateDir}\`).`,
      );
    }
    const present = await namespaces();
    // Every node that may exist, not only the last count: a bigger lab may have run before.
    const all = this.layout(MAX_NODES);
    const nodes = all.nodes.filter(
      (n) => present.has(n.namespace) || nodePids(nodeCgroupName(all, n)).length > 0 || fs.existsSync(nodePidFile(n)),
    );
    await Promise.all(nodes.map((n) => this.stopNodeProcesses(all, n, STOP_GRACE_MS)));
    for (const node of nodes) {
      removeNodeCgroups(nodeCgroupName(all, node));
      await removeNodeNetwork(node);
      fs.rmSync(nodePidFile(node), { force: true });
      fs.rmSync(path.join(node.dir, 'run'), { recursive: true, force: true });
      // What systemd-nspawn leaves on this machine's /run after the node stops (empty folders).
      fs.rmSync(path.join('/run/systemd/nspawn/propagate', nodeMachineName(all, node)), {
        recursive: true,
        force: true,
      });
      this.log(`${node.name} down`);
    }
    await removeBridge(all);
    if (options.purge) {
      fs.rmSync(this.stateDir, { recursive: true, force: true });
    }
  }

  /**
   * Asks the node to power off (SIGTERM to systemd-nspawn: its systemd stops
   * dockerd, whose containers get their grace time), then kills whatever of
   * the node is left, containers included, through its cgroups.
   */
  private async stopNodeProcesses(layout: LabLayout, node: LabNode, graceMs: number): Promise<void> {
    const cgroup = nodeCgroupName(layout, node);
    const pid = readPid(nodePidFile(node));
    if (graceMs > 0 && pid !== undefined && processAlive(pid) && nodePids(cgroup).includes(pid)) {
      process.kill(pid, 'SIGTERM');
      await until(() => Promise.resolve(!processAlive(pid)), graceMs, 50);
    }
    signalNode(cgroup, 'SIGKILL');
    const gone = await until(() => Promise.resolve(nodePids(cgroup).length === 0), 10_000, 50);
    if (!gone) {
      throw new Error(`${node.name}: some processes did not stop (${nodePids(cgroup).join(', ')})`);
    }
  }
}

import * as vscode from 'vscode';
import type { Readable } from 'node:stream';
import type { DockerEngine } from '../clients/docker/dockerEngine';
import * as ops from '../clients/docker/swarmOperations';
import { SwarmWatcher } from '../clients/swarm/swarmWatcher';
import { SwarmSnapshot } from '../core/cluster/swarmSnapshot';
import { Disposable } from '../platform/disposable';
import { MachineRegistry } from './machines/machineRegistry';

const RETRY_MS = [500, 1_000, 2_000, 5_000, 10_000, 30_000];

/**
 * The swarm of the known machines, followed through one of its managers
 * (the first reachable one). When that manager goes away, the next one
 * takes over at the next machines refresh.
 */
export class SwarmService extends Disposable {
  private watcher: { machineId: string; watcher: SwarmWatcher } | undefined;
  private snapshotValue: SwarmSnapshot | undefined;
  private errorValue: string | undefined;
  private retry: NodeJS.Timeout | undefined;
  private attempt = 0;
  private readonly changed = this._register(new vscode.EventEmitter<void>());
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly machines: MachineRegistry,
    private readonly log: vscode.LogOutputChannel,
  ) {
    super();
    this._register(machines.onDidChange(() => void this.followManager()));
    this._register({
      dispose: () => {
        clearTimeout(this.retry);
        this.watcher?.watcher.stop();
      },
    });
  }

  get snapshot(): SwarmSnapshot | undefined {
    return this.snapshotValue;
  }

  get error(): string | undefined {
    return this.errorValue;
  }

  /** The manager the swarm is read from, if any. */
  get managerId(): string | undefined {
    return this.watcher?.machineId;
  }

  async refresh(): Promise<void> {
    await this.machines.refresh();
    await this.watcher?.watcher.refresh();
  }

  async scale(serviceId: string, replicas: number): Promise<void> {
    await this.change((engine) => ops.scaleService(engine, serviceId, replicas));
  }

  async forceUpdate(serviceId: string): Promise<void> {
    await this.change((engine) => ops.forceUpdateService(engine, serviceId));
  }

  async rollback(serviceId: string): Promise<void> {
    await this.change((engine) => ops.rollbackService(engine, serviceId));
  }

  async removeService(serviceId: string): Promise<void> {
    await this.change((engine) => ops.removeService(engine, serviceId));
  }

  async updateNode(nodeId: string, change: (spec: ops.NodeSpec) => ops.NodeSpec): Promise<void> {
    await this.change((engine) => ops.updateNode(engine, nodeId, change));
  }

  /** A service's merged, followed logs, read through the followed manager. */
  async serviceLogs(serviceId: string, tail: number, signal: AbortSignal): Promise<Readable> {
    return ops.serviceLogs(await this.managerEngine(), serviceId, { tail }, signal);
  }

  /** Runs a change through the followed manager, then reads the swarm at once (the events confirm it). */
  private async change(work: (engine: DockerEngine) => Promise<void>): Promise<void> {
    await work(await this.managerEngine());
    await this.watcher?.watcher.refresh();
  }

  /** The engine of the manager the swarm is followed through. */
  manager(): Promise<DockerEngine> {
    return this.managerEngine();
  }

  private async managerEngine(): Promise<DockerEngine> {
    const id = this.watcher?.machineId;
    const conn = id ? this.machines.connection(id) : undefined;
    if (!conn) {
      throw new Error(vscode.l10n.t('No swarm manager is reachable.'));
    }
    return conn.engine();
  }

  /**
   * The manager's event stream dropped (its dockerd or SSH went away): follow
   * again, through it or another manager, after a pause that grows while it
   * keeps failing. Machine state changes also trigger a new attempt at once.
   */
  private lostManager(): void {
    this.watcher?.watcher.stop();
    this.watcher = undefined;
    clearTimeout(this.retry);
    const delay = RETRY_MS[Math.min(this.attempt++, RETRY_MS.length - 1)];
    this.retry = setTimeout(() => void this.followManager(), delay);
  }

  private async followManager(): Promise<void> {
    const managers = this.machines
      .machines()
      .filter((m) => m.state.kind === 'running' && m.state.swarmRole === 'manager');
    if (this.watcher && managers.some((m) => m.id === this.watcher!.machineId)) {
      return;
    }
    this.watcher?.watcher.stop();
    this.watcher = undefined;
    const manager = managers[0];
    const conn = manager ? this.machines.connection(manager.id) : undefined;
    if (!manager || !conn) {
      if (this.snapshotValue) {
        this.snapshotValue = undefined;
        this.changed.fire();
      }
      return;
    }
    const watcher = new SwarmWatcher(
      await conn.engine(),
      (snapshot) => {
        this.attempt = 0;
        this.snapshotValue = snapshot;
        this.errorValue = undefined;
        this.changed.fire();
      },
      (error, streamLost) => {
        this.errorValue = vscode.l10n.t('Reading the swarm through {0} failed: {1}', manager.name, String(error));
        this.log.warn(this.errorValue);
        this.changed.fire();
        if (streamLost && this.watcher?.watcher === watcher) {
          this.lostManager();
        }
      },
    );
    this.watcher = { machineId: manager.id, watcher };
    this.log.info(`swarm: following through ${manager.name}`);
    await watcher.start().catch((error: unknown) => {
      this.errorValue = String(error);
      this.changed.fire();
      if (this.watcher?.watcher === watcher) {
        this.lostManager();
      }
    });
  }
}

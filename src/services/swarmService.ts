import * as vscode from 'vscode';
import type { DockerEngine } from '../clients/docker/dockerEngine';
import { SwarmWatcher } from '../clients/swarm/swarmWatcher';
import { SwarmSnapshot } from '../core/cluster/swarmSnapshot';
import { Disposable } from '../platform/disposable';
import { LocalLabService } from './localLabService';

/**
 * The swarm of the known machines, followed through one of its managers
 * (the first reachable one). When that manager goes away, the next one
 * takes over at the next machines refresh.
 */
export class SwarmService extends Disposable {
  private watcher: { machineId: string; watcher: SwarmWatcher } | undefined;
  private snapshotValue: SwarmSnapshot | undefined;
  private errorValue: string | undefined;
  private readonly changed = this._register(new vscode.EventEmitter<void>());
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly machines: LocalLabService,
    private readonly log: vscode.LogOutputChannel,
  ) {
    super();
    this._register(machines.onDidChange(() => void this.followManager()));
    this._register({ dispose: () => this.watcher?.watcher.stop() });
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
    const engine = await this.managerEngine();
    await engine.scaleService(serviceId, replicas);
    await this.watcher?.watcher.refresh();
  }

  private async managerEngine(): Promise<DockerEngine> {
    const id = this.watcher?.machineId;
    const conn = id ? this.machines.connection(id) : undefined;
    if (!conn) {
      throw new Error(vscode.l10n.t('No swarm manager is reachable.'));
    }
    return conn.engine();
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
        this.snapshotValue = snapshot;
        this.errorValue = undefined;
        this.changed.fire();
      },
      (error) => {
        this.errorValue = vscode.l10n.t('Reading the swarm through {0} failed: {1}', manager.name, String(error));
        this.log.warn(this.errorValue);
        this.changed.fire();
      },
    );
    this.watcher = { machineId: manager.id, watcher };
    this.log.info(`swarm: following through ${manager.name}`);
    await watcher.start().catch((error: unknown) => {
      this.errorValue = String(error);
      this.changed.fire();
    });
  }
}

import * as vscode from 'vscode';
import type { Readable } from 'node:stream';
import type { DockerEngine } from '../../clients/docker/dockerEngine';
import * as ops from '../../clients/docker/swarmOperations';
import { SwarmFollower } from '../../clients/swarm/swarmFollower';
import { SwarmSnapshot } from '../../core/cluster/swarmSnapshot';
import { Disposable } from '../../platform/disposable';
import { MachineRegistry } from '../machines/machineRegistry';

/**
 * The swarm of the known machines, followed through one of its managers
 * (the first reachable one; SwarmFollower). When that manager goes away, the
 * next one takes over at the next machines refresh.
 */
export class SwarmService extends Disposable {
  private readonly follower: SwarmFollower;
  private readonly changed = this._register(new vscode.EventEmitter<void>());
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly machines: MachineRegistry,
    log: vscode.LogOutputChannel,
  ) {
    super();
    this.follower = new SwarmFollower(
      {
        managers: () =>
          machines.machines().filter((m) => m.state.kind === 'running' && m.state.swarmRole === 'manager'),
        engine: (id) => {
          const conn = machines.connection(id);
          return conn ? () => conn.engine() : undefined;
        },
        changed: () => this.changed.fire(),
        info: (message) => log.info(message),
        warn: (message) => log.warn(message),
      },
      undefined,
      vscode.l10n,
    );
    this._register(machines.onDidChange(() => void this.follower.follow()));
    this._register({ dispose: () => this.follower.dispose() });
  }

  get snapshot(): SwarmSnapshot | undefined {
    return this.follower.snapshot;
  }

  get error(): string | undefined {
    return this.follower.error;
  }

  /** The manager the swarm is read from, if any. */
  get managerId(): string | undefined {
    return this.follower.managerId;
  }

  async refresh(): Promise<void> {
    await this.machines.refresh();
    await this.follower.watcher?.refresh();
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
    await this.follower.watcher?.refresh();
  }

  /** The engine of the manager the swarm is followed through. */
  manager(): Promise<DockerEngine> {
    return this.managerEngine();
  }

  private async managerEngine(): Promise<DockerEngine> {
    const id = this.follower.managerId;
    const conn = id ? this.machines.connection(id) : undefined;
    if (!conn) {
      throw new Error(vscode.l10n.t('No swarm manager is reachable.'));
    }
    return conn.engine();
  }
}

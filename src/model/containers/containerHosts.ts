import * as vscode from 'vscode';
import { ContainerWatcher, WatchState } from '../../clients/docker/containerWatcher';
import { describeEndpoint } from '../../clients/docker/dockerEndpoint';
import type { DockerEngine } from '../../clients/docker/dockerEngine';
import { MachineContainerSource } from '../../clients/machines/machineContainerSource';
import { ContainerModel } from '../../core/containers/containerModel';
import type { DockerEvent } from '../../core/containers/containerEvents';
import { Machine } from '../../core/machines/machine';
import { Disposable } from '../../platform/disposable';
import { LocalDockerEngine } from '../machines/localDockerEngine';
import { MachineRegistry } from '../machines/machineRegistry';

/** One engine whose containers the Containers view shows: this computer's, or a machine's. */
export interface ContainerHost {
  /** `local`, or the machine's ID. */
  readonly key: string;
  readonly label: string;
  readonly model: ContainerModel;
  readonly state: WatchState;
  /** Where it is reached, for the item's description. */
  readonly address: string;
  readonly machine?: Machine;
  engine(): Promise<DockerEngine>;
  refresh(): Promise<void>;
}

interface MachineHost {
  readonly watcher: ContainerWatcher;
  readonly model: ContainerModel;
  readonly subscriptions: { dispose(): void }[];
}

/**
 * Every engine with containers: this computer's, and one per machine that is
 * up. Each machine gets its own ContainerWatcher over its SSH connection: the
 * event stream is also how a dropped node is noticed at once (and marked
 * unreachable) and how it comes back (the watcher reconnects with backoff).
 * Watchers start when the machines are first read, i.e. when a view is shown.
 */
export class ContainerHosts extends Disposable {
  private readonly machineHosts = new Map<string, MachineHost>();
  /** Each machine's state kind at the last sync: a machine back to running wakes its watcher once. */
  private readonly changed = this._register(new vscode.EventEmitter<string | undefined>());
  /** Fires with a host's key when only its containers or state changed, `undefined` when hosts came or went. */
  readonly onDidChange = this.changed.event;
  private readonly imageEvents = this._register(new vscode.EventEmitter<{ key: string; event: DockerEvent }>());
  /** A machine's image events, carried on its container event stream (for the image-presence model). */
  readonly onDidImageEvent = this.imageEvents.event;

  constructor(
    readonly local: LocalDockerEngine,
    private readonly lab: MachineRegistry,
    private readonly log: vscode.LogOutputChannel,
  ) {
    super();
    this._register(local.model.onDidChange(() => this.changed.fire('local')));
    this._register(local.onDidChangeState(() => this.changed.fire('local')));
    this._register(lab.onDidChange(() => this.sync()));
    this._register({ dispose: () => [...this.machineHosts.keys()].forEach((id) => this.drop(id)) });
  }

  hosts(): ContainerHost[] {
    const local = this.local;
    const localHost: ContainerHost = {
      key: 'local',
      label: vscode.l10n.t('This machine'),
      model: local.model,
      get state() {
        return local.state;
      },
      get address() {
        try {
          return describeEndpoint(local.endpoint());
        } catch {
          return '';
        }
      },
      engine: () => Promise.resolve(local.engine()),
      refresh: () => local.refresh(),
    };
    const machines = this.lab.machines().flatMap((machine): ContainerHost[] => {
      const host = this.machineHosts.get(machine.id);
      if (!host) {
        return [];
      }
      return [
        {
          key: machine.id,
          label: machine.name,
          model: host.model,
          state: host.watcher.currentState,
          address: machine.host,
          machine,
          engine: () => this.machineEngine(machine.id),
          refresh: () => host.watcher.refresh(),
        },
      ];
    });
    return [localHost, ...machines];
  }

  host(key: string): ContainerHost | undefined {
    return this.hosts().find((h) => h.key === key);
  }

  /** Machines that just answered a probe again: their engines are worth asking now, not after the watchers' backoff. */
  machinesBack(ids: readonly string[]): void {
    for (const id of ids) {
      const host = this.machineHosts.get(id);
      if (host?.watcher.currentState.kind === 'unreachable') {
        void host.watcher.refresh();
      }
    }
  }

  /** Follows the machines that are up; forgets those stopped or gone. */
  private sync(): void {
    const machines = this.lab.machines();
    let changed = false;
    for (const m of machines) {
      if (m.state.kind !== 'stopped' && this.lab.connection(m.id) && !this.machineHosts.has(m.id)) {
        this.follow(m);
        changed = true;
      }
    }
    for (const id of [...this.machineHosts.keys()]) {
      const m = machines.find((x) => x.id === id);
      if (!m || m.state.kind === 'stopped') {
        this.drop(id);
        changed = true;
      }
    }
    if (changed) {
      this.changed.fire(undefined);
    }
  }

  private follow(machine: Machine): void {
    const model = new ContainerModel();
    const source = new MachineContainerSource(machine, () => this.lab.connection(machine.id), vscode.l10n);
    const prefix = `[${machine.name}] `;
    const watcher = new ContainerWatcher(
      source,
      model,
      { debug: (m) => this.log.debug(prefix + m), warn: (m) => this.log.warn(prefix + m) },
      undefined,
      vscode.l10n,
      { otherEventTypes: ['image'] },
    );
    const subscriptions = [
      model.onDidChange(() => this.changed.fire(machine.id)),
      watcher.onEvent((event) => this.imageEvents.fire({ key: machine.id, event })),
      watcher.onDidChangeState((s) => {
        this.changed.fire(machine.id);
        if (s.kind === 'unreachable') {
          void this.lab.reportConnection(machine.id, { reachable: false, reason: s.message });
        } else if (s.kind === 'live') {
          void this.lab.reportConnection(machine.id, { reachable: true });
        }
      }),
    ];
    this.machineHosts.set(machine.id, { watcher, model, subscriptions });
    watcher.start();
  }

  private drop(id: string): void {
    const host = this.machineHosts.get(id);
    if (host) {
      host.watcher.stop();
      host.subscriptions.forEach((s) => s.dispose());
      this.machineHosts.delete(id);
    }
  }

  private async machineEngine(id: string): Promise<DockerEngine> {
    const conn = this.lab.connection(id);
    if (!conn) {
      throw new Error(vscode.l10n.t('{0} is not connected.', id));
    }
    return conn.engine();
  }
}

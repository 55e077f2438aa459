import * as vscode from 'vscode';
import { MachineConnection, MachineConnectionOptions } from '../../clients/machines/machineConnection';
import { RerunningTask } from '../../core/async/rerunningTask';
import { virtualIpOf } from '../../core/machines/ipAddresses';
import { Machine, MachineDefinition, MachineState } from '../../core/machines/machine';
import { settings } from '../../editor/settings';
import { refresh } from '../../editor/refresh';
import { Disposable } from '../../platform/disposable';

/** One machine as a source knows it, before any SSH probe. */
export interface ListedMachine {
  readonly definition: MachineDefinition;
  /**
   * false: known to be down (no probe, shown stopped); true or undefined: worth
   * probing over SSH (a plain SSH host's state is only known by trying).
   */
  readonly up?: boolean;
  /** The state to show when it is not probed (a Vagrant machine running without an address). */
  readonly state?: MachineState;
}

/** Where machines come from: the local lab, the SSH hosts setting, each Vagrantfile. */
export interface MachineListSource {
  readonly id: string;
  /** Reads the source now (on demand only: a view shown, a refresh, a change it reported). */
  list(): Promise<{ readonly machines: readonly ListedMachine[]; readonly problems: readonly string[] }>;
  /** The source changed (setting edited, lab started, .vagrant/ changed): read it again. */
  readonly onDidChange: vscode.Event<void>;
  /** The source is about to change its machines (e.g. the lab stops): drop their connections first. */
  readonly onWillChange?: vscode.Event<void>;
}

/**
 * Every machine of every source, each with one reused SSH connection and its
 * state. It reads sources and probes machines only when asked (a view shown,
 * a refresh, a source's change): never on a timer. Between those, machines'
 * event streams (ContainerHosts) report drops and recoveries.
 */
export class MachineRegistry extends Disposable {
  private readonly connections = new Map<string, MachineConnection>();
  private readonly states = new Map<string, MachineState>();
  private readonly listed = new Map<string, readonly ListedMachine[]>();
  private readonly problemsBySource = new Map<string, readonly string[]>();
  private readonly changed = this._register(new vscode.EventEmitter<void>());
  readonly onDidChange = this.changed.event;
  private readonly refreshing = new RerunningTask(
    () => this.doRefresh(),
    () => this.isDisposed,
  );

  constructor(
    private readonly sources: readonly MachineListSource[],
    private readonly connectionOptions: () => MachineConnectionOptions,
    private readonly log: vscode.LogOutputChannel,
  ) {
    super();
    for (const source of sources) {
      this._register(source.onDidChange(() => void this.refresh()));
      if (source.onWillChange) {
        this._register(source.onWillChange(() => this.closeSource(source.id)));
      }
    }
    this._register(
      refresh().onSettings(['virtualIp'], () => {
        void this.refresh();
      }),
    );
    this._register({ dispose: () => this.closeAll() });
  }

  machines(): Machine[] {
    return this.sources.flatMap((s) =>
      (this.listed.get(s.id) ?? []).map(({ definition }) => ({
        ...definition,
        state: this.states.get(definition.id) ?? { kind: 'connecting' },
      })),
    );
  }

  /** What the sources could not read (a bad SSH host entry, vagrant missing…), one sentence each. */
  problems(): string[] {
    return this.sources.flatMap((s) => this.problemsBySource.get(s.id) ?? []);
  }

  connection(machineId: string): MachineConnection | undefined {
    return this.connections.get(machineId);
  }

  /**
   * Reads every source and probes each machine that may be up. Calls during
   * a run share the next one, so what changed before the call is read.
   */
  refresh(): Promise<void> {
    return this.refreshing.run();
  }

  /**
   * What a machine's event stream learnt: it dropped (marked unreachable at
   * once) or it is back (one probe reads its engine version and role again).
   */
  async reportConnection(
    machineId: string,
    outcome: { reachable: true } | { reachable: false; reason: string },
  ): Promise<void> {
    const conn = this.connections.get(machineId);
    if (!conn) {
      return;
    }
    if (!outcome.reachable) {
      const current = this.states.get(machineId);
      if (current?.kind !== 'unreachable' || current.reason !== outcome.reason) {
        this.states.set(machineId, { kind: 'unreachable', reason: outcome.reason });
        this.changed.fire();
      }
      return;
    }
    if (this.states.get(machineId)?.kind === 'running') {
      return;
    }
    const state = await conn.probe();
    if (this.connections.get(machineId) === conn) {
      this.states.set(machineId, state);
      this.changed.fire();
    }
  }

  private async doRefresh(): Promise<void> {
    const results = await Promise.all(
      this.sources.map(async (s) => {
        try {
          return { source: s, ...(await s.list()) };
        } catch (error) {
          const problem = vscode.l10n.t('Reading the machines of {0} failed: {1}', s.id, String(error));
          return { source: s, machines: this.listed.get(s.id) ?? [], problems: [problem] };
        }
      }),
    );
    for (const r of results) {
      this.listed.set(r.source.id, r.machines);
      this.problemsBySource.set(r.source.id, r.problems);
      r.problems.forEach((p) => this.log.warn(p));
    }
    const all = results.flatMap((r) => r.machines);
    for (const [id, conn] of this.connections) {
      if (!all.some((m) => m.definition.id === id)) {
        conn.close();
        this.connections.delete(id);
        this.states.delete(id);
      }
    }
    // Machines known to be down get their state now, so the first render is already right.
    const toProbe = all.filter((m) => !this.settle(m));
    this.changed.fire();
    await Promise.all(toProbe.map((m) => this.probe(m)));
    this.changed.fire();
  }

  /** Sets the state of a machine that needs no probe; false when it needs one. */
  private settle({ definition: d, up, state }: ListedMachine): boolean {
    if (up !== false && d.host) {
      if (this.states.get(d.id)?.kind === 'stopped') {
        this.states.set(d.id, { kind: 'connecting' });
      }
      return false;
    }
    this.connections.get(d.id)?.close();
    this.connections.delete(d.id);
    this.states.set(d.id, state ?? { kind: 'stopped' });
    return true;
  }

  private async probe({ definition: d }: ListedMachine): Promise<void> {
    let conn = this.connections.get(d.id);
    if (!conn || !sameTarget(conn.machine, d)) {
      conn?.close();
      conn = new MachineConnection(d, vscode.l10n, this.connectionOptions());
      this.connections.set(d.id, conn);
    }
    const state = await conn.probe();
    this.states.set(d.id, state.kind === 'running' ? await this.withVirtualIp(conn, state) : state);
  }

  /** Marks the machine that holds the lab's virtual IP (keepalived moves it; a refresh reads it again). */
  private async withVirtualIp(
    conn: MachineConnection,
    state: Extract<MachineState, { kind: 'running' }>,
  ): Promise<MachineState> {
    const vip = virtualIpOf(settings().rawVirtualIp());
    if (!vip) {
      return state;
    }
    const addresses = await conn.addresses().catch(() => [] as string[]);
    return { ...state, holdsVirtualIp: addresses.includes(vip) };
  }

  private closeSource(sourceId: string): void {
    for (const { definition } of this.listed.get(sourceId) ?? []) {
      this.connections.get(definition.id)?.close();
      this.connections.delete(definition.id);
    }
  }

  private closeAll(): void {
    this.connections.forEach((c) => c.close());
    this.connections.clear();
  }
}

/** A new address, key or user means a new connection; anything else keeps the open one. */
function sameTarget(a: MachineDefinition, b: MachineDefinition): boolean {
  return (
    a.host === b.host &&
    a.port === b.port &&
    a.user === b.user &&
    a.identityFile === b.identityFile &&
    a.hostKey === b.hostKey &&
    a.dockerSocket === b.dockerSocket
  );
}

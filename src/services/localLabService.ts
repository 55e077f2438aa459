import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { localLabMachines } from '../clients/machines/localLabMachines';
import { MachineConnection } from '../clients/machines/machineConnection';
import { Machine, MachineDefinition, MachineState } from '../core/machines/machine';
import { LocalLab } from '../localLab/localLab';
import { Disposable } from '../platform/disposable';

/**
 * The local lab as the extension sees it: where its state lives, its nodes
 * as machines with their state, and start/stop. It probes the nodes only
 * when asked (a view shown, a refresh, after start or stop): never on a timer.
 */
export class LocalLabService extends Disposable {
  private readonly connections = new Map<string, MachineConnection>();
  private readonly states = new Map<string, MachineState>();
  private definitions: MachineDefinition[] = [];
  private readonly changed = this._register(new vscode.EventEmitter<void>());
  readonly onDidChange = this.changed.event;
  private refreshing: Promise<void> | undefined;
  private busy = false;

  constructor(
    private readonly globalStorage: vscode.Uri,
    private readonly log: vscode.LogOutputChannel,
  ) {
    super();
    this._register({ dispose: () => this.closeConnections() });
  }

  /** The lab folder: the setting, else SWARM_LAB_STATE (npm start, tests), else the extension's storage. */
  stateDir(): string {
    const configured = vscode.workspace.getConfiguration('swarmLab').get<string>('localLab.stateDir', '').trim();
    const fromEnv = process.env['SWARM_LAB_STATE'];
    const dir = configured || fromEnv || path.join(this.globalStorage.fsPath, 'local-lab');
    return dir.startsWith('~') ? path.join(os.homedir(), dir.slice(1)) : dir;
  }

  lab(): LocalLab {
    // Instance 1 is the tests' lab, beside a user's (instance 0).
    const instance = Number(process.env['SWARM_LAB_INSTANCE'] ?? 0);
    return new LocalLab(this.stateDir(), (line) => this.log.info(`[local lab] ${line}`), instance);
  }

  machines(): Machine[] {
    return this.definitions.map((d) => ({ ...d, state: this.states.get(d.id) ?? { kind: 'connecting' } }));
  }

  get isBusy(): boolean {
    return this.busy;
  }

  /** Re-reads the lab's nodes and probes each over SSH (concurrent calls share one run). */
  refresh(): Promise<void> {
    this.refreshing ??= this.doRefresh().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  private async doRefresh(): Promise<void> {
    const lab = this.lab();
    const { machines } = localLabMachines(lab);
    this.definitions = machines;
    const running = new Map((await lab.status()).map((s) => [s.name, s.running]));
    for (const [id, conn] of this.connections) {
      if (!machines.some((m) => m.id === id)) {
        conn.close();
        this.connections.delete(id);
      }
    }
    this.changed.fire();
    await Promise.all(
      machines.map(async (m) => {
        if (!running.get(m.name)) {
          this.connections.get(m.id)?.close();
          this.states.set(m.id, { kind: 'stopped' });
          return;
        }
        let conn = this.connections.get(m.id);
        if (!conn || conn.machine.hostKey !== m.hostKey) {
          conn?.close();
          conn = new MachineConnection(m, vscode.l10n);
          this.connections.set(m.id, conn);
        }
        this.states.set(m.id, await conn.probe());
      }),
    );
    this.changed.fire();
  }

  /**
   * What a machine's event stream learnt: it dropped (the machine is marked
   * unreachable at once, without waiting for a refresh) or it is back (one
   * probe reads its engine version and role again).
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

  /** Runs a machine-changing operation on the lab, then refreshes. */
  async change(work: (lab: LocalLab) => Promise<unknown>): Promise<void> {
    this.busy = true;
    this.changed.fire();
    try {
      this.closeConnections();
      await work(this.lab());
    } finally {
      this.busy = false;
      await this.refresh();
    }
  }

  connection(machineId: string): MachineConnection | undefined {
    return this.connections.get(machineId);
  }

  private closeConnections(): void {
    for (const c of this.connections.values()) {
      c.close();
    }
    this.connections.clear();
  }
}

import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { localLabMachines } from '../clients/machines/localLabMachines';
import { LocalLab } from '../localLab/localLab';
import { Disposable } from '../platform/disposable';
import type { ListedMachine, MachineListSource } from './machines/machineRegistry';

/**
 * The local lab as the extension sees it: where its state lives, its nodes
 * as a machine source, and start/stop. It reads the lab only when asked (a
 * view shown, a refresh, after start or stop): never on a timer.
 */
export class LocalLabService extends Disposable implements MachineListSource {
  readonly id = 'local-lab';
  private readonly changed = this._register(new vscode.EventEmitter<void>());
  readonly onDidChange = this.changed.event;
  private readonly willChange = this._register(new vscode.EventEmitter<void>());
  readonly onWillChange = this.willChange.event;
  private busy = false;

  constructor(
    private readonly globalStorage: vscode.Uri,
    private readonly log: vscode.LogOutputChannel,
  ) {
    super();
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

  get isBusy(): boolean {
    return this.busy;
  }

  /** The lab's nodes, each up when its processes run (the registry probes those over SSH). */
  async list(): Promise<{ machines: ListedMachine[]; problems: string[] }> {
    const lab = this.lab();
    const { machines } = localLabMachines(lab);
    if (machines.length === 0) {
      return { machines: [], problems: [] };
    }
    const running = new Map((await lab.status()).map((s) => [s.name, s.running]));
    return {
      machines: machines.map((definition) => ({ definition, up: running.get(definition.name) ?? false })),
      problems: [],
    };
  }

  /** Runs a machine-changing operation on the lab (its nodes' connections closed first), then says so. */
  async change(work: (lab: LocalLab) => Promise<unknown>): Promise<void> {
    this.busy = true;
    this.willChange.fire();
    try {
      await work(this.lab());
    } finally {
      this.busy = false;
      this.changed.fire();
    }
  }
}

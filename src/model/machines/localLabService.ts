import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { localLabMachines } from '../../clients/machines/localLabMachines';
import { settingPath } from '../../editor/settingPath';
import { runningLab } from '../../localLab/labOwner';
import { LocalLab } from '../../localLab/localLab';
import { Disposable } from '../../platform/disposable';
import type { ListedMachine, MachineListSource } from './machineRegistry';

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
  private readonly progress = this._register(new vscode.EventEmitter<string>());
  /** Each progress message of a start (a node, an image being built), as the notification shows it. */
  readonly onProgress = this.progress.event;
  private busy = false;

  constructor(
    private readonly globalStorage: vscode.Uri,
    private readonly log: vscode.LogOutputChannel,
  ) {
    super();
  }

  /** Instance 1 is the tests' lab, beside a user's (instance 0). */
  private get instance(): number {
    return Number(process.env['SWARM_LAB_INSTANCE'] ?? 0);
  }

  /**
   * The lab folder. One lab can run per machine and instance, so the one
   * that runs (started here, by `npm start`, by `npm run lab` or by another
   * window) is the lab, wherever it lives. With none running: the setting,
   * else SWARM_LAB_STATE (npm start, tests), else the extension's storage.
   */
  stateDir(): string {
    const running = runningLab(this.instance);
    if (running) {
      return running.stateDir;
    }
    const dir = settingPath('localLab.stateDir') || process.env['SWARM_LAB_STATE'];
    return dir ? expandHome(dir) : path.join(this.globalStorage.fsPath, 'local-lab');
  }

  /**
   * Where the lab's images are cached: the setting, else SWARM_LAB_IMAGE_CACHE
   * (npm start and the tests point it at the repository's cache), else the
   * extension's own storage, where Start Local Lab builds them the first time.
   */
  imageCacheDir(): string {
    const dir = settingPath('localLab.imageCache') || process.env['SWARM_LAB_IMAGE_CACHE'];
    return dir ? expandHome(dir) : path.join(this.globalStorage.fsPath, 'lab-images');
  }

  /** Where restore rehearsals are recorded: the extension's storage, out of any workspace's reach. */
  rehearsalRecordsDir(): string {
    return path.join(this.globalStorage.fsPath, 'rehearsals');
  }

  lab(): LocalLab {
    return new LocalLab(
      this.stateDir(),
      (line) => this.log.info(`[local lab] ${line}`),
      this.instance,
      this.imageCacheDir(),
    );
  }

  reportProgress(message: string): void {
    this.progress.fire(message);
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

/** `~` in an environment variable's path (a setting's is resolved by settingPath). */
function expandHome(dir: string): string {
  return dir === '~' || dir.startsWith('~/') ? path.join(os.homedir(), dir.slice(1)) : dir;
}

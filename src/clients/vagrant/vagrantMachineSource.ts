import * as fs from 'node:fs';
import * as path from 'node:path';
import { MachineDefinition } from '../../core/machines/machine';
import { toMachineDefinition, VagrantAction, VagrantMachine } from '../../core/vagrant/vagrantMachines';
import { plannedMachines } from './plannedMachines';
import { VagrantCli, VagrantError, VagrantRunOptions } from './vagrantCli';

/** What one look at the folder found. */
export interface VagrantSnapshot {
  readonly dir: string;
  readonly machines: readonly VagrantMachine[];
  /** The same machines as the views know machines (source 'vagrant'). */
  readonly definitions: readonly MachineDefinition[];
  /** Set when vagrant could not answer for the folder (not installed, Vagrantfile error, timeout…). */
  readonly error?: VagrantError;
  /** How long the vagrant runs took (seconds: that is why nothing here polls). */
  readonly durationMs: number;
}

/** The part of VagrantCli the source uses (a fake in unit tests). */
export type VagrantCommands = Pick<VagrantCli, 'machines' | 'action'>;

/** Failures after which the last known machines are still the best answer. */
const TRANSIENT = new Set(['locked', 'timeout']);

/**
 * The machines of one folder's Vagrantfile, read on demand only: vagrant
 * takes seconds per run, so there is no timer. Before the first `vagrant up`
 * the Vagrantfile (and config.rb) say it all: every machine is "not created",
 * listed without running vagrant (plannedMachines.ts). The VS Code adapter owns the
 * watching (a FileSystemWatcher on `.vagrant/machines/**`, see WATCH_GLOB)
 * and calls changed(); the views call refresh(). Both share the run in
 * flight, so a burst of calls costs one vagrant run, plus at most one more
 * when files changed while it was running (it may have read them before).
 */
export class VagrantMachineSource {
  /** Relative to the folder: where vagrant records which machines exist (created, destroyed). */
  static readonly WATCH_GLOB = '.vagrant/machines/**';

  private last: VagrantSnapshot | undefined;
  private inFlight: Promise<VagrantSnapshot> | undefined;
  private dirty = false;
  private disposed = false;
  private readonly abort = new AbortController();
  private readonly listeners = new Set<(s: VagrantSnapshot) => void>();

  constructor(
    readonly dir: string,
    private readonly cli: VagrantCommands = new VagrantCli(dir),
    /** The machines when Vagrant never created any (from the Vagrantfile alone); undefined: ask Vagrant. */
    private readonly planned: (dir: string) => readonly VagrantMachine[] | undefined = plannedMachines,
  ) {}

  /** Whether a folder is one this source is for (Vagrant also accepts a lowercase name). */
  static hasVagrantfile(dir: string): boolean {
    return ['Vagrantfile', 'vagrantfile'].some((name) => fs.existsSync(path.join(dir, name)));
  }

  /** The last answer, without running anything. */
  get current(): VagrantSnapshot | undefined {
    return this.last;
  }

  /** Fires after a run whose answer differs from the previous one. */
  onDidChange(listener: (s: VagrantSnapshot) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** Asks vagrant now, or joins the run already going. Never rejects: failures are in the snapshot. */
  refresh(): Promise<VagrantSnapshot> {
    if (this.disposed) {
      return Promise.resolve(this.last ?? this.empty());
    }
    this.inFlight ??= this.read().finally(() => {
      this.inFlight = undefined;
      if (this.dirty && !this.disposed) {
        this.dirty = false;
        void this.refresh();
      }
    });
    return this.inFlight;
  }

  /**
   * `.vagrant/machines` changed (the adapter's watcher). A run in flight may
   * have read the folder before the change, so one more run follows it;
   * further calls meanwhile add nothing.
   */
  changed(): void {
    if (this.inFlight) {
      this.dirty = true;
    } else {
      void this.refresh();
    }
  }

  /**
   * Runs an action, then looks again: halt, reload or a VirtualBox up change
   * nothing under `.vagrant/`, so the watcher alone would miss them. The
   * look happens after a failure too (a failed `up` may have created the machine).
   */
  async run(action: VagrantAction, machines: readonly string[], opts: VagrantRunOptions = {}): Promise<void> {
    // Vagrant locks a machine while a command works on it: a look in progress
    // (ssh-config) would make the action fail with "locked". Let it end first.
    await this.inFlight?.catch(() => undefined);
    try {
      await this.cli.action(action, machines, opts);
    } finally {
      // A run already going started before the action ended: its answer may be stale, so wait
      // for it, then look again (joining the follow-up the watcher may have asked for).
      await this.inFlight;
      await this.refresh();
    }
  }

  dispose(): void {
    this.disposed = true;
    this.abort.abort();
    this.listeners.clear();
  }

  private async read(): Promise<VagrantSnapshot> {
    const started = Date.now();
    let snapshot: VagrantSnapshot;
    try {
      // Before the first `vagrant up`, every machine of the Vagrantfile is "not created": no need to ask.
      const machines = this.planned(this.dir) ?? (await this.cli.machines({ signal: this.abort.signal }));
      snapshot = {
        dir: this.dir,
        machines,
        definitions: machines.map((m) => toMachineDefinition(this.dir, m)),
        durationMs: Date.now() - started,
      };
    } catch (error) {
      if (this.disposed) {
        return this.last ?? this.empty();
      }
      const vagrantError =
        error instanceof VagrantError
          ? error
          : new VagrantError(error instanceof Error ? error.message : String(error), 'failed', '');
      const keep = TRANSIENT.has(vagrantError.kind) ? this.last : undefined;
      snapshot = {
        dir: this.dir,
        machines: keep?.machines ?? [],
        definitions: keep?.definitions ?? [],
        error: vagrantError,
        durationMs: Date.now() - started,
      };
    }
    const previous = this.last;
    this.last = snapshot;
    if (!this.disposed && (!previous || key(previous) !== key(snapshot))) {
      for (const l of [...this.listeners]) {
        l(snapshot);
      }
    }
    return snapshot;
  }

  private empty(): VagrantSnapshot {
    return { dir: this.dir, machines: [], definitions: [], durationMs: 0 };
  }
}

/** What a change means to the views: the machines (minus Vagrant's timing) and the error. */
function key(s: VagrantSnapshot): string {
  return JSON.stringify({ m: s.machines, e: s.error ? [s.error.kind, s.error.message] : undefined });
}

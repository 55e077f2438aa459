import * as vscode from 'vscode';
import { RefreshHub, type FileChange, type RefreshReason } from '../core/refresh/refreshHub';
import { Disposable } from '../platform/disposable';
import { settings, type SettingKey } from './settings';

export type { RefreshReason } from '../core/refresh/refreshHub';

/** A set of files to follow: one watcher per set, however many subscribe. */
export interface FileSet {
  /** Names the set (subscribers of the same id share its watcher). */
  readonly id: string;
  readonly pattern: vscode.GlobPattern;
  /** The changes that matter; all three when absent. */
  readonly changes?: readonly FileChange[];
}

/** Every Vagrantfile of the workspace (the machines list and the lab's section 1 follow them). */
export const VAGRANTFILES: FileSet = { id: 'vagrantfiles', pattern: '**/{Vagrantfile,vagrantfile}' };

/**
 * The one refresh coordinator: every trigger of a re-read goes through it —
 * configuration changes (from editor/settings' one listener), file watchers
 * (one per file set), a view's first show, the end of a run, machines coming
 * back. Views and lenses subscribe; none watches or polls on its own.
 */
export class RefreshCoordinator extends Disposable {
  readonly hub = new RefreshHub();
  private readonly watchers = new Map<string, { watcher: vscode.FileSystemWatcher; users: number }>();
  private readonly triggered = this._register(new vscode.EventEmitter<RefreshReason>());
  /** Every trigger as it fires (tests and the log read it). */
  readonly onDidTrigger = this.triggered.event;

  constructor() {
    super();
    this._register(settings().onDidChange((keys) => this.hub.fire({ kind: 'settings', keys })));
    this._register(this.hub.onTrigger((r) => this.triggered.fire(r)));
    this._register({
      dispose: () => {
        for (const { watcher } of this.watchers.values()) {
          watcher.dispose();
        }
      },
    });
  }

  /** Calls `listener` when any of `keys` changed. */
  onSettings(keys: readonly SettingKey[], listener: (changed: ReadonlySet<string>) => void): vscode.Disposable {
    return this.hub.on('settings', (r) => {
      if (keys.some((k) => r.keys.has(k))) {
        listener(r.keys);
      }
    });
  }

  /** Calls `listener` on a change of the set's files; the set's watcher lives while someone listens. */
  onFiles(set: FileSet, listener: (uri: vscode.Uri, change: FileChange) => void): vscode.Disposable {
    const entry = this.watchers.get(set.id) ?? this.watch(set);
    entry.users++;
    const sub = this.hub.on('files', (r) => {
      if (r.set === set.id) {
        listener(vscode.Uri.file(r.path), r.change);
      }
    });
    return new vscode.Disposable(() => {
      sub.dispose();
      if (--entry.users === 0) {
        entry.watcher.dispose();
        this.watchers.delete(set.id);
      }
    });
  }

  private watch(set: FileSet): { watcher: vscode.FileSystemWatcher; users: number } {
    const wants = (c: FileChange): boolean => set.changes?.includes(c) ?? true;
    const watcher = vscode.workspace.createFileSystemWatcher(
      set.pattern,
      !wants('created'),
      !wants('changed'),
      !wants('deleted'),
    );
    const fire = (change: FileChange) => (uri: vscode.Uri) =>
      this.hub.fire({ kind: 'files', set: set.id, path: uri.fsPath, change });
    watcher.onDidCreate(fire('created'));
    watcher.onDidChange(fire('changed'));
    watcher.onDidDelete(fire('deleted'));
    const entry = { watcher, users: 0 };
    this.watchers.set(set.id, entry);
    return entry;
  }

  /** A view drew its items: the first time, the subscribers of its first show read. */
  viewShown(view: string): void {
    this.hub.viewShown(view);
  }

  onFirstShow(listener: (view: string) => void): vscode.Disposable {
    return this.hub.on('firstShow', (r) => listener(r.view));
  }

  /** A read a finished run needs before the next check looks. */
  readAfterRun(read: () => Promise<void>): vscode.Disposable {
    return this.hub.readAfterRun(read);
  }

  /** A run ended: resolves when the reads it causes are done. */
  runFinished(): Promise<void> {
    return this.hub.runFinished();
  }

  /** The machines' states now (the machines feature reports them); those running again are announced. */
  machineStates(states: ReadonlyMap<string, string>): void {
    this.hub.machineStates(states);
  }

  onMachinesBack(listener: (machineIds: readonly string[]) => void): vscode.Disposable {
    return this.hub.on('machinesBack', (r) => listener(r.machineIds));
  }
}

let shared: RefreshCoordinator | undefined;

/** The extension's one refresh coordinator. */
export function refresh(): RefreshCoordinator {
  return (shared ??= new RefreshCoordinator());
}

/** Releases the coordinator (its watchers); activation registers this. */
export const refreshDisposable: vscode.Disposable = {
  dispose: () => {
    shared?.dispose();
    shared = undefined;
  },
};

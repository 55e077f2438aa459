/**
 * Why something is read again. Every trigger of a re-read in the extension
 * is one of these, announced in one place (the editor's refresh
 * coordinator), so that no view or lens starts reads on its own and a test
 * (or the log) can see every reason a read happened.
 */
export type RefreshReason =
  | { readonly kind: 'settings'; readonly keys: ReadonlySet<string> }
  | { readonly kind: 'files'; readonly set: string; readonly path: string; readonly change: FileChange }
  | { readonly kind: 'firstShow'; readonly view: string }
  | { readonly kind: 'afterRun' }
  | { readonly kind: 'machinesBack'; readonly machineIds: readonly string[] };

export type FileChange = 'created' | 'changed' | 'deleted';

export interface Unsubscribe {
  dispose(): void;
}

type Listener = (reason: RefreshReason) => void;

/**
 * The triggers and their subscribers, with no editor in it: a view's first
 * show is announced once however many times it is drawn; a run's end waits
 * for every read it causes (a step's next check must see the new machines);
 * machines coming back are found from their last states.
 */
export class RefreshHub {
  private readonly listeners = new Set<Listener>();
  private readonly afterRunReads = new Set<() => Promise<void>>();
  private readonly shown = new Set<string>();
  private lastStates = new Map<string, string>();
  private readonly counts = new Map<RefreshReason['kind'], number>();

  /** Every trigger, as it fires. */
  onTrigger(listener: Listener): Unsubscribe {
    this.listeners.add(listener);
    return { dispose: () => void this.listeners.delete(listener) };
  }

  /** Only the triggers of one kind. */
  on<K extends RefreshReason['kind']>(
    kind: K,
    listener: (reason: Extract<RefreshReason, { kind: K }>) => void,
  ): Unsubscribe {
    return this.onTrigger((r) => {
      if (r.kind === kind) {
        listener(r as Extract<RefreshReason, { kind: K }>);
      }
    });
  }

  /** How many triggers of each kind fired (the bench and the tests read this). */
  count(kind: RefreshReason['kind']): number {
    return this.counts.get(kind) ?? 0;
  }

  fire(reason: RefreshReason): void {
    this.counts.set(reason.kind, this.count(reason.kind) + 1);
    for (const listener of [...this.listeners]) {
      listener(reason);
    }
  }

  /** A view drawn: the first time only, it is a reason to read. */
  viewShown(view: string): void {
    if (!this.shown.has(view)) {
      this.shown.add(view);
      this.fire({ kind: 'firstShow', view });
    }
  }

  /** A read that a finished run needs before anything looks again (the machines, after a step). */
  readAfterRun(read: () => Promise<void>): Unsubscribe {
    this.afterRunReads.add(read);
    return { dispose: () => void this.afterRunReads.delete(read) };
  }

  /** A run ended: its reads are done when this resolves; one failing read does not stop the others. */
  async runFinished(): Promise<void> {
    this.fire({ kind: 'afterRun' });
    await Promise.all([...this.afterRunReads].map((read) => read().catch(() => undefined)));
  }

  /**
   * The machines' states now: those running again after another state are
   * announced as back (a machine seen for the first time is not "back").
   */
  machineStates(states: ReadonlyMap<string, string>): void {
    const back = [...states]
      .filter(([id, state]) => state === 'running' && this.lastStates.has(id) && this.lastStates.get(id) !== 'running')
      .map(([id]) => id);
    this.lastStates = new Map(states);
    if (back.length > 0) {
      this.fire({ kind: 'machinesBack', machineIds: back });
    }
  }
}

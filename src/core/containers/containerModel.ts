import { ContainerSummary } from './containerSummary';

export type ContainerModelChange =
  | { readonly kind: 'reset' }
  | { readonly kind: 'upsert'; readonly container: ContainerSummary }
  | { readonly kind: 'remove'; readonly id: string };

type Listener = (change: ContainerModelChange) => void;

const STATE_ORDER: Record<string, number> = {
  running: 0,
  restarting: 1,
  paused: 2,
  created: 3,
  removing: 4,
  exited: 5,
  dead: 6,
  unknown: 7,
};

/**
 * The containers of one Docker engine, kept current by a watcher that feeds
 * it list results and per-container refreshes. Listeners are told of every
 * change so views can re-render only when something really changed.
 */
export class ContainerModel {
  private readonly byId = new Map<string, ContainerSummary>();
  private readonly listeners = new Set<Listener>();

  get size(): number {
    return this.byId.size;
  }

  get(id: string): ContainerSummary | undefined {
    return this.byId.get(id);
  }

  /** Finds a container by full ID, ID prefix (≥ 4 chars) or name. */
  find(idOrName: string): ContainerSummary | undefined {
    const exact = this.byId.get(idOrName);
    if (exact) {
      return exact;
    }
    for (const c of this.byId.values()) {
      if (c.name === idOrName || (idOrName.length >= 4 && c.id.startsWith(idOrName))) {
        return c;
      }
    }
    return undefined;
  }

  /** Running containers first, then by name: what a user scans for. */
  list(): ContainerSummary[] {
    return [...this.byId.values()].sort(
      (a, b) => (STATE_ORDER[a.state] ?? 9) - (STATE_ORDER[b.state] ?? 9) || a.name.localeCompare(b.name),
    );
  }

  replaceAll(containers: readonly ContainerSummary[]): void {
    this.byId.clear();
    for (const c of containers) {
      this.byId.set(c.id, c);
    }
    this.emit({ kind: 'reset' });
  }

  upsert(container: ContainerSummary): void {
    const before = this.byId.get(container.id);
    if (before && sameContainer(before, container)) {
      return;
    }
    this.byId.set(container.id, container);
    this.emit({ kind: 'upsert', container });
  }

  remove(id: string): void {
    if (this.byId.delete(id)) {
      this.emit({ kind: 'remove', id });
    }
  }

  clear(): void {
    if (this.byId.size > 0) {
      this.byId.clear();
      this.emit({ kind: 'reset' });
    }
  }

  onDidChange(listener: Listener): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  private emit(change: ContainerModelChange): void {
    for (const l of [...this.listeners]) {
      l(change);
    }
  }
}

function sameContainer(a: ContainerSummary, b: ContainerSummary): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

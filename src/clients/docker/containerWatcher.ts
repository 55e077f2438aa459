import type { Readable } from 'node:stream';
import { ContainerModel } from '../../core/containers/containerModel';
import { containerEventEffect, DockerEvent } from '../../core/containers/containerEvents';
import { ContainerSummary } from '../../core/containers/containerSummary';
import { JsonLineSplitter } from '../../core/events/jsonLines';
import { DockerEndpoint } from './dockerEndpoint';
import { describeDockerError } from './dockerErrors';
import { english, Localizer } from '../../core/l10n';

/** What the watcher needs of an engine (a DockerEngine, in practice). */
export interface ContainerSource {
  readonly endpoint: DockerEndpoint;
  listContainers(): Promise<ContainerSummary[]>;
  getContainer(id: string): Promise<ContainerSummary | undefined>;
  events(filters: Record<string, string[]>, signal: AbortSignal): Promise<Readable>;
  /** One sentence for a failure; sources reached over SSH know their own causes. */
  describeError?(error: unknown): string;
}

/** How long a refresh waits for the reconnection it asked for. */
const RETRY_WAIT_MS = 10_000;

export type WatchState =
  | { readonly kind: 'stopped' }
  | { readonly kind: 'connecting' }
  | { readonly kind: 'live' }
  | { readonly kind: 'unreachable'; readonly message: string; readonly retryInMs: number };

export interface WatcherLog {
  debug(message: string): void;
  warn(message: string): void;
}

const DEFAULT_BACKOFF_MS = [500, 1_000, 2_000, 5_000, 10_000, 30_000];
/** Destroyed container IDs remembered against late answers. */
const MAX_DESTROYED = 1_000;

export interface WatcherOptions {
  /**
   * Event types besides `container` to carry on the same stream, handed to
   * `onEvent` listeners (e.g. `image` for the image-presence model): one
   * stream per engine instead of one per concern.
   */
  readonly otherEventTypes?: readonly string[];
}

/**
 * Keeps a ContainerModel equal to an engine's containers: one full list when
 * the event stream is (re)opened, then one targeted refresh per container
 * event. No timer polls the engine; a timer only spaces out reconnection
 * attempts while the engine is unreachable.
 */
export class ContainerWatcher {
  private state: WatchState = { kind: 'stopped' };
  private readonly stateListeners = new Set<(s: WatchState) => void>();
  private abort: AbortController | undefined;
  private wake: (() => void) | undefined;
  /** Bumped on every event of a container, so a slow refresh cannot undo a later destroy. */
  private readonly generation = new Map<string, number>();
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly again = new Set<string>();
  /**
   * Containers destroyed lately: a list or a refresh asked before the
   * destroy may answer after it, and must not bring one back (a removed
   * container would then stay in the view, since no event follows).
   */
  private readonly destroyed = new Set<string>();
  /** Lists in flight, and the containers that had events meanwhile (their own refresh is fresher). */
  private listing = 0;
  private readonly touched = new Set<string>();
  private readonly eventListeners = new Set<(e: DockerEvent) => void>();

  constructor(
    private readonly source: ContainerSource,
    readonly model: ContainerModel,
    private readonly log: WatcherLog = { debug: () => undefined, warn: () => undefined },
    private readonly backoffMs: readonly number[] = DEFAULT_BACKOFF_MS,
    private readonly l10n: Localizer = english,
    private readonly options: WatcherOptions = {},
  ) {}

  /** Events of the `otherEventTypes`, as they arrive (after a reconnection, re-read what they describe). */
  onEvent(listener: (e: DockerEvent) => void): { dispose(): void } {
    this.eventListeners.add(listener);
    return { dispose: () => this.eventListeners.delete(listener) };
  }

  get currentState(): WatchState {
    return this.state;
  }

  onDidChangeState(listener: (s: WatchState) => void): { dispose(): void } {
    this.stateListeners.add(listener);
    return { dispose: () => this.stateListeners.delete(listener) };
  }

  start(): void {
    if (this.abort) {
      return;
    }
    const abort = new AbortController();
    this.abort = abort;
    void this.run(abort.signal);
  }

  stop(): void {
    this.abort?.abort();
    this.abort = undefined;
    this.wake?.();
    this.setState({ kind: 'stopped' });
  }

  /**
   * A user's refresh: re-list now when live; when the engine was
   * unreachable (or still connecting), retry at once and resolve with that
   * attempt's outcome (live and listed, or unreachable again; at most
   * RETRY_WAIT_MS), so that a caller looking for a container right after
   * sees the list the new connection brought.
   */
  async refresh(): Promise<void> {
    if (!this.abort) {
      this.start();
      return;
    }
    if (this.state.kind === 'live') {
      await this.relist();
      return;
    }
    const outcome = new Promise<void>((resolve) => {
      const timer = setTimeout(finish, RETRY_WAIT_MS);
      const sub = this.onDidChangeState((s) => {
        if (s.kind !== 'connecting') {
          finish();
        }
      });
      function finish(): void {
        clearTimeout(timer);
        sub.dispose();
        resolve();
      }
    });
    this.wake?.();
    await outcome;
  }

  /** Resolves once the state satisfies `predicate` (or rejects after `timeoutMs`). */
  waitFor(predicate: (s: WatchState) => boolean, timeoutMs: number): Promise<WatchState> {
    if (predicate(this.state)) {
      return Promise.resolve(this.state);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        sub.dispose();
        reject(new Error(`watcher did not reach the expected state within ${timeoutMs} ms (now ${this.state.kind})`));
      }, timeoutMs);
      const sub = this.onDidChangeState((s) => {
        if (predicate(s)) {
          clearTimeout(timer);
          sub.dispose();
          resolve(s);
        }
      });
    });
  }

  private async run(signal: AbortSignal): Promise<void> {
    let attempt = 0;
    while (!signal.aborted) {
      this.setState({ kind: 'connecting' });
      try {
        // Subscribe before listing, so no change between the two is missed.
        const types = ['container', ...(this.options.otherEventTypes ?? [])];
        const stream = await this.source.events({ type: types }, signal);
        const ended = this.consume(stream, signal);
        await this.relist();
        attempt = 0;
        this.setState({ kind: 'live' });
        await ended;
        if (!signal.aborted) {
          throw Object.assign(new Error('the event stream ended'), { code: 'ECONNRESET' });
        }
      } catch (error) {
        if (signal.aborted) {
          break;
        }
        const retryInMs = this.backoffMs[Math.min(attempt, this.backoffMs.length - 1)];
        attempt++;
        const message =
          this.source.describeError?.(error) ?? describeDockerError(error, this.source.endpoint, this.l10n);
        this.log.warn(`${message} (retrying in ${retryInMs} ms)`);
        this.setState({ kind: 'unreachable', message, retryInMs });
        await this.pause(retryInMs, signal);
      }
    }
  }

  /**
   * The whole list, less what changed while it was on its way: a container
   * destroyed meanwhile stays out, one refreshed meanwhile keeps its fresher
   * summary (or gets it from the refresh still in flight).
   */
  private async relist(): Promise<void> {
    if (this.listing++ === 0) {
      this.touched.clear();
    }
    try {
      const listed = await this.source.listContainers();
      this.model.replaceAll(
        listed
          .filter((c) => !this.destroyed.has(c.id))
          .map((c) => (this.touched.has(c.id) ? (this.model.get(c.id) ?? c) : c)),
      );
    } finally {
      this.listing--;
    }
  }

  private consume(stream: Readable, signal: AbortSignal): Promise<void> {
    const splitter = new JsonLineSplitter<DockerEvent>((line) => this.log.warn(`ignored a malformed event: ${line}`));
    return new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        stream.destroy();
        resolve();
      };
      signal.addEventListener('abort', onAbort, { once: true });
      stream.on('data', (chunk: Buffer) => splitter.push(chunk).forEach((e) => this.apply(e)));
      stream.on('end', () => {
        splitter.end().forEach((e) => this.apply(e));
        signal.removeEventListener('abort', onAbort);
        resolve();
      });
      stream.on('error', (err) => {
        signal.removeEventListener('abort', onAbort);
        if (signal.aborted) {
          resolve();
        } else {
          reject(err);
        }
      });
    });
  }

  private apply(event: DockerEvent): void {
    if (event.Type !== undefined && event.Type !== 'container') {
      for (const l of [...this.eventListeners]) {
        try {
          l(event);
        } catch (error) {
          this.log.warn(`a ${event.Type} event listener failed: ${String(error)}`);
        }
      }
      return;
    }
    const effect = containerEventEffect(event);
    if (effect.kind === 'ignore') {
      return;
    }
    this.log.debug(`event ${event.Action} ${effect.id.slice(0, 12)}`);
    this.generation.set(effect.id, (this.generation.get(effect.id) ?? 0) + 1);
    if (this.listing > 0) {
      this.touched.add(effect.id);
    }
    if (effect.kind === 'remove') {
      this.remember(effect.id);
      this.again.delete(effect.id);
      this.model.remove(effect.id);
      return;
    }
    this.scheduleRefresh(effect.id);
  }

  /** At most one request per container at a time; a burst of events costs two. */
  private scheduleRefresh(id: string): void {
    if (this.inFlight.has(id)) {
      this.again.add(id);
      return;
    }
    const generation = this.generation.get(id);
    const task = this.source
      .getContainer(id)
      .then((summary) => {
        if (this.destroyed.has(id) || (this.generation.get(id) !== generation && !this.again.has(id))) {
          return; // a later event (e.g. destroy) already decided
        }
        if (summary) {
          this.model.upsert(summary);
        } else {
          this.model.remove(id);
        }
      })
      .catch((error: unknown) => this.log.warn(`refresh of ${id.slice(0, 12)} failed: ${String(error)}`))
      .finally(() => {
        this.inFlight.delete(id);
        if (this.again.delete(id)) {
          this.scheduleRefresh(id);
        }
      });
    this.inFlight.set(id, task);
  }

  /** Keeps the last destroys (IDs are never reused; a bound keeps a long session's memory flat). */
  private remember(id: string): void {
    this.destroyed.add(id);
    if (this.destroyed.size > MAX_DESTROYED) {
      this.destroyed.delete(this.destroyed.values().next().value!);
    }
  }

  private pause(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', done, { once: true });
      this.wake = done;
    });
  }

  private setState(state: WatchState): void {
    this.state = state;
    for (const l of [...this.stateListeners]) {
      l(state);
    }
  }
}

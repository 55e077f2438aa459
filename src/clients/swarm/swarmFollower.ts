/**
 * Which manager the swarm is followed through, and its one watcher. The
 * machines change in bursts (a refresh reports each machine as it is
 * probed): a change that arrives while the follower is still connecting to
 * a manager must not start a second watcher beside the first, which nobody
 * would stop and which would keep overwriting the snapshot. So a follow runs
 * alone; a change during it asks for one more look after it; and only the
 * current watcher's snapshots and errors are heard.
 */
import { RerunningTask } from '../../core/async/rerunningTask';
import type { SwarmSnapshot } from '../../core/cluster/swarmSnapshot';
import { english, type Localizer } from '../../core/l10n';
import type { DockerEngine } from '../docker/dockerEngine';
import { SwarmWatcher } from './swarmWatcher';

export const RETRY_MS = [500, 1_000, 2_000, 5_000, 10_000, 30_000];

export interface ManagerCandidate {
  readonly id: string;
  readonly name: string;
}

/** What the follower needs of a watcher (SwarmWatcher; a fake in unit tests). */
export interface FollowedWatcher {
  start(): Promise<void>;
  stop(): void;
  refresh(): Promise<void>;
}

export type WatcherFactory = (
  engine: DockerEngine,
  onSnapshot: (s: SwarmSnapshot) => void,
  onError: (e: unknown, streamLost: boolean) => void,
) => FollowedWatcher;

export interface SwarmFollowerHost {
  /** The running managers, the preferred one first. */
  managers(): readonly ManagerCandidate[];
  /** The engine of a manager, undefined when it has no connection. */
  engine(id: string): (() => Promise<DockerEngine>) | undefined;
  /** The snapshot or the error changed. */
  changed(): void;
  info(message: string): void;
  warn(message: string): void;
}

export class SwarmFollower {
  private current: { machineId: string; watcher: FollowedWatcher } | undefined;
  private snapshotValue: SwarmSnapshot | undefined;
  private errorValue: string | undefined;
  private retry: ReturnType<typeof setTimeout> | undefined;
  private attempt = 0;
  private disposed = false;
  private readonly following = new RerunningTask(
    () => this.followOnce(),
    () => this.disposed,
  );

  constructor(
    private readonly host: SwarmFollowerHost,
    private readonly createWatcher: WatcherFactory = (engine, onSnapshot, onError) =>
      new SwarmWatcher(engine, onSnapshot, onError),
    private readonly l10n: Localizer = english,
    private readonly retryMs: readonly number[] = RETRY_MS,
  ) {}

  get snapshot(): SwarmSnapshot | undefined {
    return this.snapshotValue;
  }

  get error(): string | undefined {
    return this.errorValue;
  }

  get managerId(): string | undefined {
    return this.current?.machineId;
  }

  get watcher(): FollowedWatcher | undefined {
    return this.current?.watcher;
  }

  /**
   * Follows the first running manager, unless the one followed still runs.
   * One follow at a time: a call meanwhile is answered by one more look
   * once it is over (the machines may have changed since it looked).
   */
  follow(): Promise<void> {
    return this.following.run();
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.retry);
    this.current?.watcher.stop();
    this.current = undefined;
  }

  private async followOnce(): Promise<void> {
    const managers = this.host.managers();
    if (this.disposed || (this.current && managers.some((m) => m.id === this.current!.machineId))) {
      return;
    }
    this.current?.watcher.stop();
    this.current = undefined;
    const manager = managers[0];
    const engine = manager ? this.host.engine(manager.id) : undefined;
    if (!manager || !engine) {
      if (this.snapshotValue) {
        this.snapshotValue = undefined;
        this.host.changed();
      }
      return;
    }
    const connected = await engine();
    if (this.disposed) {
      return;
    }
    const watcher: FollowedWatcher = this.createWatcher(
      connected,
      (snapshot) => {
        if (this.current?.watcher !== watcher) {
          return; // a watcher stopped meanwhile: its last read says nothing any more
        }
        this.attempt = 0;
        this.snapshotValue = snapshot;
        this.errorValue = undefined;
        this.host.changed();
      },
      (error, streamLost) => {
        if (this.current?.watcher !== watcher) {
          return;
        }
        this.errorValue = this.l10n.t('Reading the swarm through {0} failed: {1}', manager.name, String(error));
        this.host.warn(this.errorValue);
        this.host.changed();
        if (streamLost) {
          this.lostManager();
        }
      },
    );
    this.current = { machineId: manager.id, watcher };
    this.host.info(`swarm: following through ${manager.name}`);
    await watcher.start().catch((error: unknown) => {
      if (this.current?.watcher === watcher) {
        this.errorValue = String(error);
        this.host.changed();
        this.lostManager();
      }
    });
  }

  /**
   * The manager's event stream dropped (its dockerd or SSH went away): follow
   * again, through it or another manager, after a pause that grows while it
   * keeps failing. Machine changes also trigger a new attempt at once.
   */
  private lostManager(): void {
    this.current?.watcher.stop();
    this.current = undefined;
    clearTimeout(this.retry);
    const delay = this.retryMs[Math.min(this.attempt++, this.retryMs.length - 1)];
    this.retry = setTimeout(() => void this.follow(), delay);
  }
}

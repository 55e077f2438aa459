import { buildSwarmSnapshot, isConverging, SwarmSnapshot } from '../../core/cluster/swarmSnapshot';
import { JsonLineSplitter } from '../../core/events/jsonLines';
import { DockerEngine } from '../docker/dockerEngine';

export interface SwarmWatcherOptions {
  /** Events arriving within this window cost one refresh. */
  readonly debounceMs?: number;
  /** Swarm sends no task events: while services converge, re-read them this often… */
  readonly convergePollMs?: number;
  /** …spacing the reads out (×1.5 each) up to this… */
  readonly convergePollMaxMs?: number;
  /** …for at most this long after the last event. */
  readonly convergeForMs?: number;
}

/**
 * Follows a swarm through one manager: a snapshot when started, then one
 * more after each burst of swarm events (service, node, network), and, while
 * a service converges (tasks not yet where they should be), a few short
 * follow-ups that stop by themselves. At rest it only holds the event stream.
 */
export class SwarmWatcher {
  private readonly abort = new AbortController();
  private pending: NodeJS.Timeout | undefined;
  private pendingDue = 0;
  private followUntil = 0;
  private reading: Promise<void> | undefined;
  private again = false;
  private snapshotValue: SwarmSnapshot | undefined;
  private readonly debounceMs: number;
  private readonly convergePollMs: number;
  private readonly convergePollMaxMs: number;
  private readonly convergeForMs: number;
  /** The next follow-up's delay: short right after an event, longer as convergence drags on. */
  private nextPollMs = 0;

  constructor(
    private readonly engine: DockerEngine,
    private readonly onSnapshot: (s: SwarmSnapshot) => void,
    /** `streamLost`: the event stream is gone and this watcher will not see changes any more. */
    private readonly onError: (e: unknown, streamLost: boolean) => void,
    options: SwarmWatcherOptions = {},
  ) {
    this.debounceMs = options.debounceMs ?? 50;
    this.convergePollMs = options.convergePollMs ?? 500;
    this.convergePollMaxMs = options.convergePollMaxMs ?? 5_000;
    // Long enough for a drain or a rolling update of a slow image (tasks have no events):
    // the reads thin out meanwhile, and stop as soon as everything converged.
    this.convergeForMs = options.convergeForMs ?? 120_000;
    this.nextPollMs = this.convergePollMs;
  }

  get snapshot(): SwarmSnapshot | undefined {
    return this.snapshotValue;
  }

  async start(): Promise<void> {
    const stream = await this.engine.events(
      // Swarm scope only: a container joining a local network is not a change of the swarm.
      { type: ['service', 'node', 'network', 'secret', 'config'], scope: ['swarm'] },
      this.abort.signal,
    );
    const splitter = new JsonLineSplitter();
    stream.on('data', (chunk: Buffer) => {
      if (splitter.push(chunk).length > 0) {
        this.followUntil = Date.now() + this.convergeForMs;
        this.nextPollMs = this.convergePollMs;
        this.schedule(this.debounceMs);
      }
    });
    stream.on('error', (e) => !this.abort.signal.aborted && this.onError(e, true));
    stream.on('end', () => !this.abort.signal.aborted && this.onError(new Error('the swarm event stream ended'), true));
    // A swarm found mid-change (a service just created) is followed like one seen changing.
    this.followUntil = Date.now() + this.convergeForMs;
    await this.read();
  }

  /** Reads the swarm now (a user's refresh, or after an action). */
  refresh(): Promise<void> {
    this.followUntil = Date.now() + this.convergeForMs;
    this.nextPollMs = this.convergePollMs;
    return this.read();
  }

  stop(): void {
    this.abort.abort();
    clearTimeout(this.pending);
  }

  /**
   * Reads after `ms`, unless a read is already due sooner. An event's short
   * debounce must win over a pending convergence follow-up (500 ms away), or
   * the view would lag the event by up to that much.
   */
  private schedule(ms: number): void {
    if (this.abort.signal.aborted) {
      return;
    }
    const due = Date.now() + ms;
    if (this.pending && this.pendingDue <= due) {
      return;
    }
    clearTimeout(this.pending);
    this.pendingDue = due;
    this.pending = setTimeout(() => {
      this.pending = undefined;
      void this.read();
    }, ms);
  }

  /** One read at a time; a request made meanwhile runs once more after it. */
  private read(): Promise<void> {
    if (this.reading) {
      this.again = true;
      return this.reading;
    }
    this.reading = (async () => {
      try {
        const snapshot = buildSwarmSnapshot(await this.engine.swarmState());
        if (this.abort.signal.aborted) {
          return; // stopped meanwhile: another watcher may be the one heard now
        }
        this.snapshotValue = snapshot;
        this.onSnapshot(snapshot);
        if (isConverging(snapshot) && Date.now() < this.followUntil) {
          this.schedule(this.nextPollMs);
          this.nextPollMs = Math.min(this.convergePollMaxMs, Math.round(this.nextPollMs * 1.5));
        }
      } catch (error) {
        if (!this.abort.signal.aborted) {
          this.onError(error, false);
        }
      } finally {
        this.reading = undefined;
        if (this.again) {
          this.again = false;
          void this.read();
        }
      }
    })();
    return this.reading;
  }
}

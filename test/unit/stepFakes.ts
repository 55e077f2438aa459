/**
 * Fakes of the connection layer for the step engine's tests: nodes whose
 * commands are answered by a script, or held until the test answers them,
 * so that parallelism and cancellation are tested without any timing.
 */
import { shellCommand } from '../../src/core/shell/shellQuote';
import type {
  Cluster,
  ExecOptions,
  ExecOutcome,
  NodeSession,
  NodeTarget,
  RemoteCommand,
} from '../../src/core/steps/step';

/** A queue whose reader can wait for the next item. */
export class Waitable<T> {
  private readonly items: T[] = [];
  private readonly waiters: Array<(item: T) => void> = [];

  push(item: T): void {
    const waiter = this.waiters.shift();
    if (waiter) {
      waiter(item);
    } else {
      this.items.push(item);
    }
  }

  next(): Promise<T> {
    const item = this.items.shift();
    return item !== undefined ? Promise.resolve(item) : new Promise((resolve) => this.waiters.push(resolve));
  }

  get size(): number {
    return this.items.length;
  }
}

/** A command the test holds: it answers (or not) when it wants. */
export interface HeldExec {
  readonly node: string;
  readonly command: string;
  readonly options: ExecOptions;
  answer(outcome: Partial<ExecOutcome>): void;
  fail(error: Error): void;
}

export type Answer = Partial<ExecOutcome> | 'hold' | Error;

export interface FakeClusterOptions {
  /** How each command is answered; 'hold' leaves it to the test (see `held`). */
  readonly script: (node: string, command: string) => Answer;
  /** A session that ignores the abort signal (a stuck connection). */
  readonly deaf?: ReadonlySet<string>;
  /** Nodes that cannot be reached: openSession rejects with this reason. */
  readonly unreachable?: ReadonlyMap<string, string>;
}

export class FakeCluster implements Cluster {
  /** Every command each node received, as the text an SSH exec would send. */
  readonly commands = new Map<string, string[]>();
  readonly uploads = new Map<string, Array<{ path: string; content: string; mode?: number }>>();
  readonly held = new Waitable<HeldExec>();
  readonly sessionsOpened: string[] = [];
  /** Signals the sessions were given, per node, to check that cancellation reached them. */
  readonly signals = new Map<string, AbortSignal[]>();
  inFlight = 0;
  maxInFlight = 0;

  constructor(
    readonly nodes: readonly NodeTarget[],
    private readonly options: FakeClusterOptions,
  ) {}

  openSession(node: NodeTarget): Promise<NodeSession> {
    this.sessionsOpened.push(node.name);
    const down = this.options.unreachable?.get(node.name);
    if (down !== undefined) {
      return Promise.reject(new Error(down));
    }
    const session: NodeSession = {
      exec: (command, options = {}) => this.exec(node.name, command, options),
      upload: (path, content, options) => {
        push(this.uploads, node.name, { path, content, mode: options?.mode });
        return Promise.resolve();
      },
    };
    return Promise.resolve(session);
  }

  commandsOf(node: string): string[] {
    return this.commands.get(node) ?? [];
  }

  private exec(node: string, command: RemoteCommand, options: ExecOptions): Promise<ExecOutcome> {
    const text = shellCommand(command).text;
    push(this.commands, node, text);
    if (options.signal) {
      push(this.signals, node, options.signal);
    }
    const answer = this.options.script(node, text);
    if (answer instanceof Error) {
      return Promise.reject(answer);
    }
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    return new Promise<ExecOutcome>((resolve, reject) => {
      let done = false;
      const onAbort = (): void => settle({ code: null, cancelled: true });
      const settle = (outcome: Partial<ExecOutcome>): void => {
        if (done) {
          return;
        }
        done = true;
        this.inFlight--;
        options.signal?.removeEventListener('abort', onAbort);
        if (outcome.stdout) {
          options.onStdout?.(outcome.stdout);
        }
        if (outcome.stderr) {
          options.onStderr?.(outcome.stderr);
        }
        resolve({ code: 0, stdout: '', stderr: '', ...outcome });
      };
      // Like SshConnection: an abort signals the remote process and resolves at once, marked cancelled.
      if (!this.options.deaf?.has(node)) {
        options.signal?.addEventListener('abort', onAbort, { once: true });
      }
      if (answer === 'hold') {
        this.held.push({
          node,
          command: text,
          options,
          answer: settle,
          fail: (error) => {
            done = true;
            options.signal?.removeEventListener('abort', onAbort);
            this.inFlight--;
            reject(error);
          },
        });
      } else {
        settle(answer);
      }
    });
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key) ?? [];
  list.push(value);
  map.set(key, list);
}

/** The lab's five nodes: three managers, two workers, on the host-only network. */
export function labNodes(count = 5, managers = 3): NodeTarget[] {
  return Array.from({ length: count }, (_, i) => ({
    name: `core-0${i + 1}`,
    role: i < managers ? 'manager' : 'worker',
    address: `172.17.8.${101 + i}`,
  }));
}

/**
 * Lets every pending promise callback run: setImmediate comes after all
 * queued microtasks. Not a sleep: nothing here depends on time.
 */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

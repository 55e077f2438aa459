/**
 * A fake port for the lab runner (core/labRunner/ports.ts): the registry's
 * machines as a settable list, a FakeLabCluster as every environment, trust
 * and secrets as switches the test reads, and a clock the test moves by
 * hand, so that the re-check debounce is tested without waiting.
 */
import type { LabEnvironment, LabRunnerPort, LabSecret, Timer } from '../../src/core/labRunner/ports';
import { english } from '../../src/core/l10n';
import type { LabStepConfig } from '../../src/core/labSteps/labConfig';
import type { Machine, MachineSource, MachineState } from '../../src/core/machines/machine';
import { FakeLabCluster, labConfig } from './labStepFakes';
import { labNodes, type Answer } from './stepFakes';

export function machine(
  source: MachineSource,
  name: string,
  state: MachineState = { kind: 'running', engineVersion: '24.0.7', swarmRole: 'none' },
): Machine {
  return { id: `${source}:${name}`, name, source, host: name, port: 22, user: 'core', identityFile: '', state };
}

/** Timers that fire only when the test moves the clock. */
export class FakeClock implements Timer {
  now = 0;
  private next = 0;
  private readonly pending = new Map<number, { at: number; fire: () => void }>();

  set(fire: () => void, ms: number): unknown {
    const handle = this.next++;
    this.pending.set(handle, { at: this.now + ms, fire });
    return handle;
  }

  clear(handle: unknown): void {
    this.pending.delete(handle as number);
  }

  /** Moves the clock, firing the timers that come due, in order. */
  advance(ms: number): void {
    const until = this.now + ms;
    for (;;) {
      const due = [...this.pending].filter(([, t]) => t.at <= until).sort(([, a], [, b]) => a.at - b.at)[0];
      if (!due) {
        break;
      }
      this.pending.delete(due[0]);
      this.now = due[1].at;
      due[1].fire();
    }
    this.now = until;
  }

  get waiting(): number {
    return this.pending.size;
  }
}

/** An event the test fires by hand. */
export class Emitter {
  private readonly listeners = new Set<(e: unknown) => void>();
  readonly event = (listener: (e: unknown) => void): { dispose(): void } => {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  };
  fire(): void {
    this.listeners.forEach((l) => l(undefined));
  }
  get size(): number {
    return this.listeners.size;
  }
}

export interface FakePortOptions {
  readonly machines?: Machine[];
  /** How the lab's nodes answer (see FakeLabCluster); every command succeeds by default. */
  readonly script?: (node: string, command: string) => Answer;
  /** The configuration every environment shares (backups…), as the runner's port gives it. */
  readonly shared?: Partial<LabStepConfig>;
}

/** The port, and what the runner did through it. */
export class FakePort implements LabRunnerPort {
  readonly l10n = english;
  current: Machine[];
  trustedNow = true;
  readonly clock = new FakeClock();
  readonly timer = this.clock;
  readonly swarm = new Emitter();
  readonly swarmChanged = this.swarm.event;
  private readonly machineChanged = new Emitter();
  readonly machines = {
    machines: (): readonly Machine[] => this.current,
    onDidChange: (listener: () => void) => this.machineChanged.event(listener),
  };
  refreshes = 0;
  runsFinished = 0;
  readonly asked: LabSecret[] = [];
  readonly logged: string[] = [];
  /** The machines each environment was opened on, and how many were closed. */
  readonly opened: string[][] = [];
  closed = 0;
  /** The last environment's cluster. */
  cluster: FakeLabCluster | undefined;

  constructor(private readonly options: FakePortOptions = {}) {
    this.current = options.machines ?? [];
  }

  setMachines(next: Machine[]): void {
    this.current = next;
    this.machineChanged.fire();
  }

  refreshMachines(): Promise<void> {
    this.refreshes++;
    return Promise.resolve();
  }

  runFinished(): void {
    this.runsFinished++;
  }

  settings(): { managers: number; virtualIp: string; images: Record<string, string> } {
    return { managers: 3, virtualIp: '', images: {} };
  }

  sharedConfig(): Promise<Partial<LabStepConfig>> {
    return Promise.resolve(this.options.shared ?? {});
  }

  openEnvironment(machines: readonly Machine[]): Promise<LabEnvironment> {
    this.opened.push(machines.map((m) => m.id));
    const nodes = labNodes(machines.length, 1).map((n, i) => ({ ...n, name: machines[i].name }));
    const cluster = new FakeLabCluster(nodes, { script: this.options.script ?? (() => ({})) });
    this.cluster = cluster;
    return Promise.resolve({ cluster, config: labConfig(cluster), close: () => void this.closed++ });
  }

  askSecret(secret: LabSecret): Promise<void> {
    this.asked.push(secret);
    return Promise.resolve();
  }

  readonly trust = {
    trusted: (): boolean => this.trustedNow,
    runRefusal: (what: string): string => `${what} runs commands on the machines: trust this workspace first.`,
    checkRefusal: (): string => 'Not checked: trust the workspace to check.',
  };

  log(line: string): void {
    this.logged.push(line);
  }
}

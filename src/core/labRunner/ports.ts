/**
 * What the lab runner needs from outside, and what it offers: the runner
 * is pure (no vscode, no connection of its own), so the extension plugs
 * in VS Code's settings, secret storage, trust and output channel, and
 * clients/ the clusters of local lab nodes, VMs and SSH hosts; the unit
 * tests plug in fakes.
 */
import type { Localizer } from '../l10n';
import type { CheckOutcome, StepOutcome } from '../labPanel/labActions';
import type { OutputLine } from '../labPanel/protocol';
import type { LabStepConfig } from '../labSteps/labConfig';
import type { Machine } from '../machines/machine';
import type { StepEvents } from '../steps/engine';
import type { Cluster, StepReport } from '../steps/step';
import type { MachineList } from './labMachines';

export interface Disposer {
  dispose(): void;
}

/** An event to subscribe to (vscode.Event fits). */
export type Subscribe = (listener: (e: unknown) => void) => Disposer;

/** The steps' settings (swarmLab.swarm.managers, swarmLab.virtualIp, swarmLab.images), already checked. */
export interface LabSettings {
  readonly managers: number;
  readonly virtualIp: string;
  /** swarmLab.images, every value checked by the image reference grammar. */
  readonly images: Record<string, string>;
}

/** The lab's machines as a cluster, with the configuration its steps run with; close() ends its connections. */
export interface LabEnvironment {
  readonly cluster: Cluster;
  readonly config: LabStepConfig;
  close(): void;
}

/** The secrets a step asks for before it runs (kept by the extension, never in settings or logs). */
export type LabSecret = 'scope-token' | 'harbor-password';

/** Timers, injected so that the re-check debounce is tested without waiting. */
export interface Timer {
  set(fire: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

export const realTimer: Timer = {
  set: (fire, ms) => setTimeout(fire, ms),
  clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export interface LabRunnerPort {
  readonly l10n: Localizer;
  /** The machines known now (the registry's) and their change event. */
  readonly machines: MachineList;
  /** Reads the machines' sources again; resolves once read. */
  refreshMachines(): Promise<void>;
  /** A run (not a dry run) ended: roles, engines and swarm may have changed, and what shows them reads again. */
  runFinished(): void;
  /** Fires when the swarm changed (its events, a node lost or back). */
  readonly swarmChanged: Subscribe;
  settings(): LabSettings;
  /** What every environment shares that decides whether a step runs (backups, rehearsals), no secret. */
  sharedConfig(): Promise<Partial<LabStepConfig>>;
  /** Connects to the lab's machines (one source, name order), with the settings and the secrets. */
  openEnvironment(machines: readonly Machine[]): Promise<LabEnvironment>;
  /** Asks for a secret once, when it was never given. */
  askSecret(secret: LabSecret): Promise<void>;
  /** Workspace Trust: nothing runs on the machines unless trusted, and the refusals say why. */
  readonly trust: {
    trusted(): boolean;
    /** Why `what` does not run on the machines, in one sentence. */
    runRefusal(what: string): string;
    /** What a check says instead of running. */
    checkRefusal(): string;
  };
  readonly timer: Timer;
  /** The steps' log, line by line (the output channel). */
  log(line: string): void;
}

export interface StepResult {
  readonly ok: boolean;
  /** The steps' evidence for the report, per node. */
  readonly evidence?: string;
}

export interface StepRun extends StepResult {
  readonly reports: readonly StepReport[];
}

export interface RunOptions {
  /** The log's lines as the output channel shows them. */
  readonly onOutput?: (line: string) => void;
  /** The engine's lines and each node's outcome, unformatted (the lab panel). */
  readonly onLine?: (line: OutputLine) => void;
  readonly signal?: AbortSignal;
  /** Run on this node only. */
  readonly only?: string;
  readonly dryRun?: boolean;
  /** More progress listeners (the progress notification). */
  readonly events?: StepEvents;
}

/** A step of the lab done in VS Code itself (the Vagrantfile), not by the engine on the machines. */
export type SideStep = (onOutput: (line: OutputLine) => void, signal: AbortSignal) => Promise<StepOutcome>;

/** A check answered from what VS Code already knows; `changes` fires when its answer may have changed. */
export interface SideCheck {
  run(signal?: AbortSignal): Promise<CheckOutcome>;
  readonly changes?: Subscribe;
}

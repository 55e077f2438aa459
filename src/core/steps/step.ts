/**
 * The vocabulary of the step engine: nodes, the session the engine runs
 * things through, steps and what they report. Pure types: the SSH and Docker
 * layers implement NodeSession; tests drive the engine with fakes.
 */
import type { Localizer } from '../l10n';
import type { ShellCommand } from '../shell/shellQuote';
import type { RunValues } from './runValues';

/** A node of the lab as the steps see it. */
export interface NodeTarget {
  readonly name: string;
  /**
   * The role the lab's layout gives it (e.g. 3 managers + 2 workers), not
   * what the swarm says now: the swarm steps are what make the two agree.
   */
  readonly role: 'manager' | 'worker';
  /** The address other nodes reach it at (swarm advertise address, keepalived peer). */
  readonly address: string;
}

/** Where a step runs. `firstManager` is the first manager in the cluster's node order. */
export type StepTargets = 'all' | 'managers' | 'workers' | 'firstManager' | { readonly node: string };

/** A remote command: an argv (each argument quoted) or a command built with `sh`. Never a raw string. */
export type RemoteCommand = readonly string[] | ShellCommand;

export interface ExecOptions {
  /** Aborting stops the remote command (the SSH layer signals the process and closes the channel). */
  readonly signal?: AbortSignal;
  /** Output as it arrives, in chunks of any size: the engine cuts them into lines. */
  readonly onStdout?: (chunk: string) => void;
  readonly onStderr?: (chunk: string) => void;
}

export interface ExecOutcome {
  /** null when the process ended by a signal or was cancelled. */
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly cancelled?: boolean;
}

/** One open connection to a node (SSH + its Docker engine), as the engine uses it. */
export interface NodeSession {
  exec(command: RemoteCommand, options?: ExecOptions): Promise<ExecOutcome>;
  /** Writes a file on the node (SFTP, or a quoted `cat >` over exec). */
  upload(
    path: string,
    content: string,
    options?: { readonly mode?: number; readonly signal?: AbortSignal },
  ): Promise<void>;
  /** The node's Docker client, for `call` actions; opaque to the engine. */
  readonly docker?: unknown;
}

/** The nodes a step may run on, and how to reach each one. */
export interface Cluster {
  /** In the lab's order (core-01 first): decides `firstManager` and keepalived priorities. */
  readonly nodes: readonly NodeTarget[];
  /** Opens (or reuses) the node's session; rejects with a user-facing reason. */
  openSession(node: NodeTarget, signal: AbortSignal): Promise<NodeSession>;
}

/** What check, plan and collect see for one node. */
export interface NodeContext {
  readonly node: NodeTarget;
  /** Every node of the cluster (keepalived's unicast peers). */
  readonly cluster: readonly NodeTarget[];
  /** The step's resolved targets, in order (a node's index gives its priority). */
  readonly targets: readonly NodeTarget[];
  readonly session: NodeSession;
  /** Values produced by earlier steps of the run (join tokens…). */
  readonly values: RunValues;
  readonly signal: AbortSignal;
  readonly l10n: Localizer;
  readonly dryRun: boolean;
  /** An information line in the node's log (why something is to do…). */
  log(text: string): void;
}

export type CheckResult<Memo = undefined> =
  | {
      readonly state: 'done';
      readonly reason?: string;
      /** Read-only facts still worth keeping (the address of a node already in the swarm). */
      readonly produces?: Readonly<Record<string, string>>;
    }
  | {
      readonly state: 'todo';
      readonly reason?: string;
      /** Whatever the check read that the plan needs (daemon.json's current text). */
      readonly memo?: Memo;
    };

/**
 * One unit of work on a node, declared as data so that a dry run can show
 * it and the real run executes exactly it.
 */
export type Action =
  | {
      readonly kind: 'exec';
      readonly command: RemoteCommand;
      /** Exit codes that count as success; [0] when absent. */
      readonly okCodes?: readonly number[];
      /** Store the trimmed stdout under this key for later steps. */
      readonly produces?: string;
      /** Keep the output as evidence for the report. */
      readonly evidence?: boolean;
      /** Values to mask when the command is shown (secrets: tokens). */
      readonly redact?: readonly string[];
    }
  | { readonly kind: 'upload'; readonly path: string; readonly content: string; readonly mode?: number }
  | {
      /** A Docker API call (or anything else not a command), described for the dry run by its author. */
      readonly kind: 'call';
      readonly description: string;
      run(session: NodeSession, io: { signal: AbortSignal; log(text: string): void }): Promise<string | void>;
      readonly produces?: string;
      readonly evidence?: boolean;
    };

/** The output of one action that ran, for collect(). */
export interface ActionOutput {
  readonly action: Action;
  readonly stdout: string;
  readonly stderr: string;
}

export interface StepProduct {
  readonly produces?: Readonly<Record<string, string>>;
  readonly evidence?: string;
}

/**
 * A step of the lab. `check` answers "already done?" by reading only;
 * `plan` lists the actions to make it done; the engine runs them in order,
 * stopping at the first failure; `collect` turns their outputs into values
 * and evidence (pure: it touches no machine).
 */
export interface Step<Memo = undefined> {
  readonly id: string;
  readonly title: string;
  readonly targets: StepTargets;
  /** Anything that writes, starts or stops on a node: refused in an untrusted workspace. */
  readonly changesMachines: boolean;
  check?(ctx: NodeContext): Promise<CheckResult<Memo>>;
  plan(ctx: NodeContext, memo: Memo | undefined): Promise<readonly Action[]> | readonly Action[];
  collect?(ctx: NodeContext, outputs: readonly ActionOutput[]): StepProduct;
}

/** An ordered list of steps (a section of the lab's outline). */
export interface Section {
  readonly id: string;
  readonly title: string;
  readonly steps: readonly Step<unknown>[];
}

/** Where a cancelled node was left: untouched, or part-way through its actions. */
export type CancelledAt =
  | { readonly stage: 'not-started' | 'connect' | 'check' | 'plan' }
  | { readonly stage: 'run'; readonly done: number; readonly of: number; readonly interrupted?: string };

export type NodeOutcome =
  | { readonly kind: 'ok'; readonly produces?: Readonly<Record<string, string>>; readonly evidence?: string }
  | { readonly kind: 'already-done'; readonly reason?: string }
  | { readonly kind: 'failed'; readonly reason: string; readonly stage: 'connect' | 'check' | 'plan' | 'run' }
  | { readonly kind: 'skipped'; readonly reason: string }
  | { readonly kind: 'cancelled'; readonly at: CancelledAt }
  /** Dry run: what would run on the node, in order; `reason` is why the check said "to do". */
  | { readonly kind: 'planned'; readonly actions: readonly PlannedAction[]; readonly reason?: string };

/** An action as a dry run shows it: the exact command text, the exact file content. */
export type PlannedAction =
  | { readonly kind: 'exec'; readonly command: string }
  | { readonly kind: 'upload'; readonly path: string; readonly content: string; readonly mode?: number }
  | { readonly kind: 'call'; readonly description: string };

export interface NodeReport {
  readonly node: string;
  readonly outcome: NodeOutcome;
}

export interface StepReport {
  readonly stepId: string;
  readonly title: string;
  readonly dryRun: boolean;
  /** Set when the step did not run at all (untrusted workspace, no such target…). */
  readonly error?: string;
  /** In target order. */
  readonly nodes: readonly NodeReport[];
}

export interface SectionReport {
  readonly sectionId: string;
  readonly steps: readonly StepReport[];
  /** The step after which the section stopped early, if it did. */
  readonly stoppedAfter?: string;
  readonly cancelled: boolean;
  /** Steps that never started (after a stop or a cancellation), in order. */
  readonly notRun: readonly string[];
}

/** A step counts as succeeded when it ran and no node failed or was cancelled. */
export function stepSucceeded(report: StepReport): boolean {
  return (
    report.error === undefined &&
    report.nodes.every((n) => n.outcome.kind !== 'failed' && n.outcome.kind !== 'cancelled')
  );
}

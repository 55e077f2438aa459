/**
 * What the lab's steps need from a node beyond the step engine's
 * NodeSession: its Docker API (swarm tokens are read there, never pasted),
 * and the machine's own way of doing what `core` cannot do alone: run a
 * command as root and restart the Docker engine. On a VM that is `sudo`
 * and systemd; on the local lab, whose nodes are namespaces of this
 * machine, it is done from this machine, inside the node's namespaces.
 */
import type { Localizer } from '../l10n';
import { shellCommand, type ShellCommand } from '../shell/shellQuote';
import type { Action, ExecOptions, ExecOutcome, NodeContext, NodeSession, RemoteCommand } from '../steps/step';

/** A node as the swarm sees it, through a manager's API. */
export interface SwarmNodeFact {
  readonly id: string;
  readonly hostname: string;
  readonly role: 'manager' | 'worker';
  /** `ready`, `down`, `unknown`… */
  readonly state: string;
  readonly availability: string;
  readonly address: string;
}

export interface ServiceFact {
  readonly id: string;
  readonly name: string;
  readonly image: string;
  readonly mode: 'replicated' | 'global';
  /** As `docker service ls` counts them. */
  readonly running: number;
  readonly desired: number;
  /** A rolling update (or its rollback) is under way: the counts mix old and new tasks. */
  readonly updating?: boolean;
}

export interface TaskFact {
  readonly id: string;
  readonly service: string;
  readonly slot?: number;
  readonly node?: string;
  readonly state: string;
  readonly desiredState: string;
  readonly error?: string;
  /** The image the task runs (tasks of an update in progress still run the old one). */
  readonly image?: string;
}

export interface EngineFacts {
  /** `inactive`, `pending`, `active`, `error`, `locked`. */
  readonly swarmState: string;
  readonly isManager: boolean;
  readonly nodeId?: string;
  /** What the engine says went wrong with its swarm membership, if anything. */
  readonly swarmError?: string;
  /** The managers this engine's swarm knows, as `address:port` (absent when the engine does not say). */
  readonly remoteManagers?: readonly string[];
}

/** The Docker API calls the lab's steps make (a narrow view of dockerode, easy to fake). */
export interface LabDocker {
  info(): Promise<EngineFacts>;
  swarmInit(spec: {
    readonly advertiseAddr: string;
    readonly listenAddr: string;
    readonly addressPool?: string;
  }): Promise<void>;
  swarmJoin(spec: {
    readonly advertiseAddr: string;
    readonly listenAddr: string;
    readonly remoteAddr: string;
    readonly token: string;
  }): Promise<void>;
  /** `docker swarm leave --force`: out of whatever swarm the engine is in. */
  swarmLeave(): Promise<void>;
  /** Manager only. */
  joinTokens(): Promise<{ readonly worker: string; readonly manager: string }>;
  nodes(): Promise<SwarmNodeFact[]>;
  /** The services of a stack (by its namespace label), or every service. */
  services(stack?: string): Promise<ServiceFact[]>;
  tasks(stack?: string): Promise<TaskFact[]>;
  /** Every service as the engine keeps it (`docker service inspect`): ID and Spec. Manager only. */
  serviceSpecs(): Promise<RawObject[]>;
  /** The swarm's configs with their data (`Spec.Data`, base64): configs are not secret. */
  configs(): Promise<RawObject[]>;
  /** The swarm's secrets: their metadata only, the API never returns a secret's value. */
  secrets(): Promise<RawObject[]>;
  /** The engine's networks (`docker network ls` + inspect). */
  networks(): Promise<RawObject[]>;
  createConfig(spec: {
    readonly name: string;
    readonly labels?: Record<string, string>;
    readonly data: string;
  }): Promise<void>;
}

/** A JSON object as the Docker API returns it. */
export type RawObject = Readonly<Record<string, unknown>>;

/** The per-machine capabilities: how root commands run and how the engine restarts. */
export interface NodeMachine {
  /** How a root command is run here, as the log and a dry run show it. */
  describeAsRoot(command: ShellCommand): string;
  execAsRoot(command: ShellCommand, options?: ExecOptions & { readonly stdin?: string }): Promise<ExecOutcome>;
  /** What a restart of the engine does here, for the log and a dry run. */
  describeEngineRestart(): string;
  /** Restarts (or starts) the node's dockerd; resolves when it is back (or rejects saying why not). */
  restartEngine(signal: AbortSignal): Promise<void>;
}

export interface LabNodeSession extends NodeSession {
  readonly docker: LabDocker;
  readonly machine: NodeMachine;
}

export function labSession(session: NodeSession): LabNodeSession {
  const s = session as Partial<LabNodeSession>;
  if (!s.docker || !s.machine) {
    throw new Error('The lab steps need a session with a Docker client and the machine capabilities.');
  }
  return session as LabNodeSession;
}

/** Runs a read-only command for a check; the outcome as is. */
export function run(ctx: NodeContext, command: RemoteCommand): Promise<ExecOutcome> {
  return ctx.session.exec(command, { signal: ctx.signal });
}

/** Runs a read-only command that must succeed; its stdout, or an error with its last words. */
export async function read(ctx: NodeContext, command: RemoteCommand): Promise<string> {
  const out = await run(ctx, command);
  if (out.code !== 0) {
    throw new Error(commandFailure(shellCommand(command).text, out, ctx.l10n));
  }
  return out.stdout;
}

export function commandFailure(shown: string, out: ExecOutcome, l10n: Localizer): string {
  const tail = (out.stderr.trim() || out.stdout.trim()).split('\n').slice(-3).join('\n');
  return tail === ''
    ? l10n.t('{0} exited with code {1}.', shown, out.code ?? '')
    : l10n.t('{0} exited with code {1}: {2}', shown, out.code ?? '', tail);
}

/** An action that runs a command as root on the node, shown exactly as the machine runs it. */
export function rootAction(
  ctx: NodeContext,
  command: ShellCommand,
  options: { readonly stdin?: string; readonly produces?: string; readonly evidence?: boolean } = {},
): Action {
  const machine = labSession(ctx.session).machine;
  const shown = machine.describeAsRoot(command);
  const description =
    options.stdin === undefined ? shown : `${shown} <<'EOF'\n${options.stdin.replace(/\n$/, '')}\nEOF`;
  return {
    kind: 'call',
    description,
    ...(options.produces !== undefined ? { produces: options.produces } : {}),
    ...(options.evidence ? { evidence: true } : {}),
    async run(session, io) {
      const out = await labSession(session).machine.execAsRoot(command, {
        signal: io.signal,
        ...(options.stdin !== undefined ? { stdin: options.stdin } : {}),
      });
      for (const line of `${out.stdout}${out.stderr}`.split('\n').filter((l) => l.trim() !== '')) {
        io.log(line);
      }
      if (out.code !== 0) {
        throw new Error(commandFailure(shown, out, ctx.l10n));
      }
      return out.stdout;
    },
  };
}

/** Polls `probe` until it returns a value, at most `timeoutMs`; rejects on abort. Never a blind sleep. */
export async function pollUntil<T>(
  probe: () => Promise<T | undefined>,
  options: { readonly timeoutMs: number; readonly intervalMs?: number; readonly signal: AbortSignal },
): Promise<T | undefined> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    if (options.signal.aborted) {
      throw new Error('cancelled');
    }
    const value = await probe();
    if (value !== undefined) {
      return value;
    }
    if (Date.now() >= deadline) {
      return undefined;
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, options.intervalMs ?? 500);
      function done(): void {
        clearTimeout(timer);
        options.signal.removeEventListener('abort', done);
        resolve();
      }
      options.signal.addEventListener('abort', done, { once: true });
    });
  }
}

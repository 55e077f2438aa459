/**
 * One step on one node: connect, check, plan, then run the planned actions
 * in order (or, in a dry run, only report them). Every outcome is a value,
 * never an exception: a failing node must not disturb the others.
 */
import type { Localizer } from '../l10n';
import { describeShellQuoteError, shellCommand, ShellQuoteError } from '../shell/shellQuote';
import { OutputLines } from './outputLines';
import type { RunValues } from './runValues';
import type {
  Action,
  ActionOutput,
  CancelledAt,
  Cluster,
  NodeContext,
  NodeOutcome,
  NodeSession,
  NodeTarget,
  PlannedAction,
  Step,
  StepProduct,
} from './step';

/** What a log line is: command output, an action being started, or the engine's own information. */
export type LineKind = 'out' | 'err' | 'command' | 'action' | 'info';

export interface NodeRunInput {
  readonly step: Step<unknown>;
  readonly node: NodeTarget;
  readonly cluster: Cluster;
  readonly targets: readonly NodeTarget[];
  readonly values: RunValues;
  readonly signal: AbortSignal;
  readonly l10n: Localizer;
  readonly dryRun: boolean;
  readonly emit: (kind: LineKind, text: string) => void;
}

/** Thrown (internally) when the run's signal fires while the node waits on something. */
class Cancelled extends Error {}

export async function runOnNode(input: NodeRunInput): Promise<NodeOutcome> {
  const { step, node, signal, l10n } = input;
  const cancelled = (at: CancelledAt): NodeOutcome => ({ kind: 'cancelled', at });
  if (signal.aborted) {
    return cancelled({ stage: 'not-started' });
  }

  let session: NodeSession;
  try {
    session = await untilAborted(input.cluster.openSession(node, signal), signal);
  } catch (error) {
    return signal.aborted ? cancelled({ stage: 'connect' }) : failed('connect', error);
  }
  const ctx: NodeContext = {
    node,
    cluster: input.cluster.nodes,
    targets: input.targets,
    session,
    values: input.values,
    signal,
    l10n,
    dryRun: input.dryRun,
    log: (text) => input.emit('info', text),
  };

  let memo: unknown;
  let reason: string | undefined;
  if (step.check) {
    try {
      const checked = await untilAborted(step.check(ctx), signal);
      if (checked.state === 'done') {
        store(input, checked.produces ?? {});
        return { kind: 'already-done', reason: checked.reason };
      }
      ({ memo, reason } = checked);
      if (reason !== undefined) {
        input.emit('info', reason);
      }
    } catch (error) {
      return signal.aborted ? cancelled({ stage: 'check' }) : failed('check', error);
    }
  }

  let actions: readonly Action[];
  let shownActions: string[];
  try {
    actions = await untilAborted(Promise.resolve(step.plan(ctx, memo)), signal);
    // Quoting happens here: a value no command can carry (NUL) fails the plan, before anything runs.
    shownActions = actions.map((action) => describeAction(action, l10n));
  } catch (error) {
    return signal.aborted ? cancelled({ stage: 'plan' }) : failed('plan', error);
  }

  if (input.dryRun) {
    return dryRun(input, actions, shownActions, reason);
  }

  const outputs: ActionOutput[] = [];
  for (const [i, action] of actions.entries()) {
    const shown = shownActions[i];
    if (signal.aborted) {
      return cancelled({ stage: 'run', done: i, of: actions.length });
    }
    input.emit(action.kind === 'exec' ? 'command' : 'action', shown);
    try {
      const out = await untilAborted(runAction(action, session, input), signal);
      // A command stopped without our signal (the connection dropped) failed, code null.
      const code = out.cancelled ? null : out.code;
      if (code !== undefined && !(action.kind === 'exec' && (action.okCodes ?? [0]).includes(code ?? -1))) {
        return signal.aborted
          ? cancelled({ stage: 'run', done: i, of: actions.length, interrupted: shown })
          : { kind: 'failed', stage: 'run', reason: exitReason(shown, { ...out, code }, l10n) };
      }
      outputs.push({ action, stdout: out.stdout, stderr: out.stderr });
    } catch (error) {
      return signal.aborted
        ? cancelled({ stage: 'run', done: i, of: actions.length, interrupted: shown })
        : failed('run', error, shown);
    }
  }

  let product: StepProduct;
  try {
    product = step.collect ? step.collect(ctx, outputs) : defaultCollect(outputs, l10n);
  } catch (error) {
    return failed('run', error);
  }
  store(input, product.produces ?? {});
  return { kind: 'ok', produces: product.produces, evidence: product.evidence };

  function failed(stage: 'connect' | 'check' | 'plan' | 'run', error: unknown, during?: string): NodeOutcome {
    const why =
      error instanceof ShellQuoteError
        ? describeShellQuoteError(error, l10n)
        : error instanceof Error
          ? error.message
          : String(error);
    return { kind: 'failed', stage, reason: during === undefined ? why : l10n.t('{0} failed: {1}', during, why) };
  }
}

interface RawOutput {
  /** undefined for actions without an exit code (uploads, calls). */
  readonly code?: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly cancelled?: boolean;
}

async function runAction(action: Action, session: NodeSession, input: NodeRunInput): Promise<RawOutput> {
  const { signal } = input;
  switch (action.kind) {
    case 'exec': {
      const out = new OutputLines((line) => input.emit('out', line));
      const err = new OutputLines((line) => input.emit('err', line));
      let streamedOut = false;
      let streamedErr = false;
      const result = await session.exec(action.command, {
        signal,
        onStdout: (chunk) => {
          streamedOut = true;
          out.push(chunk);
        },
        onStderr: (chunk) => {
          streamedErr = true;
          err.push(chunk);
        },
      });
      // A session that does not stream (SshConnection.exec today) still gets its output logged, at the end.
      if (!streamedOut) {
        out.push(result.stdout);
      }
      if (!streamedErr) {
        err.push(result.stderr);
      }
      out.end();
      err.end();
      return result;
    }
    case 'upload':
      await session.upload(action.path, action.content, { mode: action.mode, signal });
      return { stdout: '', stderr: '' };
    case 'call': {
      const result = await action.run(session, { signal, log: (text) => input.emit('info', text) });
      return { stdout: typeof result === 'string' ? result : '', stderr: '' };
    }
  }
}

/** Dry run: the actions as data, their produced values as placeholders for the steps after. */
function dryRun(
  input: NodeRunInput,
  actions: readonly Action[],
  shown: readonly string[],
  reason: string | undefined,
): NodeOutcome {
  const planned = actions.map(plannedAction);
  for (const [i, action] of actions.entries()) {
    input.emit(action.kind === 'exec' ? 'command' : 'action', shown[i]);
    if (
      action.kind !== 'upload' &&
      action.produces !== undefined &&
      input.values.of(input.node.name, action.produces) === undefined
    ) {
      input.values.set(input.node.name, action.produces, `<${action.produces}>`);
    }
  }
  return { kind: 'planned', actions: planned, reason };
}

export function plannedAction(action: Action): PlannedAction {
  switch (action.kind) {
    case 'exec':
      return { kind: 'exec', command: redact(shellCommand(action.command).text, action.redact) };
    case 'upload':
      return { kind: 'upload', path: action.path, content: action.content, mode: action.mode };
    case 'call':
      return { kind: 'call', description: action.description };
  }
}

/** One line for the log: the command as sent (secrets masked), or what an upload or call does. */
export function describeAction(action: Action, l10n: Localizer): string {
  switch (action.kind) {
    case 'exec':
      return redact(shellCommand(action.command).text, action.redact);
    case 'upload':
      return l10n.t('upload {0} ({1} bytes)', action.path, Buffer.byteLength(action.content, 'utf8'));
    case 'call':
      return action.description;
  }
}

function redact(text: string, secrets: readonly string[] | undefined): string {
  return (secrets ?? []).filter((s) => s !== '').reduce((t, s) => t.split(s).join('***'), text);
}

function exitReason(shown: string, out: RawOutput, l10n: Localizer): string {
  const tail = lastLines(out.stderr.trim() !== '' ? out.stderr : out.stdout);
  if (out.code === null) {
    return tail === '' ? l10n.t('{0} was interrupted.', shown) : l10n.t('{0} was interrupted: {1}', shown, tail);
  }
  return tail === ''
    ? l10n.t('{0} exited with code {1}.', shown, out.code ?? '')
    : l10n.t('{0} exited with code {1}: {2}', shown, out.code ?? '', tail);
}

/** The end of an output, where programs say what went wrong. */
function lastLines(text: string, count = 5): string {
  return text
    .split('\n')
    .map((l) => l.trimEnd())
    .filter((l) => l !== '')
    .slice(-count)
    .join('\n');
}

/** Without a collect(): `produces` actions give their trimmed output, `evidence` ones the report's text. */
function defaultCollect(outputs: readonly ActionOutput[], l10n: Localizer): StepProduct {
  const produces: Record<string, string> = {};
  const evidence: string[] = [];
  for (const { action, stdout } of outputs) {
    if (action.kind === 'upload') {
      continue;
    }
    if (action.produces !== undefined) {
      produces[action.produces] = stdout.trim();
    }
    if (action.evidence) {
      evidence.push(`$ ${describeAction(action, l10n)}\n${stdout.trimEnd()}`);
    }
  }
  return {
    produces: Object.keys(produces).length > 0 ? produces : undefined,
    evidence: evidence.length > 0 ? evidence.join('\n') : undefined,
  };
}

function store(input: NodeRunInput, produces: Readonly<Record<string, string>>): void {
  for (const [key, value] of Object.entries(produces)) {
    input.values.set(input.node.name, key, value);
  }
}

/**
 * Stops waiting when the run is cancelled, even if the session does not
 * honour its signal: one stuck node must not hold the report back. The
 * session has the same signal and stops the remote command on its side.
 */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new Cancelled('cancelled'));
    if (signal.aborted) {
      work.catch(() => undefined);
      onAbort();
      return;
    }
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

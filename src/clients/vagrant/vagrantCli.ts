import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { english, Localizer } from '../../core/l10n';
import { abortError } from '../../localLab/run';
import { parseMachineReadableSshConfig, SshHostConfig } from '../../core/vagrant/sshConfig';
import {
  classifyVagrantFailure,
  describeVagrantFailure,
  VagrantFailureFacts,
  VagrantFailureKind,
  vagrantFailureDetails,
} from '../../core/vagrant/vagrantErrors';
import { VagrantAction, VagrantMachine } from '../../core/vagrant/vagrantMachines';
import {
  humanLines,
  MachineReadableLine,
  parseMachineReadable,
  parseVagrantStatus,
  vagrantExitError,
  VagrantMachineStatus,
} from '../../core/vagrant/vagrantStatus';

export interface VagrantCliOptions {
  /** The vagrant executable; `vagrant` from the PATH by default. */
  readonly command?: string;
  /** Added to the extension's environment (DOCKER_HOST in tests, VAGRANT_DEFAULT_PROVIDER…). */
  readonly env?: Readonly<Record<string, string>>;
  /** A bound for status and ssh-config (default 120 s); actions have none: `up` of a VirtualBox VM takes minutes. */
  readonly queryTimeoutMs?: number;
  readonly l10n?: Localizer;
}

export interface VagrantRunOptions {
  readonly signal?: AbortSignal;
  /** Human lines as Vagrant prints them ("==> core-01: Starting container..."), as they come. */
  readonly onOutput?: (line: string) => void;
}

/** A vagrant command that failed: `message` is one localized line, `details` Vagrant's own text. */
export class VagrantError extends Error {
  constructor(
    message: string,
    readonly kind: VagrantFailureKind,
    readonly details: string,
    readonly machine?: string,
  ) {
    super(message);
    this.name = 'VagrantError';
  }
}

interface RunResult {
  readonly code: number | null;
  readonly lines: MachineReadableLine[];
  readonly stderr: string;
}

/** Failures that concern the whole folder, not one machine: ssh-config stops at them. */
const FOLDER_WIDE: ReadonlySet<VagrantFailureKind> = new Set([
  'not-installed',
  'no-vagrantfile',
  'vagrantfile-error',
  'provider-not-usable',
  'locked',
  'timeout',
]);

/**
 * Vagrant's command line in one folder. Every command runs with
 * `--machine-readable` (stable lines, errors with their class, and no
 * question can ever block: that UI refuses to ask) and with the version
 * check off (it would call HashiCorp's server on each run).
 */
export class VagrantCli {
  private readonly l10n: Localizer;

  constructor(
    readonly dir: string,
    private readonly options: VagrantCliOptions = {},
  ) {
    this.l10n = options.l10n ?? english;
  }

  /** `vagrant status`: every machine of the Vagrantfile with its state and provider. */
  async status(opts: VagrantRunOptions = {}): Promise<VagrantMachineStatus[]> {
    const result = await this.run(['status'], opts, this.queryTimeout());
    if (result.code !== 0) {
      throw this.failure('status', result);
    }
    return parseVagrantStatus(result.lines).machines;
  }

  /**
   * `vagrant ssh-config` for these machines, each on its own: Vagrant stops
   * at the first machine it cannot answer for (SSHNotReady), so the rest are
   * asked again after it. Machines are answered in the order given, which is
   * how the failing one is known. Folder-wide failures throw.
   */
  async sshConfig(
    machines: readonly string[],
    opts: VagrantRunOptions = {},
  ): Promise<Map<string, SshHostConfig | VagrantError>> {
    const answers = new Map<string, SshHostConfig | VagrantError>();
    let pending = [...machines];
    while (pending.length > 0) {
      const result = await this.run(['ssh-config', ...pending], opts, this.queryTimeout());
      const configs = parseMachineReadableSshConfig(result.lines);
      for (const name of pending) {
        const config = configs.get(name);
        if (config) {
          answers.set(name, config);
        }
      }
      const failedAt = pending.findIndex((name) => !configs.has(name));
      if (failedAt < 0) {
        break;
      }
      const failed = pending[failedAt];
      const error =
        result.code === 0
          ? new VagrantError(this.l10n.t('`vagrant ssh-config` gave nothing for {0}.', failed), 'failed', '', failed)
          : this.failure('ssh-config', result, failed);
      if (FOLDER_WIDE.has(error.kind)) {
        throw error;
      }
      answers.set(failed, error);
      pending = pending.slice(failedAt + 1);
    }
    return answers;
  }

  /** Status, then ssh-config of the running machines only (the others have no address to give). */
  async machines(opts: VagrantRunOptions = {}): Promise<VagrantMachine[]> {
    const statuses = await this.status(opts);
    const running = statuses.filter((m) => m.state === 'running').map((m) => m.name);
    const ssh = running.length > 0 ? await this.sshConfig(running, opts) : new Map<string, never>();
    return statuses.map((m): VagrantMachine => {
      const answer = ssh.get(m.name);
      if (answer instanceof VagrantError) {
        return { ...m, sshError: answer.message };
      }
      return answer ? { ...m, ssh: answer } : m;
    });
  }

  up(machines: readonly string[], opts?: VagrantRunOptions): Promise<void> {
    return this.action('up', machines, opts);
  }

  halt(machines: readonly string[], opts?: VagrantRunOptions): Promise<void> {
    return this.action('halt', machines, opts);
  }

  reload(machines: readonly string[], opts?: VagrantRunOptions): Promise<void> {
    return this.action('reload', machines, opts);
  }

  provision(machines: readonly string[], opts?: VagrantRunOptions): Promise<void> {
    return this.action('provision', machines, opts);
  }

  /** Always `-f`: the confirmation belongs to the UI, and Vagrant could not ask here anyway. */
  destroy(machines: readonly string[], opts?: VagrantRunOptions): Promise<void> {
    return this.action('destroy', machines, opts);
  }

  /** One action on these machines (all of the Vagrantfile's when the list is empty). */
  async action(action: VagrantAction, machines: readonly string[], opts: VagrantRunOptions = {}): Promise<void> {
    const args = action === 'destroy' ? ['destroy', '-f', ...machines] : [action, ...machines];
    const result = await this.run(args, opts, undefined);
    if (result.code !== 0) {
      throw this.failure(action, result, machines.length === 1 ? machines[0] : undefined);
    }
  }

  private queryTimeout(): number {
    return this.options.queryTimeoutMs ?? 120_000;
  }

  private failure(command: string, result: RunResult, machine?: string): VagrantError {
    const exit = vagrantExitError(result.lines);
    return this.error({
      command,
      dir: this.dir,
      exitCode: result.code,
      stderr: result.stderr,
      ...(machine ? { machine } : {}),
      ...(exit ? { exit } : {}),
    });
  }

  private error(facts: VagrantFailureFacts): VagrantError {
    const kind = classifyVagrantFailure(facts);
    return new VagrantError(
      describeVagrantFailure(kind, facts, this.l10n),
      kind,
      vagrantFailureDetails(facts),
      facts.machine,
    );
  }

  /**
   * Runs `vagrant <args> --machine-readable` in the folder, in its own
   * process group so that an abort or a timeout also stops what vagrant
   * started (docker, VBoxManage, ssh). Resolves with the exit code whatever
   * it is; rejects only when it cannot run, is aborted, or times out.
   */
  private run(args: readonly string[], opts: VagrantRunOptions, timeoutMs: number | undefined): Promise<RunResult> {
    const command = args[0];
    if (opts.signal?.aborted) {
      return Promise.reject(abortError());
    }
    if (!fs.existsSync(this.dir)) {
      // spawn would report a missing cwd as ENOENT, the same as a missing vagrant.
      return Promise.reject(
        this.error({ command, dir: this.dir, exit: { errorClass: 'NoEnvironmentError', message: '' } }),
      );
    }
    return new Promise((resolve, reject) => {
      const child = spawn(this.options.command ?? 'vagrant', [...args, '--machine-readable'], {
        cwd: this.dir,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, ...this.options.env, VAGRANT_CHECKPOINT_DISABLE: '1' },
        detached: true,
      });
      const lines: MachineReadableLine[] = [];
      let partial = '';
      let stderr = '';
      let errPartial = '';
      let timedOut = false;
      let killTimer: NodeJS.Timeout | undefined;

      const onStdout = (text: string): void => {
        for (const line of parseMachineReadable(text)) {
          lines.push(line);
          humanLines(line).forEach((l) => opts.onOutput?.(l));
        }
      };
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        const text = partial + chunk;
        const cut = text.lastIndexOf('\n');
        partial = text.slice(cut + 1);
        onStdout(text.slice(0, cut + 1));
      });
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
        stderr = (stderr + chunk).slice(-8000);
        const text = errPartial + chunk;
        const cut = text.lastIndexOf('\n');
        errPartial = text.slice(cut + 1);
        text
          .slice(0, cut + 1)
          .split('\n')
          .filter((l) => l.trim() !== '')
          .forEach((l) => opts.onOutput?.(l));
      });

      const stop = (): void => {
        signalGroup(child.pid, 'SIGTERM');
        // Vagrant may be cleaning up; a bounded grace, then no more waiting.
        killTimer ??= setTimeout(() => signalGroup(child.pid, 'SIGKILL'), 5_000);
      };
      const timer =
        timeoutMs === undefined
          ? undefined
          : setTimeout(() => {
              timedOut = true;
              stop();
            }, timeoutMs);
      opts.signal?.addEventListener('abort', stop, { once: true });
      const cleanup = (): void => {
        clearTimeout(timer);
        clearTimeout(killTimer);
        opts.signal?.removeEventListener('abort', stop);
      };

      child.once('error', (error: NodeJS.ErrnoException) => {
        cleanup();
        reject(this.error({ command, dir: this.dir, ...(error.code ? { spawnCode: error.code } : {}) }));
      });
      child.once('close', (code) => {
        cleanup();
        onStdout(partial);
        if (opts.signal?.aborted) {
          reject(abortError());
        } else if (timedOut) {
          reject(this.error({ command, dir: this.dir, timedOutAfterMs: timeoutMs, stderr }));
        } else {
          resolve({ code, lines, stderr });
        }
      });
    });
  }
}

/**
 * What a terminal runs for a shell on a Vagrant machine: `vagrant ssh <name>`
 * in its folder, so Vagrant's own key, user, port and options apply (and a
 * provider's way in, such as a docker host VM, keeps working).
 */
export function vagrantSshTerminal(
  dir: string,
  machine: string,
  command = 'vagrant',
): { shellPath: string; shellArgs: string[]; cwd: string; env: Record<string, string> } {
  return { shellPath: command, shellArgs: ['ssh', machine], cwd: dir, env: { VAGRANT_CHECKPOINT_DISABLE: '1' } };
}

function signalGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) {
    return;
  }
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface RunOptions {
  readonly signal?: AbortSignal;
  readonly log?: (line: string) => void;
  readonly env?: NodeJS.ProcessEnv;
  /** A shell pipeline is sometimes the simplest tool (tar | gzip); off by default. */
  readonly shell?: boolean;
}

/**
 * Runs a system tool (ip, ssh-keygen, debootstrap, chroot, tar, ldd, dpkg-query) and resolves
 * with its stdout. Its stderr is kept (last lines) for the error message,
 * because "debootstrap exited 1" alone tells nobody what went wrong.
 * An abort kills the process and rejects.
 */
export function run(command: string, args: readonly string[], opts: RunOptions = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    if (opts.signal?.aborted) {
      reject(abortError());
      return;
    }
    const child = spawn(command, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: opts.env ?? process.env,
      shell: opts.shell ?? false,
      // Its own process group, so that an abort also stops what it started
      // (debootstrap runs dpkg and apt in the chroot as children).
      detached: true,
    });
    const out: Buffer[] = [];
    let errTail = '';
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => {
      errTail = (errTail + chunk.toString('utf8')).slice(-4000);
    });
    const onAbort = (): void => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    };
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    child.once('error', (error) => {
      opts.signal?.removeEventListener('abort', onAbort);
      reject(error);
    });
    child.once('close', (code, sig) => {
      opts.signal?.removeEventListener('abort', onAbort);
      if (opts.signal?.aborted) {
        reject(abortError());
      } else if (code === 0) {
        resolve(Buffer.concat(out).toString('utf8'));
      } else {
        const why = errTail.trim().split('\n').slice(-15).join('\n');
        reject(new Error(`${command} ${args.join(' ')} failed (${code ?? sig}):\n${why}`));
      }
    });
  });
}

/**
 * Runs a command whose exit code is the answer (`ip link show X`: does it
 * exist?): never throws on a non-zero exit, only when it cannot run at all.
 */
export function runStatus(command: string, args: readonly string[]): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'ignore'] });
    const out: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code: code ?? 1, stdout: Buffer.concat(out).toString('utf8') }));
  });
}

export function abortError(): Error {
  const error = new Error('aborted');
  error.name = 'AbortError';
  return error;
}

export function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) {
    throw abortError();
  }
}

/**
 * Where `command` runs from: the first executable file of that name in the
 * folders of `pathValue` (a PATH), as a shell would find it; undefined when
 * none. A name with a slash is taken as a path.
 */
export function findExecutable(
  command: string,
  pathValue: string | undefined = process.env['PATH'],
): string | undefined {
  const candidates = command.includes('/')
    ? [command]
    : (pathValue ?? '')
        .split(path.delimiter)
        .filter((dir) => dir !== '')
        .map((dir) => path.join(dir, command));
  return candidates.find(isExecutableFile);
}

function isExecutableFile(file: string): boolean {
  try {
    // stat follows symbolic links: a link to a missing binary is no executable.
    if (!fs.statSync(file).isFile()) {
      return false;
    }
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

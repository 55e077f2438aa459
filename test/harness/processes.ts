import { ChildProcess, spawn, SpawnOptions } from 'node:child_process';
import * as fs from 'node:fs';

/** Starts a daemon in its own process group, so that stopping it stops all its children. */
export function spawnGroup(command: string, args: string[], options: SpawnOptions & { logFile: string }): ChildProcess {
  const log = fs.openSync(options.logFile, 'a');
  const child = spawn(command, args, { ...options, detached: true, stdio: ['ignore', log, log] });
  fs.closeSync(log);
  return child;
}

/** Resolves when `file` contains a line matching `pattern`; rejects if the process exits first. */
export function waitForLogLine(
  child: ChildProcess,
  file: string,
  pattern: RegExp,
  timeoutMs: number,
): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    let done = false;
    const finish = (fn: () => void): void => {
      if (!done) {
        done = true;
        clearTimeout(timer);
        watcher.close();
        child.removeListener('exit', onExit);
        fn();
      }
    };
    const check = (): void => {
      const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
      const m = pattern.exec(text);
      if (m) {
        finish(() => resolve(m));
      }
    };
    const onExit = (code: number | null): void =>
      finish(() => reject(new Error(`process exited (${code}) before logging ${pattern}; see ${file}`)));
    const timer = setTimeout(
      () => finish(() => reject(new Error(`no ${pattern} in ${file} after ${timeoutMs} ms`))),
      timeoutMs,
    );
    const watcher = fs.watch(file, check);
    child.once('exit', onExit);
    check();
  });
}

/** SIGTERM to the whole group, then SIGKILL if it is still there after `graceMs`. */
export async function stopGroup(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) {
    return;
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  killGroup(child.pid, 'SIGTERM');
  const timer = setTimeout(() => killGroup(child.pid!, 'SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
  // Children that left the group leader behind (a server's workers) go too.
  killGroup(child.pid, 'SIGKILL');
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

/**
 * Marks the processes this test run starts (code-server, Chromium and all
 * their children inherit it), so a leak check looks at this run's processes
 * only, not at another checkout's tests running on the same machine.
 */
export const TEST_RUN_MARKER = `SWARM_LAB_TEST_RUN=${process.pid}-${Date.now()}`;

export function markedEnv(): Record<string, string> {
  const [key, value] = TEST_RUN_MARKER.split('=');
  return { [key]: value };
}

/** `pid command` of every live process whose environment carries this run's marker. */
export function markedProcesses(): string[] {
  const found: string[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) {
      continue;
    }
    try {
      const environ = fs.readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0');
      if (environ.includes(TEST_RUN_MARKER)) {
        const cmd = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').join(' ').trim();
        found.push(`${entry} ${cmd}`);
      }
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return found;
}

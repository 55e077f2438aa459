import * as fs from 'node:fs';

/**
 * Every process that descends from this extension host while it watches,
 * seen by reading /proc every few milliseconds: a program run by any
 * extension (execFile, spawn, a shell) shows up here, however it was
 * started and whatever the module captured child_process before the test.
 */
export class ProcessWatch {
  private readonly seen = new Map<number, string>();
  private readonly timer: ReturnType<typeof setInterval>;

  /** Descendants there before the watch, left out when `ignoreExisting`. */
  private readonly existing = new Set<number>();

  constructor(
    private readonly root = process.pid,
    everyMs = 10,
    ignoreExisting = false,
  ) {
    if (ignoreExisting) {
      this.look();
      this.seen.forEach((_cmd, pid) => this.existing.add(pid));
      this.seen.clear();
    }
    this.timer = setInterval(() => this.look(), everyMs);
  }

  /** `pid: command line` of every descendant seen so far. */
  processes(): string[] {
    this.look();
    return [...this.seen].map(([pid, cmd]) => `${pid}: ${cmd}`);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private look(): void {
    const parents = new Map<number, number>();
    for (const entry of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) {
        continue;
      }
      try {
        const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
        // The command name may hold spaces and parentheses: the fields after the last ')'.
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        parents.set(Number(entry), Number(fields[1]));
      } catch {
        // gone meanwhile
      }
    }
    for (const [pid] of parents) {
      if (this.seen.has(pid) || this.existing.has(pid) || !this.descends(pid, parents)) {
        continue;
      }
      this.seen.set(pid, commandOf(pid));
    }
  }

  private descends(pid: number, parents: ReadonlyMap<number, number>): boolean {
    for (let p = parents.get(pid), hops = 0; p !== undefined && p > 1 && hops < 64; p = parents.get(p), hops++) {
      if (p === this.root) {
        return true;
      }
    }
    return false;
  }
}

/**
 * A process's command line; `[name]` when it has none any more (it exited
 * and waits to be reaped: the kernel keeps only its name), `[?]` when it is
 * gone altogether.
 */
function commandOf(pid: number): string {
  try {
    const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
    if (cmd !== '') {
      return cmd;
    }
    return `[${fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim()}]`;
  } catch {
    return '[?]';
  }
}

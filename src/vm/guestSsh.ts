import { run } from '../localLab/run';

/**
 * SSH into a VM through its forwarded port, as the box's vagrant user with
 * Vagrant's insecure key (what `vagrant ssh` does before insert_key). Host
 * keys are not recorded: every VM makes new ones on its first boot, and the
 * port belongs to 127.0.0.1.
 */
export function sshArgs(port: number, privateKey: string, command: string): string[] {
  return [
    '-i',
    privateKey,
    '-p',
    String(port),
    '-o',
    'IdentitiesOnly=yes',
    '-o',
    'BatchMode=yes',
    '-o',
    'StrictHostKeyChecking=no',
    '-o',
    'UserKnownHostsFile=/dev/null',
    '-o',
    'LogLevel=ERROR',
    // It also bounds the SSH banner exchange, which an emulated guest busy booting can take seconds to answer.
    '-o',
    'ConnectTimeout=20',
    'vagrant@127.0.0.1',
    command,
  ];
}

/** Runs `command` in the guest (a shell line) and resolves with its stdout. */
export function sshRun(port: number, privateKey: string, command: string, signal?: AbortSignal): Promise<string> {
  return run('ssh', sshArgs(port, privateKey, command), { signal });
}

export interface WaitForSshOptions {
  readonly deadlineMs: number;
  /** Checked between attempts: a VM that died (kernel panic, -no-reboot) ends the wait at once. */
  readonly stillRunning: () => boolean;
  readonly signal?: AbortSignal;
}

/**
 * Waits until the vagrant user can log in and sudo without a password.
 * Early attempts fail quickly: QEMU's port forward accepts the connection
 * and closes it while the guest's sshd is not up yet.
 */
export async function waitForSsh(port: number, privateKey: string, opts: WaitForSshOptions): Promise<void> {
  const until = Date.now() + opts.deadlineMs;
  let last = '';
  while (Date.now() < until) {
    try {
      await sshRun(port, privateKey, 'sudo -n true', opts.signal);
      return;
    } catch (error) {
      if (error instanceof Error && error.name === 'AbortError') {
        throw error;
      }
      last = error instanceof Error ? error.message : String(error);
    }
    if (!opts.stillRunning()) {
      throw new Error(`the VM stopped before SSH answered (last: ${last})`);
    }
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
  throw new Error(`no SSH login in ${Math.round(opts.deadlineMs / 1000)} s (last: ${last})`);
}

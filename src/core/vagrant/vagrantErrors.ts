import { english, Localizer } from '../l10n';
import type { VagrantExitError } from './vagrantStatus';

/**
 * Why a vagrant command failed, in the user's words. Vagrant's own message
 * is long (the provider-not-usable one quotes all of `docker version`), so a
 * failure has a one-line summary for a notification and Vagrant's text as
 * details for the output channel.
 */
export type VagrantFailureKind =
  | 'not-installed'
  | 'no-vagrantfile'
  | 'machine-not-found'
  | 'ssh-not-ready'
  | 'provider-not-usable'
  | 'vagrantfile-error'
  | 'locked'
  | 'timeout'
  | 'failed';

export interface VagrantFailureFacts {
  /** `status`, `ssh-config`, `up`… */
  readonly command: string;
  readonly dir: string;
  /** The machine the command was about, when one. */
  readonly machine?: string;
  readonly exitCode?: number | null;
  /** The spawn error's code (`ENOENT`: no vagrant on PATH). */
  readonly spawnCode?: string;
  readonly exit?: VagrantExitError;
  /** The end of stderr: Vagrant writes its earliest failures there, not in machine-readable lines. */
  readonly stderr?: string;
  /** Set when the command was stopped for taking longer than this. */
  readonly timedOutAfterMs?: number;
}

export function classifyVagrantFailure(f: VagrantFailureFacts): VagrantFailureKind {
  if (f.spawnCode === 'ENOENT') {
    return 'not-installed';
  }
  if (f.timedOutAfterMs !== undefined) {
    return 'timeout';
  }
  const cls = f.exit?.errorClass.replace(/^Vagrant::Errors::/, '') ?? '';
  switch (cls) {
    case 'NoEnvironmentError':
      return 'no-vagrantfile';
    case 'MachineNotFound':
      return 'machine-not-found';
    case 'SSHNotReady':
      return 'ssh-not-ready';
    case 'ProviderNotUsable':
      return 'provider-not-usable';
    case 'MachineLocked':
    case 'EnvironmentLockedError':
      return 'locked';
  }
  if (cls.startsWith('Vagrantfile')) {
    return 'vagrantfile-error';
  }
  // A Vagrantfile Ruby cannot parse fails "at a very early stage", before the machine-readable UI exists.
  if (
    !f.exit &&
    /failed to initialize at a very early stage|error in the following Vagrantfile/i.test(f.stderr ?? '')
  ) {
    return 'vagrantfile-error';
  }
  return 'failed';
}

export function describeVagrantFailure(
  kind: VagrantFailureKind,
  f: VagrantFailureFacts,
  l10n: Localizer = english,
): string {
  const machine = f.machine ?? '';
  switch (kind) {
    case 'not-installed':
      return l10n.t('Vagrant is not installed: there is no `vagrant` command on the PATH.');
    case 'no-vagrantfile':
      return l10n.t('{0} is not a Vagrant folder: it has no Vagrantfile.', f.dir);
    case 'machine-not-found':
      return l10n.t('The Vagrantfile in {0} defines no machine {1}.', f.dir, machine || missingName(f));
    case 'ssh-not-ready':
      return machine
        ? l10n.t('{0} gives no SSH address yet: it is not running, or its provider has none for it.', machine)
        : l10n.t('The machine gives no SSH address yet: it is not running, or its provider has none for it.');
    case 'provider-not-usable':
      return l10n.t('The Vagrant provider cannot be used on this system: {0}', providerReason(f));
    case 'vagrantfile-error':
      return l10n.t('The Vagrantfile in {0} has an error; see the output for details.', f.dir);
    case 'locked':
      return l10n.t('Vagrant is already running an action in {0}; try again when it is done.', f.dir);
    case 'timeout':
      return l10n.t(
        '`vagrant {0}` in {1} did not finish within {2} s.',
        f.command,
        f.dir,
        Math.round((f.timedOutAfterMs ?? 0) / 1000),
      );
    case 'failed':
      return l10n.t('`vagrant {0}` failed in {1} (exit code {2}).', f.command, f.dir, String(f.exitCode ?? '?'));
  }
}

/** Vagrant's own text for the output channel: its error message, else the end of stderr. */
export function vagrantFailureDetails(f: VagrantFailureFacts): string {
  return (f.exit?.message || f.stderr || '').trim();
}

function missingName(f: VagrantFailureFacts): string {
  return /name '([^']+)'/.exec(f.exit?.message ?? '')?.[1] ?? '?';
}

/**
 * The line that says why: with the docker provider it is Docker's own
 * complaint ("Stderr: Cannot connect to the Docker daemon at …").
 */
function providerReason(f: VagrantFailureFacts): string {
  const message = f.exit?.message ?? '';
  const stderr = /^Stderr:\s*(.+)$/m.exec(message)?.[1]?.trim();
  if (stderr) {
    return stderr;
  }
  const afterReason = message
    .split(/reason is shown below:\s*/i)[1]
    ?.split('\n')[0]
    ?.trim();
  return afterReason || message.split('\n')[0] || '?';
}

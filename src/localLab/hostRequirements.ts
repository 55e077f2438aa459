/**
 * What this computer must have before the local lab starts: root, the
 * commands that make and run the nodes, and the Debian packages whose
 * binaries the lab's stand-in images copy. Checked before anything starts,
 * so that a missing piece is one sentence naming every missing piece and
 * the one command that installs them all, not a failure halfway through.
 * No `vscode` here: the wording takes a Localizer (vscode.l10n in the
 * editor, `english` in the CLI and the tests).
 */
import type { Localizer } from '../core/l10n';
import { dpkgVersions, type PackageQuery } from './dpkg';
import { hostPackageImages } from './images/labImageSpecs';
import { findExecutable } from './run';

/** What a piece is for, worded by purposeText(). */
export type Purpose =
  | {
      readonly kind: 'network' | 'nodes' | 'keys' | 'base-image';
    }
  /** A host package whose binaries these images copy. */
  | { readonly kind: 'images'; readonly images: readonly string[] };

interface CommandRequirement {
  readonly command: string;
  /** The Debian package that brings it. */
  readonly debianPackage: string;
  readonly purpose: Purpose;
}

const COMMANDS: readonly CommandRequirement[] = [
  { command: 'ip', debianPackage: 'iproute2', purpose: { kind: 'network' } },
  // Each node is a systemd-nspawn container: its own systemd, sshd, Docker and GlusterFS come from
  // the nodes' base system (Debian packages installed there), none from this computer.
  { command: 'systemd-nspawn', debianPackage: 'systemd-container', purpose: { kind: 'nodes' } },
  { command: 'ssh-keygen', debianPackage: 'openssh-client', purpose: { kind: 'keys' } },
  // The nodes' base system and the lab's images start from the same debootstrap tree.
  { command: 'debootstrap', debianPackage: 'debootstrap', purpose: { kind: 'base-image' } },
  { command: 'unshare', debianPackage: 'util-linux', purpose: { kind: 'base-image' } },
];

/** The commands checkHost() looks for, in order. */
export function requiredCommands(): string[] {
  return COMMANDS.map((r) => r.command);
}

export interface MissingPiece {
  /** A command (`debootstrap`) or a Debian package (`caddy`). */
  readonly name: string;
  readonly kind: 'command' | 'package';
  /** The Debian package that brings it. */
  readonly debianPackage: string;
  readonly purpose: Purpose;
}

export interface HostCheck {
  readonly root: boolean;
  /** In the order of the requirements: the commands, then the host packages (sorted). */
  readonly missing: readonly MissingPiece[];
}

export interface CheckHostOptions {
  /** The environment whose PATH is searched; process.env by default. */
  readonly env?: NodeJS.ProcessEnv;
  /** Which packages are installed; dpkg-query by default. */
  readonly packages?: PackageQuery;
  /** The user ID; this process's by default. */
  readonly uid?: number;
  /** False when the lab's images will not be built (`up --no-images`): the host packages are not needed. */
  readonly images?: boolean;
}

/** Checks root, the commands and the host packages; reads only. */
export async function checkHost(options: CheckHostOptions = {}): Promise<HostCheck> {
  const pathValue = (options.env ?? process.env)['PATH'];
  const images = options.images ?? true;
  const missing: MissingPiece[] = COMMANDS.filter((r) => !found(r, pathValue)).map((r) => ({
    name: r.command,
    kind: 'command',
    debianPackage: r.debianPackage,
    purpose: r.purpose,
  }));
  if (images) {
    const copiedBy = hostPackageImages();
    const installed = await (options.packages ?? dpkgVersions)([...copiedBy.keys()]);
    for (const [pkg, tags] of copiedBy) {
      if (installed.get(pkg) === undefined) {
        missing.push({ name: pkg, kind: 'package', debianPackage: pkg, purpose: { kind: 'images', images: tags } });
      }
    }
  }
  const uid = options.uid ?? process.getuid?.();
  return { root: uid === 0, missing };
}

function found(r: CommandRequirement, pathValue: string | undefined): boolean {
  return findExecutable(r.command, pathValue) !== undefined;
}

/** The Debian packages to install for the missing pieces, each once, in order. */
export function packagesToInstall(check: HostCheck): string[] {
  return [...new Set(check.missing.map((m) => m.debianPackage))];
}

/**
 * What to do, in a sentence or two (root first, then what to install); undefined when nothing is missing.
 * `again` names what to run afterwards: the command Start Local Lab by default, `npm run lab -- up` in a terminal.
 */
export function hostRequirementsMessage(
  check: HostCheck,
  l10n: Localizer,
  again: string = l10n.t('Start Local Lab'),
): string | undefined {
  const sentences: string[] = [];
  if (!check.root) {
    sentences.push(
      l10n.t(
        'The local lab needs root (network namespaces): run VS Code as root in a VM or container, or use `sudo npm run lab -- up`.',
      ),
    );
  }
  if (check.missing.length > 0) {
    const install = `${check.root ? '' : 'sudo '}apt-get install ${packagesToInstall(check).join(' ')}`;
    sentences.push(
      l10n.t(
        'The local lab needs {0} on this computer: run `{1}`, then {2} again.',
        listOf(
          check.missing.map((m) => m.name),
          l10n,
        ),
        install,
        again,
      ),
    );
  }
  return sentences.length > 0 ? sentences.join(' ') : undefined;
}

/** One line per missing piece: what it is, its package, what it is for. */
export function missingPieceLines(check: HostCheck, l10n: Localizer): string[] {
  return check.missing.map((m) =>
    m.kind === 'command'
      ? l10n.t('{0} (command, package {1}): {2}', m.name, m.debianPackage, purposeText(m.purpose, l10n))
      : l10n.t('{0} (package): {1}', m.name, purposeText(m.purpose, l10n)),
  );
}

export function purposeText(purpose: Purpose, l10n: Localizer): string {
  switch (purpose.kind) {
    case 'network':
      return l10n.t("makes the nodes' network");
    case 'nodes':
      return l10n.t('boots each node (its own systemd, sshd and Docker engine)');
    case 'keys':
      return l10n.t("makes the lab's SSH keys");
    case 'base-image':
      return l10n.t("builds the Debian base of the lab's nodes and images");
    case 'images':
      return l10n.t('its binaries go into {0}', listOf(purpose.images, l10n));
  }
}

/** `a`, `a and b`, `a, b and c`. */
function listOf(items: readonly string[], l10n: Localizer): string {
  return items.length <= 1 ? (items[0] ?? '') : l10n.t('{0} and {1}', items.slice(0, -1).join(', '), items.at(-1)!);
}

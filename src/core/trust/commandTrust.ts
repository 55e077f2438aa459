/**
 * What each action does, as Workspace Trust sees it: a folder opened from
 * elsewhere (a classmate's report, an archive from the web) may hold a
 * Vagrantfile (Ruby, run by `vagrant`), settings naming hosts, images or
 * files, and archives. Only what cannot be steered by those files runs
 * before the user trusts the folder. The table below declares every
 * command's kind; a unit test fails on a contributed command without one.
 */

export type TrustKind =
  /** Shows what is known or read through an API (views, logs, inspect, the user's own settings). */
  | 'reads'
  /** Edits the report the user writes (its import and exports): the one thing written while untrusted. */
  | 'report-edit'
  /** Runs a program of this computer on the workspace's files (vagrant, the local lab's tools). */
  | 'local-program'
  /** Runs commands on the machines or changes them (steps, checks, dry runs, shells, swarm changes). */
  | 'remote-commands'
  /** Writes files of the workspace other than the report (a Vagrantfile, a compose file, a backup). */
  | 'workspace-write';

const ALLOWED_UNTRUSTED: ReadonlySet<TrustKind> = new Set(['reads', 'report-edit']);

/** Whether an action of this kind waits for the workspace to be trusted. */
export function needsTrust(kind: TrustKind): boolean {
  return !ALLOWED_UNTRUSTED.has(kind);
}

/** Every command of the extension by id, with its kind. */
export const COMMAND_TRUST: Readonly<Record<string, TrustKind>> = {
  'swarmLab.containers.refresh': 'reads',
  // The map reads the cluster model the views already hold: nothing runs on the machines.
  'swarmLab.clusterMap.show': 'reads',
  'swarmLab.containers.showLogs': 'reads',
  'swarmLab.containers.inspect': 'reads',
  'swarmLab.checkDockerConnection': 'reads',
  'swarmLab.showLog': 'reads',
  'swarmLab.openSettings': 'reads',
  'swarmLab.localLab.start': 'local-program',
  'swarmLab.localLab.stop': 'local-program',
  // Untrusted, Vagrant machines come from the Vagrantfile's text alone: `vagrant` is not run.
  'swarmLab.machines.refresh': 'reads',
  // An SSH shell, or `vagrant ssh` (which evaluates the Vagrantfile), or nsenter on this computer.
  'swarmLab.machines.openTerminal': 'remote-commands',
  // Writes the user's settings, not the workspace's.
  'swarmLab.machines.addSshHost': 'reads',
  'swarmLab.swarm.refresh': 'reads',
  'swarmLab.swarm.scaleService': 'remote-commands',
  'swarmLab.swarm.forceUpdateService': 'remote-commands',
  'swarmLab.swarm.rollbackService': 'remote-commands',
  'swarmLab.swarm.removeService': 'remote-commands',
  'swarmLab.swarm.showServiceLogs': 'reads',
  'swarmLab.swarm.drainNode': 'remote-commands',
  'swarmLab.swarm.activateNode': 'remote-commands',
  'swarmLab.swarm.promoteNode': 'remote-commands',
  'swarmLab.swarm.demoteNode': 'remote-commands',
  'swarmLab.swarm.editNodeLabels': 'remote-commands',
  'swarmLab.swarm.revealTaskContainer': 'reads',
  // The next page of a view's long list (a "Show more" item): nothing runs anywhere.
  'swarmLab.swarm.showMore': 'reads',
  'swarmLab.containers.showMore': 'reads',
  'swarmLab.containers.start': 'remote-commands',
  'swarmLab.containers.stop': 'remote-commands',
  'swarmLab.containers.restart': 'remote-commands',
  'swarmLab.containers.remove': 'remote-commands',
  'swarmLab.containers.openShell': 'remote-commands',
  'swarmLab.containers.enterNamespaces': 'remote-commands',
  'swarmLab.vagrant.up': 'local-program',
  'swarmLab.vagrant.halt': 'local-program',
  'swarmLab.vagrant.reload': 'local-program',
  'swarmLab.vagrant.provision': 'local-program',
  'swarmLab.vagrant.destroy': 'local-program',
  'swarmLab.vagrant.configureVagrantfile': 'workspace-write',
  'swarmLab.compose.switchImage': 'workspace-write',
  'swarmLab.compose.switchAllImages': 'workspace-write',
  'swarmLab.compose.addImage': 'workspace-write',
  // A menu: the command picked is checked in its turn.
  'swarmLab.images.chooseAction': 'reads',
  'swarmLab.images.buildOnEveryNode': 'remote-commands',
  'swarmLab.images.buildAndDistribute': 'remote-commands',
  'swarmLab.images.pushToRegistry': 'remote-commands',
  'swarmLab.images.loadFromArchives': 'remote-commands',
  'swarmLab.steps.run': 'remote-commands',
  'swarmLab.steps.runSection': 'remote-commands',
  'swarmLab.steps.runOnNode': 'remote-commands',
  // A dry run reads the machines with commands (what is done already): no less than a check.
  'swarmLab.steps.dryRun': 'remote-commands',
  'swarmLab.steps.swarmInitJoin': 'remote-commands',
  // The panel opens anywhere; its steps and checks are refused inside while untrusted.
  'swarmLab.lab.open': 'reads',
  'swarmLab.report.import': 'report-edit',
  'swarmLab.report.exportMarkdown': 'report-edit',
  'swarmLab.report.exportHtml': 'report-edit',
};

/** The command's kind; undefined for an id the table does not know (treated as needing trust). */
export function commandTrust(id: string): TrustKind | undefined {
  return Object.prototype.hasOwnProperty.call(COMMAND_TRUST, id) ? COMMAND_TRUST[id] : undefined;
}

/** Whether the command may run now: trusted, everything declared or not; untrusted, the kinds that need none. */
export function commandAllowed(id: string, trusted: boolean): boolean {
  if (trusted) {
    return true;
  }
  const kind = commandTrust(id);
  return kind !== undefined && !needsTrust(kind);
}

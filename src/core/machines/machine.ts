import type { VagrantState } from '../vagrant/vagrantStatus';

/**
 * A machine of the cluster as the views show it, whatever its source (the
 * local lab, SSH hosts from the settings, Vagrant machines).
 */

export type MachineSource = 'local-lab' | 'ssh' | 'vagrant';

export type MachineState =
  | { readonly kind: 'stopped' }
  | { readonly kind: 'connecting' }
  | {
      readonly kind: 'running';
      readonly engineVersion: string;
      readonly swarmRole: SwarmRole;
      readonly isLeader?: boolean;
      /** The node's ID in its swarm: how a task's node is matched to a machine. */
      readonly swarmNodeId?: string;
      /** It holds the lab's virtual IP (setting swarmLab.virtualIp) at the last probe. */
      readonly holdsVirtualIp?: boolean;
    }
  | { readonly kind: 'unreachable'; readonly reason: string };

export type SwarmRole = 'manager' | 'worker' | 'none';

export interface MachineDefinition {
  /** Stable across refreshes: `<source>:<name>` (Vagrant: `vagrant:<folder>/<name>`, names repeat across folders). */
  readonly id: string;
  readonly name: string;
  readonly source: MachineSource;
  /** Where SSH reaches it; '' while a Vagrant machine gives no SSH address (not running). */
  readonly host: string;
  readonly port: number;
  readonly user: string;
  /** The private key file; '' when only the ssh-agent (`agent`) authenticates. */
  readonly identityFile: string;
  /** An ssh-agent socket whose keys are tried first, as ssh does (SSH hosts: SSH_AUTH_SOCK). */
  readonly agent?: string;
  /** The host key it must present (OpenSSH public key line), when pinned; otherwise known_hosts decides. */
  readonly hostKey?: string;
  /** Docker's socket on the machine; /var/run/docker.sock when unset. */
  readonly dockerSocket?: string;
  /** Set for source 'vagrant' only: where it is defined and what `vagrant status` said last. */
  readonly vagrant?: VagrantOrigin;
}

/** A Vagrant machine's folder, name and state: what its actions (up, halt…) need. */
export interface VagrantOrigin {
  /** The folder of the Vagrantfile: vagrant commands run there. */
  readonly dir: string;
  /** Its name in the Vagrantfile (`vagrant up <machine>`). */
  readonly machine: string;
  readonly provider: string;
  readonly state: VagrantState;
  /** Vagrant's own words for the state ("not created", "poweroff", "gurumeditation"). */
  readonly label: string;
  /** Every key `vagrant ssh-config` lists (identityFile is the first). */
  readonly identityFiles: readonly string[];
  /** False when Vagrant turned host key checking off (`StrictHostKeyChecking no`, its default). */
  readonly checksHostKey: boolean;
  /** Why a running machine has no SSH address (`vagrant ssh-config` failed for it). */
  readonly sshError?: string;
}

export interface Machine extends MachineDefinition {
  readonly state: MachineState;
}

/** "10.213.8.101 · Docker 20.10.24 · manager (leader)": one line for a tree item. */
export function describeMachine(m: Machine): string {
  const parts = m.host ? [m.host] : [];
  if (m.state.kind === 'running') {
    parts.push(`Docker ${m.state.engineVersion}`);
    if (m.state.swarmRole !== 'none') {
      parts.push(m.state.isLeader ? `${m.state.swarmRole} (leader)` : m.state.swarmRole);
    }
  } else if (m.vagrant && m.vagrant.state !== 'running') {
    // "poweroff", "not created", "saved": Vagrant's word says what `up` will do.
    parts.push(m.vagrant.label);
  } else {
    parts.push(m.state.kind);
  }
  return parts.join(' · ');
}

export function swarmRoleOf(info: { Swarm?: { LocalNodeState?: string; ControlAvailable?: boolean } }): SwarmRole {
  if (info.Swarm?.LocalNodeState !== 'active') {
    return 'none';
  }
  return info.Swarm.ControlAvailable ? 'manager' : 'worker';
}

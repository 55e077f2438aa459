/**
 * A machine of the cluster as the views show it, whatever its source (the
 * local lab, SSH hosts from the settings; Vagrant machines next).
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
    }
  | { readonly kind: 'unreachable'; readonly reason: string };

export type SwarmRole = 'manager' | 'worker' | 'none';

export interface MachineDefinition {
  /** Stable across refreshes: `<source>:<name>`. */
  readonly id: string;
  readonly name: string;
  readonly source: MachineSource;
  /** Where SSH reaches it. */
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
}

export interface Machine extends MachineDefinition {
  readonly state: MachineState;
}

/** "10.213.8.101 · Docker 20.10.24 · manager (leader)": one line for a tree item. */
export function describeMachine(m: Machine): string {
  const parts = [m.host];
  if (m.state.kind === 'running') {
    parts.push(`Docker ${m.state.engineVersion}`);
    if (m.state.swarmRole !== 'none') {
      parts.push(m.state.isLeader ? `${m.state.swarmRole} (leader)` : m.state.swarmRole);
    }
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

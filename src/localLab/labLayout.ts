import * as path from 'node:path';

/**
 * Where the local lab lives: its names, addresses and folders. The lab owns
 * 10.213.8.0/24 inside its own network namespaces; nothing is routed out.
 */
export const LAB_SUBNET_PREFIX = '10.213.8';
export const LAB_PREFIX_LENGTH = 24;
export const HOST_ADDRESS = `${LAB_SUBNET_PREFIX}.1`;
/** The address the lab's keepalived exercise uses as its virtual IP. */
export const VIRTUAL_IP = `${LAB_SUBNET_PREFIX}.100`;
/** The registry name the lab's compose files use. */
export const REGISTRY_NAME = 'm1.swarm';
/** Overlay address pool: the default 10.0.0.0/8 would cover the lab's own range. */
export const SWARM_ADDRESS_POOL = '10.214.0.0/16';
export const MAX_NODES = 5;
export const DEFAULT_NODES = 3;
/** The nodes' interface is eth1, as the lab's host-only network on its VMs. */
export const NODE_INTERFACE = 'eth1';
export const BRIDGE_NAMESPACE = 'swarmlab-net';
export const HOST_VETH = 'swarmlab0';
export const CORE_UID = 500;

export interface LabNode {
  readonly index: number;
  /** core-01 … core-05: the host name and the name users type. */
  readonly name: string;
  readonly address: string;
  /** The network namespace that holds it. */
  readonly namespace: string;
  /** Its folder under the lab's state folder. */
  readonly dir: string;
  /** Its Docker socket as seen from this machine (its /run is a bind mount of dir/run). */
  readonly dockerSocket: string;
}

export interface LabLayout {
  readonly stateDir: string;
  readonly sshDir: string;
  readonly sshConfig: string;
  readonly knownHosts: string;
  readonly coreKey: string;
  readonly nodes: readonly LabNode[];
}

export function labNode(stateDir: string, index: number): LabNode {
  if (!Number.isInteger(index) || index < 1 || index > MAX_NODES) {
    throw new RangeError(`a lab has nodes 1 to ${MAX_NODES}, not ${index}`);
  }
  const name = `core-${String(index).padStart(2, '0')}`;
  const dir = path.join(stateDir, 'nodes', name);
  return {
    index,
    name,
    address: `${LAB_SUBNET_PREFIX}.${100 + index}`,
    namespace: `swarmlab-${name}`,
    dir,
    dockerSocket: path.join(dir, 'run', 'docker.sock'),
  };
}

export function labLayout(stateDir: string, nodeCount: number): LabLayout {
  if (!Number.isInteger(nodeCount) || nodeCount < 1 || nodeCount > MAX_NODES) {
    throw new RangeError(`the local lab runs 1 to ${MAX_NODES} nodes, not ${nodeCount}`);
  }
  const sshDir = path.join(stateDir, 'ssh');
  return {
    stateDir,
    sshDir,
    sshConfig: path.join(sshDir, 'ssh_config'),
    knownHosts: path.join(sshDir, 'known_hosts'),
    coreKey: path.join(sshDir, 'core_ed25519'),
    nodes: Array.from({ length: nodeCount }, (_, i) => labNode(stateDir, i + 1)),
  };
}

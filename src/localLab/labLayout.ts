import * as path from 'node:path';

/**
 * Where a local lab lives: its names, addresses and folders. Lab instance 0
 * (the user's) owns 10.213.8.0/24, instance 1 (the tests') 10.213.9.0/24,
 * each inside its own network namespaces; nothing is routed out.
 */
export const LAB_PREFIX_LENGTH = 24;
/** Overlay address pool: the default 10.0.0.0/8 would cover the lab's own range. */
export const SWARM_ADDRESS_POOL = '10.214.0.0/16';
export const MAX_NODES = 5;
export const DEFAULT_NODES = 3;
export const MAX_INSTANCE = 9;
/** The nodes' interface is eth1, as the lab's host-only network on its VMs. */
export const NODE_INTERFACE = 'eth1';
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
  readonly instance: number;
  /** Prefix of the lab's namespaces, host veth and cgroup folder. */
  readonly prefix: string;
  readonly subnet: string;
  readonly hostAddress: string;
  /** The address the lab's keepalived exercise uses as its virtual IP. */
  readonly virtualIp: string;
  readonly bridgeNamespace: string;
  readonly hostVeth: string;
  readonly stateDir: string;
  readonly sshDir: string;
  readonly sshConfig: string;
  readonly knownHosts: string;
  readonly coreKey: string;
  readonly nodes: readonly LabNode[];
}

function checkRange(what: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${what} goes from ${min} to ${max}, not ${value}`);
  }
}

export function labLayout(stateDir: string, nodeCount: number, instance = 0): LabLayout {
  checkRange('the number of lab nodes', nodeCount, 1, MAX_NODES);
  checkRange('the lab instance', instance, 0, MAX_INSTANCE);
  const prefix = instance === 0 ? 'swarmlab' : `swarmlab${instance}`;
  const net = `10.213.${8 + instance}`;
  const sshDir = path.join(stateDir, 'ssh');
  return {
    instance,
    prefix,
    subnet: `${net}.0/${LAB_PREFIX_LENGTH}`,
    hostAddress: `${net}.1`,
    virtualIp: `${net}.100`,
    bridgeNamespace: `${prefix}-net`,
    hostVeth: `${prefix}-host`,
    stateDir,
    sshDir,
    sshConfig: path.join(sshDir, 'ssh_config'),
    knownHosts: path.join(sshDir, 'known_hosts'),
    coreKey: path.join(sshDir, 'core_ed25519'),
    nodes: Array.from({ length: nodeCount }, (_, i) => {
      const index = i + 1;
      const name = `core-${String(index).padStart(2, '0')}`;
      const dir = path.join(stateDir, 'nodes', name);
      return {
        index,
        name,
        address: `${net}.${100 + index}`,
        namespace: `${prefix}-${name}`,
        dir,
        dockerSocket: path.join(dir, 'run', 'docker.sock'),
      };
    }),
  };
}

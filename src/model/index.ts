import * as vscode from 'vscode';
import type { MachineConnectionOptions } from '../clients/machines/machineConnection';
import { refresh } from '../editor/refresh';
import { ContainerHosts } from './containers/containerHosts';
import { ImagePresenceService } from './images/imagePresenceService';
import { LocalDockerEngine } from './machines/localDockerEngine';
import { LocalLabService } from './machines/localLabService';
import { MachineRegistry } from './machines/machineRegistry';
import { SshHostsSource } from './machines/sshHostsSource';
import { SshTrust } from './machines/sshTrust';
import { VagrantSource } from './machines/vagrantSource';
import { ClusterMapSource } from './swarm/clusterMapSource';
import { SwarmService } from './swarm/swarmService';

/**
 * The live model every feature reads: the machines of each source, their
 * engines' containers and images, the swarm, and the cluster map built from
 * them. No view and no command here: the features (src/features/*) show
 * and act on it, and none of them owns what another also reads.
 */
export interface LiveModel {
  readonly sshTrust: SshTrust;
  readonly localEngine: LocalDockerEngine;
  readonly localLab: LocalLabService;
  readonly vagrant: VagrantSource;
  readonly machines: MachineRegistry;
  readonly containerHosts: ContainerHosts;
  /** Which machine holds which image, kept from the engines' image events. */
  readonly presence: ImagePresenceService;
  readonly swarm: SwarmService;
  /** The map's model and text, for its own panel and the lab panel. */
  readonly clusterMap: ClusterMapSource;
  /** The known_hosts file SSH connections check host keys against (terminals use it too). */
  readonly knownHostsFile: () => string;
}

/**
 * Builds the model; nothing connects here. The refresh coordinator's
 * triggers decide when it reads: the Machines and Swarm views' first look
 * (and a compose file's, when no machine is known yet), the end of a lab run, and a
 * machine back (its engine asked at once).
 */
export function createModel(context: vscode.ExtensionContext, log: vscode.LogOutputChannel): LiveModel {
  const sshTrust = new SshTrust(log);
  const connection = (): MachineConnectionOptions => ({ hostKeys: sshTrust.hostKeys, identities: sshTrust.identities });
  const localEngine = new LocalDockerEngine(log, connection);
  const localLab = new LocalLabService(context.globalStorageUri, log);
  const sshHosts = new SshHostsSource();
  const vagrant = new VagrantSource(log);
  const machines = new MachineRegistry([localLab, sshHosts, vagrant], connection, log);
  const containerHosts = new ContainerHosts(localEngine, machines, log);
  const presence = new ImagePresenceService(containerHosts, machines, log);
  const swarm = new SwarmService(machines, log);
  const clusterMap = new ClusterMapSource(swarm, machines, presence);
  const read = (): Promise<void> =>
    machines.refresh().catch((error: unknown) => log.warn(`machines: ${String(error)}`));
  context.subscriptions.push(
    localEngine,
    localLab,
    sshHosts,
    vagrant,
    sshTrust,
    machines,
    containerHosts,
    presence,
    swarm,
    clusterMap,
    refresh().onFirstShow((view) => {
      if (view === 'containers') {
        // The Containers view's first look starts this computer's watcher; its machines come with the Machines view's.
        localEngine.watch();
      } else if (view !== 'compose' || machines.machines().length === 0) {
        void read();
      }
    }),
    // After a lab run, roles, engines and swarm may have changed.
    refresh().readAfterRun(read),
    // The machines' states, for those coming back to be announced; their engines are then asked at once.
    machines.onDidChange(() => refresh().machineStates(new Map(machines.machines().map((m) => [m.id, m.state.kind])))),
    refresh().onMachinesBack((ids) => containerHosts.machinesBack(ids)),
  );
  return {
    sshTrust,
    localEngine,
    localLab,
    vagrant,
    machines,
    containerHosts,
    presence,
    swarm,
    clusterMap,
    knownHostsFile: () => sshTrust.hostKeys.knownHostsFile,
  };
}

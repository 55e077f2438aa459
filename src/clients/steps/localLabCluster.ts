/**
 * The lab steps' environment for the local lab: its nodes as a Cluster (each
 * a machine of its own with sudo and systemd, reached as a VM is: one step
 * path), the settings the local lab implies (its virtual IP, an address pool
 * that does not cover its subnet, its stand-in download folder), and the
 * lab's compose project read from disk.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { english, type Localizer } from '../../core/l10n';
import { LAB_INTERFACE, LAB_VIRTUAL_IP, type LabStepConfig, type ProjectFile } from '../../core/labSteps/labConfig';
import type { LabEnvironment } from '../../core/labRunner/ports';
import { labStepConfig, type ConfigParts } from '../../core/labRunner/stepConfig';
import type { Machine, MachineDefinition } from '../../core/machines/machine';
import type { Cluster } from '../../core/steps/step';
import { localLabMachines } from '../machines/localLabMachines';
import { MachineConnection } from '../machines/machineConnection';
import { SWARM_ADDRESS_POOL } from '../../localLab/labLayout';
import type { LocalLab } from '../../localLab/localLab';
import { NODE_COMPOSE_URL } from '../../localLab/nodeBase';
import { folderBackupStore, folderRehearsalRecords } from './backupStore';
import { machineCluster, type ClusterMachine } from './sshNodeSession';

/** Every file of the project folder (samples/tp1), paths relative to it, README left out. */
export function readProject(dir: string): ProjectFile[] {
  const files: ProjectFile[] = [];
  const walk = (rel: string): void => {
    for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const child = rel === '' ? entry.name : `${rel}/${entry.name}`;
      if (entry.isDirectory()) {
        walk(child);
      } else if (entry.isFile() && entry.name !== 'README.md') {
        files.push({ path: child, content: fs.readFileSync(path.join(dir, child), 'utf8') });
      }
    }
  };
  walk('');
  return files.sort((a, b) => a.path.localeCompare(b.path));
}

export interface LocalLabStepsOptions {
  readonly managers: number;
  /** The swarmLab.virtualIp setting; empty for the lab's own (.100 of its subnet). */
  readonly virtualIp?: string;
  /** The swarmLab.images setting: image names by role. */
  readonly images?: Readonly<Record<string, string>>;
  readonly projectDir: string;
  readonly l10n?: Localizer;
  /** Connections to reuse (the extension's); new ones otherwise. */
  readonly connection?: (machine: MachineDefinition) => MachineConnection | undefined;
  readonly timeouts?: Partial<LabStepConfig['timeouts']>;
  /** Where backup.now writes its archives (the workspace's `backups/`); none: no backup. */
  readonly backupFolder?: string;
  /** Where backup.rehearse records what it found: the extension's storage, never the workspace. */
  readonly rehearsalRecords?: string;
  /** The fresh lab backup.rehearse starts (another instance than the user's), with what its images need. */
  readonly rehearsal?: RehearsalLab;
  /** Values kept as secrets (the Scope token): masked and never written to a backup. */
  readonly knownSecrets?: readonly string[];
  /** Weave Scope's service token, from VS Code's secret storage. */
  readonly scopeToken?: string;
  /** Harbor's administrator password, from VS Code's secret storage (section 13, VMs). */
  readonly harborPassword?: string;
}

export interface RehearsalLab {
  readonly stateDir: string;
  /** A local-lab instance of its own (its subnet and names), never the user's. */
  readonly instance: number;
  readonly cacheDir: string;
  readonly samplesDir: string;
  readonly log?: (text: string) => void;
}

/** The settings every environment shares: the backups, the rehearsal lab, the secrets to keep out. */
export function sharedConfig(options: LocalLabStepsOptions): Partial<LabStepConfig> {
  return {
    ...(options.backupFolder ? { backups: folderBackupStore(options.backupFolder) } : {}),
    ...(options.rehearsalRecords ? { rehearsals: folderRehearsalRecords(options.rehearsalRecords) } : {}),
    ...(options.rehearsal ? { freshLab: freshLabFactory(options.rehearsal, options) } : {}),
    ...(options.knownSecrets ? { knownSecrets: options.knownSecrets } : {}),
    ...(options.scopeToken ? { scopeToken: options.scopeToken } : {}),
    ...(options.harborPassword ? { harbor: { adminPassword: options.harborPassword } } : {}),
  };
}

/**
 * A fresh local lab for the restore rehearsal: purged first (whatever an
 * earlier rehearsal left), 3 nodes up, the lab's images loaded as Start
 * Local Lab does, no swarm; dispose() stops it and removes its state.
 */
function freshLabFactory(
  rehearsal: RehearsalLab,
  options: LocalLabStepsOptions,
): NonNullable<LabStepConfig['freshLab']> {
  return async (signal, log) => {
    const { LocalLab } = await import('../../localLab/localLab');
    const lab = new LocalLab(
      rehearsal.stateDir,
      (line) => (rehearsal.log ?? log)(line),
      rehearsal.instance,
      rehearsal.cacheDir,
    );
    await lab.down({ purge: true });
    let env: Awaited<ReturnType<typeof localLabSteps>> | undefined;
    try {
      log(`fresh local lab (instance ${rehearsal.instance}): 3 nodes`);
      const { layout } = await lab.up(3);
      await lab.loadImages(layout, { cacheDir: rehearsal.cacheDir, samplesDir: rehearsal.samplesDir, signal });
      env = await localLabSteps(lab, {
        managers: 1,
        projectDir: options.projectDir,
        ...(options.l10n ? { l10n: options.l10n } : {}),
        ...(options.timeouts ? { timeouts: options.timeouts } : {}),
      });
    } catch (error) {
      await lab.down({ purge: true });
      throw error;
    }
    const { cluster, config } = env;
    const owned = env;
    return {
      cluster,
      config,
      async dispose() {
        owned.close();
        await lab.down({ purge: true });
      },
    };
  };
}

export async function localLabSteps(lab: LocalLab, options: LocalLabStepsOptions): Promise<LabEnvironment> {
  const l10n = options.l10n ?? english;
  const { layout, machines } = localLabMachines(lab);
  const owned: MachineConnection[] = [];
  const clusterMachines: ClusterMachine[] = machines.map((definition) => {
    const node = layout.nodes.find((n) => n.name === definition.name)!;
    let connection = options.connection?.(definition);
    if (!connection) {
      connection = new MachineConnection(definition, l10n);
      owned.push(connection);
    }
    return {
      definition,
      connection,
      address: node.address,
    };
  });
  const cluster = await machineCluster(clusterMachines, { managers: options.managers, interface: LAB_INTERFACE, l10n });
  const config = labStepConfig({
    environment: 'local-lab',
    virtualIp: options.virtualIp || layout.virtualIp,
    project: readProject(options.projectDir),
    place: { addressPool: SWARM_ADDRESS_POOL, composeUrl: NODE_COMPOSE_URL },
    ...configOptions(options),
    sessionOf: sessionsOf(cluster, l10n),
  });
  return { cluster, config, close: () => owned.forEach((c) => c.close()) };
}

/**
 * The same for VMs (Vagrant machines, SSH hosts): sudo and systemd on each,
 * each node's address read from its lab interface, the lab's own virtual IP
 * unless the setting gives one, Docker's default overlay pool.
 */
export async function vmLabSteps(
  machines: readonly ClusterMachine[],
  options: Omit<LocalLabStepsOptions, 'connection'>,
): Promise<LabEnvironment> {
  const l10n = options.l10n ?? english;
  const cluster = await machineCluster(machines, { managers: options.managers, interface: LAB_INTERFACE, l10n });
  // VMs of the box built here (the swarmlab_qemu provider) have no Internet: their
  // docker-compose comes from the box's download folder, as the local lab's nodes' does.
  const offline = machines.length > 0 && machines.every((m) => m.definition.vagrant?.provider === 'swarmlab_qemu');
  const config = labStepConfig({
    environment: 'vm',
    virtualIp: options.virtualIp || LAB_VIRTUAL_IP,
    project: readProject(options.projectDir),
    ...(offline ? { place: { composeUrl: NODE_COMPOSE_URL } } : {}),
    ...configOptions(options),
    sessionOf: sessionsOf(cluster, l10n),
  });
  return { cluster, config, close: () => undefined };
}

/** The settings' part of the configuration, the same in every environment. */
function configOptions(
  options: Omit<LocalLabStepsOptions, 'connection'>,
): Pick<ConfigParts, 'timeouts' | 'images' | 'shared'> {
  return {
    ...(options.timeouts ? { timeouts: options.timeouts } : {}),
    ...(options.images ? { images: options.images } : {}),
    shared: sharedConfig(options),
  };
}

/**
 * The lab runner's environment for the lab's machines (one source, see
 * core/labRunner/labMachines.ts): the local lab's nodes, or VMs (Vagrant
 * machines, SSH hosts) reached through the given connections, which carry
 * the host key policy and passphrases.
 */
export function labEnvironment(
  machines: readonly Machine[],
  reach: { lab(): LocalLab; connection(machineId: string): MachineConnection | undefined },
  options: Omit<LocalLabStepsOptions, 'connection'>,
): Promise<LabEnvironment> {
  if (machines[0]?.source === 'local-lab') {
    return localLabSteps(reach.lab(), { ...options, connection: (m) => reach.connection(m.id) });
  }
  return vmLabSteps(
    machines.flatMap((definition) => {
      const connection = reach.connection(definition.id);
      return connection ? [{ definition, connection }] : [];
    }),
    options,
  );
}

/** A session on a lab node by its name, for the steps that reach another node than their own. */
function sessionsOf(cluster: Cluster, l10n: Localizer): LabStepConfig['sessionOf'] {
  return (name, signal) => {
    const node = cluster.nodes.find((n) => n.name === name);
    return node
      ? cluster.openSession(node, signal)
      : Promise.reject(new Error(l10n.t('There is no node named {0} in the lab.', name)));
  };
}

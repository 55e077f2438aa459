/**
 * The step engine's NodeSession over a machine's SSH connection: commands
 * with their output streamed line by line, uploads by SFTP, the node's
 * Docker API through the same connection, and the machine's capabilities
 * (root commands, engine restart). And the Cluster the steps run on, built
 * from the known machines.
 */
import { describeSshError, type MachineConnection } from '../machines/machineConnection';
import type { MachineDefinition } from '../../core/machines/machine';
import { english, type Localizer } from '../../core/l10n';
import { swarmRoles } from '../../core/labSteps/labConfig';
import type { LabDocker, LabNodeSession, NodeMachine } from '../../core/labSteps/labSession';
import { commandLine, shellCommand, type ShellCommand } from '../../core/shell/shellQuote';
import type { Cluster, ExecOptions, ExecOutcome, NodeTarget, RemoteCommand } from '../../core/steps/step';
import type { SshConnection } from '../ssh/sshConnection';
import { EngineLabDocker } from './labDocker';

export class SshNodeSession implements LabNodeSession {
  constructor(
    private readonly ssh: SshConnection,
    readonly docker: LabDocker,
    readonly machine: NodeMachine,
    private readonly l10n: Localizer = english,
  ) {}

  exec(command: RemoteCommand, options: ExecOptions = {}): Promise<ExecOutcome> {
    return overConnection(this.ssh, this.l10n, () => this.ssh.exec(shellCommand(command).text, options));
  }

  upload(path: string, content: string, options?: { mode?: number; signal?: AbortSignal }): Promise<void> {
    return overConnection(this.ssh, this.l10n, () => this.ssh.upload(path, content, options));
  }
}

/**
 * An action on the machine whose failure, when the connection is gone,
 * says so: ssh2's own words for it ("No response from server") do not tell
 * the student that the machine stopped, rebooted or left the network.
 */
async function overConnection<T extends { code: number | null; cancelled: boolean } | void>(
  ssh: SshConnection,
  l10n: Localizer,
  action: () => Promise<T>,
): Promise<T> {
  const lost = (why: string, cause?: unknown): Error =>
    new Error(l10n.t('the SSH connection to the machine was lost ({0})', why), { cause });
  let result: T;
  try {
    result = await action();
  } catch (error) {
    if (ssh.isOpen) {
      throw error;
    }
    throw lost(error instanceof Error ? error.message : String(error), error);
  }
  // A command cut off by the connection's end has no exit code and was not cancelled by us.
  if (result && result.code === null && !result.cancelled && !ssh.isOpen) {
    throw lost(l10n.t('the command was cut off'));
  }
  return result;
}

/**
 * A VM (Vagrant, SSH hosts): `core` or `vagrant` has password-less sudo,
 * and systemd runs dockerd. `-n`: a sudo that wants a password fails at
 * once with its own message instead of waiting for a prompt nobody sees.
 */
export class SudoMachine implements NodeMachine {
  constructor(
    private readonly ssh: SshConnection,
    private readonly l10n: Localizer = english,
  ) {}

  describeAsRoot(command: ShellCommand): string {
    return commandLine(['sudo', '-n', 'sh', '-c', command.text]);
  }

  async execAsRoot(command: ShellCommand, options: ExecOptions & { stdin?: string } = {}): Promise<ExecOutcome> {
    const r = await overConnection(this.ssh, this.l10n, () => this.ssh.exec(this.describeAsRoot(command), options));
    return { code: r.code, stdout: r.stdout, stderr: r.stderr, cancelled: r.cancelled };
  }

  describeEngineRestart(): string {
    return 'sudo -n systemctl restart docker';
  }

  async restartEngine(signal: AbortSignal): Promise<void> {
    const r = await overConnection(this.ssh, this.l10n, () => this.ssh.exec(this.describeEngineRestart(), { signal }));
    if (r.code !== 0) {
      throw new Error(r.stderr.trim() || `systemctl restart docker exited with code ${r.code ?? 'null'}`);
    }
  }
}

export interface ClusterMachine {
  readonly definition: MachineDefinition;
  readonly connection: MachineConnection;
  /** The machine's capabilities; sudo and systemd when absent. */
  readonly capabilities?: (ssh: SshConnection) => NodeMachine;
  /** Its address on the lab's network when known (the local lab's); otherwise read from the node. */
  readonly address?: string;
}

export interface MachineClusterOptions {
  /** The swarmLab.swarm.managers setting. */
  readonly managers: number;
  /** The nodes' private-network interface, where their swarm and keepalived address lives. */
  readonly interface: string;
  readonly l10n?: Localizer;
}

/** The address of `iface` on the node (`ip -4 -o addr show dev eth1`), or undefined. */
async function interfaceAddress(ssh: SshConnection, iface: string): Promise<string | undefined> {
  const r = await ssh.exec(commandLine(['ip', '-4', '-o', 'addr', 'show', 'dev', iface, 'scope', 'global']));
  return r.code === 0 ? /\binet (\d+\.\d+\.\d+\.\d+)\//.exec(r.stdout)?.[1] : undefined;
}

/**
 * The Cluster of the given machines, in their order (core-01 first): each
 * node's address (given, or read from its interface, or its SSH host), and
 * its role from the layout setting, managers of the swarm staying managers.
 * Machines that cannot be reached stay in: their steps fail at connection
 * with the reason.
 */
export async function machineCluster(
  machines: readonly ClusterMachine[],
  options: MachineClusterOptions,
): Promise<Cluster & { readonly machines: readonly ClusterMachine[] }> {
  const l10n = options.l10n ?? english;
  const probes = await Promise.all(
    machines.map(async (m) => {
      try {
        const [info, address] = await Promise.all([
          m.connection.engine().then((e) => e.info()),
          m.address !== undefined
            ? Promise.resolve(m.address)
            : m.connection.ssh().then((ssh) => interfaceAddress(ssh, options.interface)),
        ]);
        return { manager: info.Swarm?.LocalNodeState === 'active' && info.Swarm.ControlAvailable === true, address };
      } catch {
        return { manager: false, address: m.address };
      }
    }),
  );
  const names = machines.map((m) => m.definition.name);
  const managers = new Set(names.filter((_n, i) => probes[i].manager));
  const roles = swarmRoles(names, options.managers, managers);
  const nodes: NodeTarget[] = machines.map((m, i) => ({
    name: m.definition.name,
    role: roles.get(m.definition.name) ?? 'worker',
    address: probes[i].address ?? m.definition.host,
  }));
  const sessions = new Map<string, Promise<SshNodeSession>>();
  const open = async (m: ClusterMachine): Promise<SshNodeSession> => {
    try {
      const ssh = await m.connection.ssh();
      const engine = await m.connection.engine();
      const machine = (m.capabilities ?? ((s) => new SudoMachine(s, l10n)))(ssh);
      return new SshNodeSession(ssh, new EngineLabDocker(engine), machine, l10n);
    } catch (error) {
      throw new Error(describeSshError(error, m.definition, l10n), { cause: error });
    }
  };
  return {
    nodes,
    machines,
    openSession(node) {
      const m = machines.find((x) => x.definition.name === node.name);
      if (!m) {
        return Promise.reject(new Error(l10n.t('There is no node named {0} in the lab.', node.name)));
      }
      let session = sessions.get(node.name);
      if (!session) {
        session = open(m);
        sessions.set(node.name, session);
        // A failed connection is tried again next time (the node may be back).
        session.catch(() => sessions.delete(node.name));
      }
      return session;
    },
  };
}

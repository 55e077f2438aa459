/**
 * An `ssh://` Docker host (`swarmLab.dockerHost`, `DOCKER_HOST`) reached the
 * way the lab's machines are: through Swarm Lab's own SSH connection, whose
 * host key is checked against known_hosts (the same policy and prompt as
 * machines), opened once and reused, Docker's socket forwarded over it.
 * dockerode's own ssh transport is not used: it accepts any host key and
 * opens a new connection per request.
 */
import * as http from 'node:http';
import type { Duplex } from 'node:stream';
import { inspect } from 'node:util';
import { english, type Localizer } from '../../core/l10n';
import type { MachineDefinition } from '../../core/machines/machine';
import { currentSshHostsEnvironment, sshHostMachines, type SshHostsEnvironment } from '../../core/ssh/sshHosts';
import { MachineConnection, type MachineConnectionOptions } from '../machines/machineConnection';
import type { SshConnection } from '../ssh/sshConnection';
import type { DockerEndpoint } from './dockerEndpoint';

type SshEndpoint = Extract<DockerEndpoint, { kind: 'ssh' }>;

/** An agent whose sockets are Docker's socket forwarded over a connection made on first use. */
export class LazyForwardedSocketAgent extends http.Agent {
  constructor(
    private readonly connect: () => Promise<SshConnection>,
    private readonly socketPath: string,
  ) {
    super({ keepAlive: false });
  }

  /** docker-modem inspects request options deeply: never walk the SSH client behind this. */
  [inspect.custom](): string {
    return `LazyForwardedSocketAgent(${this.socketPath})`;
  }

  override createConnection(
    _options: unknown,
    callback?: (err: Error | null, stream: Duplex) => void,
  ): Duplex | undefined {
    this.connect()
      .then((connection) => connection.forwardUnixSocket(this.socketPath))
      .then(
        (stream) => callback?.(null, stream),
        (err: Error) => callback?.(err, undefined as unknown as Duplex),
      );
    return undefined;
  }
}

/**
 * The Docker host as a machine: its user, port, key and agent resolved like
 * an entry of swarmLab.hosts (with ~/.ssh/config), refused like one
 * (ProxyCommand, a host that is an option).
 */
export async function sshDockerHostMachine(
  endpoint: SshEndpoint,
  options: { env?: SshHostsEnvironment; sshConfigFile?: string; l10n?: Localizer } = {},
): Promise<MachineDefinition> {
  const entry = {
    host: endpoint.host,
    ...(endpoint.port !== 22 ? { port: endpoint.port } : {}),
    ...(endpoint.username ? { user: endpoint.username } : {}),
  };
  const { machines, problems } = await sshHostMachines([entry], {
    env: options.env ?? currentSshHostsEnvironment(),
    ...(options.sshConfigFile ? { sshConfigFile: options.sshConfigFile } : {}),
    ...(options.l10n ? { l10n: options.l10n } : {}),
  });
  const [machine] = machines;
  if (!machine || problems.length > 0) {
    // The messages name swarmLab.hosts' entry: here it is the Docker host.
    const why = problems
      .map((p) => p.message.replace(/^swarmLab\.hosts, entry \d+ /, 'swarmLab.dockerHost '))
      .join(' ');
    throw new Error(why || `swarmLab.dockerHost: ${endpoint.host} cannot be reached over SSH`);
  }
  return { ...machine, id: 'docker-host:ssh', name: machine.name };
}

/** One SSH connection to the Docker host, made on first use and reused by every request. */
export class SshDockerHost {
  private connection: Promise<MachineConnection> | undefined;

  constructor(
    private readonly endpoint: SshEndpoint,
    private readonly options: MachineConnectionOptions,
    private readonly l10n: Localizer = english,
  ) {}

  /** The agent for DockerEngine: Docker's socket on the host, forwarded. */
  agent(socketPath = '/var/run/docker.sock'): http.Agent {
    return new LazyForwardedSocketAgent(() => this.ssh(), socketPath);
  }

  private ssh(): Promise<SshConnection> {
    this.connection ??= sshDockerHostMachine(this.endpoint, { l10n: this.l10n }).then(
      (machine) => new MachineConnection(machine, this.l10n, this.options),
    );
    this.connection.catch(() => (this.connection = undefined));
    return this.connection.then((c) => c.ssh());
  }

  close(): void {
    void this.connection?.then(
      (c) => c.close(),
      () => undefined,
    );
    this.connection = undefined;
  }
}

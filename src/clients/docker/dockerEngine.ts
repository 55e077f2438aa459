import type * as http from 'node:http';
import { Readable, Writable } from 'node:stream';
import type Dockerode from 'dockerode';
import {
  ContainerSummary,
  fromInspect,
  fromListEntry,
  RawContainerListEntry,
} from '../../core/containers/containerSummary';
import type { RawConfigOrSecret, RawNetwork, RawNode, RawService, RawTask } from '../../core/cluster/swarmSnapshot';
import { DockerEndpoint } from './dockerEndpoint';

export interface DockerEngineOptions {
  readonly endpoint: DockerEndpoint;
  /**
   * A custom transport (e.g. a Unix socket forwarded over an SSH connection).
   * When set, every request goes through it and `endpoint` only names it.
   */
  readonly agent?: http.Agent;
  /** Time limit for one non-streaming request. */
  readonly requestTimeoutMs?: number;
}

export interface EngineVersion {
  readonly version: string;
  readonly apiVersion: string;
  readonly os: string;
  readonly arch: string;
}

export interface ContainerLogStream {
  readonly stream: Readable;
  /** TTY containers send raw bytes; others multiplex stdout/stderr frames. */
  readonly tty: boolean;
}

/** dockerode's typings omit the options (and so the abort signal) of these calls. */
interface WithOptions {
  ping(opts: { abortSignal: AbortSignal }): Promise<unknown>;
  version(opts: { abortSignal: AbortSignal }): Promise<unknown>;
  info(opts: { abortSignal: AbortSignal }): Promise<unknown>;
}

/**
 * One Docker engine's API, through dockerode. dockerode (and its gRPC
 * dependencies) is loaded on first use, not at activation.
 */
export class DockerEngine {
  private client: Promise<Dockerode> | undefined;
  private readonly timeoutMs: number;

  constructor(private readonly options: DockerEngineOptions) {
    this.timeoutMs = options.requestTimeoutMs ?? 10_000;
  }

  get endpoint(): DockerEndpoint {
    return this.options.endpoint;
  }

  async ping(): Promise<void> {
    const docker = await this.docker();
    await (docker as unknown as WithOptions).ping({ abortSignal: this.deadline() });
  }

  async version(): Promise<EngineVersion> {
    const docker = await this.docker();
    const v = (await (docker as unknown as WithOptions).version({
      abortSignal: this.deadline(),
    })) as Dockerode.DockerVersion;
    return { version: v.Version, apiVersion: v.ApiVersion, os: v.Os, arch: v.Arch };
  }

  /** `GET /info`: engine ID, name, swarm state. */
  async info(): Promise<{
    ID: string;
    Name: string;
    Swarm?: { LocalNodeState?: string; ControlAvailable?: boolean; NodeID?: string };
  }> {
    const docker = await this.docker();
    return (await (docker as unknown as WithOptions).info({ abortSignal: this.deadline() })) as {
      ID: string;
      Name: string;
    };
  }

  /** The swarm as a manager sees it (a worker answers 503). */
  async swarmState(): Promise<{
    nodes: RawNode[];
    services: RawService[];
    tasks: RawTask[];
    networks: RawNetwork[];
    configs: RawConfigOrSecret[];
    secrets: RawConfigOrSecret[];
  }> {
    const docker = await this.docker();
    const opts = (): object => ({ abortSignal: this.deadline() });
    const [nodes, services, tasks, networks, configs, secrets] = await Promise.all([
      docker.listNodes(opts()),
      docker.listServices(opts()),
      docker.listTasks(opts()),
      docker.listNetworks({ filters: JSON.stringify({ scope: ['swarm'] }), ...opts() }),
      docker.listConfigs(opts()),
      docker.listSecrets(opts()),
    ]);
    return {
      nodes: nodes as unknown as RawNode[],
      services: services as unknown as RawService[],
      tasks: tasks as unknown as RawTask[],
      networks: networks as unknown as RawNetwork[],
      configs: configs as unknown as RawConfigOrSecret[],
      secrets: secrets as unknown as RawConfigOrSecret[],
    };
  }

  async listContainers(filters?: Record<string, string[]>): Promise<ContainerSummary[]> {
    const docker = await this.docker();
    const raw = (await docker.listContainers({
      all: true,
      ...(filters ? { filters: JSON.stringify(filters) } : {}),
      abortSignal: this.deadline(),
    } as Dockerode.ContainerListOptions)) as unknown as RawContainerListEntry[];
    return raw.map(fromListEntry);
  }

  /** One container's current summary (from inspect: never stale), or undefined once it is gone. */
  async getContainer(idOrName: string): Promise<ContainerSummary | undefined> {
    try {
      const raw = await this.inspectContainer(idOrName);
      return fromInspect(raw);
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) {
        return undefined;
      }
      throw error;
    }
  }

  async inspectContainer(id: string): Promise<Dockerode.ContainerInspectInfo> {
    const docker = await this.docker();
    return docker.getContainer(id).inspect({ abortSignal: this.deadline() } as object);
  }

  /** The engine's event stream, filtered; ends when `signal` aborts. */
  async events(filters: Record<string, string[]>, signal: AbortSignal): Promise<Readable> {
    const docker = await this.docker();
    const stream = await docker.getEvents({ filters: JSON.stringify(filters), abortSignal: signal } as object);
    return stream as unknown as Readable;
  }

  async containerLogs(
    id: string,
    opts: { follow: boolean; tail?: number; timestamps?: boolean },
    signal: AbortSignal,
  ): Promise<ContainerLogStream> {
    const docker = await this.docker();
    const container = docker.getContainer(id);
    const info = await container.inspect({ abortSignal: this.deadline() } as object);
    const stream = (await container.logs({
      follow: opts.follow as true,
      stdout: true,
      stderr: true,
      tail: opts.tail ?? 500,
      timestamps: opts.timestamps ?? false,
      abortSignal: signal,
    } as Dockerode.ContainerLogsOptions & { follow: true })) as unknown as Readable | Buffer;
    // Without `follow` dockerode hands back the whole body as a Buffer.
    return { stream: Buffer.isBuffer(stream) ? Readable.from([stream]) : stream, tty: Boolean(info.Config?.Tty) };
  }

  /** Splits a multiplexed (non-TTY) log or attach stream into two. */
  async demux(stream: Readable, stdout: Writable, stderr: Writable): Promise<void> {
    const docker = await this.docker();
    docker.modem.demuxStream(stream, stdout, stderr);
  }

  /** The time limit of one non-streaming request, from now. */
  deadline(): AbortSignal {
    return AbortSignal.timeout(this.timeoutMs);
  }

  /** The dockerode client, for the operations kept in their own modules (swarmOperations). */
  docker(): Promise<Dockerode> {
    this.client ??= import('dockerode').then((m) => {
      const Docker = (m as unknown as { default: typeof Dockerode }).default ?? (m as unknown as typeof Dockerode);
      return new Docker(this.dockerodeOptions());
    });
    return this.client;
  }

  private dockerodeOptions(): Dockerode.DockerOptions {
    const e = this.options.endpoint;
    const agent = this.options.agent ? { agent: this.options.agent } : {};
    switch (e.kind) {
      case 'unix':
        return { socketPath: e.socketPath, ...agent };
      case 'tcp':
        return { host: e.host, port: e.port, protocol: e.tls ? 'https' : 'http', ...agent };
      case 'ssh':
        // Always a socket forwarded over Swarm Lab's own SSH connection (host key checked, one
        // connection reused): dockerode's own ssh transport accepts any host key.
        if (!this.options.agent) {
          throw new Error(`${e.host}: an ssh:// Docker host is reached through Swarm Lab's SSH connection only`);
        }
        return { socketPath: '/var/run/docker.sock', ...agent };
    }
  }
}

/**
 * The Docker API calls of the lab's steps, over a node's DockerEngine (its
 * socket forwarded through the node's SSH connection).
 */
import type Dockerode from 'dockerode';
import type { DockerEngine } from '../docker/dockerEngine';
import type {
  EngineFacts,
  LabDocker,
  RawObject,
  ServiceFact,
  SwarmNodeFact,
  TaskFact,
} from '../../core/labSteps/labSession';

/** A swarm join waits until the node is part of the swarm: longer than one ordinary request. */
const SWARM_CHANGE_MS = 90_000;

interface RawService {
  ID: string;
  Spec?: {
    Name?: string;
    Mode?: { Replicated?: { Replicas?: number }; Global?: object };
    TaskTemplate?: { ContainerSpec?: { Image?: string } };
  };
  ServiceStatus?: { RunningTasks?: number; DesiredTasks?: number };
  UpdateStatus?: { State?: string };
}

interface RawTask {
  ID: string;
  ServiceID: string;
  Slot?: number;
  NodeID?: string;
  DesiredState?: string;
  Status?: { State?: string; Err?: string };
  Spec?: { ContainerSpec?: { Image?: string } };
}

interface RawNode {
  ID: string;
  Description?: { Hostname?: string };
  Spec?: { Role?: string; Availability?: string };
  Status?: { State?: string; Addr?: string };
}

/** dockerode's errors carry the engine's own sentence in `json.message`. */
function engineError(error: unknown): Error {
  const e = error as { json?: { message?: string }; message?: string };
  return new Error(e?.json?.message ?? e?.message ?? String(error));
}

async function call<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw engineError(error);
  }
}

export class EngineLabDocker implements LabDocker {
  constructor(private readonly engine: DockerEngine) {}

  private docker(): Promise<Dockerode> {
    return this.engine.docker();
  }

  async info(): Promise<EngineFacts> {
    const info = (await call(() => this.engine.info())) as Awaited<ReturnType<DockerEngine['info']>> & {
      Swarm?: { Error?: string; RemoteManagers?: { Addr?: string }[] | null };
    };
    return {
      swarmState: info.Swarm?.LocalNodeState ?? 'inactive',
      isManager: info.Swarm?.ControlAvailable ?? false,
      ...(info.Swarm?.NodeID ? { nodeId: info.Swarm.NodeID } : {}),
      ...(info.Swarm?.Error ? { swarmError: info.Swarm.Error } : {}),
      ...(info.Swarm?.RemoteManagers
        ? { remoteManagers: info.Swarm.RemoteManagers.flatMap((m) => (m.Addr ? [m.Addr] : [])) }
        : {}),
    };
  }

  async swarmLeave(): Promise<void> {
    const docker = await this.docker();
    await call(() => docker.swarmLeave({ force: true, abortSignal: AbortSignal.timeout(SWARM_CHANGE_MS) }));
  }

  async swarmInit(spec: { advertiseAddr: string; listenAddr: string; addressPool?: string }): Promise<void> {
    const docker = await this.docker();
    await call(() =>
      docker.swarmInit({
        ListenAddr: spec.listenAddr,
        AdvertiseAddr: spec.advertiseAddr,
        ...(spec.addressPool ? { DefaultAddrPool: [spec.addressPool], SubnetSize: 24 } : {}),
        abortSignal: AbortSignal.timeout(SWARM_CHANGE_MS),
      }),
    );
  }

  async swarmJoin(spec: {
    advertiseAddr: string;
    listenAddr: string;
    remoteAddr: string;
    token: string;
  }): Promise<void> {
    const docker = await this.docker();
    await call(() =>
      docker.swarmJoin({
        ListenAddr: spec.listenAddr,
        AdvertiseAddr: spec.advertiseAddr,
        RemoteAddrs: [spec.remoteAddr],
        JoinToken: spec.token,
        abortSignal: AbortSignal.timeout(SWARM_CHANGE_MS),
      }),
    );
  }

  async joinTokens(): Promise<{ worker: string; manager: string }> {
    const docker = await this.docker();
    const swarm = (await call(() =>
      (docker as unknown as { swarmInspect(opts: object): Promise<unknown> }).swarmInspect({
        abortSignal: this.engine.deadline(),
      }),
    )) as {
      JoinTokens?: { Worker?: string; Manager?: string };
    };
    return { worker: swarm.JoinTokens?.Worker ?? '', manager: swarm.JoinTokens?.Manager ?? '' };
  }

  async nodes(): Promise<SwarmNodeFact[]> {
    const docker = await this.docker();
    const raw = (await call(() => docker.listNodes({ abortSignal: this.engine.deadline() } as object))) as RawNode[];
    return raw.map((n) => ({
      id: n.ID,
      hostname: n.Description?.Hostname ?? '',
      role: n.Spec?.Role === 'manager' ? 'manager' : 'worker',
      state: n.Status?.State ?? 'unknown',
      availability: n.Spec?.Availability ?? 'active',
      address: n.Status?.Addr ?? '',
    }));
  }

  async services(stack?: string): Promise<ServiceFact[]> {
    const docker = await this.docker();
    const raw = (await call(() =>
      docker.listServices({
        status: true,
        ...(stack ? { filters: JSON.stringify({ label: [`com.docker.stack.namespace=${stack}`] }) } : {}),
        abortSignal: this.engine.deadline(),
      } as object),
    )) as unknown as RawService[];
    return raw.map((s) => ({
      id: s.ID,
      name: s.Spec?.Name ?? s.ID,
      image: s.Spec?.TaskTemplate?.ContainerSpec?.Image ?? '',
      mode: s.Spec?.Mode?.Global ? 'global' : 'replicated',
      running: s.ServiceStatus?.RunningTasks ?? 0,
      desired: s.ServiceStatus?.DesiredTasks ?? s.Spec?.Mode?.Replicated?.Replicas ?? 0,
      ...(s.UpdateStatus?.State === 'updating' || s.UpdateStatus?.State === 'rollback_started'
        ? { updating: true }
        : {}),
    }));
  }

  async tasks(stack?: string): Promise<TaskFact[]> {
    const docker = await this.docker();
    const [raw, services, nodes] = await Promise.all([
      call(() =>
        docker.listTasks({
          ...(stack ? { filters: JSON.stringify({ label: [`com.docker.stack.namespace=${stack}`] }) } : {}),
          abortSignal: this.engine.deadline(),
        } as object),
      ) as Promise<unknown> as Promise<RawTask[]>,
      this.services(stack),
      this.nodes(),
    ]);
    return raw.map((t) => ({
      id: t.ID,
      service: services.find((s) => s.id === t.ServiceID)?.name ?? t.ServiceID.slice(0, 12),
      ...(t.Slot !== undefined ? { slot: t.Slot } : {}),
      ...(t.NodeID ? { node: nodes.find((n) => n.id === t.NodeID)?.hostname ?? t.NodeID.slice(0, 12) } : {}),
      state: t.Status?.State ?? 'unknown',
      desiredState: t.DesiredState ?? 'unknown',
      ...(t.Status?.Err ? { error: t.Status.Err } : {}),
      ...(t.Spec?.ContainerSpec?.Image ? { image: t.Spec.ContainerSpec.Image } : {}),
    }));
  }

  async serviceSpecs(): Promise<RawObject[]> {
    const docker = await this.docker();
    return (await call(() =>
      docker.listServices({ abortSignal: this.engine.deadline() } as object),
    )) as unknown as RawObject[];
  }

  async configs(): Promise<RawObject[]> {
    const docker = await this.docker();
    return (await call(() =>
      docker.listConfigs({ abortSignal: this.engine.deadline() } as object),
    )) as unknown as RawObject[];
  }

  async secrets(): Promise<RawObject[]> {
    const docker = await this.docker();
    const raw = (await call(() =>
      docker.listSecrets({ abortSignal: this.engine.deadline() } as object),
    )) as unknown as Array<{ Spec?: Record<string, unknown> }>;
    // The engine never returns a secret's data; dropped anyway, should one ever do.
    return raw.map((s) => {
      const spec = { ...(s.Spec ?? {}) };
      delete spec['Data'];
      return { ...s, Spec: spec };
    });
  }

  async networks(): Promise<RawObject[]> {
    const docker = await this.docker();
    return (await call(() =>
      docker.listNetworks({ abortSignal: this.engine.deadline() } as object),
    )) as unknown as RawObject[];
  }

  async createConfig(spec: { name: string; labels?: Record<string, string>; data: string }): Promise<void> {
    const docker = await this.docker();
    await call(() =>
      docker.createConfig({
        Name: spec.name,
        Labels: spec.labels ?? {},
        Data: spec.data,
        abortSignal: this.engine.deadline(),
      }),
    );
  }
}

import type { Readable } from 'node:stream';
import { ContainerSummary } from '../../core/containers/containerSummary';
import { english, Localizer } from '../../core/l10n';
import { MachineDefinition } from '../../core/machines/machine';
import { parseDockerHost, DockerEndpoint } from '../docker/dockerEndpoint';
import type { ContainerSource } from '../docker/containerWatcher';
import { describeSshError, MachineConnection } from './machineConnection';

/**
 * A machine's containers as a ContainerWatcher source. The connection is
 * looked up on every call rather than held: the machine's owner replaces it
 * (lab restarted, key changed) and each reconnection attempt of the watcher
 * must go through the current one, which opens a new SSH session if the old
 * one dropped.
 */
export class MachineContainerSource implements ContainerSource {
  readonly endpoint: DockerEndpoint;

  constructor(
    readonly machine: MachineDefinition,
    private readonly connection: () => MachineConnection | undefined,
    private readonly l10n: Localizer = english,
  ) {
    this.endpoint = parseDockerHost(`ssh://${machine.user}@${machine.host}:${machine.port}`);
  }

  async listContainers(): Promise<ContainerSummary[]> {
    return (await this.engine()).listContainers();
  }

  async getContainer(id: string): Promise<ContainerSummary | undefined> {
    return (await this.engine()).getContainer(id);
  }

  async events(filters: Record<string, string[]>, signal: AbortSignal): Promise<Readable> {
    return (await this.engine()).events(filters, signal);
  }

  describeError(error: unknown): string {
    return describeSshError(error, this.machine, this.l10n);
  }

  private async engine(): ReturnType<MachineConnection['engine']> {
    const conn = this.connection();
    if (!conn) {
      throw new Error(this.l10n.t('{0} has no connection (stopped or removed).', this.machine.name));
    }
    return conn.engine();
  }
}

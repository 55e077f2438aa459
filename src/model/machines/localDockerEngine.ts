import * as vscode from 'vscode';
import { ContainerModel } from '../../core/containers/containerModel';
import { ContainerWatcher, WatchState } from '../../clients/docker/containerWatcher';
import { DockerEndpoint, DockerEndpointError, parseDockerHost } from '../../clients/docker/dockerEndpoint';
import { DockerEngine } from '../../clients/docker/dockerEngine';
import { SshDockerHost } from '../../clients/docker/sshDockerHost';
import type { MachineConnectionOptions } from '../../clients/machines/machineConnection';
import { settings } from '../../editor/settings';
import { refresh } from '../../editor/refresh';
import { Disposable } from '../../platform/disposable';

/**
 * The Docker engine of the machine VS Code's extension host runs on, from
 * `swarmLab.dockerHost` or else `DOCKER_HOST`. It owns the engine client and
 * the container watcher, and rebuilds both when the setting changes. Nothing
 * connects until a view or a command asks for it. An `ssh://` host goes
 * through Swarm Lab's own SSH connection, its host key checked like a
 * machine's (SshDockerHost).
 */
export class LocalDockerEngine extends Disposable {
  readonly model = new ContainerModel();
  private current:
    { engine: DockerEngine; watcher: ContainerWatcher; stateSub: { dispose(): void }; ssh?: SshDockerHost } | undefined;
  private configError: string | undefined;
  /** Someone (a shown view) wants the containers followed. */
  private watching = false;
  private readonly stateEmitter = this._register(new vscode.EventEmitter<WatchState>());
  /** Fires on every change of the watcher's state (connecting, live, unreachable). */
  readonly onDidChangeState = this.stateEmitter.event;

  constructor(
    private readonly log: vscode.LogOutputChannel,
    /** The host key policy and key loader of the machines, for an ssh:// host. */
    private readonly sshOptions: () => MachineConnectionOptions = () => ({}),
  ) {
    super();
    this._register(
      refresh().onSettings(['dockerHost'], () => {
        this.teardown();
        if (this.watching) {
          this.watch();
        }
      }),
    );
    this._register({ dispose: () => this.teardown() });
  }

  /** The endpoint in force, or an error message when the setting is invalid. */
  endpoint(): DockerEndpoint {
    const configured = settings().dockerHost();
    return parseDockerHost(configured || process.env['DOCKER_HOST']);
  }

  /** The engine client (created on first use). Throws on an invalid setting. */
  engine(): DockerEngine {
    return this.ensure().engine;
  }

  get state(): WatchState {
    if (this.configError) {
      return { kind: 'unreachable', message: this.configError, retryInMs: 0 };
    }
    return this.current?.watcher.currentState ?? { kind: 'stopped' };
  }

  /** Starts following the engine's containers (idempotent). */
  watch(): void {
    this.watching = true;
    try {
      this.ensure().watcher.start();
    } catch (error) {
      this.reportConfigError(error);
    }
  }

  async refresh(): Promise<void> {
    this.configError = undefined;
    try {
      await this.ensure().watcher.refresh();
    } catch (error) {
      this.reportConfigError(error);
    }
  }

  private ensure(): NonNullable<LocalDockerEngine['current']> {
    if (!this.current) {
      const endpoint = this.endpoint();
      const ssh = endpoint.kind === 'ssh' ? new SshDockerHost(endpoint, this.sshOptions(), vscode.l10n) : undefined;
      const engine = new DockerEngine({ endpoint, ...(ssh ? { agent: ssh.agent() } : {}) });
      const watcher = new ContainerWatcher(
        engine,
        this.model,
        { debug: (m) => this.log.debug(m), warn: (m) => this.log.warn(m) },
        undefined,
        vscode.l10n,
      );
      const stateSub = watcher.onDidChangeState((s) => {
        this.log.debug(`local engine: ${s.kind}`);
        this.stateEmitter.fire(s);
      });
      this.current = { engine, watcher, stateSub, ...(ssh ? { ssh } : {}) };
      this.configError = undefined;
    }
    return this.current;
  }

  private reportConfigError(error: unknown): void {
    if (!(error instanceof DockerEndpointError)) {
      throw error;
    }
    this.configError = vscode.l10n.t('Invalid setting swarmLab.dockerHost: {0}', error.message);
    this.log.error(this.configError);
    this.stateEmitter.fire(this.state);
  }

  private teardown(): void {
    if (this.current) {
      this.current.watcher.stop();
      this.current.stateSub.dispose();
      this.current.ssh?.close();
      this.current = undefined;
    }
    this.model.clear();
    this.configError = undefined;
  }
}

import * as vscode from 'vscode';
import { refresh } from '../../editor/refresh';
import { DockerImageNode } from '../../clients/images/dockerImageNode';
import { RerunningTask } from '../../core/async/rerunningTask';
import type { DockerEvent } from '../../core/containers/containerEvents';
import { ImagePresence, imageKey } from '../../core/images/imagePresence';
import { Disposable } from '../../platform/disposable';
import { ContainerHost, ContainerHosts } from '../containers/containerHosts';
import { MachineRegistry } from '../machines/machineRegistry';

/** Image actions after which a node's list of images may differ. */
const CHANGING = new Set(['tag', 'untag', 'delete', 'import', 'load', 'pull', 'create']);

/**
 * Feeds the image-presence model from the machines' engines: one image list
 * per machine when a compose file is first shown (and again when a machine
 * comes back), then a new list only when that machine's event stream (the
 * one its ContainerWatcher already holds open) carries an image event. No
 * timer: nothing is asked while nothing happens.
 */
export class ImagePresenceService extends Disposable {
  readonly model = new ImagePresence();
  private readonly changed = this._register(new vscode.EventEmitter<void>());
  /** Fires on every change of the model. */
  readonly onDidChange = this.changed.event;
  private active = false;
  /** Per machine: a list in flight, and whether another was asked meanwhile. */
  private readonly listing = new Map<string, RerunningTask>();
  private readonly live = new Map<string, boolean>();
  private readonly registryAsked = new Set<string>();

  constructor(
    private readonly hosts: ContainerHosts,
    private readonly lab: MachineRegistry,
    private readonly log: vscode.LogOutputChannel,
  ) {
    super();
    this._register(this.model.onDidChange(() => this.changed.fire()));
  }

  /** Starts following the machines' images (idempotent): the first compose file shown calls it. */
  activate(): void {
    if (this.active || this.isDisposed) {
      return;
    }
    this.active = true;
    this._register(this.hosts.onDidChange((key) => (key === undefined ? this.sync() : this.hostChanged(key))));
    this._register(this.hosts.onDidImageEvent(({ key, event }) => this.imageEvent(key, event)));
    // As the first look at a view does: the machines are probed on demand (editor/refresh).
    refresh().viewShown('compose');
    this.sync();
  }

  get isActive(): boolean {
    return this.active;
  }

  machineHosts(): ContainerHost[] {
    return this.hosts.hosts().filter((h) => h.machine !== undefined);
  }

  /**
   * The machines' hosts for a command, the machines read first when none is
   * known: the registry reads its sources on demand (a view shown), and a
   * command may come from the palette before any view was.
   */
  async machineHostsRead(): Promise<ContainerHost[]> {
    this.activate();
    if (this.machineHosts().length === 0) {
      await this.lab.refresh().catch((error: unknown) => this.log.warn(`machines: ${String(error)}`));
    }
    return this.machineHosts();
  }

  /** Asks the lab registry (through one machine's engine) whether it holds `reference`, once per reference. */
  checkRegistry(reference: string): void {
    const key = imageKey(reference);
    if (key === undefined || this.registryAsked.has(key)) {
      return;
    }
    const host = this.machineHosts().find((h) => h.state.kind === 'live');
    if (!host) {
      return;
    }
    this.registryAsked.add(key);
    void (async () => {
      try {
        const node = new DockerImageNode(host.label, await host.engine());
        this.model.setRegistry(reference, (await node.inRegistry(reference)) ? 'present' : 'absent');
      } catch (error) {
        // No registry deployed, or not reachable: the lens says nothing about it.
        this.log.debug(`registry check of ${reference} through ${host.label}: ${String(error)}`);
      }
    })();
  }

  /** After a push or a failed pull, what is known of the registry changes. */
  markInRegistry(reference: string): void {
    this.model.setRegistry(reference, 'present');
  }

  private sync(): void {
    const hosts = this.machineHosts();
    this.model.setNodes(hosts.map((h) => h.label));
    for (const key of [...this.live.keys()]) {
      if (!hosts.some((h) => h.key === key)) {
        this.live.delete(key);
      }
    }
    hosts.forEach((h) => this.hostChanged(h.key));
  }

  private hostChanged(key: string): void {
    const host = this.hosts.host(key);
    if (!host?.machine) {
      return;
    }
    const live = host.state.kind === 'live';
    const was = this.live.get(key) ?? false;
    this.live.set(key, live);
    if (live && !was) {
      // First seen live, or back: events may have been missed while the stream was down.
      this.list(key);
    } else if (!live && was) {
      this.model.forgetImages(host.label);
    }
  }

  private imageEvent(key: string, event: DockerEvent): void {
    if (!this.active) {
      return;
    }
    const action = event.Action ?? '';
    if (action === 'push' && event.Actor?.ID) {
      this.markInRegistry(event.Actor.ID);
    }
    if (CHANGING.has(action)) {
      this.list(key);
    }
  }

  /** At most one list per machine at a time; events during one ask for one more, not one each. */
  private list(key: string): void {
    let task = this.listing.get(key);
    if (!task) {
      task = new RerunningTask(
        () => this.listOnce(key),
        () => this.isDisposed,
      );
      this.listing.set(key, task);
    }
    void task.run();
  }

  /** One list of a machine's images; a failure is logged here, once, whoever asked for the pass. */
  private async listOnce(key: string): Promise<void> {
    const host = this.hosts.host(key);
    if (!host?.machine) {
      return;
    }
    try {
      const node = new DockerImageNode(host.label, await host.engine());
      this.model.replaceImages(host.label, await node.listImages());
    } catch (error) {
      this.log.warn(`images of ${key}: ${String(error)}`);
    }
  }
}

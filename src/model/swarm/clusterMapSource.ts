import * as vscode from 'vscode';
import { clusterMap, clusterMapText, type ClusterMapModel } from '../../core/cluster/clusterMap';
import { Disposable } from '../../platform/disposable';
import type { ImagePresenceService } from '../images/imagePresenceService';
import type { MachineRegistry } from '../machines/machineRegistry';
import type { SwarmService } from './swarmService';

/** What a page showing the map needs of it (the map's own panel, the lab panel). */
export interface ClusterMapFeed {
  readonly model: ClusterMapModel;
  readonly text: string;
  readonly onDidChange: vscode.Event<void>;
  /** A page shows the map: start following what it shows. */
  activate(): void;
}

/**
 * The cluster map as it is now, built from the swarm model, the machines
 * and the image presence model, and built again when one of them says it
 * changed: their events drive it, nothing is read on a timer.
 */
export class ClusterMapSource extends Disposable implements ClusterMapFeed {
  private current: { readonly model: ClusterMapModel; readonly text: string } | undefined;
  private readonly changed = this._register(new vscode.EventEmitter<void>());
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly swarm: SwarmService,
    private readonly machines: MachineRegistry,
    private readonly presence: ImagePresenceService,
  ) {
    super();
    for (const event of [swarm.onDidChange, machines.onDidChange, presence.onDidChange]) {
      this._register(
        event(() => {
          this.current = undefined;
          this.changed.fire();
        }),
      );
    }
  }

  /**
   * The machines' images are followed from now on (idempotent); the
   * presence service reads the machines first when none is known yet, and
   * the swarm follows a manager as soon as one is.
   */
  activate(): void {
    this.presence.activate();
  }

  get model(): ClusterMapModel {
    return this.read().model;
  }

  get text(): string {
    return this.read().text;
  }

  private read(): { readonly model: ClusterMapModel; readonly text: string } {
    if (!this.current) {
      const model = clusterMap({
        snapshot: this.swarm.snapshot,
        machines: this.machines.machines(),
        presence: (image) => this.presence.model.report(image),
      });
      this.current = { model, text: clusterMapText(model, vscode.l10n) };
    }
    return this.current;
  }
}

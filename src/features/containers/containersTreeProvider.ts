import * as vscode from 'vscode';
import { refresh } from '../../editor/refresh';
import type { WatchState } from '../../clients/docker/containerWatcher';
import { ContainerSummary } from '../../core/containers/containerSummary';
import {
  ContainersNode,
  containersNodeItem,
  engineChildren,
  engineItemId,
  engineKeyOf,
  EngineView,
} from '../../core/views/containerItems';
import { Paging } from '../../core/views/plainTreeItem';
import { toTreeItem } from '../../editor/treeItems';
import { Disposable } from '../../platform/disposable';
import { ContainerHost, ContainerHosts } from '../../model/containers/containerHosts';

export type { ContainersNode } from '../../core/views/containerItems';

/** A host as the plain items read it. */
function engineView(h: ContainerHost): EngineView {
  return {
    key: h.key,
    label: h.label,
    address: h.address,
    state: h.state,
    size: h.model.size,
    list: () => h.model.list(),
  };
}

const STATE_CONTEXT_KEY = 'swarmLab.containers.state';

/**
 * The Containers view: engines at the root (this computer's, then one per
 * machine), their containers below. It only renders the hosts' models, which
 * their watchers keep current from Docker's event streams: it never polls.
 * A change on one machine re-renders that machine's item only.
 */
export class ContainersTreeProvider extends Disposable implements vscode.TreeDataProvider<ContainersNode> {
  private readonly changed = this._register(new vscode.EventEmitter<ContainersNode | undefined>());
  readonly onDidChangeTreeData = this.changed.event;
  private view: vscode.TreeView<ContainersNode> | undefined;
  private pendingRender: NodeJS.Timeout | undefined;
  /** Keys of the engines to re-render; `undefined` inside means the whole tree. */
  private readonly dirty = new Set<string | undefined>();
  /** The state the view shows; before the watcher starts the view shows none. */
  private shownStatus = 'stopped';
  /** The view matches elements by identity: one object per engine, kept. */
  private readonly engineNodes = new Map<string, ContainersNode>();
  /** How many containers each engine shows (a page, then "Show more"). */
  private readonly paging = new Paging();

  constructor(private readonly hosts: ContainerHosts) {
    super();
    this._register(hosts.onDidChange((key) => this.scheduleRender(key)));
    this._register({ dispose: () => clearTimeout(this.pendingRender) });
  }

  attach(view: vscode.TreeView<ContainersNode>): void {
    this.view = view;
  }

  getTreeItem(node: ContainersNode): vscode.TreeItem {
    return toTreeItem(
      containersNodeItem(
        node,
        (key) => {
          const host = this.hosts.host(key);
          return host ? engineView(host) : undefined;
        },
        vscode.l10n,
      ),
    );
  }

  getParent(node: ContainersNode): ContainersNode | undefined {
    switch (node.kind) {
      case 'container':
        return this.engineNode(node.engineKey);
      case 'more':
        return this.engineNode(engineKeyOf(node.parentId));
      default:
        return undefined;
    }
  }

  /** The next page of an engine's containers ("Show more": the parent's item ID). */
  showMore(parentId: string): void {
    this.paging.showMore(parentId);
    this.changed.fire(this.engineNode(engineKeyOf(parentId)));
  }

  getChildren(node?: ContainersNode): ContainersNode[] {
    // The first look at the view is what starts this computer's watcher (the containers feature subscribes).
    refresh().viewShown('containers');
    this.updateStatus();
    const hosts = this.hosts.hosts();
    if (!node) {
      const [local, ...machines] = hosts;
      // Without machines, an unreachable local engine leaves the view to its welcome content.
      if (machines.length === 0) {
        return local.state.kind === 'live' ? [this.engineNode(local.key)] : [];
      }
      return hosts.map((h) => this.engineNode(h.key));
    }
    if (node.kind === 'engine') {
      const host = hosts.find((h) => h.key === node.key);
      return host ? engineChildren(engineView(host), this.paging) : [];
    }
    return [];
  }

  /** This computer's containers as the view shows them now (tests, commands). */
  containers(): ContainerSummary[] {
    return this.hosts.local.state.kind === 'live' ? this.hosts.local.model.list() : [];
  }

  /** The node of a container on an engine, to reveal it (from a swarm task). */
  containerNode(engineKey: string, containerId: string): ContainersNode | undefined {
    const host = this.hosts.host(engineKey);
    const container = host?.model.get(containerId);
    if (!host || !container) {
      return undefined;
    }
    // A container past the pages shown gets its page shown, so that it can be revealed.
    const index = host.model.list().findIndex((c) => c.id === containerId);
    if (index >= this.paging.shown(engineItemId(engineKey))) {
      this.paging.showIndex(engineItemId(engineKey), index);
      this.changed.fire(this.engineNode(engineKey));
    }
    return { kind: 'container', engineKey, container };
  }

  host(key: string): ContainerHost | undefined {
    return this.hosts.host(key);
  }

  private engineNode(key: string): ContainersNode {
    let node = this.engineNodes.get(key);
    if (!node) {
      node = { kind: 'engine', key };
      this.engineNodes.set(key, node);
    }
    return node;
  }

  /** Bursts of events (a stack starting) re-render once, and only the engines concerned. */
  private scheduleRender(key: string | undefined): void {
    this.dirty.add(key);
    if (this.pendingRender) {
      return;
    }
    this.pendingRender = setTimeout(() => {
      this.pendingRender = undefined;
      this.updateStatus();
      const keys = [...this.dirty];
      this.dirty.clear();
      const machinesShown = this.hosts.hosts().length > 1;
      // The local engine is not an item of its own while it is the only one and down.
      if (keys.includes(undefined) || (!machinesShown && keys.includes('local'))) {
        this.changed.fire(undefined);
        return;
      }
      for (const key of keys) {
        this.changed.fire(this.engineNode(key!));
      }
    }, 30);
  }

  /**
   * Mirrors the local watcher's state into the view (message, description) and
   * the context key its welcome content reads, only when it changed: each of
   * these is a round trip to the workbench. With machines, each engine item
   * shows its own state instead.
   */
  private updateStatus(): void {
    const machinesShown = this.hosts.hosts().length > 1;
    const state: WatchState = machinesShown ? { kind: 'live' } : this.hosts.local.state;
    const shown = state.kind === 'unreachable' ? `unreachable:${state.message}` : state.kind;
    if (!this.view || shown === this.shownStatus) {
      return;
    }
    this.shownStatus = shown;
    void vscode.commands.executeCommand('setContext', STATE_CONTEXT_KEY, state.kind);
    this.view.message = state.kind === 'unreachable' ? state.message : undefined;
    this.view.description = state.kind === 'live' ? undefined : stateLabel(state.kind);
  }
}

export function stateLabel(kind: string): string | undefined {
  switch (kind) {
    case 'connecting':
      return vscode.l10n.t('connecting…');
    case 'unreachable':
      return vscode.l10n.t('unreachable');
    default:
      return undefined;
  }
}

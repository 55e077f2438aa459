import * as vscode from 'vscode';
import { ContainerSummary } from '../core/containers/containerSummary';
import { describeEndpoint } from '../clients/docker/dockerEndpoint';
import { Disposable } from '../platform/disposable';
import { LocalDockerEngine } from '../services/localDockerEngine';
import { containerTreeItem } from './containerTreeItems';

export type ContainersNode =
  | { readonly kind: 'engine'; readonly key: string; readonly label: string }
  | { readonly kind: 'container'; readonly engineKey: string; readonly container: ContainerSummary };

const LOCAL_KEY = 'local';
const STATE_CONTEXT_KEY = 'swarmLab.containers.state';

/**
 * The Containers view: machines at the root, their containers below. It only
 * renders the model; the engine's watcher keeps that model current from
 * Docker's event stream, so this view never polls.
 */
export class ContainersTreeProvider extends Disposable implements vscode.TreeDataProvider<ContainersNode> {
  private readonly changed = this._register(new vscode.EventEmitter<ContainersNode | undefined>());
  readonly onDidChangeTreeData = this.changed.event;
  private view: vscode.TreeView<ContainersNode> | undefined;
  private pendingRender: NodeJS.Timeout | undefined;
  /** The state the view shows; before the watcher starts the view shows none. */
  private shownStatus = 'stopped';
  private readonly engineNode: ContainersNode = {
    kind: 'engine',
    key: LOCAL_KEY,
    label: vscode.l10n.t('This machine'),
  };

  constructor(private readonly local: LocalDockerEngine) {
    super();
    this._register(local.model.onDidChange(() => this.scheduleRender()));
    this._register(local.onDidChangeState(() => this.scheduleRender()));
    this._register({ dispose: () => clearTimeout(this.pendingRender) });
  }

  attach(view: vscode.TreeView<ContainersNode>): void {
    this.view = view;
  }

  getTreeItem(node: ContainersNode): vscode.TreeItem {
    if (node.kind === 'container') {
      return containerTreeItem(node.container, node.engineKey);
    }
    const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.Expanded);
    item.id = `engine:${node.key}`;
    item.iconPath = new vscode.ThemeIcon('server-environment');
    item.contextValue = 'engine.local';
    const count = this.local.model.size;
    item.description = `${describeEndpoint(this.local.endpoint())} · ${vscode.l10n.t('{0} containers', count)}`;
    return item;
  }

  getChildren(node?: ContainersNode): ContainersNode[] {
    // The first look at the view is what starts the engine's watcher.
    this.local.watch();
    this.updateStatus();
    if (this.local.state.kind !== 'live') {
      return [];
    }
    if (!node) {
      return [this.engineNode];
    }
    if (node.kind === 'engine') {
      return this.local.model.list().map((container) => ({ kind: 'container', engineKey: node.key, container }));
    }
    return [];
  }

  /** Nodes as the view shows them now (used by tests and by commands). */
  containers(): ContainerSummary[] {
    return this.local.state.kind === 'live' ? this.local.model.list() : [];
  }

  /** Bursts of events (a stack starting) re-render once. */
  private scheduleRender(): void {
    if (this.pendingRender) {
      return;
    }
    this.pendingRender = setTimeout(() => {
      this.pendingRender = undefined;
      this.updateStatus();
      this.changed.fire(undefined);
    }, 30);
  }

  /**
   * Mirrors the watcher's state into the view (message, description) and the
   * context key its welcome content reads, only when it changed: each of
   * these is a round trip to the workbench.
   */
  private updateStatus(): void {
    const state = this.local.state;
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

function stateLabel(kind: string): string | undefined {
  switch (kind) {
    case 'connecting':
      return vscode.l10n.t('connecting…');
    case 'unreachable':
      return vscode.l10n.t('unreachable');
    default:
      return undefined;
  }
}

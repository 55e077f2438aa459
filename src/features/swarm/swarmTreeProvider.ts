import * as vscode from 'vscode';
import { refresh } from '../../editor/refresh';
import { Paging } from '../../core/views/plainTreeItem';
import { SwarmItem, swarmChildren, swarmTreeItem } from '../../core/views/swarmItems';
import { toTreeItem } from '../../editor/treeItems';
import { Disposable } from '../../platform/disposable';
import { SwarmService as SwarmServiceModel } from '../../model/swarm/swarmService';

export type { SwarmItem } from '../../core/views/swarmItems';

/**
 * The Swarm view: its nodes, then stacks → services → tasks, each task with
 * the node it runs on. It renders SwarmService's snapshot, which follows the
 * swarm's event stream; it never polls.
 */
export class SwarmTreeProvider extends Disposable implements vscode.TreeDataProvider<SwarmItem> {
  private readonly changed = this._register(new vscode.EventEmitter<SwarmItem | undefined>());
  readonly onDidChangeTreeData = this.changed.event;
  private view: vscode.TreeView<SwarmItem> | undefined;
  /** How many children each parent shows (a page, then "Show more"). */
  private readonly paging = new Paging();

  constructor(private readonly swarm: SwarmServiceModel) {
    super();
    this._register(
      swarm.onDidChange(() => {
        if (this.view) {
          this.view.message = swarm.error;
        }
        this.changed.fire(undefined);
      }),
    );
  }

  attach(view: vscode.TreeView<SwarmItem>): void {
    this.view = view;
  }

  getChildren(item?: SwarmItem): SwarmItem[] {
    // The first look reads the machines (and so the swarm their managers are in): editor/refresh.
    refresh().viewShown('swarm');
    const s = this.swarm.snapshot;
    return s ? swarmChildren(s, item, this.paging) : [];
  }

  getTreeItem(item: SwarmItem): vscode.TreeItem {
    return toTreeItem(swarmTreeItem(item, vscode.l10n));
  }

  /** The next page of a parent's children ("Show more": the parent item's ID). */
  showMore(parentId: string): void {
    this.paging.showMore(parentId);
    this.changed.fire(undefined);
  }
}

import * as vscode from 'vscode';
import { refresh } from '../../editor/refresh';
import { Machine } from '../../core/machines/machine';
import { machineItem } from '../../core/views/machineItems';
import { settings } from '../../editor/settings';
import { toTreeItem } from '../../editor/treeItems';
import { Disposable } from '../../platform/disposable';
import { MachineRegistry } from '../../model/machines/machineRegistry';

/**
 * The Machines view: every machine of every source (the local lab, SSH hosts,
 * Vagrantfiles), each with its state, address, engine version and swarm role.
 * It renders the MachineRegistry; it never polls. What a source could not
 * read (a bad hosts entry, vagrant missing) shows as the view's message.
 */
export class MachinesTreeProvider extends Disposable implements vscode.TreeDataProvider<Machine> {
  private readonly changed = this._register(new vscode.EventEmitter<Machine | undefined>());
  readonly onDidChangeTreeData = this.changed.event;
  private view: vscode.TreeView<Machine> | undefined;

  constructor(private readonly registry: MachineRegistry) {
    super();
    this._register(
      registry.onDidChange(() => {
        if (this.view) {
          const problems = registry.problems();
          this.view.message = problems.length > 0 ? problems.join('\n') : undefined;
        }
        this.changed.fire(undefined);
      }),
    );
  }

  attach(view: vscode.TreeView<Machine>): void {
    this.view = view;
  }

  getTreeItem(m: Machine): vscode.TreeItem {
    return toTreeItem(machineItem(m, settings().rawVirtualIp(), vscode.l10n));
  }

  getChildren(element?: Machine): Machine[] {
    if (element) {
      return [];
    }
    // The first look at the view is what reads the sources and probes the machines (editor/refresh).
    refresh().viewShown('machines');
    return this.registry.machines();
  }
}

import * as vscode from 'vscode';
import { describeMachine, Machine } from '../core/machines/machine';
import { Disposable } from '../platform/disposable';
import { LocalLabService } from '../services/localLabService';

const STATE_ICONS: Record<Machine['state']['kind'], [string, string | undefined]> = {
  running: ['vm-running', 'charts.green'],
  connecting: ['loading~spin', undefined],
  stopped: ['vm-outline', 'disabledForeground'],
  unreachable: ['warning', 'charts.red'],
};

/**
 * The Machines view: the local lab's nodes (SSH hosts and Vagrant machines
 * join them with the next sources), each with its state, address, engine
 * version and swarm role. It renders LocalLabService; it never polls.
 */
export class MachinesTreeProvider extends Disposable implements vscode.TreeDataProvider<Machine> {
  private readonly changed = this._register(new vscode.EventEmitter<Machine | undefined>());
  readonly onDidChangeTreeData = this.changed.event;
  private shown = false;

  constructor(private readonly lab: LocalLabService) {
    super();
    this._register(lab.onDidChange(() => this.changed.fire(undefined)));
  }

  getTreeItem(m: Machine): vscode.TreeItem {
    const item = new vscode.TreeItem(m.name, vscode.TreeItemCollapsibleState.None);
    item.id = m.id;
    item.description = describeMachine(m);
    const [icon, color] = STATE_ICONS[m.state.kind];
    item.iconPath = new vscode.ThemeIcon(icon, color ? new vscode.ThemeColor(color) : undefined);
    const tooltip = new vscode.MarkdownString(undefined, false);
    tooltip.isTrusted = false;
    tooltip.appendMarkdown('**').appendText(m.name).appendMarkdown('**\n\n');
    tooltip.appendText(`${vscode.l10n.t('Local lab node')} · ${m.user}@${m.host}:${m.port}\n\n`);
    tooltip.appendText(m.state.kind === 'unreachable' ? m.state.reason : describeMachine(m));
    item.tooltip = tooltip;
    item.contextValue = `machine.${m.source}.${m.state.kind}`;
    return item;
  }

  getChildren(element?: Machine): Machine[] {
    if (element) {
      return [];
    }
    if (!this.shown) {
      // The first look at the view is what probes the machines.
      this.shown = true;
      void this.lab.refresh();
    }
    return this.lab.machines();
  }
}

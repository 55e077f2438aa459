import * as vscode from 'vscode';
import { refresh } from '../../editor/refresh';
import { describeMachine, Machine, MachineSource } from '../../core/machines/machine';
import { vagrantContextValue } from '../../core/vagrant/vagrantMachines';
import { settings } from '../../editor/settings';
import { Disposable } from '../../platform/disposable';
import { MachineRegistry } from '../../model/machines/machineRegistry';

const STATE_ICONS: Record<Machine['state']['kind'], [string, string | undefined]> = {
  running: ['vm-running', 'charts.green'],
  connecting: ['loading~spin', undefined],
  stopped: ['vm-outline', 'disabledForeground'],
  unreachable: ['warning', 'charts.red'],
};

function sourceLabel(source: MachineSource): string {
  switch (source) {
    case 'local-lab':
      return vscode.l10n.t('Local lab node');
    case 'ssh':
      return vscode.l10n.t('SSH host (swarmLab.hosts)');
    case 'vagrant':
      return vscode.l10n.t('Vagrant machine');
  }
}

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
    const item = new vscode.TreeItem(m.name, vscode.TreeItemCollapsibleState.None);
    item.id = m.id;
    const vip = m.state.kind === 'running' && m.state.holdsVirtualIp;
    item.description = vip ? `${describeMachine(m)} · ${vscode.l10n.t('virtual IP')}` : describeMachine(m);
    const [icon, color] = vip ? ['broadcast', 'charts.green'] : STATE_ICONS[m.state.kind];
    item.iconPath = new vscode.ThemeIcon(icon, color ? new vscode.ThemeColor(color) : undefined);
    const tooltip = new vscode.MarkdownString(undefined, false);
    tooltip.isTrusted = false;
    tooltip.appendMarkdown('**').appendText(m.name).appendMarkdown('**\n\n');
    const where = m.host ? ` · ${m.user}@${m.host}:${m.port}` : '';
    tooltip.appendText(`${sourceLabel(m.source)}${where}\n\n`);
    if (m.vagrant) {
      tooltip.appendText(`${m.vagrant.dir} · ${m.vagrant.provider} · ${m.vagrant.label}\n\n`);
    }
    tooltip.appendText(m.state.kind === 'unreachable' ? m.state.reason : describeMachine(m));
    if (vip) {
      const address = settings().rawVirtualIp();
      tooltip.appendText(`\n\n${vscode.l10n.t('Holds the virtual IP {0}', address)}`);
    }
    item.tooltip = tooltip;
    item.contextValue = m.source === 'vagrant' ? vagrantContextValue(m) : `machine.${m.source}.${m.state.kind}`;
    return item;
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

import * as vscode from 'vscode';
import type { WatchState } from '../../clients/docker/containerWatcher';
import { ContainerState, ContainerSummary, formatPort, shortId } from '../../core/containers/containerSummary';
import type { ContainerHost } from '../../model/containers/containerHosts';

/** Icon and colour per state: the same codicons the Docker extensions use. */
const STATE_ICONS: Record<ContainerState, [string, string | undefined]> = {
  running: ['vm-running', 'charts.green'],
  restarting: ['sync~spin', 'charts.yellow'],
  paused: ['debug-pause', 'charts.yellow'],
  created: ['vm-outline', undefined],
  removing: ['trash', undefined],
  exited: ['vm-outline', 'disabledForeground'],
  dead: ['error', 'charts.red'],
  unknown: ['question', undefined],
};

export function containerIcon(state: ContainerState): vscode.ThemeIcon {
  const [id, color] = STATE_ICONS[state];
  return new vscode.ThemeIcon(id, color ? new vscode.ThemeColor(color) : undefined);
}

/**
 * The tooltip is built with appendText/appendCodeblock only: names, images and
 * statuses come from the engine and are never interpreted as Markdown.
 */
export function containerTooltip(c: ContainerSummary): vscode.MarkdownString {
  const md = new vscode.MarkdownString(undefined, false);
  md.isTrusted = false;
  md.supportHtml = false;
  md.appendMarkdown('**').appendText(c.name).appendMarkdown('**\n\n');
  md.appendText(`${vscode.l10n.t('Image')}: ${c.image}\n\n`);
  md.appendText(`${vscode.l10n.t('State')}: ${c.state} (${c.status})\n\n`);
  if (c.health) {
    md.appendText(`${vscode.l10n.t('Health')}: ${c.health}\n\n`);
  }
  md.appendText(`${vscode.l10n.t('ID')}: ${shortId(c.id)}\n\n`);
  if (c.ports.length === 0) {
    md.appendText(vscode.l10n.t('No ports published'));
  } else {
    md.appendText(`${vscode.l10n.t('Ports')}:\n\n`);
    for (const p of c.ports) {
      md.appendMarkdown('- ').appendText(formatPort(p)).appendMarkdown('\n');
    }
  }
  return md;
}

export function containerTreeItem(c: ContainerSummary, engineKey: string): vscode.TreeItem {
  const item = new vscode.TreeItem(c.name, vscode.TreeItemCollapsibleState.None);
  item.id = `container:${engineKey}:${c.id}`;
  item.description = c.health ? `${c.image} · ${c.health}` : c.image;
  item.iconPath =
    c.health === 'unhealthy'
      ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('charts.red'))
      : containerIcon(c.state);
  item.tooltip = containerTooltip(c);
  // The state is part of contextValue so menus can match it with a regex.
  item.contextValue = `container.${c.state}`;
  item.accessibilityInformation = { label: `${c.name}, ${c.image}, ${c.status}` };
  return item;
}

const ENGINE_ICONS: Record<WatchState['kind'], [string, string | undefined]> = {
  live: ['server-environment', undefined],
  connecting: ['loading~spin', undefined],
  unreachable: ['warning', 'charts.red'],
  stopped: ['server-environment', 'disabledForeground'],
};

/** An engine's item: its name, where it is, how many containers, or why it cannot be reached. */
export function engineTreeItem(host: ContainerHost): vscode.TreeItem {
  const state = host.state;
  const item = new vscode.TreeItem(host.label, vscode.TreeItemCollapsibleState.Expanded);
  item.id = `engine:${host.key}`;
  const [icon, color] = ENGINE_ICONS[state.kind];
  item.iconPath = new vscode.ThemeIcon(icon, color ? new vscode.ThemeColor(color) : undefined);
  item.contextValue = `engine.${host.key === 'local' ? 'local' : 'machine'}.${state.kind}`;
  const status =
    state.kind === 'live'
      ? host.model.size === 1
        ? vscode.l10n.t('1 container')
        : vscode.l10n.t('{0} containers', host.model.size)
      : state.kind === 'unreachable'
        ? vscode.l10n.t('unreachable')
        : state.kind === 'connecting'
          ? vscode.l10n.t('connecting…')
          : state.kind;
  item.description = [host.address, status].filter(Boolean).join(' · ');
  const tooltip = new vscode.MarkdownString(undefined, false);
  tooltip.isTrusted = false;
  tooltip.appendMarkdown('**').appendText(host.label).appendMarkdown('**\n\n');
  tooltip.appendText(state.kind === 'unreachable' ? state.message : String(item.description));
  item.tooltip = tooltip;
  return item;
}

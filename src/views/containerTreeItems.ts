import * as vscode from 'vscode';
import { ContainerState, ContainerSummary, formatPort, shortId } from '../core/containers/containerSummary';

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
  item.description = c.image;
  item.iconPath = containerIcon(c.state);
  item.tooltip = containerTooltip(c);
  // The state is part of contextValue so menus can match it with a regex.
  item.contextValue = `container.${c.state}`;
  item.accessibilityInformation = { label: `${c.name}, ${c.image}, ${c.status}` };
  return item;
}

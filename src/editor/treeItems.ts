import * as vscode from 'vscode';
import type { PlainIcon, PlainTooltip, PlainTreeItem } from '../core/views/plainTreeItem';

const COLLAPSIBLE = {
  none: vscode.TreeItemCollapsibleState.None,
  collapsed: vscode.TreeItemCollapsibleState.Collapsed,
  expanded: vscode.TreeItemCollapsibleState.Expanded,
} as const;

export function themeIcon(icon: PlainIcon): vscode.ThemeIcon {
  return new vscode.ThemeIcon(icon.id, icon.color ? new vscode.ThemeColor(icon.color) : undefined);
}

/** The tooltip with appendText only: what the engines named is never interpreted as Markdown. */
export function tooltipMarkdown(tooltip: PlainTooltip): vscode.MarkdownString {
  const md = new vscode.MarkdownString(undefined, false);
  md.isTrusted = false;
  md.supportHtml = false;
  if (tooltip.title !== undefined) {
    md.appendMarkdown('**').appendText(tooltip.title).appendMarkdown('**\n\n');
  }
  const bullets = tooltip.bullets ?? [];
  tooltip.paragraphs.forEach((p, i) => {
    md.appendText(i < tooltip.paragraphs.length - 1 || bullets.length > 0 ? `${p}\n\n` : p);
  });
  for (const b of bullets) {
    md.appendMarkdown('- ').appendText(b).appendMarkdown('\n');
  }
  return md;
}

/** A view's plain item (core/views) as VS Code shows it. */
export function toTreeItem(plain: PlainTreeItem): vscode.TreeItem {
  const item = new vscode.TreeItem(plain.label, COLLAPSIBLE[plain.collapsible]);
  item.id = plain.id;
  if (plain.description !== undefined) {
    item.description = plain.description;
  }
  if (plain.icon) {
    item.iconPath = themeIcon(plain.icon);
  }
  if (plain.tooltip) {
    item.tooltip = tooltipMarkdown(plain.tooltip);
  }
  if (plain.contextValue !== undefined) {
    item.contextValue = plain.contextValue;
  }
  if (plain.accessibilityLabel !== undefined) {
    item.accessibilityInformation = { label: plain.accessibilityLabel };
  }
  if (plain.command) {
    item.command = { ...plain.command, arguments: [...plain.command.arguments] };
  }
  return item;
}

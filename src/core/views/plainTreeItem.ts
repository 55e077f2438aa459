import type { Localizer } from '../l10n';

/**
 * A tree item as the views show it, without `vscode`: what decides each
 * item's content (label, description, tooltip, icon, menus, children) lives
 * here, unit-tested and measured by the bench; the providers only map it to
 * a vscode.TreeItem (editor/treeItems).
 */

export type Collapsible = 'none' | 'collapsed' | 'expanded';

/** A codicon and its theme colour (`charts.green`…). */
export interface PlainIcon {
  readonly id: string;
  readonly color?: string;
}

/**
 * A tooltip's text, never interpreted as Markdown: a bold title, paragraphs,
 * then a bullet list. Names, images and errors come from the engines.
 */
export interface PlainTooltip {
  readonly title?: string;
  readonly paragraphs: readonly string[];
  readonly bullets?: readonly string[];
}

export interface PlainCommand {
  readonly command: string;
  readonly title: string;
  readonly arguments: readonly unknown[];
}

export interface PlainTreeItem {
  readonly id: string;
  readonly label: string;
  readonly collapsible: Collapsible;
  readonly description?: string;
  readonly tooltip?: PlainTooltip;
  readonly icon?: PlainIcon;
  readonly contextValue?: string;
  readonly accessibilityLabel?: string;
  /** What a click runs (the "Show more" items). */
  readonly command?: PlainCommand;
}

/** The most children a parent shows at first, and what each "Show more" adds. */
export const PAGE_SIZE = 100;

/** The item after a parent's first children, while some are not shown. */
export interface MoreItem {
  readonly kind: 'more';
  /** The ID of the parent's item (Paging's key). */
  readonly parentId: string;
  readonly shown: number;
  readonly total: number;
  /** How many the next click adds. */
  readonly next: number;
}

/**
 * How many children each parent shows: PAGE_SIZE at first, a page more each
 * time its "Show more" item is clicked. Kept across refreshes, by parent ID.
 */
export class Paging {
  private readonly shownBy = new Map<string, number>();

  constructor(readonly pageSize: number = PAGE_SIZE) {}

  shown(parentId: string): number {
    return this.shownBy.get(parentId) ?? this.pageSize;
  }

  /**
   * The children shown under the parent, then a MoreItem when some are left.
   * `fixed`: how many entries the parent shows besides these (they count in
   * its page).
   */
  page<T>(parentId: string, children: readonly T[], fixed = 0): Array<T | MoreItem> {
    const shown = this.shown(parentId) - fixed;
    if (children.length <= shown) {
      return [...children];
    }
    return [
      ...children.slice(0, shown),
      {
        kind: 'more',
        parentId,
        shown,
        total: children.length,
        next: Math.min(children.length - shown, this.pageSize),
      },
    ];
  }

  showMore(parentId: string): void {
    this.shownBy.set(parentId, this.shown(parentId) + this.pageSize);
  }

  /** Shows pages until the child at `index` is among them (to reveal it). */
  showIndex(parentId: string, index: number): void {
    while (this.shown(parentId) <= index) {
      this.showMore(parentId);
    }
  }
}

/** "Show 100 more…", for a parent whose children go on. */
export function moreTreeItem(more: MoreItem, commandId: string, l10n: Localizer): PlainTreeItem {
  return {
    id: `${more.parentId}:more`,
    label: l10n.t('Show {0} more…', more.next),
    description: l10n.t('{0} of {1} shown', more.shown, more.total),
    collapsible: 'none',
    icon: { id: 'ellipsis' },
    contextValue: 'more',
    command: { command: commandId, title: l10n.t('Show more'), arguments: [more.parentId] },
  };
}

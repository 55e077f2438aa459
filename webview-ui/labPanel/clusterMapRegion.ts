import { enableCardKeys, swapClusterMap } from '../clusterMap/swap';
import { h } from './dom';

/**
 * The cluster map above the section: one <details> kept across the
 * section's renders, so that its unfolding, the focus on a card and the
 * open text version survive a new section or a new map. Absent until the
 * extension sent a map.
 */
export class ClusterMapRegion {
  private readonly summary = h('summary');
  /** tabindex -1: the focus lands here when the card it was on is gone. */
  private readonly body = h('div', { class: 'cluster-map-body', attrs: { tabindex: '-1' } });
  private readonly details: HTMLDetailsElement;
  private slot: HTMLElement | undefined;
  private shown = false;

  constructor(open: boolean, onToggle: (open: boolean) => void) {
    this.details = h(
      'details',
      { class: 'cluster-map-region', attrs: open ? { open: '' } : {} },
      this.summary,
      this.body,
    );
    this.details.addEventListener('toggle', () => onToggle(this.details.open));
    enableCardKeys(this.body);
  }

  get open(): boolean {
    return this.details.open;
  }

  /** The place for the map in a section just rendered, and its name in the panel's language. */
  mount(slot: HTMLElement, label: string): void {
    this.summary.textContent = label;
    this.slot = slot;
    if (this.shown) {
      slot.replaceChildren(this.details);
    }
  }

  /** A new map from the extension, swapped in where the old one was. */
  show(html: string): void {
    this.shown = true;
    swapClusterMap(this.body, html);
    if (this.slot && this.details.parentElement !== this.slot) {
      this.slot.replaceChildren(this.details);
    }
  }
}

/**
 * Showing a new cluster map in place of the old one: the fragment comes from
 * the extension (clusterMapHtml, every value escaped), and replaces the
 * container's content as a whole. What the reader was doing survives it:
 * the card that had the focus gets it back (cards keep their id across
 * renders), and the text version stays open if it was.
 */

const CARD = '.cm-node';

export function swapClusterMap(container: HTMLElement, html: string): void {
  const active = document.activeElement;
  const focusedCard = active instanceof HTMLElement && container.contains(active) ? active.closest(CARD) : null;
  const focusedId = focusedCard?.id;
  const textOpen = container.querySelector<HTMLDetailsElement>('details.cm-text')?.open ?? false;
  container.innerHTML = html;
  if (textOpen) {
    container.querySelector<HTMLDetailsElement>('details.cm-text')?.setAttribute('open', '');
  }
  if (focusedId) {
    // The node may be gone (left the swarm, machine removed): then the map itself keeps the focus.
    const card = document.getElementById(focusedId);
    (card && container.contains(card) ? card : container).focus({ preventScroll: true });
  }
}

/** Arrow keys, Home and End move between the cards (Tab moves through them too). */
export function enableCardKeys(container: HTMLElement): void {
  container.addEventListener('keydown', (e) => {
    const card = e.target instanceof HTMLElement && e.target.matches(CARD) ? e.target : undefined;
    if (!card || e.altKey || e.ctrlKey || e.metaKey) {
      return;
    }
    const cards = [...container.querySelectorAll<HTMLElement>(CARD)];
    const at = cards.indexOf(card);
    const next =
      e.key === 'ArrowDown' || e.key === 'ArrowRight'
        ? cards[at + 1]
        : e.key === 'ArrowUp' || e.key === 'ArrowLeft'
          ? cards[at - 1]
          : e.key === 'Home'
            ? cards[0]
            : e.key === 'End'
              ? cards.at(-1)
              : undefined;
    if (next) {
      e.preventDefault();
      next.focus();
    }
  });
}

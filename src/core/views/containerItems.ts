import { ContainerState, ContainerSummary, formatPort, shortId } from '../containers/containerSummary';
import type { Localizer } from '../l10n';
import { MoreItem, moreTreeItem, Paging, PlainIcon, PlainTreeItem } from './plainTreeItem';

/** Icon and colour per state: the same codicons the Docker extensions use. */
const STATE_ICONS: Record<ContainerState, PlainIcon> = {
  running: { id: 'vm-running', color: 'charts.green' },
  restarting: { id: 'sync~spin', color: 'charts.yellow' },
  paused: { id: 'debug-pause', color: 'charts.yellow' },
  created: { id: 'vm-outline' },
  removing: { id: 'trash' },
  exited: { id: 'vm-outline', color: 'disabledForeground' },
  dead: { id: 'error', color: 'charts.red' },
  unknown: { id: 'question' },
};

export function containerIcon(state: ContainerState): PlainIcon {
  return STATE_ICONS[state];
}

/** What an engine's item shows of its watcher (clients/docker's WatchState, as far as the view reads it). */
export type EngineState =
  { readonly kind: 'stopped' | 'connecting' | 'live' } | { readonly kind: 'unreachable'; readonly message: string };

/** An engine of the Containers view: this computer's, or a machine's. */
export interface EngineView {
  /** `local`, or the machine's ID. */
  readonly key: string;
  readonly label: string;
  readonly address: string;
  readonly state: EngineState;
  /** How many containers it has. */
  readonly size: number;
  /** Its containers, as the view lists them (running first, then by name). */
  list(): readonly ContainerSummary[];
}

export type ContainersNode =
  | { readonly kind: 'engine'; readonly key: string }
  | { readonly kind: 'container'; readonly engineKey: string; readonly container: ContainerSummary }
  | MoreItem;

/** The command a Containers view's "Show more" item runs. */
export const CONTAINERS_SHOW_MORE = 'swarmLab.containers.showMore';

export const engineItemId = (key: string): string => `engine:${key}`;

/** The engine's key back from its item's ID (a "Show more" item's parent). */
export const engineKeyOf = (itemId: string): string => itemId.slice(engineItemId('').length);

export function containerItem(c: ContainerSummary, engineKey: string, l10n: Localizer): PlainTreeItem {
  const paragraphs = [`${l10n.t('Image')}: ${c.image}`, `${l10n.t('State')}: ${c.state} (${c.status})`];
  if (c.health) {
    paragraphs.push(`${l10n.t('Health')}: ${c.health}`);
  }
  paragraphs.push(`${l10n.t('ID')}: ${shortId(c.id)}`);
  paragraphs.push(c.ports.length === 0 ? l10n.t('No ports published') : `${l10n.t('Ports')}:`);
  return {
    id: `container:${engineKey}:${c.id}`,
    label: c.name,
    collapsible: 'none',
    description: c.health ? `${c.image} · ${c.health}` : c.image,
    icon: c.health === 'unhealthy' ? { id: 'warning', color: 'charts.red' } : containerIcon(c.state),
    tooltip: { title: c.name, paragraphs, bullets: c.ports.map(formatPort) },
    // The state is part of contextValue so menus can match it with a regex.
    contextValue: `container.${c.state}`,
    accessibilityLabel: `${c.name}, ${c.image}, ${c.status}`,
  };
}

const ENGINE_ICONS: Record<EngineState['kind'], PlainIcon> = {
  live: { id: 'server-environment' },
  connecting: { id: 'loading~spin' },
  unreachable: { id: 'warning', color: 'charts.red' },
  stopped: { id: 'server-environment', color: 'disabledForeground' },
};

/** An engine's item: its name, where it is, how many containers, or why it cannot be reached. */
export function engineItem(host: EngineView, l10n: Localizer): PlainTreeItem {
  const state = host.state;
  const size = host.size;
  const status =
    state.kind === 'live'
      ? size === 1
        ? l10n.t('1 container')
        : l10n.t('{0} containers', size)
      : state.kind === 'unreachable'
        ? l10n.t('unreachable')
        : state.kind === 'connecting'
          ? l10n.t('connecting…')
          : state.kind;
  const description = [host.address, status].filter(Boolean).join(' · ');
  return {
    id: engineItemId(host.key),
    label: host.label,
    collapsible: 'expanded',
    description,
    icon: ENGINE_ICONS[state.kind],
    contextValue: `engine.${host.key === 'local' ? 'local' : 'machine'}.${state.kind}`,
    tooltip: { title: host.label, paragraphs: [state.kind === 'unreachable' ? state.message : description] },
  };
}

/** Any node's item; `hosts` finds an engine by key. */
export function containersNodeItem(
  node: ContainersNode,
  host: (key: string) => EngineView | undefined,
  l10n: Localizer,
): PlainTreeItem {
  switch (node.kind) {
    case 'container':
      return containerItem(node.container, node.engineKey, l10n);
    case 'more':
      return moreTreeItem(node, CONTAINERS_SHOW_MORE, l10n);
    case 'engine': {
      const h = host(node.key);
      return h ? engineItem(h, l10n) : { id: engineItemId(node.key), label: node.key, collapsible: 'none' };
    }
  }
}

/** An engine's containers, a page at a time. */
export function engineChildren(host: EngineView, paging: Paging): ContainersNode[] {
  if (host.state.kind !== 'live') {
    return [];
  }
  const nodes = host.list().map((container): ContainersNode => ({ kind: 'container', engineKey: host.key, container }));
  return paging.page(engineItemId(host.key), nodes);
}

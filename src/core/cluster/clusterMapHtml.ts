/**
 * The cluster map as an HTML fragment, for the map's own panel and for the
 * lab panel alike. Every value from the cluster or the machines is escaped;
 * no script, no style attribute (the panels' Content-Security-Policy allows
 * neither): the look comes from classes, styled with VS Code's theme
 * variables (webview-ui/clusterMap/clusterMap.css). Each node is a focusable
 * card with a stable id, so a page that swaps in a new fragment can put the
 * focus back on the card it was on. The text alternative closes it.
 */
import { english, Localizer } from '../l10n';
import type { PanelPage } from '../labPanel/panelHtml';
import { escapeHtml as e, webviewPage } from '../text/html';
import {
  clusterMapNodeLine,
  clusterMapText,
  describeImageState,
  describeMapNode,
  type ClusterMapModel,
  type ImageState,
  type MapNode,
  type MapTask,
} from './clusterMap';

export interface ClusterMapHtmlOptions {
  /** The map's own heading ("Cluster map"); left out where the page names the map already. */
  readonly title?: boolean;
  /** The level of the nodes' headings (the title's is one above). */
  readonly level?: 2 | 3 | 4;
}

const UP = new Set(['ready', 'running']);
const DOWN = new Set(['down', 'disconnected', 'unreachable', 'stopped']);
const TASK_STATES = new Set(['running', 'pending', 'assigned', 'preparing', 'starting', 'failed', 'rejected']);
const MARKS: Record<ImageState, string> = { present: '✓', missing: '✗', stale: '≠', unknown: '?' };

/** A card's id: the node's name made safe for an id (names repeat only across sources: numbered). */
function cardIds(nodes: readonly MapNode[]): string[] {
  const seen = new Map<string, number>();
  return nodes.map((n) => {
    const base = `cm-node-${n.name.replace(/[^A-Za-z0-9_-]/g, '_')}`;
    const count = (seen.get(base) ?? 0) + 1;
    seen.set(base, count);
    return count === 1 ? base : `${base}-${count}`;
  });
}

function nodeClasses(n: MapNode): string {
  return [
    'cm-node',
    n.inSwarm ? `cm-${n.role ?? 'member'}` : 'cm-outside',
    n.leader ? 'cm-leader' : '',
    UP.has(n.state) ? 'cm-up' : DOWN.has(n.state) ? 'cm-down' : 'cm-state-other',
    n.availability !== undefined && n.availability !== 'active' ? 'cm-unavailable' : '',
    n.holdsVip ? 'cm-vip' : '',
    n.runsRegistry ? 'cm-registry' : '',
  ]
    .filter((c) => c !== '')
    .join(' ');
}

/** A task: its name and state, and for one not running, why (the scheduler's or the task's error). */
function taskItem(t: MapTask, where?: string): string {
  const state = t.failed ? 'failed' : TASK_STATES.has(t.state) ? t.state : 'other';
  const reasons = [t.error !== undefined && t.state !== 'running' ? t.error : undefined, where];
  const why = reasons
    .filter((r): r is string => r !== undefined)
    .map((r) => ` <span class="cm-why">${e(r)}</span>`)
    .join('');
  return (
    `<li class="cm-task cm-task-${state}"><span class="cm-task-name">${e(t.name)}</span> ` +
    `<span class="cm-task-state">${e(t.state)}</span>${why}</li>`
  );
}

function nodeCard(n: MapNode, id: string, level: number, l10n: Localizer): string {
  const what = describeMapNode(n, l10n);
  const badges = [
    n.holdsVip ? `<span class="cm-badge cm-badge-vip">${e(l10n.t('virtual IP'))}</span>` : '',
    n.runsRegistry ? `<span class="cm-badge cm-badge-registry">${e(l10n.t('registry'))}</span>` : '',
  ].join('');
  const tasks = !n.inSwarm
    ? ''
    : n.tasks.length === 0
      ? `<p class="cm-empty">${e(l10n.t('no tasks'))}</p>`
      : `<ul class="cm-tasks" aria-label="${e(l10n.t('Tasks on {0}', n.name))}">${n.tasks.map((t) => taskItem(t)).join('')}</ul>`;
  const images =
    n.images.length === 0
      ? ''
      : `<ul class="cm-images" aria-label="${e(l10n.t('Images on {0}', n.name))}">` +
        n.images
          .map(
            (i) =>
              `<li class="cm-image cm-image-${i.state}" title="${e(i.image)}">` +
              `<span class="cm-mark" aria-hidden="true">${MARKS[i.state]}</span> ${e(i.name)} ` +
              `<span class="cm-image-state">${e(describeImageState(i.state, l10n))}</span></li>`,
          )
          .join('') +
        '</ul>';
  return (
    `<li class="cm-card"><section role="group" id="${id}" class="${nodeClasses(n)}" data-node="${e(n.name)}" ` +
    `tabindex="0" aria-label="${e(clusterMapNodeLine(n, l10n))}">` +
    `<h${level} class="cm-node-name">${e(n.name)}</h${level}>` +
    `<p class="cm-facts">${e(what)}${n.address ? ` · <span class="cm-address">${e(n.address)}</span>` : ''}</p>` +
    (badges ? `<p class="cm-badges">${badges}</p>` : '') +
    tasks +
    images +
    '</section></li>'
  );
}

function servicesTable(model: ClusterMapModel, l10n: Localizer): string {
  if (model.services.length === 0) {
    return '';
  }
  const head = [l10n.t('Service'), l10n.t('Stack'), l10n.t('Tasks'), l10n.t('Nodes'), l10n.t('Image')]
    .map((h) => `<th scope="col">${e(h)}</th>`)
    .join('');
  const rows = model.services.map((s) => {
    const converging = s.running !== s.desired ? ' class="cm-converging"' : '';
    return (
      `<tr${converging}><th scope="row">${e(s.name)}</th><td>${e(s.stack ?? '')}</td>` +
      `<td class="cm-count">${s.running}/${s.desired}${s.mode === 'global' ? ` ${e(l10n.t('global'))}` : ''}</td>` +
      `<td>${e(s.nodes.join(', '))}</td><td><code>${e(s.image)}</code></td></tr>`
    );
  });
  return (
    `<table class="cm-services"><caption>${e(l10n.t('Services'))}</caption>` +
    `<thead><tr>${head}</tr></thead><tbody>${rows.join('')}</tbody></table>`
  );
}

export function clusterMapHtml(
  model: ClusterMapModel,
  l10n: Localizer = english,
  options: ClusterMapHtmlOptions = {},
): string {
  const level = options.level ?? 2;
  const parts = ['<div class="cluster-map">'];
  if (options.title !== false) {
    parts.push(`<h${level - 1} class="cm-title">${e(l10n.t('Cluster map'))}</h${level - 1}>`);
  }
  const text = clusterMapText(model, l10n).split('\n');
  if (model.nodes.length === 0) {
    parts.push(`<p class="cm-empty">${e(text[0] ?? '')}</p></div>`);
    return parts.join('');
  }
  const ids = cardIds(model.nodes);
  parts.push(
    `<ul class="cm-nodes" aria-label="${e(l10n.t('Nodes'))}">`,
    ...model.nodes.map((n, i) => nodeCard(n, ids[i], level, l10n)),
    '</ul>',
  );
  if (model.unplaced.length > 0) {
    parts.push(
      `<section class="cm-unplaced"><h${level} class="cm-subtitle">${e(l10n.t('Not placed on any node'))}</h${level}>`,
      `<ul class="cm-tasks">${model.unplaced
        .map((t) =>
          taskItem(t, t.node !== undefined ? l10n.t('on {0}, a node the swarm no longer lists', t.node) : undefined),
        )
        .join('')}</ul></section>`,
    );
  }
  parts.push(
    servicesTable(model, l10n),
    `<details class="cm-text"><summary>${e(l10n.t('Text version'))}</summary>`,
    `<div class="cm-text-lines">${text.map((line) => `<p>${e(line)}</p>`).join('')}</div></details>`,
    '</div>',
  );
  return parts.join('');
}

/** What the map's own page needs around the fragment. */
export interface ClusterMapPage extends PanelPage {
  /** The map as clusterMapHtml renders it: the page shows it before its script runs. */
  readonly fragment: string;
}

export function clusterMapCsp(cspSource: string, nonce: string): string {
  return `default-src 'none'; style-src ${cspSource}; script-src 'nonce-${nonce}'`;
}

export function clusterMapPage(page: ClusterMapPage): string {
  return webviewPage({
    ...page,
    csp: clusterMapCsp(page.cspSource, page.nonce),
    // tabindex -1: the focus lands on the map when the card it was on is gone.
    body: `<main id="cluster-map" class="cm-page" tabindex="-1">${page.fragment}</main>`,
  });
}

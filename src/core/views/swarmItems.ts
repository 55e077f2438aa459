import {
  describeReplicas,
  SwarmNode,
  SwarmResource,
  SwarmResources,
  SwarmService,
  SwarmSnapshot,
  SwarmStack,
  SwarmTask,
} from '../cluster/swarmSnapshot';
import type { Localizer } from '../l10n';
import { MoreItem, moreTreeItem, Paging, PlainIcon, PlainTreeItem } from './plainTreeItem';

export type ResourceGroup = 'networks' | 'configs' | 'secrets';

export type SwarmItem =
  | { readonly kind: 'nodes'; readonly nodes: readonly SwarmNode[] }
  | { readonly kind: 'node'; readonly node: SwarmNode }
  | { readonly kind: 'stack'; readonly stack: SwarmStack }
  | { readonly kind: 'service'; readonly service: SwarmService }
  | { readonly kind: 'task'; readonly service: SwarmService; readonly task: SwarmTask }
  | { readonly kind: 'resources'; readonly resources: SwarmResources }
  | { readonly kind: 'resourceGroup'; readonly group: ResourceGroup; readonly items: readonly SwarmResource[] }
  | { readonly kind: 'resource'; readonly group: ResourceGroup; readonly resource: SwarmResource }
  | MoreItem;

/** The command a Swarm view's "Show more" item runs. */
export const SWARM_SHOW_MORE = 'swarmLab.swarm.showMore';

/** The paging key of the view's root (its stacks and stackless services). */
export const SWARM_ROOT_ID = 'swarm:root';

const RESOURCE_ICONS: Record<ResourceGroup, string> = { networks: 'type-hierarchy', configs: 'file', secrets: 'key' };

const TASK_ICONS: Record<string, PlainIcon> = {
  running: { id: 'pass-filled', color: 'charts.green' },
  failed: { id: 'error', color: 'charts.red' },
  rejected: { id: 'error', color: 'charts.red' },
  shutdown: { id: 'circle-slash', color: 'disabledForeground' },
  complete: { id: 'pass' },
};

export function taskName(service: SwarmService, task: SwarmTask): string {
  return service.mode === 'global' ? `${service.name}.${task.nodeName ?? '?'}` : `${service.name}.${task.slot ?? '?'}`;
}

const stackId = (stack: SwarmStack): string => `swarm:stack:${stack.name}`;
const serviceId = (service: SwarmService): string => `swarm:service:${service.id}`;
const groupId = (group: ResourceGroup): string => `swarm:resources:${group}`;

/**
 * The Swarm view's children: its nodes, then stacks → services → tasks, and
 * the swarm's networks, configs and secrets; at most a page under a parent,
 * then a "Show more" item (Paging).
 */
export function swarmChildren(s: SwarmSnapshot, item: SwarmItem | undefined, paging: Paging): SwarmItem[] {
  if (!item) {
    const middle = [
      ...s.stacks.map((stack): SwarmItem => ({ kind: 'stack', stack })),
      ...s.services.map((service): SwarmItem => ({ kind: 'service', service })),
    ];
    return [
      { kind: 'nodes', nodes: s.nodes },
      // Nodes and the resources count in the root's page, so that it shows a page and one "Show more" at most.
      ...paging.page(SWARM_ROOT_ID, middle, 2),
      { kind: 'resources', resources: s.resources },
    ];
  }
  switch (item.kind) {
    case 'nodes':
      return paging.page(
        'swarm:nodes',
        item.nodes.map((node): SwarmItem => ({ kind: 'node', node })),
      );
    case 'stack':
      return paging.page(
        stackId(item.stack),
        item.stack.services.map((service): SwarmItem => ({ kind: 'service', service })),
      );
    case 'service':
      return paging.page(
        serviceId(item.service),
        item.service.tasks.map((task): SwarmItem => ({ kind: 'task', service: item.service, task })),
      );
    case 'resources':
      return (['networks', 'configs', 'secrets'] as const).map((group) => ({
        kind: 'resourceGroup',
        group,
        items: item.resources[group],
      }));
    case 'resourceGroup':
      return paging.page(
        groupId(item.group),
        item.items.map((resource): SwarmItem => ({ kind: 'resource', group: item.group, resource })),
      );
    default:
      return [];
  }
}

function nodeItem(n: SwarmNode, l10n: Localizer): PlainTreeItem {
  const role = n.leader ? `${n.role} (leader)` : n.role;
  const labels = Object.entries(n.labels);
  return {
    id: `swarm:node:${n.id}`,
    label: n.hostname,
    collapsible: 'none',
    description: [role, n.availability, n.state, n.engineVersion].join(' · '),
    icon: { id: 'server', color: n.state === 'ready' ? 'charts.green' : 'charts.red' },
    contextValue: `swarmNode.${n.role}.${n.availability}`,
    tooltip: {
      title: n.hostname,
      paragraphs: [
        `${n.address} · ${n.id.slice(0, 12)}`,
        labels.length > 0
          ? `${l10n.t('Labels')}: ${labels.map(([k, v]) => `${k}=${v}`).join(', ')}`
          : l10n.t('No labels'),
      ],
    },
  };
}

function taskItem(service: SwarmService, task: SwarmTask, l10n: Localizer): PlainTreeItem {
  const name = taskName(service, task);
  const target = task.desiredState !== task.state ? ` → ${task.desiredState}` : '';
  return {
    id: `swarm:task:${task.id}`,
    label: name,
    collapsible: 'none',
    description: `${task.nodeName ?? l10n.t('not placed')} · ${task.state}${target}`,
    icon: TASK_ICONS[task.state] ?? { id: 'loading~spin' },
    tooltip: { paragraphs: [`${name} · ${task.id.slice(0, 12)}`, ...(task.error ? [task.error] : [])] },
    // `withContainer`: the task has a container to reveal (it was placed and started).
    contextValue: `swarmTask.${task.state}${task.containerId ? '.withContainer' : ''}`,
  };
}

export function swarmTreeItem(item: SwarmItem, l10n: Localizer): PlainTreeItem {
  switch (item.kind) {
    case 'nodes':
      return {
        id: 'swarm:nodes',
        label: l10n.t('Nodes'),
        collapsible: 'collapsed',
        description: String(item.nodes.length),
        icon: { id: 'server-environment' },
      };
    case 'node':
      return nodeItem(item.node, l10n);
    case 'stack':
      return {
        id: stackId(item.stack),
        label: item.stack.name,
        collapsible: 'expanded',
        description: l10n.t('{0} services', item.stack.services.length),
        icon: { id: 'layers' },
        contextValue: 'swarmStack',
      };
    case 'service': {
      const s = item.service;
      return {
        id: serviceId(s),
        label: s.name,
        collapsible: 'collapsed',
        description: `${describeReplicas(s)} · ${s.image}`,
        icon: { id: 'symbol-class', color: s.running === s.desired ? 'charts.green' : 'charts.yellow' },
        contextValue: `swarmService.${s.mode}`,
      };
    }
    case 'task':
      return taskItem(item.service, item.task, l10n);
    case 'resources': {
      const r = item.resources;
      return {
        id: 'swarm:resources',
        label: l10n.t('Networks, configs and secrets'),
        collapsible: 'collapsed',
        description: `${r.networks.length} · ${r.configs.length} · ${r.secrets.length}`,
        icon: { id: 'library' },
      };
    }
    case 'resourceGroup': {
      const labels: Record<ResourceGroup, string> = {
        networks: l10n.t('Networks'),
        configs: l10n.t('Configs'),
        secrets: l10n.t('Secrets'),
      };
      return {
        id: groupId(item.group),
        label: labels[item.group],
        collapsible: item.items.length > 0 ? 'collapsed' : 'none',
        description: String(item.items.length),
        icon: { id: RESOURCE_ICONS[item.group] },
      };
    }
    case 'resource': {
      const r = item.resource;
      return {
        id: `swarm:${item.group}:${r.id}`,
        label: r.name,
        collapsible: 'none',
        description: [r.detail, r.stack].filter(Boolean).join(' · '),
        icon: { id: RESOURCE_ICONS[item.group] },
        contextValue: `swarmResource.${item.group}`,
      };
    }
    case 'more':
      return moreTreeItem(item, SWARM_SHOW_MORE, l10n);
  }
}

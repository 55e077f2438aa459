import * as vscode from 'vscode';
import { refresh } from '../../editor/refresh';
import {
  describeReplicas,
  SwarmNode,
  SwarmResource,
  SwarmResources,
  SwarmService,
  SwarmStack,
  SwarmTask,
} from '../../core/cluster/swarmSnapshot';
import { Disposable } from '../../platform/disposable';
import { SwarmService as SwarmServiceModel } from '../../model/swarm/swarmService';

export type SwarmItem =
  | { readonly kind: 'nodes'; readonly nodes: readonly SwarmNode[] }
  | { readonly kind: 'node'; readonly node: SwarmNode }
  | { readonly kind: 'stack'; readonly stack: SwarmStack }
  | { readonly kind: 'service'; readonly service: SwarmService }
  | { readonly kind: 'task'; readonly service: SwarmService; readonly task: SwarmTask }
  | { readonly kind: 'resources'; readonly resources: SwarmResources }
  | { readonly kind: 'resourceGroup'; readonly group: ResourceGroup; readonly items: readonly SwarmResource[] }
  | { readonly kind: 'resource'; readonly group: ResourceGroup; readonly resource: SwarmResource };

type ResourceGroup = 'networks' | 'configs' | 'secrets';

const RESOURCE_ICONS: Record<ResourceGroup, string> = { networks: 'type-hierarchy', configs: 'file', secrets: 'key' };

const TASK_ICONS: Record<string, [string, string | undefined]> = {
  running: ['pass-filled', 'charts.green'],
  failed: ['error', 'charts.red'],
  rejected: ['error', 'charts.red'],
  shutdown: ['circle-slash', 'disabledForeground'],
  complete: ['pass', undefined],
};

function taskName(service: SwarmService, task: SwarmTask): string {
  return service.mode === 'global' ? `${service.name}.${task.nodeName ?? '?'}` : `${service.name}.${task.slot ?? '?'}`;
}

/**
 * The Swarm view: its nodes, then stacks → services → tasks, each task with
 * the node it runs on. It renders SwarmService's snapshot, which follows the
 * swarm's event stream; it never polls.
 */
export class SwarmTreeProvider extends Disposable implements vscode.TreeDataProvider<SwarmItem> {
  private readonly changed = this._register(new vscode.EventEmitter<SwarmItem | undefined>());
  readonly onDidChangeTreeData = this.changed.event;
  private view: vscode.TreeView<SwarmItem> | undefined;

  constructor(private readonly swarm: SwarmServiceModel) {
    super();
    this._register(
      swarm.onDidChange(() => {
        if (this.view) {
          this.view.message = swarm.error;
        }
        this.changed.fire(undefined);
      }),
    );
  }

  attach(view: vscode.TreeView<SwarmItem>): void {
    this.view = view;
  }

  getChildren(item?: SwarmItem): SwarmItem[] {
    // The first look reads the machines (and so the swarm their managers are in): editor/refresh.
    refresh().viewShown('swarm');
    const s = this.swarm.snapshot;
    if (!s) {
      return [];
    }
    if (!item) {
      return [
        { kind: 'nodes', nodes: s.nodes },
        ...s.stacks.map((stack): SwarmItem => ({ kind: 'stack', stack })),
        ...s.services.map((service): SwarmItem => ({ kind: 'service', service })),
        { kind: 'resources', resources: s.resources },
      ];
    }
    switch (item.kind) {
      case 'nodes':
        return item.nodes.map((node) => ({ kind: 'node', node }));
      case 'stack':
        return item.stack.services.map((service) => ({ kind: 'service', service }));
      case 'service':
        return item.service.tasks.map((task) => ({ kind: 'task', service: item.service, task }));
      case 'resources':
        return (['networks', 'configs', 'secrets'] as const).map((group) => ({
          kind: 'resourceGroup',
          group,
          items: item.resources[group],
        }));
      case 'resourceGroup':
        return item.items.map((resource) => ({ kind: 'resource', group: item.group, resource }));
      default:
        return [];
    }
  }

  getTreeItem(item: SwarmItem): vscode.TreeItem {
    const { Collapsed, Expanded, None } = vscode.TreeItemCollapsibleState;
    switch (item.kind) {
      case 'nodes': {
        const t = new vscode.TreeItem(vscode.l10n.t('Nodes'), Collapsed);
        t.id = 'swarm:nodes';
        t.description = String(item.nodes.length);
        t.iconPath = new vscode.ThemeIcon('server-environment');
        return t;
      }
      case 'node': {
        const n = item.node;
        const t = new vscode.TreeItem(n.hostname, None);
        t.id = `swarm:node:${n.id}`;
        const role = n.leader ? `${n.role} (leader)` : n.role;
        t.description = [role, n.availability, n.state, n.engineVersion].join(' · ');
        t.iconPath = new vscode.ThemeIcon(
          'server',
          new vscode.ThemeColor(n.state === 'ready' ? 'charts.green' : 'charts.red'),
        );
        t.contextValue = `swarmNode.${n.role}.${n.availability}`;
        const tooltip = new vscode.MarkdownString(undefined, false);
        tooltip.isTrusted = false;
        tooltip.appendMarkdown('**').appendText(n.hostname).appendMarkdown('**\n\n');
        tooltip.appendText(`${n.address} · ${n.id.slice(0, 12)}\n\n`);
        const labels = Object.entries(n.labels);
        tooltip.appendText(
          labels.length > 0
            ? `${vscode.l10n.t('Labels')}: ${labels.map(([k, v]) => `${k}=${v}`).join(', ')}`
            : vscode.l10n.t('No labels'),
        );
        t.tooltip = tooltip;
        return t;
      }
      case 'stack': {
        const t = new vscode.TreeItem(item.stack.name, Expanded);
        t.id = `swarm:stack:${item.stack.name}`;
        t.description = vscode.l10n.t('{0} services', item.stack.services.length);
        t.iconPath = new vscode.ThemeIcon('layers');
        t.contextValue = 'swarmStack';
        return t;
      }
      case 'service': {
        const s = item.service;
        const t = new vscode.TreeItem(s.name, Collapsed);
        t.id = `swarm:service:${s.id}`;
        t.description = `${describeReplicas(s)} · ${s.image}`;
        t.iconPath = new vscode.ThemeIcon(
          'symbol-class',
          new vscode.ThemeColor(s.running === s.desired ? 'charts.green' : 'charts.yellow'),
        );
        t.contextValue = `swarmService.${s.mode}`;
        return t;
      }
      case 'task': {
        const { service, task } = item;
        const t = new vscode.TreeItem(taskName(service, task), None);
        t.id = `swarm:task:${task.id}`;
        const target = task.desiredState !== task.state ? ` → ${task.desiredState}` : '';
        t.description = `${task.nodeName ?? vscode.l10n.t('not placed')} · ${task.state}${target}`;
        const [icon, color] = TASK_ICONS[task.state] ?? ['loading~spin', undefined];
        t.iconPath = new vscode.ThemeIcon(icon, color ? new vscode.ThemeColor(color) : undefined);
        const tooltip = new vscode.MarkdownString(undefined, false);
        tooltip.isTrusted = false;
        tooltip.appendText(`${taskName(service, task)} · ${task.id.slice(0, 12)}\n\n`);
        if (task.error) {
          tooltip.appendText(task.error);
        }
        t.tooltip = tooltip;
        // `withContainer`: the task has a container to reveal (it was placed and started).
        t.contextValue = `swarmTask.${task.state}${task.containerId ? '.withContainer' : ''}`;
        return t;
      }
      case 'resources': {
        const t = new vscode.TreeItem(vscode.l10n.t('Networks, configs and secrets'), Collapsed);
        t.id = 'swarm:resources';
        const r = item.resources;
        t.description = `${r.networks.length} · ${r.configs.length} · ${r.secrets.length}`;
        t.iconPath = new vscode.ThemeIcon('library');
        return t;
      }
      case 'resourceGroup': {
        const labels: Record<ResourceGroup, string> = {
          networks: vscode.l10n.t('Networks'),
          configs: vscode.l10n.t('Configs'),
          secrets: vscode.l10n.t('Secrets'),
        };
        const t = new vscode.TreeItem(labels[item.group], item.items.length > 0 ? Collapsed : None);
        t.id = `swarm:resources:${item.group}`;
        t.description = String(item.items.length);
        t.iconPath = new vscode.ThemeIcon(RESOURCE_ICONS[item.group]);
        return t;
      }
      case 'resource': {
        const r = item.resource;
        const t = new vscode.TreeItem(r.name, None);
        t.id = `swarm:${item.group}:${r.id}`;
        t.description = [r.detail, r.stack].filter(Boolean).join(' · ');
        t.iconPath = new vscode.ThemeIcon(RESOURCE_ICONS[item.group]);
        t.contextValue = `swarmResource.${item.group}`;
        return t;
      }
    }
  }
}

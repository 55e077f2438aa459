/**
 * The activation entry: what VS Code loads first, kept small so that
 * activation costs little. It registers every contributed command, the
 * three views and the serializers of the lab panel and of the cluster map
 * with stand-ins, and loads the features (features.ts, a bundle of its own:
 * the services, the views' providers, the commands) the first time one of
 * them is used, or at once when a YAML file is open (the compose lenses are
 * wanted there).
 */
import * as vscode from 'vscode';
import { LazyTreeDataProvider } from './activation/lazyTreeDataProvider';
import { CLUSTER_MAP_VIEW_TYPE } from './core/cluster/clusterMapProtocol';
import { LAB_PANEL_VIEW_TYPE } from './core/labPanel/protocol';
import type { Features, SwarmLabApi } from './features';

export type { SwarmLabApi } from './features';

/** What `activate` returns to other extensions and to the tests: the features, loaded on demand. */
export interface SwarmLabEntry {
  features(): Promise<SwarmLabApi>;
  /** Whether the features are loaded (or loading): activation alone does not load them. */
  readonly featuresLoaded: boolean;
}

/** Documents whose lenses and diagnostics the features provide. */
const COMPOSE_LANGUAGES: ReadonlySet<string> = new Set(['yaml', 'dockercompose']);

export function activate(context: vscode.ExtensionContext): SwarmLabEntry {
  const log = vscode.window.createOutputChannel('Swarm Lab', { log: true });
  context.subscriptions.push(log);

  let loading: Promise<Features> | undefined;
  const features = (): Promise<Features> => (loading ??= load());
  const trees = {
    machines: new LazyTreeDataProvider<unknown>(async () => (await features()).api.machinesTree),
    swarm: new LazyTreeDataProvider<unknown>(async () => (await features()).api.swarmTree),
    containers: new LazyTreeDataProvider<unknown>(async () => (await features()).api.containersTree),
  };
  const views = {
    machines: vscode.window.createTreeView('swarmLab.machines', { treeDataProvider: trees.machines }),
    swarm: vscode.window.createTreeView('swarmLab.swarm', { treeDataProvider: trees.swarm, showCollapseAll: true }),
    containers: vscode.window.createTreeView('swarmLab.containers', {
      treeDataProvider: trees.containers,
      showCollapseAll: true,
    }),
  };
  context.subscriptions.push(...Object.values(trees), ...Object.values(views));

  const contributed = (
    (context.extension.packageJSON as { contributes?: { commands?: { command: string }[] } }).contributes?.commands ??
    []
  ).map((c) => c.command);
  const registered = new Set(contributed);

  async function load(): Promise<Features> {
    const started = performance.now();
    const { startFeatures } = await import('./features').catch((error: unknown) => {
      log.error('Swarm Lab could not load its features', error);
      throw error;
    });
    const loaded = startFeatures(context, log, views, registered);
    trees.machines.adopt(loaded.api.machinesTree);
    trees.swarm.adopt(loaded.api.swarmTree);
    trees.containers.adopt(loaded.api.containersTree);
    log.info(`features loaded in ${Math.round(performance.now() - started)} ms`);
    return loaded;
  }

  for (const id of registered) {
    context.subscriptions.push(
      vscode.commands.registerCommand(id, async (...args: unknown[]) => (await features()).run(id, args)),
    );
  }
  context.subscriptions.push(
    vscode.window.registerWebviewPanelSerializer(LAB_PANEL_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel, state) =>
        (await features()).api.labPanels.deserializeWebviewPanel(panel, state),
    }),
    vscode.window.registerWebviewPanelSerializer(CLUSTER_MAP_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel) => (await features()).api.clusterMap.deserializeWebviewPanel(panel),
    }),
  );

  // The lenses are wanted as soon as a YAML file is open; otherwise, on the first one opened.
  if (vscode.workspace.textDocuments.some((d) => COMPOSE_LANGUAGES.has(d.languageId))) {
    void features();
  } else {
    const opened = vscode.workspace.onDidOpenTextDocument((d) => {
      if (COMPOSE_LANGUAGES.has(d.languageId)) {
        opened.dispose();
        void features();
      }
    });
    context.subscriptions.push(opened);
  }
  return {
    features: async () => (await features()).api,
    get featuresLoaded() {
      return loading !== undefined;
    },
  };
}

export function deactivate(): void {
  // Everything is released through context.subscriptions.
}

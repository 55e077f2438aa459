/**
 * The cluster map's messages, shared by the extension and the pages that
 * show the map (its own panel, and the lab panel, whose protocol includes
 * ClusterMapMessage). The page swaps the fragment in as HTML: the message is
 * checked field by field before it is, even though the extension sends it.
 * No Node or VS Code import here (it is bundled for the browser too).
 */

/** The map's own panel's viewType (its serializer and `onWebviewPanel:` activation event name it). */
export const CLUSTER_MAP_VIEW_TYPE = 'swarmLab.clusterMap';

/** Extension → page: the map again, as clusterMapHtml renders it, and its text alternative. */
export interface ClusterMapMessage {
  readonly type: 'clusterMap';
  readonly html: string;
  readonly text: string;
}

/** The map's own page → extension: its script runs and wants the map as it is now. */
export type ClusterMapPageMessage = { readonly type: 'ready' };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isClusterMapMessage(value: unknown): value is ClusterMapMessage {
  return (
    isRecord(value) &&
    value['type'] === 'clusterMap' &&
    typeof value['html'] === 'string' &&
    typeof value['text'] === 'string'
  );
}

/** A message from the map's page; undefined when it is not one the panel knows. */
export function parseClusterMapPageMessage(value: unknown): ClusterMapPageMessage | undefined {
  return isRecord(value) && value['type'] === 'ready' ? { type: 'ready' } : undefined;
}

import type { ClusterMapPanels } from '../clusterMap/clusterMapPanel';
import { Command } from '../../../editor/command';

export function showClusterMapCommand(maps: ClusterMapPanels): Command {
  return { id: 'swarmLab.clusterMap.show', execute: () => void maps.show() };
}

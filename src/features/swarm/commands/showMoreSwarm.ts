import type { SwarmTreeProvider } from '../swarmTreeProvider';
import { Command } from '../../../editor/command';

/** A Swarm view's "Show more" item: the next page of its parent (the argument is the parent item's ID). */
export function showMoreSwarmCommand(tree: SwarmTreeProvider): Command {
  return {
    id: 'swarmLab.swarm.showMore',
    execute(parentId: unknown) {
      if (typeof parentId === 'string') {
        tree.showMore(parentId);
      }
    },
  };
}

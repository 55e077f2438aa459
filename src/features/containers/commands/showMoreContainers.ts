import type { ContainersTreeProvider } from '../containersTreeProvider';
import { Command } from '../../../editor/command';

/** The "Show more" item under an engine: its next page of containers (the argument is the engine item's ID). */
export function showMoreContainersCommand(tree: ContainersTreeProvider): Command {
  return {
    id: 'swarmLab.containers.showMore',
    execute(parentId: unknown) {
      if (typeof parentId === 'string') {
        tree.showMore(parentId);
      }
    },
  };
}
